"""Saving a session: a session file that cannot be written does not lose the answer (it was exit 2 and
no answer), never leaves the previous file half written, and two runs of one session at once both
keep their turn (the last to save won, the other's turn was lost)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from fake_embedder import HashEmbedder

from hugginggpt_tools import pipeline
from hugginggpt_tools.backends.base import Backends
from hugginggpt_tools.cli import main
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.model_index.index import ModelIndex
from hugginggpt_tools.schemas import Answer, Plan, Task, TaskResult
from hugginggpt_tools.sessions import SESSION_FILE, SessionManager
from hugginggpt_tools.testing import FakeBackend, fake_card

SIGN = "OPEN DAILY FROM 9 TO 5"


def _answer(request: str, text: str) -> Answer:
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": request})])
    result = TaskResult(task_id=0, task="summarization", status="succeeded", text=text)
    return Answer(request=request, text=text, plan=plan, results=[result])


def _requests(path: Path) -> list[str]:
    saved = json.loads(path.read_text(encoding="utf-8"))
    return [m["data"]["content"] for m in saved["history"] if m["type"] == "human"]


def _leftovers(folder: Path) -> list[str]:
    """Files in ``folder`` other than the session file and its lock: temporary files left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name not in (SESSION_FILE, f".{SESSION_FILE}.lock"))


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake OCR model for every agent the CLI builds; the current folder is ``tmp_path``, holding
    ``sign.png``; the session file of session ``trip``."""
    tasks = {"image-to-text": lambda inputs, ctx: SIGN}
    index = ModelIndex.build([fake_card(task) for task in tasks], HashEmbedder())
    monkeypatch.setattr(pipeline, "load_default_index", lambda settings: index)
    monkeypatch.setattr(pipeline, "default_backends", lambda settings, llm=None: Backends([FakeBackend(handlers=tasks)]))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sign.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return tmp_path / "hugginggpt_outputs" / "trip" / SESSION_FILE


def test_a_session_that_cannot_be_saved_still_prints_the_answer_then_says_why_and_the_fix(
        cli: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "read the text in sign.png", "--session", "trip", "--quiet"]) == 0
    before = cli.read_bytes()
    capsys.readouterr()
    replace = os.replace

    def disk_full(src: Any, dst: Any) -> None:
        if Path(dst).name == SESSION_FILE:
            raise OSError(errno.ENOSPC, "No space left on device")
        replace(src, dst)

    monkeypatch.setattr(os, "replace", disk_full)
    assert main(["run", "read the text in sign.png", "--session", "trip", "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"Result: {SIGN}\n")
    assert err == (f"warning: session 'trip' not saved, so a next request in it will not know this one: Cannot save "
                   f"the session file '{cli}' (No space left on device); the file is as it was before. Fix: free some "
                   "disk space, then ask again in session 'trip', or give another output folder with --output-dir "
                   "(HUGGINGGPT_OUTPUT_DIR; in Python Settings(output_dir=...)) to start the session anew there.\n")
    assert cli.read_bytes() == before and not _leftovers(cli.parent)


@pytest.mark.parametrize(("code", "fix"), [(errno.EACCES, "make '{folder}' writable"),
                                           (errno.EROFS, "make '{folder}' writable"),
                                           (errno.EIO, "check that '{folder}' can be written")])
def test_the_fix_fits_the_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, fix: str) -> None:
    session = SessionManager(Settings(output_dir=tmp_path)).get("s")
    session.record_turn("summarize", _answer("summarize", "short"))

    def refused(src: Any, dst: Any) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(ConfigError) as caught:
        session.save()
    assert f"({os.strerror(code)}); " in str(caught.value)
    assert f"Fix: {fix.format(folder=session.path.parent)}, then" in str(caught.value)
    assert not _leftovers(session.path.parent)


WRITER = textwrap.dedent("""
    import resource, signal, sys
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.errors import ConfigError
    from hugginggpt_tools.schemas import Answer, Plan, Task, TaskResult
    from hugginggpt_tools.sessions import SessionManager

    session = SessionManager(Settings(output_dir=sys.argv[1])).restore("s")
    text = "word " * 20000
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": "x"})])
    session.record_turn("a long one", Answer(request="a long one", text=text, plan=plan, results=[
        TaskResult(task_id=0, task="summarization", status="succeeded", text=text)]))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))
    try:
        session.save()
    except ConfigError as exc:
        print(exc)
