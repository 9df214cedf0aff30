"""Whisper tiny.en's unpunctuated style: "welcome to the weekly news today the city council ... the local
football team", the clip's last words lost with every full stop (a first user's news clip read by the
bundled voice). Such a window is transcribed once more, prompted with a punctuated sentence as if said
before it, and that transcript is kept when it is punctuated and holds as many words."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._audio import write_wav
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled_audio import WhisperTinyEnModel, run_on
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError

NEWS = ("Welcome to the weekly news. Today the city council approved new cycling lanes on High Street. Work will "
        "begin in September and cost two million pounds. In sport, the local football team won three nil.")
RUN_ON = ("welcome to the weekly news today the city council approved new cycling lanes on high street work will "
          "begin in September and cost two million pounds in sport the local football team")


class _Whisper:
    """Stands in for faster-whisper's model: the first call gives ``first``, a prompted call ``again``."""

    def __init__(self, first: list[tuple], again: list[tuple] | None = None) -> None:
        self.first, self.again = first, again if again is not None else first
        self.calls: list[dict] = []

    def transcribe(self, samples, **options):  # noqa: ANN001, ANN201
        self.calls.append(options)
        rows = self.again if options.get("initial_prompt") is not None else self.first
        return iter(SimpleNamespace(start=a, end=b, no_speech_prob=p, avg_logprob=lp, text=t)
                    for a, b, p, lp, t in rows), None


def _model(fake: _Whisper) -> WhisperTinyEnModel:
    model = WhisperTinyEnModel(Settings(num_threads=1))
    model.model, model.prompts = fake, ([50363, 15902, 13, 50413], [50363, 6498, 13, 50413])
    return model


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1),
                      task="automatic-speech-recognition")


def _tone(path: Path, seconds: float = 11.0) -> Path:
    t = np.arange(int(seconds * 16000)) / 16000
    write_wav(path, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 16000)
    return path


def test_run_on_counts_the_longest_stretch_without_punctuation() -> None:
    assert run_on("Hello, this is it.") == 3
    assert run_on(RUN_ON) == 32 and run_on(NEWS) == 11 and run_on("") == 0


def test_an_unpunctuated_window_is_heard_again_with_a_prompt(ctx, tmp_path: Path) -> None:
    fake = _Whisper([(0.0, 5.0, 0.03, -0.32, " " + RUN_ON[:78]), (5.0, 10.2, 0.03, -0.32, " " + RUN_ON[79:])],
                    [(0.0, 1.6, 0.01, -0.2, " Welcome to the weekly news."),
                     (1.6, 5.2, 0.01, -0.2, " Today the City Council approved new cycling lanes on High Street."),
                     (5.2, 8.4, 0.01, -0.2, " Work will begin in September and cost 2 million pounds."),
                     (8.4, 11.0, 0.01, -0.2, " In sport, the local football team won 3-0.")])
    out = _model(fake).predict({"audio": str(_tone(tmp_path / "news.wav"))}, ctx)
    assert out.text.endswith("In sport, the local football team won 3-0.") and out.text.count(".") == 4
    assert len(out.data["segments"]) == 4  # still one segment a sentence
    assert [c.get("initial_prompt") for c in fake.calls] == [None, [50363, 15902, 13, 50413]]


def test_a_punctuated_window_is_transcribed_once(ctx, tmp_path: Path) -> None:
    fake = _Whisper([(0.0, 11.0, 0.01, -0.2, " " + NEWS)])
    assert _model(fake).predict({"audio": str(_tone(tmp_path / "news.wav"))}, ctx).text == NEWS
    assert len(fake.calls) == 1


def test_a_retry_that_loses_words_or_stays_unpunctuated_is_not_kept(ctx, tmp_path: Path) -> None:
    first = [(0.0, 11.0, 0.03, -0.3, " " + RUN_ON)]
    for again in ([(0.0, 2.0, 0.01, -0.2, " Welcome to the weekly news.")], [(0.0, 11.0, 0.03, -0.3, " " + RUN_ON)]):
        fake = _Whisper(first, again)
        out = _model(fake).predict({"audio": str(_tone(tmp_path / "news.wav"))}, ctx)
        assert out.text == RUN_ON and len(fake.calls) == 3  # each prompt tried once


def test_silence_is_still_no_speech_and_not_heard_twice(ctx, tmp_path: Path) -> None:
    silence = tmp_path / "silence.wav"
    write_wav(silence, np.zeros(3 * 16000, np.float32), 16000)
    fake = _Whisper([(0.0, 3.0, 0.954, -0.982, " You")])
    with pytest.raises(BackendError, match=r"heard no speech in silence.wav"):
        _model(fake).predict({"audio": str(silence)}, ctx)
    assert len(fake.calls) == 1


@pytest.mark.integration
def test_the_news_clip_is_heard_to_its_end_with_its_full_stops(ctx, tmp_path: Path) -> None:
    """The bundled voice reads the clip without its random variation (noise scales 0, the same samples on
    every run); Whisper alone gives "welcome to the weekly news today ... the local football team"."""
    from piper import SynthesisConfig
    from scipy.signal import resample_poly

    from hugginggpt_tools.backends._speech import piper_voice

    voice = piper_voice()
    flat = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    samples = np.concatenate([chunk.audio_float_array for chunk in voice.synthesize(NEWS, flat)])
    path = tmp_path / "news.wav"
    write_wav(path, resample_poly(samples, 16000, voice.config.sample_rate).astype(np.float32), 16000)
    model = WhisperTinyEnModel(Settings(num_threads=1))
    model.load()
    out = model.predict({"audio": str(path)}, ctx)
    assert out.text.endswith("the local football team won 3-0."), out.text
    assert out.text.count(".") >= 3 and len(out.data["segments"]) >= 3, out.text
