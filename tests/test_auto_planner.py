"""The auto planner: offline when confident, the LLM otherwise, the offline plan as a fallback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import taskbench_tool

from hugginggpt_tools.errors import ConfigError, PlanError
from hugginggpt_tools.pipeline import HuggingGPT
from hugginggpt_tools.planning import AutoPlanner, OfflinePlanner, Planner
from hugginggpt_tools.schemas import Ref
from hugginggpt_tools.testing import scripted_chat_model
from hugginggpt_tools.toolgraph import ToolGraph

SUMMARY = [{"task": "summarization", "id": 0, "dep": [-1], "args": {"text": "The quarterly report."}}]


def fake(*replies: object) -> Any:
    """A scripted chat model; replies that are not strings are sent as JSON."""
    return scripted_chat_model([r if isinstance(r, str) else json.dumps(r) for r in replies])


def auto(llm: Any, threshold: float = 0.75) -> AutoPlanner:
    return AutoPlanner(llm, threshold, offline=OfflinePlanner(matcher=False))


def test_a_confident_offline_plan_needs_no_llm_call() -> None:
    llm = fake(SUMMARY)
    planner = auto(llm)
    plan = planner.plan("Transcribe standup.wav and then summarize it")
    assert isinstance(planner, Planner) and planner.name == "auto"
    assert [t.task for t in plan.tasks] == ["automatic-speech-recognition", "summarization"]
    assert plan.planner == "offline" and plan.confidence >= 0.75
    assert planner.offline_count == 1 and planner.llm_count == 0 and planner.llm_planner.calls == 0
    assert any("no LLM call" in n for n in plan.notes)


def test_an_unsure_offline_plan_goes_to_the_llm() -> None:
    llm = fake(SUMMARY)
    planner = auto(llm)
    plan = planner.plan("Hmm, the quarterly report, what do you make of it")
    assert [t.task for t in plan.tasks] == ["summarization"] and plan.planner.startswith("llm:")
    assert planner.llm_count == 1 and planner.llm_planner.calls == 1
    assert any("asked the LLM" in n for n in plan.notes)


async def test_aplan_routes_the_same_way() -> None:
    planner = auto(fake(SUMMARY))
    confident = await planner.aplan("Transcribe standup.wav and then summarize it")
    assert confident.tasks[1].args == {"text": Ref(task_id=0)} and planner.llm_planner.calls == 0
    unsure = await planner.aplan("Something about the quarterly report")
    assert unsure.planner.startswith("llm:") and planner.llm_planner.calls == 1


def test_the_readmes_example_requests_stay_offline() -> None:
    """A task a strong cue names ("aloud") is as sure as the cue, even where the node model, trained
    on other phrasings, doubts it: auto mode keeps these plans offline."""
    import sys
    from pathlib import Path

    from hugginggpt_tools.planning.auto import DEFAULT_THRESHOLD, keeps_offline

    examples = Path(__file__).resolve().parents[1] / "examples"
    sys.path.insert(0, str(examples))
    try:
        from run_examples import EXAMPLES
    finally:
        sys.path.remove(str(examples))
    planner = OfflinePlanner()
    for example in EXAMPLES:
        plan = planner.plan(example.request, files=[str(examples / f) for f in example.files])
        assert keeps_offline(plan, DEFAULT_THRESHOLD), (example.request, plan.confidence)


def test_the_threshold_decides_which_offline_plans_are_kept() -> None:
    weak = "How many dogs are in park.png?"
    assert 0 < OfflinePlanner(matcher=False).plan(weak).confidence < 0.75
    strict = auto(fake(SUMMARY), threshold=0.75)
    strict.plan(weak)
    assert strict.llm_count == 1
    lenient = auto(fake(SUMMARY), threshold=0.5)
    lenient.plan(weak)
    assert lenient.llm_count == 0
    sure = "Detect the objects in street.jpg"
    confidence = OfflinePlanner(matcher=False).plan(sure).confidence
    assert confidence is not None and confidence > 0.9
    at_its_confidence = auto(fake(SUMMARY), threshold=confidence)  # a plan at the threshold is kept
    at_its_confidence.plan(sure)
    assert at_its_confidence.llm_count == 0


def test_an_invalid_llm_plan_falls_back_to_the_offline_plan() -> None:
    planner = auto(fake("no idea", "still no idea"))
    plan = planner.plan("How many dogs are in park.png?")
    assert [t.task for t in plan.tasks] == ["visual-question-answering"] and plan.planner == "offline"
    assert any("kept the offline plan" in n for n in plan.notes)


def test_an_invalid_llm_plan_without_an_offline_plan_raises() -> None:
    planner = auto(fake("no idea", "still no idea"))
    with pytest.raises(PlanError):
        planner.plan("What do you make of it")


def test_the_llm_plan_is_conformed_to_the_tool_graph() -> None:
    graph = ToolGraph.from_taskbench({"nodes": [taskbench_tool("Object Detection", ["image"], ["text"], desc=""),
                                                taskbench_tool("Depth Estimation", ["image"], ["image"], desc="")]})
    llm = fake([{"task": "Object Detection", "id": 0, "dep": [-1], "args": {"image": "a.jpg"}},
                {"task": "Depth Estimation", "id": 1, "dep": [0], "args": {"image": "<resource>-0"}}])
    planner = AutoPlanner(llm, 1.0, tools=graph, offline=OfflinePlanner(graph, matcher=False))
    plan = planner.plan("Look at a.jpg", files=["a.jpg"])
    assert plan.tasks[1].args == {"image": "a.jpg"}


def test_bad_settings_are_reported() -> None:
    with pytest.raises(ConfigError, match="between 0 and 1"):
        AutoPlanner(fake(), 1.5)
    with pytest.raises(ConfigError, match="needs an llm"):
        AutoPlanner(None)
    with pytest.raises(ConfigError, match="planner='auto' needs an llm"):
        HuggingGPT(planner="auto")
    assert isinstance(HuggingGPT(fake(), planner="auto").planner, AutoPlanner)


def test_keeps_offline_needs_tasks_and_the_threshold() -> None:
    from hugginggpt_tools.planning.auto import keeps_offline
    from hugginggpt_tools.schemas import Plan, Task

    task = [Task(id=0, task="summarization", args={"text": "x"})]
    assert keeps_offline(Plan(tasks=task, confidence=0.75)) and not keeps_offline(Plan(tasks=task, confidence=0.74))
    assert not keeps_offline(Plan(tasks=[], confidence=1.0), threshold=0.0)  # an empty plan always asks the LLM
    assert keeps_offline(Plan(tasks=task, confidence=0.3), threshold=0.3)
