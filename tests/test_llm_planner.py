"""The LLM planner over LangChain's fake chat models (no network, deterministic)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import RecordingChat
from helpers import recording_chat as chat
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from hugginggpt_tools.errors import ConfigError, PlanError, PlanParseError, UnknownTaskError
from hugginggpt_tools.planning import LLMPlanner, Planner
from hugginggpt_tools.planning.llm import TaskList, load_demos, task_specs
from hugginggpt_tools.schemas import Ref
from hugginggpt_tools.tasks import TASK_TYPES

OCR_TTS = [
    {"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "menu.png"}},
    {"task": "text-to-speech", "id": 1, "dep": [0], "args": {"text": "<resource>-0"}},
]


class ToolCallingChat(RecordingChat):
    """A fake that accepts tools, so LangChain's default ``with_structured_output`` works on it."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> "ToolCallingChat":
        return self


def tool_reply(tasks: list[dict[str, Any]]) -> AIMessage:
    return AIMessage("", tool_calls=[{"name": "TaskList", "args": {"tasks": tasks}, "id": "call-1"}])


def prompt_text(messages: list[BaseMessage]) -> str:
    return "\n".join(m.text for m in messages)


def test_is_a_planner() -> None:
    assert isinstance(LLMPlanner(chat("[]")), Planner)


def test_plans_from_a_fenced_text_answer() -> None:
    llm = chat(f"Here you go:\n```json\n{json.dumps(OCR_TTS)}\n```")
    planner = LLMPlanner(llm)
    plan = planner.plan("Read the menu in menu.png aloud", files=["menu.png"])
    assert [t.task for t in plan.tasks] == ["image-to-text", "text-to-speech"]
    assert plan.tasks[1].args["text"] == Ref(task_id=0)
    assert plan.tasks[1].dep == [0]
    assert plan.planner == "llm:fake-messages-list-chat-model"
    assert planner.calls == planner.last_call_count == 1
    assert not planner.structured


def test_empty_plan_for_chit_chat() -> None:
    plan = LLMPlanner(chat("[]")).plan("thanks, bye!")
    assert plan.tasks == []


def test_recovers_from_a_malformed_answer_with_exactly_two_calls() -> None:
    llm = chat("Sure, first I will read the image and then speak it.", json.dumps(OCR_TTS))
    planner = LLMPlanner(llm)
    plan = planner.plan("Read menu.png aloud", files=["menu.png"])
    assert [t.task for t in plan.tasks] == ["image-to-text", "text-to-speech"]
    assert planner.calls == 2 and planner.last_call_count == 2
    first, second = llm.prompts
    assert second[: len(first)] == first
    assert second[-2] == AIMessage("Sure, first I will read the image and then speak it.")
    correction = second[-1].text
    assert isinstance(second[-1], HumanMessage)
    assert "Could not read a task list" in correction
    assert '"task": "image-to-text"' in correction


def test_validation_problems_are_sent_back() -> None:
    bad = [{"task": "picture-reading", "id": 0, "dep": [-1], "args": {"image": "menu.png"}}]
    llm = chat(json.dumps(bad), json.dumps(OCR_TTS))
    planner = LLMPlanner(llm)
    plan = planner.plan("Read menu.png aloud", files=["menu.png"])
    assert len(plan.tasks) == 2 and planner.calls == 2
    correction = llm.prompts[1][-1].text
    assert "picture-reading" in correction
    assert "image-to-text" in correction


def test_two_malformed_answers_raise_with_the_answer_quoted() -> None:
    llm = chat("no idea", "still no idea " + "x" * 500)
    planner = LLMPlanner(llm)
    with pytest.raises(PlanParseError) as info:
        planner.plan("Read menu.png aloud")
    assert planner.calls == 2
    message = str(info.value)
    assert "still no idea" in message and "..." in message
    assert info.value.problems


def test_two_invalid_plans_raise_the_specific_error() -> None:
    bad = json.dumps([{"task": "picture-reading", "id": 0, "dep": [-1], "args": {"image": "a.png"}}])
    planner = LLMPlanner(chat(bad, bad))
    with pytest.raises(UnknownTaskError) as info:
        planner.plan("Read a.png")
    assert "picture-reading" in str(info.value)
    assert "The planner's last answer was" in str(info.value)


def test_no_reask_when_max_reasks_is_zero() -> None:
    planner = LLMPlanner(chat("garbage", json.dumps(OCR_TTS)), max_reasks=0)
    with pytest.raises(PlanError):
        planner.plan("Read menu.png aloud")
    assert planner.calls == 1


def test_calls_accumulate_across_requests() -> None:
    planner = LLMPlanner(chat("[]", "oops", "[]"))
    planner.plan("hi")
    planner.plan("hello")
    assert planner.calls == 3 and planner.last_call_count == 2


def test_prompt_lists_every_task_type_with_modalities() -> None:
    llm = chat("[]")
    LLMPlanner(llm).plan("hi")
    system = llm.prompts[0][0]
    assert isinstance(system, SystemMessage)
    for task in TASK_TYPES.values():
        assert f"- {task.name}(" in system.text
    assert "- translation(text: text, target_language: text, optional, source_language: text, optional) -> text" in system.text
    assert "- image-to-text(image: image) -> text" in system.text
    assert "<resource>-K" in system.text and '"dep"' in system.text
    assert system.text.count("\n- ") >= len(TASK_TYPES)
    assert task_specs().count("\n") == len(TASK_TYPES) - 1


