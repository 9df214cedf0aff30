"""The whole agent as one tool of another agent: the calling LLM reads the answer text, not the
state dict's repr (``agent.as_tool()`` gave it 3 KB of ``{'output': ..., 'answer': Answer(...)}``)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from helpers import fake_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from hugginggpt_tools.agent_tool import DEFAULT_NAME, create_hugginggpt_tool
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.schemas import Answer
from hugginggpt_tools.testing import fake_tool_calling_model


@pytest.fixture
def agent(tmp_path: Path) -> Any:
    return fake_agent(Settings(output_dir=tmp_path / "out"), {
        "fake/ocr": ("image-to-text", lambda inputs, ctx: "OPEN DAILY"),
        "fake/sum": ("summarization", lambda inputs, ctx: "SHORT")})


def _call(args: dict[str, Any], call_id: str = "c1") -> dict[str, Any]:
    return {"name": DEFAULT_NAME, "args": args, "id": call_id, "type": "tool_call"}


def test_the_tool_gives_the_answer_text_as_content_and_the_answer_as_artifact(agent: Any, tmp_path: Path) -> None:
    page = tmp_path / "page.png"
    page.write_bytes(b"png")
    tool = create_hugginggpt_tool(agent)
    assert tool.name == "hugginggpt" and tool.response_format == "content_and_artifact"
    assert [k for k, f in tool.args_schema.model_fields.items() if f.is_required()] == ["input"]
    message = tool.invoke(_call({"input": "Read the text in page.png", "files": [str(page)]}))
    assert isinstance(message, ToolMessage) and isinstance(message.artifact, Answer)
    assert message.content == message.artifact.text and "OPEN DAILY" in message.content
    assert "'answer'" not in message.content and "Answer(" not in message.content
    message = asyncio.run(tool.ainvoke(_call({"input": "Summarize this text: a long story about cats."})))
    assert message.artifact.results[0].text == "SHORT"


def test_plain_as_tool_returns_the_state_which_is_why_the_tool_exists(agent: Any) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as_tool is beta
        plain = agent.as_tool(name="hugginggpt", description="Run a HuggingGPT request")
    content = plain.invoke(_call({"input": "Summarize this text: a long story about cats."})).content
    assert "'answer'" in content  # LangChain's as_tool: str() of the state dict
    made = create_hugginggpt_tool(agent).invoke(_call({"input": "Summarize this text: a long story about cats."}))
    assert len(made.content) < len(content) / 3


@pytest.mark.parametrize("checkpointer", [False, True], ids=["no-memory", "memory"])
def test_the_tool_inside_create_agent_and_its_calls_share_the_thread_session(agent: Any, checkpointer: bool) -> None:
    from langchain.agents import create_agent
    from langgraph.checkpoint.memory import InMemorySaver

    def summarize_that_again(messages: list[Any]) -> AIMessage:
        return AIMessage("", tool_calls=[_call({"input": "summarize that"}, "c2")])

    model = fake_tool_calling_model([
        AIMessage("", tool_calls=[_call({"input": "Summarize this text: a long story about cats."})]),
        summarize_that_again,
        AIMessage("It is SHORT."),
    ])
    outer = create_agent(model, tools=[create_hugginggpt_tool(agent)],
                         checkpointer=InMemorySaver() if checkpointer else None)
    state = outer.invoke({"messages": [HumanMessage("Summarize: a long story about cats, then again")]},
                         {"configurable": {"thread_id": "t1"}})
    tool_messages = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert [m.status for m in tool_messages] == ["success", "success"]
    first, second = (m.artifact for m in tool_messages)
    assert isinstance(first, Answer) and tool_messages[0].content == first.text
    assert second.results[0].inputs["text"] == "SHORT"  # "that": the first call's summary, by the thread's session
    assert state["messages"][-1].content == "It is SHORT."


def test_a_default_tool_and_a_wrong_agent(monkeypatch: pytest.MonkeyPatch, agent: Any) -> None:
    from hugginggpt_tools import pipeline

    monkeypatch.setattr(pipeline, "create_hugginggpt_agent", lambda: agent)
    assert create_hugginggpt_tool().invoke({"input": "Summarize this text: cats."}) == agent.invoke(
        "Summarize this text: cats.")["output"]
    with pytest.raises(ConfigError, match="needs the agent create_hugginggpt_agent\\(\\) returns, got str"):
        create_hugginggpt_tool("hugginggpt")  # type: ignore[arg-type]
