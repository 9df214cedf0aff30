"""What a run cut short leaves behind, and its exit code.

A text-to-speech task that timed out or was interrupted left its hidden ``.speech-*.wav.*.partial``
in the output folder when run from the command line: the worker removes it once it stops, but
``hugginggpt run`` ends at once past a call still running (``os._exit``), and a Python program's
exit does not wait for the daemon worker either. A partial transcript (the windows Whisper heard
before the time limit, ``data["partial"]``) made ``hugginggpt run`` exit 0, as if all was done.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from test_interrupts import CLI_MAIN

HANG_S = 60
"""How long the fake voice takes over its second sentence: the worker would remove its file only then."""

FAKES = textwrap.dedent(f"""
    import sys, time
    from types import SimpleNamespace
    from fake_embedder import HashEmbedder
    from hugginggpt_tools.backends._speech import speech_output, write_speech
    from hugginggpt_tools.backends.base import Backends
    from hugginggpt_tools.model_index.index import ModelIndex
    from hugginggpt_tools.testing import FakeBackend, fake_card

    class SlowVoice:
        config = SimpleNamespace(sample_rate=16000)

        def synthesize(self, text):
            yield SimpleNamespace(audio_int16_bytes=b"\\1\\0" * 1600)
            print("[fake] speaking", file=sys.stderr, flush=True)
            time.sleep({HANG_S})  # a long sentence: the task's time limit passes meanwhile
            yield SimpleNamespace(audio_int16_bytes=b"\\1\\0" * 1600)

    def speak(inputs, ctx):
        path = ctx.store.new_path(".wav", stem="speech")
        spoken = write_speech(SlowVoice(), inputs["text"], path, ctx)
        return speech_output(path, inputs["text"], ctx, "fake", spoken.left_out)

    index = ModelIndex.build([fake_card("text-to-speech")], HashEmbedder())
    backends = Backends([FakeBackend(handlers={{"text-to-speech": speak}})])
""")

CLI = FAKES + CLI_MAIN

LIBRARY = FAKES + textwrap.dedent("""
    from hugginggpt_tools import create_hugginggpt_agent
    agent = create_hugginggpt_agent(index=index, backends=backends)
    state = agent.invoke({"input": "read this aloud: the shipment left on Monday. It arrived on Friday."})
    print("[fake] done:", state["answer"].results[0].status, file=sys.stderr, flush=True)
""")

REQUEST = "read this aloud: the shipment left on Monday. It arrived on Friday."


def _run(tmp_path: Path, script: str, *args: str, interrupt: bool = False) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with ``args`` in ``tmp_path`` with a task time limit of 2 s; with ``interrupt``,
    send it SIGINT once the voice is speaking instead (the limit then is beyond the wait). Fails when it
    runs past a quarter of :data:`HANG_S`."""
    (tmp_path / "script.py").write_text(script, encoding="utf-8")
    limit = str(HANG_S) if interrupt else "2"
    env = {**os.environ, "HUGGINGGPT_TASK_TIMEOUT": limit, "HUGGINGGPT_TASK_RETRIES": "0",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, "script.py", *args], cwd=tmp_path, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = ""
    try:
        if interrupt:
            while "[fake] speaking" not in err:
                line = child.stderr.readline()
                assert line, f"ended before the voice spoke: {err}"
                err += line
            time.sleep(0.2)
            child.send_signal(signal.SIGINT)
        out, rest = child.communicate(timeout=HANG_S / 4)
        return subprocess.CompletedProcess(child.args, child.returncode, out, err + rest)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()


def _files(tmp_path: Path) -> list[str]:
    """The files of the output folder, hidden ones included (the store's manifest aside)."""
    folder = tmp_path / "hugginggpt_outputs"
    return sorted(p.name for p in folder.rglob("*") if p.is_file() and p.name != ".artifacts.jsonl")


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to a child process")
@pytest.mark.parametrize("how", ["timed out", "interrupted"])
def test_a_speech_task_cut_short_on_the_command_line_leaves_no_partial_file(tmp_path: Path, how: str) -> None:
    done = _run(tmp_path, CLI, "run", REQUEST, interrupt=how == "interrupted")
    assert done.returncode == (130 if how == "interrupted" else 1), done.stderr
    assert "Traceback" not in done.stderr
    if how == "timed out":
        assert "took longer than 2 s" in done.stdout
    assert _files(tmp_path) == []


