"""The agent's input in the forms LangChain users give it: chat history as message-likes, the
input schema's optional keys optional (``as_tool``), typos refused, and the served session named
by the run config as by the ``X-Session-Id`` header; progress events name their stage."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from helpers import fake_agent
from langchain_core.messages import AIMessage, HumanMessage

from hugginggpt_tools.backends.base import TaskOutput
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import AgentInputError
from hugginggpt_tools.pipeline import AgentInput

SAID = "The sign says: Exit via the north stairs"


def _tts(inputs: dict[str, Any], ctx: Any) -> TaskOutput:
    wav = ctx.store.add_bytes(inputs["text"].encode(), ".wav", ctx.task_id)
    return TaskOutput(text=f"spoken: {wav.path}", artifacts=[wav])


@pytest.fixture
def agent(tmp_path: Any) -> Any:
    return fake_agent(Settings(output_dir=tmp_path / "out"),
                      {"fake/ocr": ("image-to-text", lambda i, c: "TEXT ON THE PAGE"),
                       "fake/tts": ("text-to-speech", _tts),
                       "fake/sum": ("summarization", lambda i, c: "SHORT")})


@pytest.mark.parametrize("history", [
    [("human", "read the sign"), ("ai", SAID)],
    [{"role": "user", "content": "read the sign"}, {"role": "assistant", "content": SAID}],
    [HumanMessage("read the sign").model_dump(), AIMessage(SAID).model_dump()],  # as a server's JSON brings them
    ["read the sign", AIMessage(SAID)],
], ids=["tuples", "openai-dicts", "serialized", "string-and-message"])
def test_chat_history_message_likes_are_read(agent: Any, history: list[Any]) -> None:
    """Each raised AttributeError ('tuple' object has no attribute 'additional_kwargs')."""
    state = agent.invoke({"input": "now read that aloud", "chat_history": history})
    results = state["answer"].results
    assert [r.task for r in results] == ["text-to-speech"] and results[0].inputs["text"] == SAID


@pytest.mark.parametrize("history, named", [
    ([("human", "hi"), 3], "item 1 is not a chat message: 3"),
    ([{"role": "robot", "content": "x"}], "item 0 is not a chat message: {'role': 'robot'"),
    ([{"text": "x"}], "item 0 is not a chat message: {'text': 'x'}"),
    ("hello", "must be a list of messages, got 'hello'"),
])
def test_a_chat_history_item_that_is_no_message_is_named(agent: Any, history: Any, named: str) -> None:
    with pytest.raises(AgentInputError) as error:
        agent.invoke({"input": "now read that aloud", "chat_history": history})
    message = str(error.value)
    assert named in message and "\n" not in message and "('human' | 'ai', text) pairs" in message


def test_optional_keys_are_optional_in_the_input_schema_and_as_a_tool(agent: Any) -> None:
    """as_tool made files and chat_history required arguments (a ValidationError without them)."""
    assert agent.get_input_jsonschema()["required"] == ["input"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as_tool is beta
        tool = agent.as_tool(name="hugginggpt", description="Run a HuggingGPT request")
    assert [k for k, f in tool.args_schema.model_fields.items() if f.is_required()] == ["input"]
    assert tool.invoke({"input": "Summarize this text: a long story about cats."})["answer"].results[0].text == "SHORT"
    assert agent.invoke(AgentInput(input="Summarize this text: cats."))["answer"].results[0].text == "SHORT"
    state = agent.invoke({"input": "Summarize this text: cats.", "files": [], "chat_history": []})
    assert state["answer"].results[0].text == "SHORT"


@pytest.mark.parametrize("value, named", [
    ({"input": "Read page.png", "file": ["page.png"]}, "'file' (did you mean 'files' for 'file'?)"),
    ({"input": "Read page.png", "session_id": "s1"}, "'session_id' goes into the config"),
    ({"input": "Read page.png", "colour": "red"}, "unknown key(s) 'colour': it reads 'input'"),
])
def test_an_unknown_input_key_is_refused_naming_it(agent: Any, value: dict[str, Any], named: str) -> None:
    """A typo'd key was dropped silently: the run went on without the files."""
    with pytest.raises(AgentInputError) as error:
        agent.invoke(value)
    assert named in str(error.value) and "\n" not in str(error.value)


def test_task_events_name_their_stage_and_the_trace_lists_the_events(agent: Any) -> None:
    chunks = list(agent.stream({"input": "Summarize this text: a long story about cats."}, stream_mode="custom"))
    task_events = [c for c in chunks if str(c.get("event", "")).startswith("task_")]
    assert task_events and all(c["stage"] == "execute" for c in task_events)
    assert all("stage" in c for c in chunks)
    trace = agent.invoke({"input": "Summarize this text: a long story about cats."})["answer"].trace
    assert trace.events[0].startswith("plan: plan_ready 1 task(s)")
    assert "execute: task_finished task 0 (summarization) succeeded with fake/sum" in trace.events
    assert trace.events[-1] == "respond: answer_ready 0 file(s)"