""")


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_a_write_that_fails_half_way_leaves_the_previous_session_file_whole(tmp_path: Path) -> None:
    session = SessionManager(Settings(output_dir=tmp_path)).get("s")
    session.record_turn("summarize", _answer("summarize", "short"))
    before = session.save().read_bytes()
    (tmp_path / "writer.py").write_text(WRITER, encoding="utf-8")
    done = subprocess.run([sys.executable, "writer.py", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Cannot save the session file" in done.stdout and "(File too large)" in done.stdout
    assert session.path.read_bytes() == before and not _leftovers(session.path.parent)


def test_sessions_saved_at_once_keep_every_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Eight runs of one session, each loaded before any saved, all save at once: every turn is kept
    (in the order they saved), and the files of each."""
    monkeypatch.chdir(tmp_path)  # the files given lie in the working folder (the file policy's)
    settings = Settings(output_dir=tmp_path)
    first = SessionManager(settings).get("s")
    first.record_turn("turn 0", _answer("turn 0", "zero"))
    first.save()
    runs = [SessionManager(settings).restore("s") for _ in range(8)]
    for n, session in enumerate(runs, start=1):
        made = tmp_path / f"made-{n}.txt"
        made.write_text(str(n), encoding="utf-8")
        session.add_files([str(made)])
        session.record_turn(f"turn {n}", _answer(f"turn {n}", str(n)))
    start = threading.Barrier(len(runs))

    def save(session: Any) -> None:
        start.wait()
        session.save()

    threads = [threading.Thread(target=save, args=(s,)) for s in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    path = first.path
    requests = _requests(path)
    assert requests[0] == "turn 0" and sorted(requests[1:]) == [f"turn {n}" for n in range(1, 9)]
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(Path(f).name for f in saved["files"]) == sorted(f"made-{n}.txt" for n in range(1, 9))
    again = SessionManager(settings).restore("s")
    assert again.turns == 9 and not _leftovers(path.parent)


def test_a_session_saved_again_by_the_same_run_is_not_doubled(tmp_path: Path) -> None:
    settings = Settings(output_dir=tmp_path)
    session = SessionManager(settings).restore("s")
    session.record_turn("one", _answer("one", "1"))
    session.save()
    session.record_turn("two", _answer("two", "2"))
    session.save()
    other = SessionManager(settings).restore("s")
    other.record_turn("three", _answer("three", "3"))
    session.record_turn("four", _answer("four", "4"))
    other.save()
    session.save()
    assert _requests(session.path) == ["one", "two", "three", "four"]
    assert [m.content for m in session.history if m.type == "human"] == ["one", "two", "three", "four"]
    session.save()
    assert _requests(session.path) == ["one", "two", "three", "four"]


def test_two_runs_of_one_session_at_once_both_keep_their_turn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Two ``hugginggpt run --session trip`` at once (in threads, as two processes would): each has
    loaded the session before either saves it (the fake OCR waits for both), and both turns are kept."""
    both = threading.Barrier(2, timeout=30)

    def ocr(inputs: dict[str, str], ctx: Any) -> str:
        both.wait()
        return SIGN

    index = ModelIndex.build([fake_card("image-to-text")], HashEmbedder())
    monkeypatch.setattr(pipeline, "load_default_index", lambda settings: index)
    monkeypatch.setattr(pipeline, "default_backends",
                        lambda settings, llm=None: Backends([FakeBackend(handlers={"image-to-text": ocr})]))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sign.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    requests = ["read the text in sign.png", "what does sign.png say"]
    codes: list[int] = []
    runs = [threading.Thread(target=lambda r=r: codes.append(main(["run", r, "--session", "trip", "--quiet"])))
            for r in requests]
    for run in runs:
        run.start()
    for run in runs:
        run.join(60)
    assert codes == [0, 0], capsys.readouterr().err
    assert sorted(_requests(tmp_path / "hugginggpt_outputs" / "trip" / SESSION_FILE)) == sorted(requests)
