"""Faults of the LangChain/LangGraph developer surface: checkpointing the agent's state, a chat history of
plain strings, an input with no request, the record separator in ``--json`` and fixes worded for the
command line in a tool's errors."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any, TypedDict

import pytest
from fake_embedder import HashEmbedder
from helpers import fake_agent
from langchain_core.messages import ToolMessage

from hugginggpt_tools import HuggingGPTToolkit, create_hugginggpt_tool
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import AgentInputError
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import TEXTS_SEPARATOR, Answer, Plan, TaskResult
from hugginggpt_tools.testing import FakeBackend, fake_card

REQUEST = "Summarize this text: The sky is blue. Grass is green. Water is wet."


@pytest.fixture
def agent(tmp_path: Path) -> Any:
    return fake_agent(Settings(output_dir=tmp_path / "out"),
                      {"fake/sum": ("summarization", lambda inputs, ctx: f"SUMMARY OF {inputs['text']}")})


# ----------------------------------------------------------------------------- 1. checkpointing


def _unregistered(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "unregistered type" in r.getMessage()
            or "Blocked deserialization" in r.getMessage()]


def test_the_agent_checkpoints_its_state_with_no_unregistered_type(agent: Any,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """LangGraph warned "Deserializing unregistered type hugginggpt_tools.schemas.Plan" (and Answer, ...)."""
    from langgraph.checkpoint.memory import InMemorySaver

    from hugginggpt_tools.checkpointing import checkpoint_serde

    app = agent.copy(update={"checkpointer": InMemorySaver(serde=checkpoint_serde())})
    config = {"configurable": {"thread_id": "t"}}
    with caplog.at_level(logging.WARNING):
        app.invoke(REQUEST, config)
        values = app.get_state(config).values
        second = app.invoke("now summarize that", config)
    assert isinstance(values["answer"], Answer) and isinstance(values["plan"], Plan)
    assert isinstance(values["results"][0], TaskResult)
    assert second["answer"].results[0].inputs["text"].startswith("SUMMARY OF")
    assert _unregistered(caplog) == []


def test_a_parent_graph_gets_the_answer_back_from_its_checkpoint_even_in_strict_mode(agent: Any) -> None:
    """Strict LangGraph (only the allowed types, as LANGGRAPH_STRICT_MSGPACK=true) gave a parent whose
    state says ``answer: Any`` a dict; the package's serializer allows its types by name."""
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
    from langgraph.graph import END, START, StateGraph

    from hugginggpt_tools.checkpointing import CHECKPOINT_TYPES, checkpoint_serde

    class Parent(TypedDict, total=False):
        input: str
        output: str
        answer: Any

    def saved_answer(serde: Any) -> Any:
        graph = StateGraph(Parent)
        graph.add_node("hg", agent)
        graph.add_edge(START, "hg")
        graph.add_edge("hg", END)
        app, config = graph.compile(checkpointer=InMemorySaver(serde=serde)), {"configurable": {"thread_id": "p"}}
        app.invoke({"input": REQUEST}, config)
        return app.get_state(config).values["answer"]

    assert isinstance(saved_answer(JsonPlusSerializer(allowed_msgpack_modules=None)), dict)  # the fault
    answer = saved_answer(checkpoint_serde())
    assert isinstance(answer, Answer) and isinstance(answer.plan, Plan) and answer.request == REQUEST
    assert Answer in CHECKPOINT_TYPES


# ----------------------------------------------------------------------------- 2. chat history of strings


@pytest.mark.parametrize("history", [["The cat is on the mat."], [("human", "The cat is on the mat.")],
                                     [("human", "Hi"), ("ai", "Hello! What text?"), "The cat is on the mat."]])
def test_that_is_the_users_own_last_turn_when_the_history_ends_on_it(agent: Any, history: list[Any]) -> None:
    """A history of the user's turns (LangChain's strings) was ignored: "summarize that" planned nothing."""
    state = agent.invoke({"input": "summarize that", "chat_history": history})
    assert [r.inputs for r in state["answer"].results] == [{"text": "The cat is on the mat."}]


def test_a_reply_is_still_what_that_means_after_the_users_turn(agent: Any) -> None:
    state = agent.invoke({"input": "summarize that", "chat_history": [("human", "write a line"), ("ai", "A line.")]})
    assert state["answer"].results[0].inputs == {"text": "A line."}


def test_a_plain_string_history_names_the_forms_and_the_fix(agent: Any) -> None:
    with pytest.raises(AgentInputError) as error:
        agent.invoke({"input": "translate that to French", "chat_history": "The cat is on the mat."})
    message = str(error.value)
    assert "got 'The cat is on the mat.'" in message and "strings (the user's turns)" in message
    assert "chat_history=['The cat is on the mat.']" in message


# ----------------------------------------------------------------------------- 3. no request


def test_none_is_an_agent_input_error_naming_the_input_forms(agent: Any) -> None:
    """It was LangGraph's bare "EmptyInputError: Received no input for __start__"."""
    for call in (lambda: agent.invoke(None), lambda: list(agent.stream(None)),
                 lambda: asyncio.run(agent.ainvoke(None))):
        with pytest.raises(AgentInputError) as error:
            call()
        message = str(error.value)
        assert "invoked with None" in message and "{'input': 'your request'" in message
        assert "agent.invoke('Read the text in photo.jpg')" in message


@pytest.mark.parametrize("value", [{}, {"input": None}])
def test_no_input_key_names_the_input_forms(agent: Any, value: Any) -> None:
    with pytest.raises(AgentInputError, match=r"got None: invoke the agent with \{'input': 'your request'.*"
                                              r"or the request string alone"):
        agent.invoke(value)