# ----------------------------------------------------------------------------- served


@pytest.fixture
def client_for(agent: Any, tmp_path: Any) -> Any:
    pytest.importorskip("langserve")
    from starlette.testclient import TestClient

    from hugginggpt_tools.server import create_app

    def make(keys: list[str] | None = None) -> Any:
        return TestClient(create_app(agent, settings=Settings(output_dir=tmp_path / "out"), api_keys=keys or []),
                          raise_server_exceptions=False)

    return make


def test_served_chat_history_in_openai_form_is_read_and_a_bad_item_is_a_400(client_for: Any) -> None:
    """Both were a bare 500 (a TypeError in LangServe's validation)."""
    client = client_for()
    history = [{"role": "user", "content": "read the sign"}, {"role": "assistant", "content": SAID}]
    ok = client.post("/hugginggpt/invoke", json={"input": {"input": "now read that aloud", "chat_history": history}})
    assert ok.status_code == 200, ok.text
    assert ok.json()["output"]["answer"]["results"][0]["inputs"]["text"] == SAID
    for bad, named in (([{"role": "robot", "content": "x"}], "item 0 is not a chat message"),
                       ({"input": "x", "fies": []}, "unknown key(s) 'fies'")):
        body = {"input": "now read that aloud", "chat_history": bad} if isinstance(bad, list) else bad
        response = client.post("/hugginggpt/invoke", json={"input": body})
        assert response.status_code == 400 and named in response.json()["detail"], response.text


def _read_then_speak(client: Any, config: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    uploaded = client.post("/files", files={"file": ("page.png", b"png")}, headers=headers or {}).json()["path"]
    first = client.post("/hugginggpt/invoke", headers=headers or {},
                        json={"input": {"input": "Read the text in page.png", "files": [uploaded]}, "config": config})
    assert first.status_code == 200, first.text
    return client.post("/hugginggpt/invoke", headers=headers or {},
                       json={"input": {"input": "Now read that aloud"}, "config": config})


@pytest.mark.parametrize("key", ["session_id", "thread_id"])
def test_the_config_session_id_carries_turns_like_the_header(client_for: Any, key: str) -> None:
    """RemoteRunnable users pass config={"configurable": {"session_id": ...}}: it was dropped, so the
    second turn had nothing to read aloud."""
    client = client_for()
    second = _read_then_speak(client, {"configurable": {key: "s1"}})
    results = second.json()["output"]["answer"]["results"]
    assert results and results[0]["inputs"]["text"] == "TEXT ON THE PAGE", second.text
    schema = client.get("/hugginggpt/config_schema").json()
    assert "session_id" in schema["$defs"]["Configurable"]["properties"]


def test_the_config_session_is_scoped_to_the_api_key(client_for: Any, tmp_path: Any) -> None:
    client = client_for(["key-a", "key-b"])
    config = {"configurable": {"session_id": "shared"}}
    assert _read_then_speak(client, config, {"X-API-Key": "key-a"}).json()["output"]["answer"]["results"]
    other = client.post("/hugginggpt/invoke", headers={"X-API-Key": "key-b"},
                        json={"input": {"input": "Now read that aloud"}, "config": config})
    assert other.status_code == 200 and other.json()["output"]["answer"]["results"] == []  # key b's own session
    assert not (tmp_path / "out" / "shared").exists()


def test_a_header_and_a_config_naming_different_sessions_is_a_400(client_for: Any) -> None:
    client = client_for()
    for config in ({"configurable": {"session_id": "b"}}, {"configurable": {"thread_id": "b"}}):
        response = client.post("/hugginggpt/invoke", headers={"X-Session-Id": "a"},
                               json={"input": {"input": "Summarize this text: cats."}, "config": config})
        assert response.status_code == 400 and "name different sessions" in response.json()["detail"], response.text
    same = client.post("/hugginggpt/invoke", headers={"X-Session-Id": "a"},
                       json={"input": {"input": "Summarize this text: cats."}, "config": {"configurable": {
                           "session_id": "a"}}})
    assert same.status_code == 200, same.text
    bad = client.post("/hugginggpt/invoke", json={"input": {"input": "Summarize this text: cats."},
                                                  "config": {"configurable": {"session_id": "uploads"}}})
    assert bad.status_code == 400 and "config.configurable.session_id" in bad.json()["detail"], bad.text
