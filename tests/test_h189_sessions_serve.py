"""Sessions read back are checked before the run; ``hugginggpt serve`` stops within a time limit.

A session folder that cannot be written was found only when saving, after the run's work; the files
``session.json`` lists were trusted without the file policy a request's files get, so an edited file
made any file on the machine readable by name; and the stopped server waited for a long request
(57 s of a silent LLM's 60 s limit).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from hugginggpt_tools.cli import main
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import ConfigError
from hugginggpt_tools.sessions import SESSION_FILE, SessionManager


def _refuse_writes_in(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make creating a file in ``folder`` fail as in a read-only folder (the tests may run as root,
    for whom permission bits do not)."""
    from hugginggpt_tools import sessions

    real = tempfile.NamedTemporaryFile

    def refusing(*args: Any, **kwargs: Any) -> Any:
        if Path(kwargs.get("dir") or ".").resolve() == folder.resolve():
            raise PermissionError(errno.EACCES, "Permission denied", str(folder))
        return real(*args, **kwargs)

    monkeypatch.setattr(sessions.tempfile, "NamedTemporaryFile", refusing)


def test_restore_says_up_front_that_the_session_folder_cannot_be_written(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    _refuse_writes_in(monkeypatch, tmp_path / "out" / "trip")
    with pytest.raises(ConfigError) as caught:
        SessionManager(Settings(output_dir=tmp_path / "out")).restore("trip")
    folder = str((tmp_path / "out" / "trip").resolve())
    assert f"Cannot write in the folder of session 'trip', {folder!r} (Permission denied)" in str(caught.value)
    assert f"Fix: make {folder!r} writable, or give another output folder with --output-dir" in str(caught.value)


def test_a_session_folder_in_the_way_of_a_file_is_said_before_the_run(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "trip").write_text("not a folder")
    with pytest.raises(ConfigError, match="Cannot write in the folder of session 'trip'"):
        SessionManager(Settings(output_dir=tmp_path / "out")).restore("trip")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_read_only_session_folder_is_said_before_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "trip"
    folder.mkdir(parents=True)
    folder.chmod(0o555)
    try:
        with pytest.raises(ConfigError, match="Permission denied"):
            SessionManager(Settings(output_dir=tmp_path / "out")).restore("trip")
    finally:
        folder.chmod(0o755)


def test_the_command_line_runs_nothing_when_the_session_cannot_be_saved(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _refuse_writes_in(monkeypatch, tmp_path / "out" / "trip")
    code = main(["run", "Summarize this text: The cat sat on the mat. It was a happy cat.", "--session", "trip",
                 "--output-dir", str(tmp_path / "out"), "--planner", "offline"])
    err = capsys.readouterr().err
    assert code == 2 and "error: Cannot write in the folder of session 'trip'" in err and "nothing was run" in err
    assert "[plan]" not in err and "[task 0]" not in err


def test_files_listed_in_the_session_file_pass_the_file_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    work, elsewhere, allowed = tmp_path / "work", tmp_path / "elsewhere", tmp_path / "allowed"
    for folder in (work, elsewhere, allowed):
        folder.mkdir()
    secret, here, shared = elsewhere / "secret.txt", work / "notes.txt", allowed / "memo.txt"
    for path in (secret, here, shared):
        path.write_text("some text")
    settings = Settings(output_dir=tmp_path / "out", allowed_dirs=[allowed])
    made = settings.output_dir / "trip" / "speech.wav"
    made.parent.mkdir(parents=True)
    made.write_bytes(b"RIFF")
    os.symlink(secret, work / "link.txt")  # a symlink in the working folder cannot lead out of it
    listed = [str(secret), str(here), str(shared), str(made), str(work / "link.txt"), "/dev/null",
              str(tmp_path / "gone.txt")]
    (made.parent / SESSION_FILE).write_text(json.dumps({"version": 1, "id": "trip", "history": [], "files": listed}))
    monkeypatch.chdir(work)
    with caplog.at_level(logging.WARNING, logger="hugginggpt_tools.sessions"):
        session = SessionManager(settings).restore("trip")
    assert session.files == [str(p.resolve()) for p in (here, shared, made)]
    refused = "\n".join(r.getMessage() for r in caplog.records)
    assert f"left out {str(secret)!r}, listed in {made.parent / SESSION_FILE}" in refused
    assert "give it again with --file, or add its folder to HUGGINGGPT_ALLOWED_DIRS" in refused
    assert "link.txt" in refused and "gone.txt" not in refused  # a file that is gone is left out quietly


def test_a_session_still_round_trips_its_own_and_the_working_folders_files(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from hugginggpt_tools.schemas import Answer, Plan

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sign.png").write_bytes(b"png")
    settings = Settings(output_dir=tmp_path / "out")
    first = SessionManager(settings).restore("trip")
    first.add_files([str(tmp_path / "sign.png")])
    first.record_turn("read sign.png", Answer(request="read sign.png", text="WET FLOOR", plan=Plan()))
    first.save()
    again = SessionManager(settings).restore("trip")
    assert again.files == [str((tmp_path / "sign.png").resolve())] and again.turns == 1


# ----------------------------------------------------------------------------- hugginggpt serve


def test_serve_gives_uvicorn_a_graceful_shutdown_timeout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("langserve")
    import inspect

    import uvicorn

    from hugginggpt_tools.cli.serve import SHUTDOWN_TIMEOUT_S

    assert "timeout_graceful_shutdown" in inspect.signature(uvicorn.Config).parameters
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("HUGGINGGPT_OUTPUT_DIR", str(tmp_path / "out"))
    assert main(["serve", "--port", "8123"]) == 0
    assert main(["serve", "--shutdown-timeout", "2.5"]) == 0
    assert [c["timeout_graceful_shutdown"] for c in calls] == [SHUTDOWN_TIMEOUT_S, 2.5] and SHUTDOWN_TIMEOUT_S == 10


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
def test_a_shutdown_timeout_that_is_no_number_of_seconds_is_refused(value: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["serve", "--shutdown-timeout", value])
    assert caught.value.code == 2
    assert f"{value!r} is not a number of seconds (0 or more), e.g. --shutdown-timeout 10" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_stopped_server_cancels_a_long_request_after_its_shutdown_timeout(tmp_path: Path) -> None:
    """Ctrl-C while a run waits on a silent LLM (limit 60 s): the server exits after --shutdown-timeout."""
    pytest.importorskip("langserve")
    pytest.importorskip("langchain_openai")
    import httpx
    from test_llm_time_limit import silent_server

    port = _free_port()
    with silent_server() as llm_url:
        env = {**os.environ, "OPENAI_BASE_URL": llm_url, "OPENAI_API_KEY": "sk-test", "HUGGINGGPT_LLM_TIMEOUT": "60",
               "HUGGINGGPT_OUTPUT_DIR": str(tmp_path / "out"), "HF_HUB_OFFLINE": "1"}
        server = subprocess.Popen([sys.executable, "-m", "hugginggpt_tools", "serve", "--port", str(port), "--llm",
                                   "openai:gpt-test", "--planner", "llm", "--shutdown-timeout", "1"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline, ready = time.monotonic() + 60, False
            while not ready and server.poll() is None and time.monotonic() < deadline:
                try:
                    ready = httpx.get(f"{base}/health", timeout=1).status_code == 200
                except httpx.HTTPError:
                    time.sleep(0.2)
            assert ready, server.stderr.read().decode() if server.poll() is not None else "not ready in 60 s"
            with httpx.Client(timeout=90) as client:
                import threading

                threading.Thread(target=lambda: _post_quietly(client, base), daemon=True).start()
                time.sleep(1.5)  # the run is waiting on the LLM
                stopped = time.monotonic()
                server.send_signal(signal.SIGINT)
                server.wait(timeout=30)
                took = time.monotonic() - stopped
        finally:
            if server.poll() is None:
                server.kill()
            server.wait()
    assert took < 8, f"the server took {took:.1f} s to stop"  # 57 s without the limit


def _post_quietly(client: Any, base: str) -> None:
    try:
        client.post(f"{base}/hugginggpt/invoke", json={"input": {"input": "write a poem about the sea"}})
    except Exception:  # noqa: BLE001 - the server is stopped under it
        pass
