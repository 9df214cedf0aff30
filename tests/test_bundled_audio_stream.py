"""The bundled audio models on recordings unlike the examples: other rates and channels, empty
files, long files (denoised as a stream), and the transcript of the same speech in other formats."""

from __future__ import annotations

import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends._audio import read_audio, read_wav, resample, write_wav
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.backends.bundled_audio import RNNoiseModel, SileroVADModel, WhisperTinyEnModel
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SPEECH, NOISY = EXAMPLES / "speech.wav", EXAMPLES / "noisy_speech.wav"

pytestmark = pytest.mark.integration


def _model(cls):  # noqa: ANN001, ANN202
    pytest.importorskip(cls.packages[0])
    model = cls(Settings(num_threads=1))
    model.load()
    return model


@pytest.fixture(scope="module")
def rnnoise() -> RNNoiseModel:
    return _model(RNNoiseModel)


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path / "out"), settings=Settings(num_threads=1), task_id=1,
                      task="audio-to-audio")


def _snr(reference: np.ndarray, signal: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(reference ** 2) / np.sum((signal - reference) ** 2)))


def test_rnnoise_on_a_44k_stereo_file_keeps_rate_length_and_level(rnnoise: RNNoiseModel, ctx: RunContext,
                                                                   tmp_path: Path) -> None:
    sf = pytest.importorskip("soundfile")
    clean, _ = read_wav(SPEECH)
    noisy, _ = read_wav(NOISY)
    path = tmp_path / "noisy44.wav"
    sf.write(path, np.stack([resample(noisy, 16000, 44100)] * 2, axis=1), 44100, subtype="FLOAT")
    out = rnnoise.predict({"audio": str(path)}, ctx)
    denoised, rate = read_wav(out.artifacts[0].path)
    assert rate == 44100 == out.data["sample_rate"]
    assert abs(denoised.size - resample(noisy, 16000, 44100).size) <= 1
    back = resample(denoised, 44100, 16000)[: clean.size]
    assert _snr(clean, back) > _snr(clean, noisy) + 4
    assert 0.5 < out.data["mean_speech_probability"] <= 1


def test_rnnoise_streams_a_long_recording(rnnoise: RNNoiseModel, ctx: RunContext, tmp_path: Path) -> None:
    """One minute of 48 kHz audio (11 MB as float32): the file was read twice (once only for its
    rate) and held whole at 48 kHz, as 16-bit frames, as their outputs and as floats, about
    40 MB here and 1 GB for 30 minutes; it now streams through in blocks."""
    noisy, _ = read_wav(NOISY)
    unit = resample(noisy, 16000, 48000)
    long = np.tile(unit, 60 * 48000 // unit.size + 1)[: 60 * 48000]
    path = tmp_path / "long.wav"
    write_wav(path, long, 48000)
    tracemalloc.start()
    try:
        out = rnnoise.predict({"audio": str(path)}, ctx)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.data["duration_s"] == 60.0 and out.data["sample_rate"] == 48000
    assert peak < 8 * 2 ** 20, f"peak {peak / 2 ** 20:.0f} MiB"
    denoised, _ = read_wav(out.artifacts[0].path)
    clean = resample(read_wav(SPEECH)[0], 16000, 48000)
    second = unit.size  # the second copy is denoised as well as the first, and in its place
    assert _snr(clean, denoised[second: second + clean.size]) > _snr(clean, long[second: second + clean.size]) + 4


def test_the_stream_gives_what_denoising_the_whole_array_gives(rnnoise: RNNoiseModel) -> None:
    noisy = resample(read_wav(NOISY)[0], 16000, 48000)
    probs: list[float] = []
    whole = np.concatenate(list(rnnoise.denoise_blocks(iter([noisy]), probs)))
    pieces: list[float] = []
    blocks = iter([noisy[i: i + 7001] for i in range(0, noisy.size, 7001)])
    streamed = np.concatenate(list(rnnoise.denoise_blocks(blocks, pieces)))
    assert whole.size == streamed.size == noisy.size and np.abs(whole - streamed).max() < 1e-6
    assert len(pieces) == len(probs) == -(-noisy.size // 480)


def test_an_empty_recording_is_an_error_for_every_audio_model(rnnoise: RNNoiseModel, ctx: RunContext,
                                                              tmp_path: Path) -> None:
    """A WAV with a header and no samples: RNNoise wrote an empty WAV and called it denoised audio,
    Silero answered "no speech in 0.0 s of audio"; both now say the file holds no audio."""
    empty = tmp_path / "memo.wav"
    with wave.open(str(empty), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
    for model in (rnnoise, _model(SileroVADModel)):
        with pytest.raises(InputError, match=r"'memo.wav' holds no audio samples"):
            model.predict({"audio": str(empty)}, ctx)


def test_whisper_hears_the_same_words_in_a_phone_memo_a_podcast_mp3_and_a_48k_stereo_wav(tmp_path: Path,
                                                                                        ctx: RunContext) -> None:
    av = pytest.importorskip("av")
    sf = pytest.importorskip("soundfile")
    whisper = _model(WhisperTinyEnModel)
    speech, _ = read_wav(SPEECH)
    reference = whisper.predict({"audio": str(SPEECH)}, ctx).text

    def encode(path: Path, samples: np.ndarray, rate: int, codec: str, fmt: str, layout: str) -> None:
        data = np.tile(samples[None, :], (2 if layout == "stereo" else 1, 1)).astype(np.float32)
        with av.open(str(path), "w", format=fmt) as container:
            stream = container.add_stream(codec, rate=rate, layout=layout)
            frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format="fltp", layout=layout)
            frame.rate = rate
            for packet in [*stream.encode(frame), *stream.encode(None)]:
                container.mux(packet)

    memo, podcast, studio = tmp_path / "memo.m4a", tmp_path / "podcast.mp3", tmp_path / "studio.wav"
    encode(memo, resample(speech, 16000, 8000), 8000, "aac", "mp4", "mono")
    encode(podcast, resample(speech, 16000, 44100), 44100, "mp3", "mp3", "stereo")
    sf.write(studio, np.stack([resample(speech, 16000, 48000)] * 2, axis=1), 48000, subtype="PCM_24")
    for path in (memo, podcast, studio):
        assert read_audio(path, 16000)[0].size == pytest.approx(speech.size, abs=4000)  # AAC adds up to 0.25 s of padding
        assert whisper.predict({"audio": str(path)}, ctx).text == reference, path.name
