"""The controller LLM's failures within a run: a silent one is waited for once per run, a call left
behind at its limit is counted, and a server that answers but not as a chat API (not JSON, an HTML
page with status 200) is said so, naming its address.

A hung LLM cost the whole limit on every call of a run (the plan, then the answer); the calls left
running past their limit were not in ``execution.calls_running()``; the built-in answer after a
reply that was not JSON said to check "the key, quota"; and a proxy's login page (``text/html``,
200) was an ``AttributeError`` (with ``planner='auto'``, its traceback).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fake_embedder import HashEmbedder
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from test_llm_bad_server import NOT_UTF8, chat_openai, openai_server

from hugginggpt_tools import create_hugginggpt_agent, llms
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import LLMCallError, LLMReplyError, LLMTimeoutError
from hugginggpt_tools.execution import calls_running
from hugginggpt_tools.llms import LLMRun, ainvoke_within, invoke_within, llm_run
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.planning import AutoPlanner, LLMPlanner
from hugginggpt_tools.planning.base import Planner
from hugginggpt_tools.response import Responder
from hugginggpt_tools.schemas import Plan, Task, TaskResult
from hugginggpt_tools.testing import FakeBackend, fake_card

LIMIT = 0.4
"""The time limit the tests set, in seconds."""
HANG_S = 2.0
"""How long a hanging model sleeps before it answers (the call left behind ends then)."""
LOGIN_PAGE = b"<html><body><h1>Please log in</h1></body></html>"


class HangingChat(GenericFakeChatModel):
    """A chat model with sync code only that sleeps :data:`HANG_S` before answering; ``calls`` counts
    the calls made to it."""

    calls: list[float] = []

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        self.calls.append(time.monotonic())
        time.sleep(HANG_S)
        return ChatResult(generations=[ChatGeneration(message=AIMessage("too late"))])


def hanging() -> HangingChat:
    return HangingChat(messages=iter([]), calls=[])


def _timed(call: Any) -> tuple[Any, float]:
    """``call()``'s result, or the error it raised, and the seconds it took."""
    started = time.monotonic()
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - the tests look at it
        result = exc
    return result, time.monotonic() - started


# ----------------------------------------------------------------------------- one wait per run


@pytest.mark.parametrize("run_async", [False, True])
def test_a_model_that_timed_out_is_not_waited_for_again_in_the_same_run(run_async: bool) -> None:
    llm = hanging()

    def ask(what: str) -> Any:
        if run_async:
            return asyncio.run(ainvoke_within(llm, "hi", LIMIT, what=what))
        return invoke_within(llm, "hi", LIMIT, what=what)

    with llm_run() as run:
        first, first_s = _timed(lambda: ask("while planning the request"))
        second, second_s = _timed(lambda: ask("while writing the answer"))
    assert isinstance(first, LLMTimeoutError) and first_s >= LIMIT
    assert isinstance(second, LLMTimeoutError) and second.timeout_s == LIMIT and second_s < LIMIT / 2
    assert str(second).startswith("The LLM generic-fake-chat-model was not asked while writing the answer: it did not "
                                  "answer within 0.4 s while planning the request, earlier in this run "
                                  "(HUGGINGGPT_LLM_TIMEOUT)")
    assert "HUGGINGGPT_LLM_TIMEOUT=0.8" in str(second) and len(llm.calls) == 1
    assert list(run.timed_out.values()) == [(LIMIT, "while planning the request")]
    # the next run asks it again, and so does a call outside any run
    with llm_run():
        again, again_s = _timed(lambda: ask("while planning the request"))
    assert isinstance(again, LLMTimeoutError) and again_s >= LIMIT and len(llm.calls) == 2
    outside, outside_s = _timed(lambda: ask("x"))
    assert isinstance(outside, LLMTimeoutError) and outside_s >= LIMIT and len(llm.calls) == 3


def test_a_run_gives_up_only_on_the_model_that_timed_out_and_not_for_a_longer_limit() -> None:
    slow, quick = hanging(), GenericFakeChatModel(messages=iter([AIMessage("fine"), AIMessage("again")]))
    with llm_run():
        assert isinstance(_timed(lambda: invoke_within(slow, "hi", LIMIT))[0], LLMTimeoutError)
        assert invoke_within(quick, "hi", LIMIT).text == "fine"  # another model is asked
        longer, longer_s = _timed(lambda: invoke_within(slow, "hi", LIMIT * 2))
    assert isinstance(longer, LLMTimeoutError) and longer_s >= LIMIT * 2  # a longer limit may be worth waiting
    assert len(slow.calls) == 2


def test_blocks_of_one_run_share_it_and_nested_blocks_use_the_enclosing_one() -> None:
    run = LLMRun()
    llm = hanging()
    with llm_run(run):
        _timed(lambda: invoke_within(llm, "hi", LIMIT, what="while planning the request"))
    with llm_run(run), llm_run() as inner:  # a later stage of the same run, and a block inside it
        assert inner is run
        error, took = _timed(lambda: invoke_within(llm, "hi", LIMIT, what="on task 'summarization'"))
    assert isinstance(error, LLMTimeoutError) and took < LIMIT / 2 and len(llm.calls) == 1


