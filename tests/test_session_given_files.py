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
    assert plan.read_as is None  # not read as "transcribe it" on slide.png


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


def test_selection_and_the_models_go_by_the_request_a_follow_up_is_read_as(tmp_path: Path, monkeypatch) -> None:
    """"what about b.txt?" after "what is the sentiment of a.txt" is planned as the sentiment of
    b.txt; selection was given the words "what about b.txt?" and chose a language identifier."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("I loved the hotel, the staff were wonderful.")
    monkeypatch.chdir(tmp_path)
    index = ModelIndex.build([fake_card("text-classification", "fake/cls")], HashEmbedder())
    backends = Backends([FakeBackend(handlers={"text-classification": lambda inputs, ctx: "positive"})])
    hg = HuggingGPT(scripted_chat_model(["Done.", "Done."]), planner="offline", settings=Settings(output_dir=tmp_path),
                    index=index, backends=backends)
    seen: list[str] = []
    aselect = HuggingGPT.aselect

    async def spying(self, plan, request):
        seen.append(request)
        return await aselect(self, plan, request)

    monkeypatch.setattr(HuggingGPT, "aselect", spying)
    agent, config = build_graph(hg), {"configurable": {"session_id": "s"}}
    agent.invoke("what is the sentiment of a.txt", config)
    agent.invoke("what about b.txt?", config)
    assert seen == ["what is the sentiment of a.txt", "what is the sentiment of b.txt"]


def _summarizing_agent(tmp_path: Path) -> tuple[HuggingGPT, object]:
    index = ModelIndex.build([fake_card("summarization", "fake/sum")], HashEmbedder())
    backends = Backends([FakeBackend(handlers={"summarization": lambda inputs, ctx: "SHORT"})])
    hg = HuggingGPT(scripted_chat_model(["Done."] * 3), planner="offline", settings=Settings(output_dir=tmp_path),
                    index=index, backends=backends)
    return hg, build_graph(hg)


def test_a_turn_records_only_the_files_given_with_it(tmp_path: Path) -> None:
    """A turn given no file recorded the session's files as given, so "same for sign.png" after
    "read that aloud" replayed "read that aloud" on the first turn's picture (a tester's session)."""
    note = tmp_path / "note.txt"
    note.write_text("The cats slept all day in the sun and then they ate.")
    hg, agent = _summarizing_agent(tmp_path)
    config = {"configurable": {"session_id": "s"}}
    agent.invoke({"input": "summarize it", "files": [str(note)]}, config)
    agent.invoke({"input": "summarize that again"}, config)
    asked = [m for m in hg.sessions.get("s").history if isinstance(m, HumanMessage)]
    assert [m.additional_kwargs.get(GIVEN) for m in asked] == [["note.txt"], None]


def test_a_turn_addresses_its_own_files_first_then_the_sessions_latest_first(tmp_path: Path) -> None:
    """"transcribe that recording" took the session's oldest recording: the files a turn can address
    come as this request's, then the session's from the latest back."""
    hg, _ = _summarizing_agent(tmp_path)
    paths = [tmp_path / name for name in ("first.wav", "second.wav", "photo.jpg")]
    for path in paths:
        path.write_bytes(b"x")
    config = {"configurable": {"session_id": "s"}}
    hg.open_turn(config, [str(paths[0])], None)
    hg.open_turn(config, [str(paths[1])], None)
    files = hg.open_turn(config, [str(paths[2])], None).files
    assert files == [str(p.resolve()) for p in reversed(paths)]
    files = hg.open_turn(config, [], None).files
    assert files == [str(p.resolve()) for p in reversed(paths)]


def test_a_served_turn_records_only_the_files_it_kept(tmp_path: Path) -> None:
    """A file the server refused (not an upload) was recorded as given with the turn."""
    uploads, elsewhere = tmp_path / "uploads", tmp_path / "elsewhere"
    uploads.mkdir()
    elsewhere.mkdir()
    (uploads / "note.txt").write_text("The cats slept all day in the sun and then they ate.")
    (elsewhere / "secret.txt").write_text("PIN 4711")
    hg, agent = _summarizing_agent(tmp_path)
    config = {"configurable": {"session_id": "s", "hugginggpt_work_dir": str(uploads)}}
    agent.invoke({"input": "summarize note.txt", "files": ["note.txt", str(elsewhere / "secret.txt")]}, config)
    asked = [m for m in hg.sessions.get("s").history if isinstance(m, HumanMessage)]
    assert asked[-1].additional_kwargs[GIVEN] == ["note.txt"]


def test_read_that_aloud_after_a_summary_of_a_text_file_reads_the_summary(tmp_path: Path) -> None:
    """In a session, "now read that aloud" after "Summarize story.txt" spoke story.txt again: the
    session's file, passed again with the request, was taken for new input."""
    story = tmp_path / "story.txt"
    story.write_text("The council met on Monday. It voted on June 3 to build cycling lanes. Mayor Alvarez agreed.")
    spoken: list[str] = []

    def speak(inputs: dict, ctx: object) -> str:
        spoken.append(inputs["text"])
        return "spoke"

    index = ModelIndex.build([fake_card("summarization", "fake/sum"), fake_card("text-to-speech", "fake/tts")],
                             HashEmbedder())
    backends = Backends([FakeBackend(handlers={"summarization": lambda inputs, ctx: "The council voted for lanes.",
                                               "text-to-speech": speak})])
    hg = HuggingGPT(scripted_chat_model(["Done.", "Done."]), planner="offline", settings=Settings(output_dir=tmp_path),
                    index=index, backends=backends)
    agent, config = build_graph(hg), {"configurable": {"session_id": "s"}}
    agent.invoke({"input": "Summarize story.txt", "files": [str(story)]}, config)
    agent.invoke({"input": "now read that aloud"}, config)
    assert spoken == ["The council voted for lanes."]


def test_a_second_follow_up_repeats_the_request_the_first_was_read_as(tmp_path: Path, monkeypatch) -> None:
    """"and notes.txt too" after "what about b.txt?" repeated the words "what about notes.txt?" (a
    question) instead of the sentiment the first follow-up was read as."""
    for name in ("a.txt", "b.txt", "notes.txt"):
        (tmp_path / name).write_text("I loved the hotel, the staff were wonderful.")
    monkeypatch.chdir(tmp_path)
    index = ModelIndex.build([fake_card("text-classification", "fake/cls"), fake_card("question-answering", "fake/qa")],
                             HashEmbedder())
    backends = Backends([FakeBackend(handlers={"text-classification": lambda inputs, ctx: "positive",
                                               "question-answering": lambda inputs, ctx: "an answer"})])
    hg = HuggingGPT(scripted_chat_model(["Done."] * 3), planner="offline", settings=Settings(output_dir=tmp_path),
                    index=index, backends=backends)
    agent, config = build_graph(hg), {"configurable": {"session_id": "s"}}
    agent.invoke({"input": "What is the sentiment of a.txt?", "files": ["a.txt"]}, config)
    agent.invoke({"input": "what about b.txt?", "files": ["b.txt"]}, config)
    third = agent.invoke({"input": "and notes.txt too", "files": ["notes.txt"]}, config)
    assert [(t.task, t.args["text"]) for t in third["answer"].plan.tasks] == [("text-classification", "notes.txt")]
