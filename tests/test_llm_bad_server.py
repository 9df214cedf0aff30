"""The LLM planner against a bad OpenAI-compatible server (a raw HTTP server on 127.0.0.1) and fake
chat models whose structured output cannot read the answer.

A prose answer to structured output is a malformed answer, sent back once with its problems (in plain
text, read by the tolerant parser), then a :class:`PlanError`; a server whose reply is not JSON is an
:class:`LLMCallError` naming the server's address, not its key or quota.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from helpers import RecordingChat
from langchain_core.exceptions import OutputParserException
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda

from hugginggpt_tools.errors import LLMCallError, PlanError, PlanParseError
from hugginggpt_tools.llms import ainvoke_within, invoke_within
from hugginggpt_tools.planning import AutoPlanner, LLMPlanner
from hugginggpt_tools.planning.llm import TaskList

PROSE = "Sure! here is the plan: [{{{"
CAPTION = [{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"image": "beach.jpg"}}]
NOT_UTF8 = b"<html>not json at all \xff\xfe</html>"


def _completion(content: str) -> bytes:
    return json.dumps({"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}).encode()


def _read_request(conn: socket.socket) -> dict[str, Any]:
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    while len(body) < length:
        body += conn.recv(65536)
    return json.loads(body)


@contextmanager
def openai_server(*replies: bytes) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A server on 127.0.0.1 answering each chat request with the next of ``replies`` (the HTTP body,
    sent as ``application/json``; the last one again when they run out); yields its base URL and the
    request bodies it received."""
    listener = socket.create_server(("127.0.0.1", 0))
    received: list[dict[str, Any]] = []

    def serve() -> None:
        while True:
            try:
                conn = listener.accept()[0]
            except OSError:  # closed: the test is over
                return
            with conn:
                received.append(_read_request(conn))
                body = replies[min(len(received), len(replies)) - 1]
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1", received
    finally:
        listener.close()


def chat_openai(url: str) -> Any:
    langchain_openai = pytest.importorskip("langchain_openai")
    return langchain_openai.ChatOpenAI(model="gpt-test", base_url=url, api_key="sk-test", max_retries=0, timeout=10)


def _plan(planner: LLMPlanner, run_async: bool) -> Any:
    call = (lambda: asyncio.run(planner.aplan("Describe beach.jpg", files=["beach.jpg"]))) if run_async else (
        lambda: planner.plan("Describe beach.jpg", files=["beach.jpg"]))
    return call()


@pytest.mark.parametrize("run_async", [False, True])
def test_a_prose_answer_to_structured_output_is_sent_back_once_then_a_plan_error(run_async: bool) -> None:
    with openai_server(_completion(PROSE)) as (url, received):
        planner = LLMPlanner(chat_openai(url), demos=[], timeout_s=10)
        assert planner.structured
        with pytest.raises(PlanParseError, match="Could not read a task list") as caught:
            _plan(planner, run_async)
    assert PROSE in str(caught.value) and "quota" not in str(caught.value)
    assert planner.last_call_count == len(received) == 2
    assert "response_format" in received[0] and "response_format" not in received[1]  # the re-ask is plain text
    sent_back = received[1]["messages"]
    assert sent_back[-2] == {"role": "assistant", "content": PROSE}
    assert "not valid" in sent_back[-1]["content"] and "does not parse" in sent_back[-1]["content"]


@pytest.mark.parametrize("run_async", [False, True])
def test_a_plan_in_prose_is_read_by_the_tolerant_parser_without_a_re_ask(run_async: bool) -> None:
    with openai_server(_completion(f"Here it is:\n```json\n{json.dumps(CAPTION)}\n```")) as (url, received):
        planner = LLMPlanner(chat_openai(url), demos=[], timeout_s=10)
        plan = _plan(planner, run_async)
    assert [t.task for t in plan.tasks] == ["image-to-text"] and len(received) == 1


def test_a_prose_answer_then_a_plain_plan_is_planned() -> None:
    with openai_server(_completion(PROSE), _completion(json.dumps(CAPTION))) as (url, received):
        planner = LLMPlanner(chat_openai(url), demos=[], timeout_s=10)
        plan = _plan(planner, False)
    assert [t.task for t in plan.tasks] == ["image-to-text"] and planner.last_call_count == 2


@pytest.mark.parametrize("body", [NOT_UTF8, b"<html>Welcome to nginx!</html>"], ids=["not-utf8", "html"])
@pytest.mark.parametrize("run_async", [False, True])
def test_a_reply_that_is_not_json_names_the_server_address_not_the_key(body: bytes, run_async: bool) -> None:
    with openai_server(body) as (url, received):
        with pytest.raises(LLMCallError) as caught:
            _plan(LLMPlanner(chat_openai(url), demos=[], timeout_s=10), run_async)
    message = str(caught.value)
    assert "The LLM gpt-test's server answered with something that is not JSON (" in message
    assert ") while planning the request: " in message
    assert "check that OPENAI_BASE_URL points at an OpenAI-compatible server" in message
    assert "quota" not in message and len(received) == 1


