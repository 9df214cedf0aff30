"""Ctrl-C during a run: ``hugginggpt run`` prints what finished, with its files, and what was stopped,
and exits 130 (it printed "interrupted" and nothing else, though the OCR was done and only the
speech was left); a Python program interrupted while a model call runs exits at once (it waited
for the call, a Piper synthesis of minutes, as ``concurrent.futures`` joins its threads at exit)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

HANG_S = 60
"""How long the hanging fake model sleeps: the process would wait that long at exit."""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to a child process")

FAKES = textwrap.dedent(f"""
    import sys, time
    from fake_embedder import HashEmbedder
    from hugginggpt_tools.backends.base import Backends, TaskOutput
    from hugginggpt_tools.model_index.index import ModelIndex
    from hugginggpt_tools.testing import FakeBackend, fake_card

    def ocr(inputs, ctx):
        return "WET FLOOR"

    def speak(inputs, ctx):
        art = ctx.save_bytes(b"RIFF-" + inputs["text"].encode(), ".wav", "speech", stem="speech")
        return TaskOutput(text="spoke", artifacts=[art])

    def transcribe(inputs, ctx):
        print("[fake] transcribing", file=sys.stderr, flush=True)
        time.sleep({HANG_S})
        return "never"

    tasks = {{"image-to-text": ocr, "text-to-speech": speak, "automatic-speech-recognition": transcribe}}
    index = ModelIndex.build([fake_card(t) for t in tasks], HashEmbedder())
    backends = Backends([FakeBackend(handlers=tasks)])
""")

CLI_MAIN = textwrap.dedent("""
    from hugginggpt_tools import pipeline
    from hugginggpt_tools.cli import main
    pipeline.load_default_index = lambda settings: index
    pipeline.default_backends = lambda settings, llm=None: backends
    sys.argv = ["hugginggpt", *sys.argv[1:]]
    sys.exit(main())
""")
"""The command line over a script's fake ``index`` and ``backends`` (after :data:`FAKES`, or others)."""

CLI = FAKES + CLI_MAIN

LIBRARY = FAKES + textwrap.dedent("""
    from hugginggpt_tools import create_hugginggpt_agent
    agent = create_hugginggpt_agent(index=index, backends=backends)
    try:
        agent.invoke({"input": "read the text in sign.png aloud and transcribe the recording", "files": ["sign.png"]})
    except KeyboardInterrupt:
        print("[fake] interrupted", file=sys.stderr, flush=True)
""")