def test_prompt_carries_the_demonstrations() -> None:
    llm = chat("[]")
    LLMPlanner(llm).plan("hi")
    demos = load_demos()
    assert 4 <= len(demos) <= 8
    messages = llm.prompts[0]
    assert len(messages) == 1 + 2 * len(demos) + 1
    assert demos[0]["request"] in messages[1].text
    assert json.loads(messages[2].text) == demos[0]["plan"]
    assert any(d["plan"] == [] for d in demos)


def test_custom_and_no_demonstrations() -> None:
    llm = chat("[]", "[]")
    LLMPlanner(llm, demos=[]).plan("hi")
    assert len(llm.prompts[0]) == 2
    demo = {"request": "Detect cats in c.jpg", "files": ["c.jpg"],
            "plan": [{"task": "object-detection", "id": 0, "dep": [-1], "args": {"image": "c.jpg"}}]}
    LLMPlanner(llm, demos=[demo]).plan("hi")
    assert "Detect cats in c.jpg" in llm.prompts[1][1].text


def test_invalid_settings_fail_early() -> None:
    with pytest.raises(ConfigError):
        LLMPlanner(chat("[]"), demos=[{"plan": []}])
    with pytest.raises(ConfigError):
        LLMPlanner(chat("[]"), max_reasks=-1)


def test_chat_history_and_its_resources_appear_in_the_prompt() -> None:
    llm = chat(json.dumps([{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "beach.jpg"}}]))
    history = [
        HumanMessage("Here is my holiday photo beach.jpg and a voice note memo.wav"),
        AIMessage("Nice photo! It shows a sunny beach."),
    ]
    plan = LLMPlanner(llm).plan("Now caption it", chat_history=history, files=["beach.jpg"])
    assert plan.tasks[0].args["image"] == "beach.jpg"
    request = llm.prompts[0][-1].text
    assert "human: Here is my holiday photo beach.jpg" in request
    assert "ai: Nice photo!" in request
    assert "beach.jpg (image)" in request and "memo.wav (audio)" in request
    assert "Request: Now caption it" in request
    assert "Files given with this request: beach.jpg" in request


def test_request_without_history_says_so() -> None:
    llm = chat("[]")
    LLMPlanner(llm).plan("hi")
    assert "Conversation so far:\n(none)" in llm.prompts[0][-1].text


def test_structured_output_path() -> None:
    llm = ToolCallingChat(responses=[tool_reply(OCR_TTS)])
    planner = LLMPlanner(llm)
    assert planner.structured
    plan = planner.plan("Read menu.png aloud", files=["menu.png"])
    assert [t.task for t in plan.tasks] == ["image-to-text", "text-to-speech"]
    assert planner.calls == 1


def test_structured_output_falls_back_to_the_text_answer() -> None:
    llm = ToolCallingChat(responses=[AIMessage(f"```json\n{json.dumps(OCR_TTS)}\n```")])
    plan = LLMPlanner(llm).plan("Read menu.png aloud", files=["menu.png"])
    assert len(plan.tasks) == 2


def test_structured_reask_sends_the_previous_tool_answer_as_text() -> None:
    bad = [{"task": "picture-reading", "id": 0, "dep": [-1], "args": {"image": "menu.png"}}]
    llm = ToolCallingChat(responses=[tool_reply(bad), tool_reply(OCR_TTS)])
    planner = LLMPlanner(llm, structured=True)
    plan = planner.plan("Read menu.png aloud")
    assert len(plan.tasks) == 2 and planner.calls == 2
    previous = llm.prompts[1][-2]
    assert isinstance(previous, AIMessage) and "picture-reading" in previous.text
    assert "picture-reading" in llm.prompts[1][-1].text


def test_structured_false_uses_text_even_when_supported() -> None:
    llm = ToolCallingChat(responses=[AIMessage(json.dumps(OCR_TTS))])
    planner = LLMPlanner(llm, structured=False)
    assert not planner.structured
    assert len(planner.plan("Read menu.png aloud").tasks) == 2


def test_structured_true_without_support_warns_and_uses_text(caplog: pytest.LogCaptureFixture) -> None:
    planner = LLMPlanner(chat(json.dumps(OCR_TTS)), structured=True)
    assert not planner.structured
    assert "does not support structured output" in caplog.text
    assert len(planner.plan("Read menu.png aloud").tasks) == 2


def test_task_list_schema_is_what_the_llm_reads() -> None:
    schema = TaskList.model_json_schema()
    assert "tasks" in schema["properties"]
    assert "<resource>-K" in json.dumps(schema)


async def test_aplan_uses_the_async_model_path() -> None:
    llm = chat("garbage", json.dumps(OCR_TTS))
    planner = LLMPlanner(llm)
    plan = await planner.aplan("Read menu.png aloud", files=["menu.png"])
    assert len(plan.tasks) == 2
    assert llm.modes == ["async", "async"]
    assert planner.calls == 2
    assert "Could not read a task list" in llm.prompts[1][-1].text


async def test_aplan_raises_after_the_reask() -> None:
    planner = LLMPlanner(chat("garbage", "more garbage"))
    with pytest.raises(PlanParseError):
        await planner.aplan("Read menu.png aloud")
    assert planner.calls == 2
