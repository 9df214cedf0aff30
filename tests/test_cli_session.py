"""``hugginggpt run --session NAME``: a conversation that goes on from one command to the next.

Each ``main([...])`` call below builds a new agent, as a new process would; only what the session
file in the output folder holds carries over. The offline planner plans; fake models answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import pipeline
from hugginggpt_tools.backends.base import Backends, RunContext, TaskOutput
from hugginggpt_tools.cli import main
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.sessions import SESSION_FILE, SessionManager
from hugginggpt_tools.testing import FakeBackend, fake_card

SIGN = "OPEN DAILY FROM 9 TO 5"


@pytest.fixture
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[dict[str, str]]]:
    """Fake OCR, speech and transcription models for every agent the CLI builds; the inputs each
    task got, by task type. The current folder is ``tmp_path``, holding ``sign.png``."""
    seen: dict[str, list[dict[str, str]]] = {}

    def ocr(inputs: dict[str, str], ctx: RunContext) -> str:
        seen.setdefault("image-to-text", []).append(inputs)
        return SIGN

    def speak(inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        seen.setdefault("text-to-speech", []).append(inputs)
        art = ctx.save_bytes(b"RIFF-fake-" + inputs["text"].encode(), ".wav", "speech", stem="speech")
        return TaskOutput(text=f"spoke {len(inputs['text'])} characters: {art.path}", artifacts=[art])

    def transcribe(inputs: dict[str, str], ctx: RunContext) -> str:
        seen.setdefault("automatic-speech-recognition", []).append(inputs)
        return Path(inputs["audio"]).read_bytes().decode().removeprefix("RIFF-fake-")

    tasks = {"image-to-text": ocr, "text-to-speech": speak, "automatic-speech-recognition": transcribe}
    index = ModelIndex.build([fake_card(task) for task in tasks], HashEmbedder())
    monkeypatch.setattr(pipeline, "load_default_index", lambda settings: index)
    monkeypatch.setattr(pipeline, "default_backends", lambda settings, llm=None: Backends([FakeBackend(handlers=tasks)]))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sign.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return seen


def test_a_later_run_of_the_session_refers_to_the_earlier_ones_results_and_files(
        calls: dict[str, list[dict[str, str]]], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "read the text in sign.png", "--file", "sign.png", "--session", "trip"]) == 0
    out = capsys.readouterr()
    assert SIGN in out.out
    session_file = tmp_path / "hugginggpt_outputs" / "trip" / SESSION_FILE
    assert f"[session] trip: a new session ({session_file})" in out.err
    assert session_file.is_file()

    assert main(["run", "now read that aloud", "--session", "trip"]) == 0  # a new agent: only the file carries it
    assert "[session] trip: turn 2" in capsys.readouterr().err
    assert calls["text-to-speech"] == [{"text": SIGN}]
    wav = next((tmp_path / "hugginggpt_outputs" / "trip").glob("speech-*.wav"))

    assert main(["run", "transcribe that recording", "--session", "trip", "--quiet"]) == 0  # a file of an earlier run
    assert calls["automatic-speech-recognition"] == [{"audio": str(wav)}]
    assert SIGN in capsys.readouterr().out

    saved = json.loads(session_file.read_text(encoding="utf-8"))
    assert [m["data"]["content"] for m in saved["history"] if m["type"] == "human"] == [
        "read the text in sign.png", "now read that aloud", "transcribe that recording"]
    assert str(wav) in saved["files"] and str(tmp_path / "sign.png") in saved["files"]


def test_without_session_every_run_is_private(calls: dict[str, list[dict[str, str]]], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "read the text in sign.png", "--quiet"]) == 0
    assert main(["run", "now read that aloud", "--quiet"]) == 1
    assert "text-to-speech needs a text" in capsys.readouterr().out
    assert "text-to-speech" not in calls
    assert not list((tmp_path / "hugginggpt_outputs").rglob(SESSION_FILE))
    # sessions do not mix either
    assert main(["run", "read the text in sign.png", "--session", "a", "--quiet"]) == 0
    assert main(["run", "now read that aloud", "--session", "b", "--quiet"]) == 1
    assert "text-to-speech" not in calls


def test_a_bad_session_name_or_file_is_one_line_with_the_fix(calls: dict[str, Any], tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "read the text in sign.png", "--session", "../up"]) == 2
    assert capsys.readouterr().err == (
        "error: --session '../up': a session name is a folder name of 1 to 128 letters, digits, '-', '_' or '.', "
        "not starting with '.'; e.g. --session trip-notes\n")
    broken = tmp_path / "hugginggpt_outputs" / "trip" / SESSION_FILE
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json", encoding="utf-8")
    assert main(["run", "read the text in sign.png", "--session", "trip"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: Cannot read the session file '{broken}': not a saved session (")
    assert err.endswith("delete it to start session 'trip' afresh, or use another session name.\n")
    assert "image-to-text" not in calls


def test_restore_reads_back_what_save_wrote_and_drops_files_that_are_gone(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_core.messages import AIMessage, HumanMessage

    from hugginggpt_tools.config import Settings

    monkeypatch.chdir(tmp_path)  # files read back pass the file policy: kept.png is in the working folder
    settings = Settings(output_dir=str(tmp_path / "out"))
    kept, gone = tmp_path / "kept.png", tmp_path / "gone.png"
    kept.write_bytes(b"x")
    gone.write_bytes(b"x")
    session = SessionManager(settings).get("s1")
    session.history = [HumanMessage("caption kept.png"), AIMessage("a cat", additional_kwargs={"k": [["t", "v"]]})]
    session.add_files([str(kept), str(gone)])
    assert session.save() == tmp_path / "out" / "s1" / SESSION_FILE
    gone.unlink()
    again = SessionManager(settings).restore("s1")
    assert again.history == session.history and again.turns == 1
    assert again.files == [str(kept.resolve())]
    assert SessionManager(settings).restore("new").history == []  # nothing saved: a new session


def test_a_session_keeps_and_plans_with_only_its_last_turns_but_all_its_files(
        calls: dict[str, list[dict[str, str]]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUGGINGGPT_SESSION_TURNS", "2")  # what is kept, and what the progress line says
    planned_with: list[int] = []
    aplan = pipeline.HuggingGPT.aplan

    async def counting_aplan(self: Any, request: str, files: Any, history: Any) -> Any:
        planned_with.append(sum(m.type == "human" for m in history))
        return await aplan(self, request, files, history)

    monkeypatch.setattr(pipeline.HuggingGPT, "aplan", counting_aplan)
    requests = ["read the text in sign.png", "now read that aloud", "transcribe that recording",
                "read the text in sign.png"]
    assert main(["run", requests[0], "--file", "sign.png", "--session", "trip", "--quiet"]) == 0
    for request in requests[1:]:
        assert main(["run", request, "--session", "trip", "--quiet"]) == 0
    assert planned_with == [0, 1, 2, 2]

    saved = json.loads((tmp_path / "hugginggpt_outputs" / "trip" / SESSION_FILE).read_text(encoding="utf-8"))
    assert [m["data"]["content"] for m in saved["history"] if m["type"] == "human"] == requests[-2:]
    assert [m["type"] for m in saved["history"]] == ["human", "ai", "human", "ai"]
    wav = next((tmp_path / "hugginggpt_outputs" / "trip").glob("speech-*.wav"))
    assert str(wav) in saved["files"] and str(tmp_path / "sign.png") in saved["files"]  # the first turn's file too

    main(["run", "read that aloud", "--session", "trip"])
    assert "[session] trip: going on from its last 2 turns (" in capsys.readouterr().err


def test_recent_turns_cuts_at_a_request() -> None:
    from langchain_core.messages import AIMessage, HumanMessage

    from hugginggpt_tools.sessions import recent_turns

    history = [HumanMessage("a"), AIMessage("1"), HumanMessage("b"), AIMessage("2"), HumanMessage("c"), AIMessage("3")]
    assert recent_turns(history, 2) == history[2:]
    assert recent_turns(history, 3) == history and recent_turns(history, 0) == []