def test_auto_keeps_the_offline_plan_and_says_the_server_is_not_json() -> None:
    with openai_server(NOT_UTF8) as (url, _):
        plan = AutoPlanner(chat_openai(url), threshold=1.0).plan("Read the text in sign.png", files=["sign.png"])
    assert plan.tasks and any("not JSON" in w and "OPENAI_BASE_URL" in w for w in plan.warnings), plan.warnings


class UnreadableStructured(RecordingChat):
    """A fake whose structured output raises ``error`` (as OpenAI's client does when it cannot parse
    the answer) and whose plain answers are ``responses``."""

    error: Any = None
    structured_calls: int = 0

    def with_structured_output(self, schema: Any, **kwargs: Any) -> Any:
        def fail(messages: Any) -> Any:
            self.structured_calls += 1
            raise self.error

        return RunnableLambda(fail)


def _validation_error(content: str) -> Exception:
    try:
        TaskList.model_validate_json(content)
    except ValueError as exc:
        return exc
    raise AssertionError(f"{content!r} is a valid TaskList")


@pytest.mark.parametrize("error, answer", [
    (OutputParserException("Invalid json output", llm_output=PROSE), PROSE),
    (_validation_error(PROSE), PROSE),
    (_validation_error(json.dumps(CAPTION)), json.dumps(CAPTION)),  # a bare list: the whole answer is in the error
])
def test_an_answer_structured_output_cannot_read_is_re_asked_in_plain_text(error: Exception, answer: str) -> None:
    llm = UnreadableStructured(responses=[AIMessage(json.dumps(CAPTION))], error=error)
    planner = LLMPlanner(llm, demos=[], structured=True)
    plan = planner.plan("Describe beach.jpg", files=["beach.jpg"])
    assert [t.task for t in plan.tasks] == ["image-to-text"]
    if answer == PROSE:  # sent back once, in plain text
        assert llm.structured_calls == 1 and len(llm.prompts) == 1 and planner.last_call_count == 2
        assert llm.prompts[0][-2].text == PROSE
    else:  # the tolerant parser reads it: no re-ask
        assert llm.structured_calls == 1 and not llm.prompts and planner.last_call_count == 1


def test_an_unreadable_answer_whose_text_is_lost_is_sent_back_with_the_schema_problems() -> None:
    error = _validation_error(json.dumps({"tasks": [{"task": "image-to-text", "id": 0, "dep": [-1], "args": {"k": 1}}]}))
    llm = UnreadableStructured(responses=[AIMessage("no idea")], error=error)
    planner = LLMPlanner(llm, demos=[], structured=True)
    with pytest.raises(PlanError, match="Could not read a task list"):
        planner.plan("Describe beach.jpg", files=["beach.jpg"])
    correction = llm.prompts[0][-1].text
    assert "tasks.0.args.k: Input should be a valid string" in correction and planner.last_call_count == 2


def test_max_reasks_zero_raises_the_plan_error_at_once() -> None:
    llm = UnreadableStructured(responses=[AIMessage("[]")], error=_validation_error(PROSE))
    with pytest.raises(PlanParseError, match="does not parse"):
        LLMPlanner(llm, demos=[], structured=True, max_reasks=0).plan("Describe beach.jpg", files=["beach.jpg"])
    assert not llm.prompts


def test_a_plain_chat_model_raising_a_validation_error_is_no_malformed_answer() -> None:
    class Broken(RecordingChat):
        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            raise _validation_error(PROSE)

    with pytest.raises(ValueError, match="validation error for TaskList"):
        LLMPlanner(Broken(responses=[AIMessage("[]")]), demos=[], structured=False).plan("Describe beach.jpg")


@pytest.mark.parametrize("error", ["utf-8", "json"])
def test_invoke_within_names_a_reply_that_is_not_json(error: str) -> None:
    def fail(_: Any) -> Any:
        if error == "json":
            json.loads("<html>")
        NOT_UTF8.decode("utf-8")

    with pytest.raises(LLMCallError, match=r"server answered with something that is not JSON \((UnicodeDecodeError|JSONDecodeError)\) on task 'x': "):
        invoke_within(RunnableLambda(fail), "hi", 5, what="on task 'x'")
    with pytest.raises(LLMCallError, match="OPENAI_BASE_URL"):
        asyncio.run(ainvoke_within(RunnableLambda(fail), "hi", 5))
