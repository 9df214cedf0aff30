"""Which of Whisper's segments are silence: Whisper's own rule (a high no-speech probability AND a low
mean log-probability), or a high no-speech probability over silent audio; never the probability alone."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._audio import write_wav
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled_audio import WhisperTinyEnModel
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError


class _Whisper:
    """Stands in for faster-whisper's model: gives the segments it was made with."""

    def __init__(self, *segments: tuple[float, float, float, float, str]) -> None:
        self.segments = [SimpleNamespace(start=a, end=b, no_speech_prob=p, avg_logprob=lp, text=t)
                         for a, b, p, lp, t in segments]
        self.calls: list[dict] = []

    def transcribe(self, samples, **options):  # noqa: ANN001, ANN201
        self.calls.append(options)
        return iter(self.segments), None


def _model(fake: _Whisper) -> WhisperTinyEnModel:
    model = WhisperTinyEnModel(Settings(num_threads=1))
    model.model = fake
    return model


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task_id=0,
                      task="automatic-speech-recognition")


def _tone(path: Path, seconds: float = 4.0, level: float = 0.3) -> Path:
    t = np.arange(int(seconds * 16000)) / 16000
    write_wav(path, (level * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 16000)
    return path


def test_a_sentence_heard_well_is_kept_whatever_its_no_speech_probability(ctx, tmp_path: Path) -> None:
    """The last sentence of a lecture scored 0.895 no-speech but -0.547 log-probability: Whisper keeps it."""
    fake = _Whisper((0.0, 2.0, 0.04, -0.26, " Today we covered photosynthesis."),
                    (2.0, 4.0, 0.895, -0.547, " Next week we will discuss cellular respiration."))
    out = _model(fake).predict({"audio": str(_tone(tmp_path / "lecture.wav"))}, ctx)
    assert out.text == "Today we covered photosynthesis. Next week we will discuss cellular respiration."
    assert [s["end"] for s in out.data["segments"]] == [2.0, 4.0]
    assert fake.calls[0]["no_speech_threshold"] == 0.6 and fake.calls[0]["log_prob_threshold"] == -1.0


def test_words_whisper_is_unsure_of_over_likely_silence_are_dropped(ctx, tmp_path: Path) -> None:
    fake = _Whisper((0.0, 2.0, 0.04, -0.26, " Today we covered photosynthesis."),
                    (2.0, 4.0, 0.7, -1.3, " Thank you."))
    out = _model(fake).predict({"audio": str(_tone(tmp_path / "a.wav"))}, ctx)
    assert out.text == "Today we covered photosynthesis."


def test_whispers_you_over_digital_silence_is_no_speech(ctx, tmp_path: Path) -> None:
    """Over digital silence Whisper writes "You" at 0.954 no-speech and -0.982 log-probability (its own
    rule keeps that): the audio under it is silent, so the task says it heard no speech."""
    silence = tmp_path / "silence.wav"
    write_wav(silence, np.zeros(3 * 16000, np.float32), 16000)
    with pytest.raises(BackendError, match=r"heard no speech in silence.wav \(3.0 s of audio\)"):
        _model(_Whisper((0.0, 3.0, 0.954, -0.982, " You"))).predict({"audio": str(silence)}, ctx)
    quiet = _tone(tmp_path / "quiet.wav", 3.0, level=0.005)  # quiet sound is not silence
    out = _model(_Whisper((0.0, 3.0, 0.954, -0.982, " You"))).predict({"audio": str(quiet)}, ctx)
    assert out.text == "You"
