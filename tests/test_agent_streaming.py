"""Streaming the agent as the README says: ``stream_mode="values"`` ends on the state with the
answer, and the agent called inside an LCEL step streams and passes its events on."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from helpers import fake_agent
from langchain_core.runnables import RunnableLambda

from hugginggpt_tools.config import Settings

REQUEST = "Summarize this text: a long story about cats."


@pytest.fixture
def agent(tmp_path: Path) -> Any:
    return fake_agent(Settings(output_dir=tmp_path / "out"), {"fake/sum": ("summarization", lambda i, c: "SHORT")})


def test_values_mode_ends_on_the_answer(agent: Any) -> None:
    *_, last = agent.stream({"input": REQUEST}, stream_mode="values")
    assert "SHORT" in last["output"] and last["answer"].results[0].text == "SHORT"


def test_the_agent_inside_an_lcel_step_streams_and_passes_its_events_on(agent: Any) -> None:
    chain = RunnableLambda(lambda q: agent.invoke({"input": q})["output"]) | RunnableLambda(str.upper)
    assert [c for c in chain.stream(REQUEST) if "SHORT" in c] and "SHORT" in chain.invoke(REQUEST)

    async def custom_events() -> list[str]:
        return [e["name"] async for e in chain.astream_events(REQUEST, version="v2") if e["event"] == "on_custom_event"]

    assert asyncio.run(custom_events())[-1] == "hugginggpt.answer_ready"
