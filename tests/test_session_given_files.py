"""A session remembers which files were given with each request (``files=``, ``--file``), so a later
"what about slide.png?" does to slide.png what was done to the file given: it planned a visual
question "what about slide.png?" when the first request named no file ("read the sign")."""

from __future__ import annotations

from pathlib import Path

from fake_embedder import HashEmbedder
from langchain_core.messages import AIMessage, HumanMessage

from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.config import Settings
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.pipeline import HuggingGPT, build_graph
from hugginggpt_tools.planning import OfflinePlanner
from hugginggpt_tools.planning.clauses import GIVEN
from hugginggpt_tools.sessions import Session
from hugginggpt_tools.testing import FakeBackend, fake_card, scripted_chat_model


def test_what_about_another_file_repeats_a_request_on_a_file_given() -> None:
    history = [HumanMessage("read the sign", additional_kwargs={GIVEN: ["sign.jpg"]}),
               AIMessage("OPEN 9-5 MON-FRI")]
    plan = OfflinePlanner().plan("what about slide.png?", chat_history=history)
    assert [(t.task, dict(t.args)) for t in plan.tasks] == [("image-to-text", {"image": "slide.png"})]


def test_a_file_of_another_kind_is_no_repeat() -> None:
    history = [HumanMessage("transcribe it", additional_kwargs={GIVEN: ["call.wav"]}), AIMessage("hello")]
    plan = OfflinePlanner(matcher=False).plan("what about slide.png?", chat_history=history)
    assert [t.task for t in plan.tasks] != ["automatic-speech-recognition"]


def test_the_agent_records_the_files_given_with_a_request_and_a_session_keeps_them(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("The cats slept all day in the sun and then they ate.")
    index = ModelIndex.build([fake_card("summarization", "fake/sum")], HashEmbedder())
    backends = Backends([FakeBackend(handlers={"summarization": lambda inputs, ctx: "SHORT"})])
    hg = HuggingGPT(scripted_chat_model(["Done."]), planner="offline", settings=Settings(output_dir=tmp_path),
                    index=index, backends=backends)
    build_graph(hg).invoke({"input": "summarize it", "files": [str(note)]}, {"configurable": {"session_id": "s"}})
    session = hg.sessions.get("s")
    asked = [m for m in session.history if isinstance(m, HumanMessage)]
    assert asked[-1].additional_kwargs[GIVEN] == ["note.txt"]
    session.save()
    again = Session(id=session.id, store=session.store)
    again.load()
    assert again.history[0].additional_kwargs[GIVEN] == ["note.txt"]
