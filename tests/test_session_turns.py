"""In-process sessions (the Python API's and the server's ``session_id``) keep their last
``SESSION_TURNS`` turns, as ``hugginggpt run --session`` does: what is kept, what the planner and
the responding LLM are sent. They kept every turn, the prompt growing without end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_embedder import HashEmbedder
from langchain_core.messages import AIMessage, HumanMessage

from hugginggpt_tools import sessions
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.pipeline import HuggingGPT, build_graph
from hugginggpt_tools.response import Responder
from hugginggpt_tools.sessions import SESSION_TURNS, SessionManager, recent_turns
from hugginggpt_tools.testing import FakeBackend, fake_card, scripted_chat_model


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """How many human turns of history the planner and the responder got, run by run."""
    seen: dict[str, list[int]] = {"plan": [], "respond": []}
    aplan, arespond = HuggingGPT.aplan, Responder.arespond

    async def counting_aplan(self: Any, request: str, files: Any = (), chat_history: Any = ()) -> Any:
        seen["plan"].append(sum(isinstance(m, HumanMessage) for m in chat_history))
        return await aplan(self, request, files, chat_history)

    async def counting_arespond(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen["respond"].append(sum(isinstance(m, HumanMessage) for m in args[4]))
        return await arespond(self, *args, **kwargs)

    monkeypatch.setattr(HuggingGPT, "aplan", counting_aplan)
    monkeypatch.setattr(Responder, "arespond", counting_arespond)
    return seen


def _hg(tmp_path: Path, **settings: Any) -> HuggingGPT:
    index = ModelIndex.build([fake_card("summarization", "fake/sum")], HashEmbedder())
    backends = Backends([FakeBackend(handlers={"summarization": lambda inputs, ctx: "SHORT"})])
    return HuggingGPT(scripted_chat_model(["Done."]), planner="offline",
                      settings=Settings(output_dir=tmp_path, **settings), index=index, backends=backends)


def test_a_session_keeps_and_sends_only_its_last_turns(tmp_path: Path, sent: dict[str, list[int]]) -> None:
    hg = _hg(tmp_path, session_turns=2)
    agent, config = build_graph(hg), {"configurable": {"session_id": "chat"}}
    requests = [f"Summarize this text: story number {n} about cats." for n in range(4)]
    for request in requests:
        agent.invoke(request, config)
    assert sent == {"plan": [0, 1, 2, 2], "respond": [0, 1, 2, 2]}
    history = hg.sessions.get("chat").history
    assert [m.content for m in history if isinstance(m, HumanMessage)] == requests[-2:]
    assert [m.type for m in history] == ["human", "ai", "human", "ai"] and hg.sessions.get("chat").turns == 2


def test_a_long_chat_history_input_is_cut_to_the_last_turns(tmp_path: Path, sent: dict[str, list[int]]) -> None:
    history = [m for n in range(SESSION_TURNS + 5) for m in (HumanMessage(f"q{n}"), AIMessage(f"a{n}"))]
    build_graph(_hg(tmp_path)).invoke({"input": "Summarize this text: cats.", "chat_history": history})
    assert sent == {"plan": [SESSION_TURNS], "respond": [SESSION_TURNS]}


def test_the_cap_is_per_manager_and_a_restored_session_keeps_its_last_turns(tmp_path: Path) -> None:
    settings = Settings(output_dir=tmp_path)
    session = SessionManager(settings, max_turns=1).get("s")
    session.history = [HumanMessage("q0"), AIMessage("a0"), HumanMessage("q1"), AIMessage("a1")]
    session.save()
    restored = SessionManager(settings, max_turns=1).restore("s")
    assert restored.history == recent_turns(session.history, 1) == session.history[2:]
    assert SessionManager(settings).restore("s").history == session.history  # the default keeps 10


def test_the_cap_is_a_setting_read_from_the_environment(tmp_path: Path, sent: dict[str, list[int]]) -> None:
    """``HUGGINGGPT_SESSION_TURNS`` (``Settings.session_turns``) reaches the agent's sessions; its default
    is :data:`~hugginggpt_tools.sessions.SESSION_TURNS`."""
    settings = Settings.from_env({"HUGGINGGPT_SESSION_TURNS": "1"}, output_dir=tmp_path)
    assert settings.session_turns == 1 and Settings().session_turns == sessions.SESSION_TURNS == 10
    hg = _hg(tmp_path, session_turns=settings.session_turns)
    assert hg.sessions.max_turns == 1 and hg.sessions.get("chat").max_turns == 1
    agent, config = build_graph(hg), {"configurable": {"session_id": "chat"}}
    for n in range(3):
        agent.invoke(f"Summarize this text: story number {n} about cats.", config)
    assert sent == {"plan": [0, 1, 1], "respond": [0, 1, 1]} and hg.sessions.get("chat").turns == 1
    assert SessionManager(Settings(output_dir=tmp_path, session_turns=0)).get("none").max_turns == 0
