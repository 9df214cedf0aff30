"""A failing controller LLM (provider down, timeout) never throws away a finished run.

The responder falls back to its summary with a warning naming the error, planner="auto" keeps the
offline plan, planner="llm" raises a one-line LLMCallError, and the server answers 502, not 500.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from helpers import fake_agent
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from hugginggpt_tools.config import Settings
from hugginggpt_tools.pipeline import LLMCallError
from hugginggpt_tools.planning import AutoPlanner
from hugginggpt_tools.planning.base import Planner
from hugginggpt_tools.response import Responder
from hugginggpt_tools.schemas import Plan, Task, TaskResult

DOWN = "provider down: 503 Service Unavailable"


class Down(GenericFakeChatModel):
    """A chat model whose provider is down: every call raises ConnectionError."""

    def _generate(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError(DOWN)

    async def _agenerate(self, *args: Any, **kwargs: Any) -> Any:
        raise ConnectionError(DOWN)


def down() -> Down:
    return Down(messages=iter([]))


SUMMARY = ("fake/sum", ("summarization", lambda inputs, ctx: "THE SHORT VERSION"))


def test_the_responder_falls_back_to_its_summary_naming_the_error():
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": "a long text"})])
    result = TaskResult(task_id=0, task="summarization", status="succeeded", model_id="fake/sum", backend="fake",
                        text="THE SHORT VERSION")
    text = asyncio.run(Responder(down()).arespond("summarize it", plan, [], [result]))
    assert "THE SHORT VERSION" in text and "succeeded with fake/sum" in text
    warning = [line for line in text.splitlines() if "could not write the answer" in line]
    assert len(warning) == 1 and f"ConnectionError: {DOWN}" in warning[0]


def test_a_finished_run_keeps_its_results_when_the_llm_fails_to_answer(tmp_path):
    """It raised ConnectionError from the respond node: results, files and the session turn were lost."""
    agent = fake_agent(Settings(output_dir=tmp_path / "out"), dict([SUMMARY]), llm=down())
    state = agent.invoke({"input": "Summarize this text: a long story about cats."},
                         config={"configurable": {"session_id": "s1"}})
    assert state["answer"].results[0].text == "THE SHORT VERSION" and "THE SHORT VERSION" in state["output"]
    assert "ConnectionError" in state["output"]


def _auto(offline_plan: Plan) -> AutoPlanner:
    class Offline(Planner):
        name = "offline"

        def plan(self, request: str, *, files: Any = (), chat_history: Any = ()) -> Plan:
            return offline_plan

    return AutoPlanner(down(), offline=Offline())  # type: ignore[arg-type]


def test_auto_keeps_the_offline_plan_when_the_llm_raises():
    unsure = Plan(tasks=[Task(id=0, task="summarization", args={"text": "cats"})], confidence=0.4, planner="offline")
    planner = _auto(unsure)
    for plan in (planner.plan("Something about cats"), asyncio.run(planner.aplan("Something about cats"))):
        assert [t.task for t in plan.tasks] == ["summarization"]
        assert any("could not be reached" in w and "ConnectionError" in w for w in plan.warnings), plan.warnings
    assert planner.offline_count == 2 and planner.llm_count == 0


def test_auto_raises_a_bug_of_its_own_code_rather_than_keep_the_offline_plan():
    """A TypeError while reading the LLM's reply is a bug, not a provider that cannot be reached."""

    class Broken(GenericFakeChatModel):
        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            raise TypeError("unsupported operand type(s)")

    unsure = Plan(tasks=[Task(id=0, task="summarization", args={"text": "cats"})], confidence=0.4, planner="offline")
    planner = _auto(unsure)
    planner.llm_planner.llm = Broken(messages=iter([]))
    with pytest.raises(TypeError, match="unsupported operand"):
        planner.plan("Something about cats")


def test_auto_with_no_offline_task_raises_the_llm_error():
    with pytest.raises(ConnectionError):
        _auto(Plan(confidence=0.0)).plan("Something vague")


def test_the_llm_planner_failing_is_one_clear_error(tmp_path):
    """planner="llm": nothing can be planned, so the run stops with an LLMCallError naming the
    provider's error and the fix, not the bare ConnectionError."""
    from hugginggpt_tools import create_hugginggpt_agent

    llm_agent = create_hugginggpt_agent(down(), planner="llm", settings=Settings(output_dir=tmp_path / "out"))
    with pytest.raises(LLMCallError) as error:
        llm_agent.invoke("Summarize this text: a long story about cats.")
    message = str(error.value)
    assert "\n" not in message and f"ConnectionError: {DOWN}" in message and "planner='auto'" in message


def test_a_bug_in_a_planner_is_not_called_an_llm_failure(tmp_path):
    class Broken(Planner):
        name = "broken"

        def plan(self, request: str, *, files: Any = (), chat_history: Any = ()) -> Plan:
            raise KeyError("oops")

    from hugginggpt_tools import create_hugginggpt_agent

    agent = create_hugginggpt_agent(down(), planner=Broken(), settings=Settings(output_dir=tmp_path / "out"))
    with pytest.raises(KeyError):
        agent.invoke("Summarize this text: cats.")


def test_the_server_answers_a_failing_llm_with_502_and_other_errors_with_a_500_naming_them(tmp_path):
    pytest.importorskip("langserve")
    from starlette.testclient import TestClient

    from hugginggpt_tools import create_hugginggpt_agent
    from hugginggpt_tools.server import create_app

    settings = Settings(output_dir=tmp_path / "out")
    agent = create_hugginggpt_agent(down(), planner="llm", settings=settings)
    client = TestClient(create_app(agent, settings=settings, api_keys=[]), raise_server_exceptions=False)
    body = {"input": "Summarize this text: a long story about cats."}
    for route, payload in (("invoke", {"input": body}), ("batch", {"inputs": [body]})):
        response = client.post(f"/hugginggpt/{route}", json=payload)
        assert response.status_code == 502, response.text
        assert "ConnectionError" in response.json()["detail"] and "\n" not in response.json()["detail"]
    for route in ("stream", "stream_events"):  # an error event, as LangServe's stream protocol reports errors
        response = client.post(f"/hugginggpt/{route}", json={"input": body})
        assert '"status_code": 502' in response.text and f"ConnectionError: {DOWN}" in response.text, response.text
        assert "Internal Server Error" not in response.text

    class Broken(Planner):
        name = "broken"

        def plan(self, request: str, *, files: Any = (), chat_history: Any = ()) -> Plan:
            raise KeyError("/srv/secret/path")

    agent = create_hugginggpt_agent(planner=Broken(), settings=settings)
    client = TestClient(create_app(agent, settings=settings, api_keys=[]), raise_server_exceptions=False)
    response = client.post("/hugginggpt/invoke", json={"input": body})
    assert response.status_code == 500 and "KeyError" in response.json()["detail"]
    assert "/srv/secret" not in response.text