def test_a_python_program_that_ends_while_a_timed_out_speech_task_runs_leaves_no_partial_file(tmp_path: Path) -> None:
    done = _run(tmp_path, LIBRARY)
    assert "[fake] done: failed" in done.stderr, done.stderr
    assert _files(tmp_path) == []


def test_unfinished_file_is_removed_on_failure_and_by_remove_unfinished_files_but_kept_once_renamed(
        tmp_path: Path) -> None:
    from hugginggpt_tools.artifacts import remove_unfinished_files, unfinished_file

    target = tmp_path / "speech.wav"
    with pytest.raises(RuntimeError), unfinished_file(target) as partial:
        partial.write_bytes(b"half")
        raise RuntimeError("stopped")
    assert not partial.exists() and list(tmp_path.iterdir()) == []
    with unfinished_file(target) as partial:
        assert partial.parent == tmp_path and partial.name.startswith(".speech.wav.")
        assert partial.name.endswith(".partial")
        partial.write_bytes(b"half")
        assert remove_unfinished_files() == 1  # the process ends while it is being written
        assert not partial.exists()
    with unfinished_file(target) as partial:
        partial.write_bytes(b"whole")
        partial.replace(target)
    assert remove_unfinished_files() == 0
    assert [p.name for p in tmp_path.iterdir()] == ["speech.wav"] and target.read_bytes() == b"whole"


def test_a_partial_result_is_not_everything_asked_for() -> None:
    from hugginggpt_tools.cli.run import _exit_code
    from hugginggpt_tools.schemas import Answer, Plan, Task, TaskResult

    task = Task(id=0, task="automatic-speech-recognition", args={"audio": "meeting.wav"})

    def exit_code(data: object) -> int:
        result = TaskResult(task_id=0, task=task.task, status="succeeded", text="Good morning", data=data)
        return _exit_code(Answer(request="r", text="t", plan=Plan(tasks=[task]), results=[result]))

    assert exit_code({"text": "Good morning", "partial": True, "transcribed_s": 56.0}) == 1
    assert exit_code({"text": "Good morning", "duration_s": 219.0}) == 0
    assert exit_code(None) == 0 and exit_code([{"label": "partial"}]) == 0


def test_run_exits_1_on_a_partial_transcript(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from fake_embedder import HashEmbedder

    from hugginggpt_tools import pipeline
    from hugginggpt_tools.backends.base import Backends, TaskOutput
    from hugginggpt_tools.cli import main
    from hugginggpt_tools.model_index.index import ModelIndex
    from hugginggpt_tools.testing import FakeBackend, fake_card

    note = "Partial transcript: transcribed the first 0:56 of 3:39 of meeting.wav before the time limit"

    def transcribe(inputs: dict[str, str], ctx: object) -> TaskOutput:
        data = {"text": "Good morning everyone.", "partial": True, "transcribed_s": 56.0}
        return TaskOutput(text=data["text"], data=data, warnings=[note])

    index = ModelIndex.build([fake_card("automatic-speech-recognition")], HashEmbedder())
    backends = Backends([FakeBackend(handlers={"automatic-speech-recognition": transcribe})])
    monkeypatch.setattr(pipeline, "load_default_index", lambda settings: index)
    monkeypatch.setattr(pipeline, "default_backends", lambda settings, llm=None: backends)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "meeting.wav").write_bytes(b"RIFF" + b"\0" * 40)
    assert main(["run", "transcribe meeting.wav", "--file", "meeting.wav", "--quiet"]) == 1
    assert "Partial transcript" in capsys.readouterr().out
