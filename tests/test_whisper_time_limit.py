"""Speech recognition near the task's time limit: a long recording is transcribed window by window,
and the executor reads no result after the limit, so Whisper stops before it and returns the windows
it transcribed, marked as a partial transcript ("transcribed the first 0:08 of 0:30 ... raise
HUGGINGGPT_TASK_TIMEOUT"); a task already past its limit stops at the next window.

Whisper is a stand-in here (its windows cost what the test says); the recording is a tone.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._audio import audio_duration, write_wav
from hugginggpt_tools.backends.base import Backend, Backends, RunContext, TaskOutput
from hugginggpt_tools.backends.bundled_audio import WhisperTinyEnModel, _clock
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError, TaskTimeoutError

RATE = 16000


class _Whisper:
    """Stands in for faster-whisper's model: one sentence a window ("Window 1."), after ``then(n)``
    (a sleep, the time limit passing) on the n-th window; no speech at all when ``silent``."""

    def __init__(self, then: Any = None, silent: bool = False) -> None:
        self.then, self.silent, self.calls = then, silent, 0

    def transcribe(self, samples, **options):  # noqa: ANN001, ANN201
        self.calls += 1
        if self.then is not None:
            self.then(self.calls)
        rows = [] if self.silent else [(0.0, len(samples) / RATE, 0.01, -0.2, f" Window {self.calls}.")]
        return iter(SimpleNamespace(start=a, end=b, no_speech_prob=p, avg_logprob=lp, text=t)
                    for a, b, p, lp, t in rows), None


def _model(fake: _Whisper, timeout_s: float = 300.0) -> WhisperTinyEnModel:
    model = WhisperTinyEnModel(Settings(num_threads=1, task_timeout_s=timeout_s))
    model.model, model.prompts = fake, ()
    model.window_s, model.cut_search_s = 2.0, 0.5  # 2-second windows: 15 in the 30-second recording
    return model


def _recording(tmp_path: Path, seconds: float = 30.0) -> Path:
    t = np.arange(int(seconds * RATE)) / RATE
    path = tmp_path / "meeting.wav"
    write_wav(path, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), RATE)
    return path


def _ctx(tmp_path: Path, timeout_s: float = 300.0) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1, task_timeout_s=timeout_s),
                      task="automatic-speech-recognition")


def test_the_windows_heard_before_the_limit_come_back_marked_as_partial(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _Whisper()
    ctx = _ctx(tmp_path)
    monkeypatch.setattr(ctx, "time_left", lambda: 100.0 - 40.0 * fake.calls)  # 20 s left after the second window
    out = _model(fake).predict({"audio": str(_recording(tmp_path))}, ctx)
    assert fake.calls == 3  # the third window still had time, a fourth not
    (note,) = out.warnings  # a warning, not words a next task (a summary) reads as the recording's
    assert note.startswith("Partial transcript: transcribed the first 0:0")
    assert " of 0:30 of meeting.wav before the time limit (300 s, HUGGINGGPT_TASK_TIMEOUT); raise it" in note
    assert out.text == "Window 1. Window 2. Window 3."
    assert out.data["partial"] is True and out.data["duration_s"] == 30.0
    assert 4.0 < out.data["transcribed_s"] < 8.0 and out.data["text"] == "Window 1. Window 2. Window 3."


def test_with_time_to_spare_the_whole_recording_is_heard(tmp_path: Path) -> None:
    fake = _Whisper()
    out = _model(fake).predict({"audio": str(_recording(tmp_path))}, _ctx(tmp_path))
    assert fake.calls >= 14 and "partial" not in out.data and not out.warnings
    assert out.data["duration_s"] == 30.0


def test_a_task_past_its_limit_stops_at_the_next_window(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    fake = _Whisper(then=lambda n: ctx.cancelled.set())  # the executor gives up during the first window
    with pytest.raises(TaskTimeoutError, match="time limit"):
        _model(fake).predict({"audio": str(_recording(tmp_path))}, ctx)
    assert fake.calls == 1


def test_no_speech_in_the_windows_heard_says_how_much_was_heard_and_the_fix(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _Whisper(silent=True)
    ctx = _ctx(tmp_path, timeout_s=60)
    monkeypatch.setattr(ctx, "time_left", lambda: 60.0 - 60.0 * fake.calls)  # none left after the first window
    with pytest.raises(BackendError, match=r"heard no speech in the first 0:0\d of 0:30 of meeting.wav, all it could "
                                           r"transcribe before the time limit \(60 s, HUGGINGGPT_TASK_TIMEOUT\)"):
        _model(fake).predict({"audio": str(_recording(tmp_path))}, ctx)
    assert fake.calls == 1


class _Direct(Backend):
    """Runs the model on the executor's worker thread as the bundled backend does (loaded already)."""

    name = "bundled"

    def __init__(self, model: WhisperTinyEnModel) -> None:
        self.model = model

    def availability(self, card: Any) -> str | None:
        return None

    def run(self, card: Any, task: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        return self.model.predict(inputs, ctx)


def test_through_the_executor_a_long_recording_keeps_what_was_heard_before_the_limit(tmp_path: Path) -> None:
    """A real time limit (3 s) and windows of 0.3 s each: 15 windows would take 4.5 s; before, the
    task failed with "took longer than 3 s" and nothing of the 2.7 s of work was kept."""
    from hugginggpt_tools.execution import Executor
    from hugginggpt_tools.schemas import Plan, Task
    from hugginggpt_tools.testing import fake_choice

    settings = Settings(num_threads=1, task_timeout_s=3.0, task_retries=0, output_dir=tmp_path / "runs")
    audio = _recording(tmp_path)
    fake = _Whisper(then=lambda n: time.sleep(0.3))
    executor = Executor(Backends([_Direct(_model(fake, 3.0))]), ArtifactStore(settings.output_dir), settings)
    plan = Plan(tasks=[Task(id=0, task="automatic-speech-recognition", args={"audio": str(audio)})])
    choice = fake_choice(0, "automatic-speech-recognition", ["bundled/faster-whisper-tiny.en"], "bundled")
    (result,) = asyncio.run(executor.arun(plan, [choice], files=[str(audio)]))
    assert result.status == "succeeded", result.error
    assert result.text.startswith("Window 1.")
    assert any(w.startswith("Partial transcript: transcribed the first ") for w in result.warnings)
    assert 1 <= fake.calls < 15 and result.data["partial"] is True


def test_the_length_of_a_recording_is_read_from_its_header(tmp_path: Path) -> None:
    path = _recording(tmp_path, 3.0)
    assert audio_duration(path) == 3.0
    cut = tmp_path / "cut.wav"
    cut.write_bytes(path.read_bytes()[: 44 + 2 * RATE])  # a recording cut short after 1 s: its header says 3 s
    assert 0.99 < audio_duration(cut) <= 1.01
    (tmp_path / "notes.txt").write_text("not audio")
    assert audio_duration(tmp_path / "notes.txt") is None


def test_times_read_as_a_clock() -> None:
    assert [_clock(s) for s in (0, 7.6, 150, 600, 3723)] == ["0:00", "0:08", "2:30", "10:00", "1:02:03"]