def _interrupt(tmp_path: Path, script: str, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``script`` with ``args`` in ``tmp_path`` (holding ``sign.png``), send it SIGINT once the slow
    transcription started, and return what it did and how long it took to end after the signal."""
    (tmp_path / "sign.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (tmp_path / "script.py").write_text(script, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, "script.py", *args], cwd=tmp_path, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err: list[str] = []
    try:
        while "[fake] transcribing" not in "".join(err):  # its line may be mixed with a progress line
            line = child.stderr.readline()
            assert line, f"ended before the transcription started: {''.join(err)}"
            err.append(line)
        time.sleep(0.2)
        child.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, rest = child.communicate(timeout=HANG_S / 3)
        return subprocess.CompletedProcess(child.args, child.returncode, out, "".join(err) + rest), \
            time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()


def test_ctrl_c_prints_what_finished_with_its_files_and_what_was_stopped(tmp_path: Path) -> None:
    done, took = _interrupt(tmp_path, CLI, "run", "read the text in sign.png aloud and transcribe the recording",
                            "--session", "s")
    assert done.returncode == 130, done.stderr
    assert took < HANG_S / 4, f"the process took {took:.1f} s to end"
    wav = next((tmp_path / "hugginggpt_outputs" / "s").glob("speech-*.wav"))
    lines = done.stdout.splitlines()
    assert lines[0] == "Interrupted (Ctrl-C); 2 tasks of 3 had finished:"
    assert lines[1:3] == ["task 0 (image-to-text) succeeded with fake/image-to-text (fake, 0.0 s):", "   WET FLOOR"]
    assert lines[3].startswith("task 1 (text-to-speech) succeeded with fake/text-to-speech (fake, ")
    assert lines[4:] == ["   spoke", f"   wrote {wav}", "Files written:", f"- {wav}",
                         "Stopped: task 2 (automatic-speech-recognition), running."]
    assert done.stderr.endswith("interrupted; session 's' is as it was before this request\n")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "hugginggpt_outputs" / "s" / "session.json").exists()


def test_ctrl_c_with_json_prints_the_finished_results_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    from hugginggpt_tools.cli.run import _interrupted
    from hugginggpt_tools.schemas import Artifact, Plan, Ref, Task, TaskResult

    plan = Plan(tasks=[Task(id=0, task="text-to-speech", args={"text": "hello"}),
                       Task(id=1, task="automatic-speech-recognition", args={"audio": Ref(task_id=0)})])
    wav = Artifact(id="0123456789ab", path="/out/speech.wav", mime_type="audio/wav", modality="audio")
    spoken = TaskResult(task_id=0, task="text-to-speech", status="succeeded", text="spoke", artifacts=[wav])
    assert _interrupted({"state": {"plan": plan, "input": "say hello"}, "started": {0, 1}}, [spoken], True, None) == 130
    report = json.loads(capsys.readouterr().out)
    assert report["interrupted"] is True and report["request"] == "say hello"
    assert [(r["task_id"], r["status"], r["text"]) for r in report["results"]] == [(0, "succeeded", "spoke")]
    assert report["files"] == ["/out/speech.wav"]
    assert report["stopped"] == [{"task_id": 1, "task": "automatic-speech-recognition", "status": "running"}]


def test_a_python_program_interrupted_during_a_model_call_exits_at_once(tmp_path: Path) -> None:
    done, took = _interrupt(tmp_path, LIBRARY)
    assert "[fake] interrupted" in done.stderr
    assert took < HANG_S / 4, f"the program waited {took:.1f} s for the interrupted model call to end"


INSIDE_A_LOOP = FAKES + textwrap.dedent("""
    import asyncio, signal
    from hugginggpt_tools import create_hugginggpt_agent
    agent = create_hugginggpt_agent(index=index, backends=backends)

    async def main():  # as in Jupyter: invoke from code that a running event loop runs
        signal.signal(signal.SIGINT, signal.default_int_handler)  # as ipykernel's interrupt: KeyboardInterrupt
        agent.invoke({"input": "read the text in sign.png aloud and transcribe the recording", "files": ["sign.png"]})
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("[fake] interrupted", file=sys.stderr, flush=True)
""")


def test_a_run_invoked_inside_a_running_event_loop_stops_at_once_too(tmp_path: Path) -> None:
    """The node's loop ran in a helper thread that a plain ThreadPoolExecutor waited for: the
    program went on for the hanging call's whole 60 s after Ctrl-C."""
    done, took = _interrupt(tmp_path, INSIDE_A_LOOP)
    assert "[fake] interrupted" in done.stderr
    assert took < HANG_S / 4, f"the program waited {took:.1f} s for the interrupted model call to end"


def test_an_interrupted_run_tells_a_model_that_works_in_steps_to_stop_and_keeps_what_finished() -> None:
    from hugginggpt_tools.artifacts import ArtifactStore
    from hugginggpt_tools.backends.base import Backends, RunContext
    from hugginggpt_tools.config import Settings
    from hugginggpt_tools.execution import Executor, finished_results
    from hugginggpt_tools.schemas import Plan, Ref, Task
    from hugginggpt_tools.testing import FakeBackend, fake_choice

    stepping, stopped = threading.Event(), threading.Event()

    def speak(inputs: dict[str, str], ctx: RunContext) -> str:
        for _ in range(500):  # 10 s of "sentences" unless told to stop
            stepping.set()
            if ctx.cancelled.is_set():
                stopped.set()
                return "stopped"
            time.sleep(0.02)
        return "spoke"

    settings = Settings(task_timeout_s=60, task_retries=0)
    handlers = {"summarization": lambda inputs, ctx: "short", "text-to-speech": speak}
    executor = Executor(Backends([FakeBackend(handlers=handlers)]), ArtifactStore(settings.output_dir), settings)
    plan = Plan(tasks=[Task(id=0, task="summarization", args={"text": "a long text"}),
                       Task(id=1, task="text-to-speech", args={"text": Ref(task_id=0)})])

    async def interrupted() -> None:
        run = asyncio.ensure_future(executor.arun(plan, [fake_choice(0, "summarization"),
                                                         fake_choice(1, "text-to-speech")]))
        while not stepping.is_set():
            await asyncio.sleep(0.01)
        run.cancel()  # what Ctrl-C does to asyncio.run's task
        with pytest.raises(asyncio.CancelledError):
            await run

    with finished_results() as finished:
        asyncio.run(interrupted())
    assert stopped.wait(2)
    assert [(r.task_id, r.status, r.text) for r in finished] == [(0, "succeeded", "short")]


def test_interrupted_report_names_the_stage_and_the_tasks_not_started(capsys: pytest.CaptureFixture[str]) -> None:
    from hugginggpt_tools.cli.run import _interrupted
    from hugginggpt_tools.schemas import Plan, Ref, Task

    plan = Plan(tasks=[Task(id=0, task="image-to-text", args={"image": "a.png"}),
                       Task(id=1, task="text-to-speech", args={"text": Ref(task_id=0)})])
    assert _interrupted({}, [], False, None) == 130
    assert capsys.readouterr() == ("Interrupted (Ctrl-C) while planning; no task ran.\n", "interrupted\n")
    _interrupted({"state": {"plan": plan}, "started": {0}}, [], False, "trip")
    out, err = capsys.readouterr()
    assert out.splitlines() == ["Interrupted (Ctrl-C) before any task finished.",
                                "Stopped: task 0 (image-to-text), running; task 1 (text-to-speech), not started."]
    assert err == "interrupted; session 'trip' is as it was before this request\n"


def _sleep_then(seconds: float, value: Any) -> Any:
    time.sleep(seconds)
    return value


def test_daemon_pool_runs_calls_cancels_those_not_started_and_holds_up_no_exit() -> None:
    from hugginggpt_tools.workers import DaemonPool

    pool = DaemonPool(1, thread_name_prefix="test-pool")
    running = pool.submit(_sleep_then, 0.3, "first")
    queued = pool.submit(_sleep_then, 0, "second")
    failing = DaemonPool(2).submit(int, "x")
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("test-pool"))
    pool.shutdown(wait=False, cancel_futures=True)
    assert queued.cancelled() and running.result(timeout=5) == "first"
    with pytest.raises(ValueError, match="invalid literal"):
        failing.result(timeout=5)
    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(int, "1")
    again = DaemonPool(3)
    assert [f.result(timeout=5) for f in [again.submit(_sleep_then, 0.01, n) for n in range(6)]] == list(range(6))
    again.shutdown(wait=True)
    assert len(again._threads) <= 3 and not any(t.is_alive() for t in again._threads)
