"""The agent's input: a request string alone works; other shapes get a one-line error naming the fix."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from helpers import fake_agent
from langgraph.graph.state import CompiledStateGraph

from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import AgentInputError


@pytest.fixture
def agent(tmp_path: Any) -> Any:
    return fake_agent(Settings(output_dir=tmp_path / "out"),
                      {"fake/sum": ("summarization", lambda inputs, ctx: "SHORT")})


def test_a_request_string_alone_is_the_input(agent: Any) -> None:
    """It raised LangGraph's InvalidUpdateError ("Expected dict, got ...")."""
    assert isinstance(agent, CompiledStateGraph)  # still a LangGraph graph (agents/langgraph.json)
    state = agent.invoke("Summarize this text: a long story about cats.")
    assert state["answer"].results[0].text == "SHORT" and "SHORT" in state["output"]
    assert [next(iter(c)) for c in agent.stream("Summarize this text: cats.")] == ["plan", "select", "execute", "respond"]
    assert asyncio.run(agent.ainvoke("Summarize this text: cats."))["answer"].results[0].text == "SHORT"
    assert agent.invoke({"input": "Summarize this text: cats."})["answer"].results[0].text == "SHORT"


@pytest.mark.parametrize("value", [b"Summarize it", 3, ["Summarize it"]])
def test_other_shapes_name_the_fix(agent: Any, value: Any) -> None:
    with pytest.raises(AgentInputError) as error:
        agent.invoke(value)
    message = str(error.value)
    assert "\n" not in message and repr(value) in message and "{'input': 'your request'" in message


def test_an_empty_string_names_the_fix(agent: Any) -> None:
    with pytest.raises(AgentInputError, match="non-empty request string, got ''"):
        agent.invoke("")


def test_the_agent_as_a_node_of_a_checkpointed_graph_takes_its_own_answer_back(tmp_path) -> None:
    """A parent graph whose state holds the agent's output keys passed them back with the next
    turn's input: "unknown key(s) 'output', 'answer'"."""
    from typing import TypedDict

    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import END, START, StateGraph

    agent = fake_agent(Settings(output_dir=tmp_path), {"fake/sum": ("summarization", lambda i, c: "SHORT")})

    class Parent(TypedDict, total=False):
        input: str
        output: str
        answer: object

    graph = StateGraph(Parent)
    graph.add_node("hg", agent)
    graph.add_edge(START, "hg")
    graph.add_edge("hg", END)
    app, config = graph.compile(checkpointer=InMemorySaver()), {"configurable": {"thread_id": "t"}}
    app.invoke({"input": "Summarize this: The sky is blue. Grass is green. Water is wet."}, config)
    second = app.invoke({"input": "Summarize this: Cats purr. Dogs bark. Birds sing."}, config)
    assert second["answer"].request == "Summarize this: Cats purr. Dogs bark. Birds sing."
    assert "SHORT" in second["output"]
