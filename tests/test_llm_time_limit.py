"""Every call to the controller LLM has a time limit (``Settings.llm_timeout_s``, ``HUGGINGGPT_LLM_TIMEOUT``).

A chat model whose server accepts the connection and never answers hung the whole run: the OCR already
done was lost with it. Now the response stage answers with the built-in summary, saying the LLM did not
answer within N s and how to wait longer; planner="auto" keeps the offline plan; planner="llm" raises
LLMTimeoutError; the model choice keeps the ranked best; the llm backend's task fails over to the next
model. The limit holds for any chat model object (a sync one sleeping, an async one awaiting) and the call
left behind never keeps the process from exiting.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers import fake_agent
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError, LLMCallError, LLMTimeoutError
from hugginggpt_tools.llms import ainvoke_within, invoke_within, load_llm
from hugginggpt_tools.planning import AutoPlanner, LLMPlanner
from hugginggpt_tools.planning.base import Planner
from hugginggpt_tools.response import Responder
from hugginggpt_tools.schemas import Plan, Task, TaskResult

LIMIT = 0.3
"""The time limit the tests set, in seconds."""
HANG_S = 30.0
"""How long a hanging model sleeps: a test that waited for it would take that long."""


class SleepingChat(GenericFakeChatModel):
    """A chat model with sync code only, which sleeps ``HANG_S`` before answering (LangChain's
    ``ainvoke`` runs it in asyncio's default executor)."""

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        time.sleep(HANG_S)
        return ChatResult(generations=[ChatGeneration(message=AIMessage("too late"))])


class AwaitingChat(GenericFakeChatModel):
    """A chat model with async code of its own, which awaits ``HANG_S``; ``cancelled`` is set when
    the limit cancels it."""

    cancelled: Any = None

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        time.sleep(HANG_S)
        return ChatResult(generations=[ChatGeneration(message=AIMessage("too late"))])

    async def _agenerate(self, *args: Any, **kwargs: Any) -> ChatResult:
        try:
            await asyncio.sleep(HANG_S)
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        return ChatResult(generations=[ChatGeneration(message=AIMessage("too late"))])


def sleeping() -> SleepingChat:
    return SleepingChat(messages=iter([]))


def awaiting() -> AwaitingChat:
    return AwaitingChat(messages=iter([]), cancelled=threading.Event())


@contextmanager
def silent_server() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts every connection and never answers; yields its base URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:  # closed: the test is over
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    finally:
        listener.close()
        for conn in held:
            conn.close()


@pytest.fixture()
def silent_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``--llm openai:whatever`` pointed at a :func:`silent_server`, with ``HUGGINGGPT_LLM_TIMEOUT`` at :data:`LIMIT`."""
    pytest.importorskip("langchain_openai")
    with silent_server() as url:
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("HUGGINGGPT_LLM_TIMEOUT", str(LIMIT))
        yield load_llm("openai:whatever")


PLAN = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "sign.png"})])
OCR = TaskResult(task_id=0, task="image-to-text", status="succeeded", model_id="bundled/ocr", backend="bundled",
                 text="WET FLOOR")


def _quick(call: Any) -> Any:
    """``call()``'s result (or error), asserting it came well before a hanging model would answer."""
    started = time.monotonic()
    try:
        return call()
    finally:
        assert time.monotonic() - started < HANG_S / 3


@pytest.mark.parametrize("make", [sleeping, awaiting])
def test_a_call_past_its_limit_raises_naming_the_model_the_limit_and_the_fix(make: Any) -> None:
    llm = make()
    for call in (lambda: invoke_within(llm, "hi", LIMIT, what="while planning the request"),
                 lambda: asyncio.run(ainvoke_within(llm, "hi", LIMIT, what="while planning the request"))):
        with pytest.raises(LLMTimeoutError) as error:
            _quick(call)
        message = str(error.value)
        assert isinstance(error.value, LLMCallError) and error.value.timeout_s == LIMIT
        assert "did not answer within 0.3 s while planning the request" in message and "\n" not in message
        assert "HUGGINGGPT_LLM_TIMEOUT=0.6" in message and "Settings(llm_timeout_s=0.6)" in message


def test_an_async_model_is_cancelled_at_the_limit() -> None:
    llm = awaiting()
    with pytest.raises(LLMTimeoutError):
        _quick(lambda: asyncio.run(ainvoke_within(llm, "hi", LIMIT)))
    assert llm.cancelled.wait(5)


def test_an_answer_in_time_and_an_error_in_time_come_back_as_they_are() -> None:
    llm = GenericFakeChatModel(messages=iter([AIMessage("one"), AIMessage("two")]))
    assert invoke_within(llm, "hi", 5).text == "one"
    assert asyncio.run(ainvoke_within(llm, "hi", 5)).text == "two"

    class Down(GenericFakeChatModel):
        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("provider down")

    with pytest.raises(ConnectionError, match="provider down"):
        invoke_within(Down(messages=iter([])), "hi", 5)


def test_the_responder_answers_with_the_summary_and_says_how_to_wait_longer() -> None:
    for llm in (sleeping(), awaiting()):
        text = _quick(lambda: asyncio.run(Responder(llm, timeout_s=LIMIT).arespond("read sign.png", PLAN, [], [OCR])))
        assert "WET FLOOR" in text and "succeeded with bundled/ocr" in text
        assert ("the LLM did not answer within 0.3 s, so this is the built-in summary of the results; to wait longer, "
                "set HUGGINGGPT_LLM_TIMEOUT=0.6") in text


def test_the_limit_is_read_from_the_environment_and_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUGGINGGPT_LLM_TIMEOUT", "7.5")
    assert Responder(sleeping()).timeout_s == 7.5 and LLMPlanner(sleeping(), demos=[]).timeout_s == 7.5
    assert Settings.from_env().llm_timeout_s == 7.5 and Settings().llm_timeout_s == 120  # the default
    monkeypatch.setenv("HUGGINGGPT_LLM_TIMEOUT", "0")
    with pytest.raises(ConfigError, match=r"HUGGINGGPT_LLM_TIMEOUT='0' is not valid: it must be a number above 0"):
        Settings.from_env()
    with pytest.raises(ConfigError, match=r"timeout_s=-1 is not valid"):
        LLMPlanner(sleeping(), demos=[], timeout_s=-1)


def test_the_llm_planner_raises_one_clear_error() -> None:
    planner = LLMPlanner(sleeping(), demos=[], timeout_s=LIMIT)
    for call in (lambda: planner.plan("caption photo.jpg"), lambda: asyncio.run(planner.aplan("caption photo.jpg"))):
        with pytest.raises(LLMTimeoutError, match="did not answer within 0.3 s while planning the request"):
            _quick(call)


def test_auto_keeps_the_offline_plan_when_the_llm_does_not_answer() -> None:
    unsure = Plan(tasks=[Task(id=0, task="summarization", args={"text": "cats"})], confidence=0.4, planner="offline")

    class Offline(Planner):
        name = "offline"

        def plan(self, request: str, *, files: Any = (), chat_history: Any = ()) -> Plan:
            return unsure

    llm = awaiting()
    planner = AutoPlanner(llm, offline=Offline(), llm_planner=LLMPlanner(llm, demos=[], timeout_s=LIMIT))
    for call in (lambda: planner.plan("Something about cats"), lambda: asyncio.run(planner.aplan("Something about cats"))):
        plan = _quick(call)
        assert [t.task for t in plan.tasks] == ["summarization"]
        assert any("did not answer within 0.3 s" in w for w in plan.warnings), plan.warnings


def test_the_model_choice_keeps_the_ranked_best_when_the_llm_does_not_answer() -> None:
    from hugginggpt_tools.schemas import Candidate, ModelCard, ModelChoice
    from hugginggpt_tools.selection import achoose_with_llm

    cards = [ModelCard(id=f"org/m{k}", task="summarization", backends=["transformers"]) for k in (1, 2)]
    choice = ModelChoice(task_id=0, task="summarization", model_id="org/m1", backend="transformers", reason="ranked",
                         candidates=[Candidate(model_id=c.id, backend="transformers", score=0.5, card=c) for c in cards])
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": "cats"})])
    chosen = _quick(lambda: asyncio.run(achoose_with_llm([choice], plan, "summarize", sleeping(), timeout_s=LIMIT)))
    assert chosen[0].model_id == "org/m1" and "did not answer within 0.3 s" in chosen[0].reason


def test_an_llm_backend_task_fails_for_the_llm_not_for_the_task_limit(tmp_path: Path) -> None:
    """The executor read a TimeoutError raised by a backend as its own task limit passing ("took longer than 300 s")."""
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends import LLMBackend
    from hugginggpt_tools.backends.base import Backends
    from hugginggpt_tools.execution import Executor
    from hugginggpt_tools.schemas import Candidate, ModelCard, ModelChoice

    card = ModelCard(id="llm/controller", task="summarization", backends=["llm"], source="llm")
    choice = ModelChoice(task_id=0, task="summarization", model_id=card.id, backend="llm", reason="the controller",
                         candidates=[Candidate(model_id=card.id, backend="llm", score=1.0, card=card)])
    settings = Settings(output_dir=tmp_path, llm_timeout_s=LIMIT, task_retries=0)
    executor = Executor(Backends([LLMBackend(awaiting())]), ArtifactStore(tmp_path), settings)
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": "a long text about cats"})])
    [result] = _quick(lambda: asyncio.run(executor.arun(plan, [choice])))
    assert result.status == "failed" and "did not answer within 0.3 s on task 'summarization'" in (result.error or "")
    assert "HUGGINGGPT_TASK_TIMEOUT" not in (result.error or "")


def test_a_silent_server_cannot_hang_a_finished_run(silent_openai: Any, tmp_path: Path) -> None:
    """The server accepts the connection and never answers: the run ends with its results and the summary."""
    assert silent_openai.request_timeout == LIMIT + 1.0  # the provider's own client gives up soon after
    agent = fake_agent(Settings(output_dir=tmp_path / "out", llm_timeout_s=LIMIT),
                       {"fake/ocr": ("image-to-text", lambda i, c: "WET FLOOR")}, llm=silent_openai)
    (tmp_path / "sign.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    state = _quick(lambda: agent.invoke({"input": "Read the text in sign.png", "files": [str(tmp_path / "sign.png")]}))
    assert state["answer"].results[0].text == "WET FLOOR" and "WET FLOOR" in state["output"]
    assert "the LLM did not answer within 0.3 s" in state["output"] and "HUGGINGGPT_LLM_TIMEOUT=0.6" in state["output"]


def test_a_silent_server_is_a_clear_planning_error_or_the_offline_plan(silent_openai: Any) -> None:
    with pytest.raises(LLMTimeoutError, match="The LLM whatever did not answer within 0.3 s while planning"):
        _quick(lambda: asyncio.run(LLMPlanner(silent_openai, demos=[]).aplan("caption photo.jpg")))
    plan = _quick(lambda: asyncio.run(AutoPlanner(silent_openai, threshold=1.0).aplan(
        "Read the text in sign.png", files=["sign.png"])))
    assert plan.tasks and any("did not answer within 0.3 s" in w for w in plan.warnings), plan.warnings


SCRIPT = textwrap.dedent(f"""
    import asyncio, time
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from hugginggpt_tools.planning import LLMPlanner
    from hugginggpt_tools.response import Responder
    from hugginggpt_tools.schemas import Plan

    class Sleeping(GenericFakeChatModel):
        def _generate(self, *args, **kwargs):
            time.sleep({HANG_S * 2})

    llm = Sleeping(messages=iter([]))
    print(asyncio.run(Responder(llm, timeout_s=0.2).arespond("hi", Plan(), [], [])).splitlines()[-1], flush=True)
    try:
        LLMPlanner(llm, demos=[], timeout_s=0.2).plan("caption photo.jpg")
    except Exception as exc:
        print(type(exc).__name__, flush=True)
""")


def test_the_call_left_behind_does_not_keep_the_process_from_exiting(tmp_path: Path) -> None:
    """asyncio.run waits for its default executor's threads, and the interpreter's exit for any executor's."""
    (tmp_path / "hang.py").write_text(SCRIPT, encoding="utf-8")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "hang.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=HANG_S * 4, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "did not answer within 0.2 s" in done.stdout and done.stdout.strip().endswith("LLMTimeoutError")
    assert took < HANG_S / 2, f"the process waited {took:.1f} s for the call left behind"