def test_none_still_resumes_a_checkpointed_run(agent: Any) -> None:
    from langgraph.checkpoint.memory import InMemorySaver

    from hugginggpt_tools.checkpointing import checkpoint_serde

    app = agent.copy(update={"checkpointer": InMemorySaver(serde=checkpoint_serde())})
    config = {"configurable": {"thread_id": "r"}}
    app.invoke(REQUEST, config, interrupt_before=["respond"])
    assert "output" not in app.get_state(config).values
    assert app.invoke(None, config)["output"]  # LangGraph's resume: the run goes on to its answer


# ----------------------------------------------------------------------------- 4. --json


def test_json_output_shows_no_record_separator() -> None:
    """``hugginggpt run ... --json`` showed "\\n\\n\\u001e\\n\\n" between texts summarized together."""
    from hugginggpt_tools.cli._common import json_text
    from hugginggpt_tools.schemas import Task, TextTemplate

    joined = f"The first text.{TEXTS_SEPARATOR}The second text."
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": TextTemplate(parts=["a", TEXTS_SEPARATOR, "b"])})])
    answer = Answer(request="r", text="t", plan=plan, results=[TaskResult(task_id=0, task="summarization",
                                                                          status="succeeded", inputs={"text": joined})])
    for shown in (json_text(answer, indent=2), json_text(plan), json_text({"results": [joined]})):
        assert "\\u001e" not in shown and "\x1e" not in shown
    data = json.loads(json_text(answer))
    assert data["results"][0]["inputs"]["text"] == "The first text.\n\nThe second text."
    assert data["plan"]["tasks"][0]["args"]["text"]["parts"] == ["a", "\n\n", "b"]


def test_the_commands_print_json_without_the_separator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from hugginggpt_tools import pipeline
    from hugginggpt_tools.cli import main

    monkeypatch.chdir(tmp_path)
    for name in ("a.wav", "b.wav"):
        Path(name).write_text(f"words of {name}")
    agent = fake_agent(Settings(output_dir=tmp_path / "out"), {
        "fake/asr": ("automatic-speech-recognition", lambda inputs, ctx: Path(inputs["audio"]).read_text()),
        "fake/sum": ("summarization", lambda inputs, ctx: "SHORT")})
    monkeypatch.setattr(pipeline, "create_hugginggpt_agent", lambda *args, **kwargs: agent)
    request = "Transcribe a.wav and b.wav, then summarize them together"
    assert main(["run", request, "--file", "a.wav", "--file", "b.wav", "--json", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "\\u001e" not in printed
    summary = json.loads(printed)["results"][2]
    assert summary["inputs"]["text"] == "words of a.wav\n\nwords of b.wav"
    for args in (["--json"], []):
        assert main(["plan", request, *args]) == 0
        assert "\\u001e" not in capsys.readouterr().out


# ----------------------------------------------------------------------------- 5. fixes in tools


@pytest.fixture
def toolkit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HuggingGPTToolkit:
    monkeypatch.chdir(tmp_path)
    cards = [fake_card("image-to-text", "fake/ocr"), fake_card("automatic-speech-recognition", "fake/asr")]
    backend = FakeBackend(handlers={"image-to-text": lambda inputs, ctx: "TEXT",
                                    "automatic-speech-recognition": lambda inputs, ctx: "SAID"})
    return HuggingGPTToolkit(settings=Settings(output_dir=tmp_path / "out"), backends=Backends([backend]),
                             index=ModelIndex.build(cards, HashEmbedder()))


def test_a_tools_file_errors_name_its_own_argument_not_the_command_line(toolkit: HuggingGPTToolkit,
                                                                       tmp_path: Path) -> None:
    """They said "Give it with the request (--file PATH on the command line, files=[...] in Python)"."""
    missing = toolkit.get_tool("image-to-text").invoke({"image": "missing.png"})
    assert "--file" not in missing and "files=[...]" not in missing
    assert "Pass the file's full path as image_to_text's 'image' argument" in missing
    assert "'audio' argument" in toolkit.get_tool("asr").invoke({"audio": "nosuch.wav"})
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(b"png")
    refused = toolkit.get_tool("image-to-text").invoke({"image": str(outside)})
    assert "--file" not in refused and "pass that path as image_to_text's 'image' argument" in refused
    assert "a pathlib.Path passed as 'image' is read wherever it lies" in refused


def test_the_agent_tools_answer_names_its_files_argument(agent: Any, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    tool = create_hugginggpt_tool(agent)
    message = tool.invoke({"name": "hugginggpt", "args": {"input": "Summarize the text in notes.txt"}, "id": "1",
                           "type": "tool_call"})
    assert isinstance(message, ToolMessage) and "notes.txt" in message.content
    assert "--file" not in message.content and "hugginggpt's 'files' argument" in message.content
    assert "--file PATH" in message.artifact.text  # the Answer itself is as the run wrote it


@pytest.mark.parametrize(("tool", "argument", "task_tool", "asked"), [
    ("image_to_text", "image", True, "the image_to_text tool with image='page-1"),
    # the agent's tool has no image_to_text tool: its own call, with the page in files
    ("hugginggpt", "files", False, "hugginggpt with 'Read the text in page-1"),
])
def test_the_scanned_pdf_advice_names_the_callers_own_call(tool: str, argument: str, task_tool: bool,
                                                             asked: str) -> None:
    from hugginggpt_tools.documents import _pages_as_images
    from hugginggpt_tools.tools.fixes import tool_fixes

    text = tool_fixes(f"{tool}: scan.pdf has no text layer; {_pages_as_images('scan.pdf')}", tool, argument,
                      task_tool=task_tool)
    assert asked in text and "hugginggpt run" not in text and "--file" not in text