class _Unsure(Planner):
    """An offline planner whose plan (summarize a text) is below the auto planner's threshold."""

    name = "offline"

    def plan(self, request: str, *, files: Any = (), chat_history: Any = ()) -> Plan:
        return Plan(tasks=[Task(id=0, task="summarization", args={"text": "cats sit on mats"})], confidence=0.4,
                    planner="offline")


def _agent(llm: Any, tmp_path: Path) -> Any:
    """The agent with ``planner='auto'`` (unsure offline, so the LLM is asked first) over a fake summarizer."""
    settings = Settings(output_dir=tmp_path / "out", llm_timeout_s=LIMIT)
    index = ModelIndex.build([fake_card("summarization", "fake/sum")], HashEmbedder())
    backends = Backends([FakeBackend(handlers={"summarization": lambda i, c: "Cats sit."})])
    planner = AutoPlanner(llm, offline=_Unsure(), llm_planner=LLMPlanner(llm, demos=[], timeout_s=LIMIT))
    return create_hugginggpt_agent(llm, planner=planner, settings=settings, index=index, backends=backends)


@pytest.mark.parametrize("run_async", [False, True])
def test_a_run_waits_once_for_a_silent_llm_then_answers_with_the_summary(tmp_path: Path, run_async: bool) -> None:
    """The plan times out and the offline plan runs; the answer does not wait the limit again."""
    llm = hanging()
    agent = _agent(llm, tmp_path)
    with llm_run():
        state, took = _timed(lambda: asyncio.run(agent.ainvoke("Summarize: cats sit on mats")) if run_async
                             else agent.invoke("Summarize: cats sit on mats"))
    assert not isinstance(state, Exception), state
    assert len(llm.calls) == 1 and took < LIMIT * 2, (len(llm.calls), took)
    assert "Cats sit." in state["output"]
    assert "the LLM did not answer within 0.4 s, so this is the built-in summary" in state["output"]


@pytest.mark.parametrize("run_async", [False, True])
def test_a_plain_invocation_waits_once_for_a_silent_llm(tmp_path: Path, run_async: bool) -> None:
    """With no block of the caller's, the agent's invocation is one run: it waited the limit for the
    plan and again for the answer."""
    llm = hanging()
    agent = _agent(llm, tmp_path)
    state, took = _timed(lambda: asyncio.run(agent.ainvoke("Summarize: cats sit on mats")) if run_async
                         else agent.invoke("Summarize: cats sit on mats"))
    assert not isinstance(state, Exception), state
    assert len(llm.calls) == 1 and took < LIMIT * 2, (len(llm.calls), took)
    assert "Cats sit." in state["output"]
    # the next invocation is a run of its own: the model is asked again
    _timed(lambda: agent.invoke("Summarize: cats sit on mats"))
    assert len(llm.calls) == 2


def test_a_served_request_waits_once_for_a_silent_llm(tmp_path: Path) -> None:
    pytest.importorskip("langserve")
    from starlette.testclient import TestClient

    from hugginggpt_tools.server import create_app

    llm = hanging()
    client = TestClient(create_app(_agent(llm, tmp_path), settings=Settings(output_dir=tmp_path / "out"), api_keys=[]))
    for turn in (1, 2):  # each request asks the LLM again, once
        response = client.post("/hugginggpt/invoke", json={"input": {"input": "Summarize: cats sit on mats"}})
        assert response.status_code == 200, response.text
        assert "Cats sit." in response.json()["output"]["output"] and len(llm.calls) == turn


# ----------------------------------------------------------------------------- calls left behind


class BlockedChat(GenericFakeChatModel):
    """A chat model with sync code only whose call waits until ``release`` is set."""

    release: Any = None

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        self.release.wait(30)
        return ChatResult(generations=[ChatGeneration(message=AIMessage("too late"))])


def _no_llm_call_running() -> None:
    """Wait until the calls other tests left behind have ended (this file's end within :data:`HANG_S`)."""
    deadline = time.monotonic() + 40
    while llms.calls_running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert llms.calls_running() == 0


@pytest.mark.parametrize("run_async", [False, True])
def test_a_call_left_behind_at_its_limit_is_counted_until_it_ends(run_async: bool) -> None:
    _no_llm_call_running()
    llm = BlockedChat(messages=iter([]), release=threading.Event())
    call = (lambda: asyncio.run(ainvoke_within(llm, "hi", LIMIT))) if run_async else (
        lambda: invoke_within(llm, "hi", LIMIT))
    assert isinstance(_timed(call)[0], LLMTimeoutError)
    assert llms.calls_running() == 1 and calls_running() >= 1  # still waiting in its daemon thread
    llm.release.set()
    deadline = time.monotonic() + 5
    while llms.calls_running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert llms.calls_running() == 0


def test_a_call_that_answers_in_time_is_counted_only_while_it_runs() -> None:
    from langchain_core.runnables import RunnableLambda

    _no_llm_call_running()
    seen: list[int] = []

    def answer(_: Any) -> str:
        seen.append(llms.calls_running())
        return "ok"

    assert invoke_within(RunnableLambda(answer), "hi", 5) == "ok"
    assert seen == [1] and llms.calls_running() == 0


# ----------------------------------------------------------------------------- not a chat API


@contextmanager
def page_server(body: bytes = LOGIN_PAGE, content_type: str = "text/html; charset=utf-8") -> Iterator[tuple[str, list[int]]]:
    """A server on 127.0.0.1 answering every request with ``body`` as ``content_type``, status 200 (a
    proxy's login page); yields its base URL and a list that counts the requests."""
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[int] = []

    def serve() -> None:
        while True:
            try:
                conn = listener.accept()[0]
            except OSError:  # closed: the test is over
                return
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, rest = data.split(b"\r\n\r\n", 1)
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length")), 0)
                while len(rest) < length:
                    rest += conn.recv(65536)
                received.append(1)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\nConnection: close"
                             b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1", received
    finally:
        listener.close()


def _names_the_page(message: str, url: str, what: str) -> None:
    assert f"The LLM gpt-test's server at {url}/chat/completions answered with an HTML page (text/html, status 200) " \
           f"{what}, not as the chat API does (JSON): check that OPENAI_BASE_URL points at an OpenAI-compatible " \
           "server" in message, message
    assert "login page" in message and "quota" not in message and "AttributeError" not in message


@pytest.mark.parametrize("run_async", [False, True])
@pytest.mark.parametrize("structured", [True, False])
def test_an_html_page_is_named_with_its_address_while_planning(structured: bool, run_async: bool) -> None:
    with page_server() as (url, received):
        planner = LLMPlanner(chat_openai(url), demos=[], structured=structured, timeout_s=10)
        call = (lambda: asyncio.run(planner.aplan("Describe beach.jpg", files=["beach.jpg"]))) if run_async else (
            lambda: planner.plan("Describe beach.jpg", files=["beach.jpg"]))
        with pytest.raises(LLMReplyError) as caught:
            call()
    _names_the_page(str(caught.value), url, "while planning the request")
    assert isinstance(caught.value, LLMCallError) and len(received) == 1


def test_auto_keeps_the_offline_plan_when_the_llm_answers_with_an_html_page() -> None:
    """The AttributeError the client raised was read as a bug of the planner's code and raised again."""
    with page_server() as (url, _):
        plan = AutoPlanner(chat_openai(url), threshold=1.0).plan("Read the text in sign.png", files=["sign.png"])
    assert plan.tasks and any("answered with an HTML page" in w for w in plan.warnings), plan.warnings


def test_the_answer_after_an_html_page_names_the_address_not_the_key() -> None:
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "sign.png"})])
    ocr = TaskResult(task_id=0, task="image-to-text", status="succeeded", model_id="bundled/ocr", backend="bundled",
                     text="WET FLOOR")
    with page_server() as (url, _):
        text = asyncio.run(Responder(chat_openai(url), timeout_s=10).arespond("Read sign.png", plan, [], [ocr]))
    assert "WET FLOOR" in text and f"{url}/chat/completions answered with an HTML page" in text
    assert "not with the chat API's JSON" in text and "quota" not in text


def test_a_reply_that_is_not_json_is_said_so_in_the_answer_not_the_key_or_quota() -> None:
    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "sign.png"})])
    ocr = TaskResult(task_id=0, task="image-to-text", status="succeeded", model_id="bundled/ocr", backend="bundled",
                     text="WET FLOOR")
    with openai_server(NOT_UTF8) as (url, _):
        text = asyncio.run(Responder(chat_openai(url), timeout_s=10).arespond("Read sign.png", plan, [], [ocr]))
    assert "WET FLOOR" in text and "the LLM's server answered, but not with the chat API's JSON" in text
    assert "check that OPENAI_BASE_URL" in text and "quota" not in text


def test_a_json_reply_and_a_stream_are_no_odd_replies_and_hooks_are_added_once() -> None:
    from hugginggpt_tools.llms import _hook_replies, _Reply

    assert not _Reply("u", 200, "application/json").odd and not _Reply("u", 200, "text/event-stream").odd
    assert not _Reply("u", 502, "text/html").odd  # an error status is the client's own error (retried when transient)
    assert _Reply("u", 200, "text/html").odd and _Reply("u", 200, "text/plain").odd
    llm = chat_openai("http://127.0.0.1:9/v1")
    _hook_replies(llm)
    _hook_replies(llm)
    hooks = llm.root_client._client.event_hooks["response"]
    assert len([h for h in hooks if getattr(h, "__module__", "") == "hugginggpt_tools.llms"]) == 1
