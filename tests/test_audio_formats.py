"""Reading the recordings users bring: formats, sample widths, channels, rates, broken and empty files.

Speech is ``examples/speech.wav`` (the bundled Piper voice, 16 kHz mono); other versions of it
are written here with soundfile and PyAV. ``benchmarks/audio.py`` runs the same kinds of files,
long ones included, through the models.
"""

from __future__ import annotations

import tracemalloc
import wave
from pathlib import Path

import numpy as np
import pytest

from hugginggpt_tools.backends import _audio
from hugginggpt_tools.backends._audio import read_audio, read_wav, resample, write_wav
from hugginggpt_tools.errors import InputError

SPEECH = Path(__file__).resolve().parents[1] / "examples" / "speech.wav"


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    return read_wav(SPEECH)[0]


def _close(a: np.ndarray, b: np.ndarray) -> None:
    """Same waveform: same length, correlation over 0.99 and peaks within 3 %."""
    assert a.size == b.size
    assert float(np.corrcoef(a, b)[0, 1]) > 0.99
    assert abs(float(np.abs(a).max()) / float(np.abs(b).max()) - 1) < 0.03


def test_stereo_at_48k_in_every_width_decodes_to_the_mono_16k_waveform(speech: np.ndarray, tmp_path: Path) -> None:
    """16-bit, 24-bit, float WAV and FLAC of the same stereo 48 kHz recording give one waveform,
    at the level of the mono original: PyAV's own stereo-to-mono downmix raised float, 24-bit and
    FLAC by 3 dB (peaks 1.42), so the level depended on the file format."""
    sf = pytest.importorskip("soundfile")
    pytest.importorskip("av")
    stereo = np.stack([resample(speech, 16000, 48000)] * 2, axis=1) * 0.9
    for name, subtype in [("s16.wav", "PCM_16"), ("s24.wav", "PCM_24"), ("f32.wav", "FLOAT"), ("s24.flac", "PCM_24")]:
        sf.write(tmp_path / name, stereo, 48000, subtype=subtype)
        decoded, rate = read_audio(tmp_path / name, 16000)
        assert rate == 16000
        _close(decoded, speech * 0.9)


def test_a_24_bit_wav_is_read_without_pyav(speech: np.ndarray, tmp_path: Path, monkeypatch) -> None:
    sf = pytest.importorskip("soundfile")
    sf.write(tmp_path / "s24.wav", speech, 16000, subtype="PCM_24")
    monkeypatch.setattr(_audio, "_has_pyav", lambda: False)
    decoded, rate = read_audio(tmp_path / "s24.wav")
    assert rate == 16000 and np.abs(decoded - speech).max() < 1e-4


def test_a_channel_with_inverted_polarity_does_not_cancel_the_speech(speech: np.ndarray, tmp_path: Path) -> None:
    """A stereo file whose right channel is the left one inverted (a miswired microphone) averages
    to silence; the louder channel is used instead."""
    sf = pytest.importorskip("soundfile")
    sf.write(tmp_path / "anti.wav", np.stack([speech, -speech], axis=1) * 0.5, 16000, subtype="PCM_16")
    _close(read_audio(tmp_path / "anti.wav")[0], speech * 0.5)
    # ordinary stereo (the same in both channels, or different speakers) is still the mean
    other = np.roll(speech, 8000)
    sf.write(tmp_path / "two.wav", np.stack([speech, other], axis=1) * 0.5, 16000, subtype="PCM_16")
    assert np.abs(read_audio(tmp_path / "two.wav")[0] - (speech + other) / 4).max() < 1e-3


def test_a_truncated_wav_gives_the_audio_it_holds(speech: np.ndarray, tmp_path: Path) -> None:
    """A WAV cut off mid-sample (an interrupted copy or recording) raised numpy's "buffer size must
    be a multiple of element size"; it now reads up to the cut."""
    full = tmp_path / "full.wav"
    write_wav(full, speech, 16000)
    cut = tmp_path / "cut.wav"
    data = full.read_bytes()
    kept = speech.size // 2
    cut.write_bytes(data[: 44 + 2 * kept + 1])  # the header still gives the full length
    decoded, rate = read_audio(cut, 16000)
    assert rate == 16000 and decoded.size == kept
    assert np.abs(decoded - speech[: decoded.size]).max() < 1e-3


def test_an_empty_recording_fails_naming_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "memo.wav"
    with wave.open(str(empty), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
    with pytest.raises(InputError, match=r"^'memo.wav' holds no audio samples \(an empty recording, 44 bytes\); "
                                         r"record again"):
        read_audio(empty, 16000)


def test_a_file_that_is_not_audio_says_how_to_convert(tmp_path: Path) -> None:
    """Bytes no decoder knows (a text file is told it looks like text instead: converting cannot help)."""
    pytest.importorskip("av")
    broken = tmp_path / "memo.m4a"
    broken.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError) as caught:
        read_audio(broken, 16000)
    message = str(caught.value)
    assert "\n" not in message and message.startswith("Cannot decode 'memo.m4a' as audio (")
    assert message.endswith("or convert it to WAV: `ffmpeg -i memo.m4a -c:a pcm_s16le memo.wav`.")


def test_a_long_stereo_wav_is_read_in_blocks(speech: np.ndarray, tmp_path: Path) -> None:
    """Two minutes of 48 kHz stereo 16-bit WAV (22 MB) at 16 kHz: the whole file used to be held as
    bytes, then as float32 stereo, then resampled in float64 (about 90 MB, 1.3 GB for 30 minutes);
    reading in blocks keeps about twice the 7.7 MB result."""
    seconds = 120
    unit = np.concatenate([resample(speech, 16000, 48000), np.zeros(48000, np.float32)])
    long = np.tile(unit, seconds * 48000 // unit.size + 1)[: seconds * 48000]
    pcm = (np.stack([long, long], axis=1) * 32767 * 0.9).astype("<i2")
    path = tmp_path / "long.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2), w.setsampwidth(2), w.setframerate(48000)
        w.writeframes(pcm.tobytes())
    del pcm, long
    tracemalloc.start()
    try:
        decoded, rate = read_audio(path, 16000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rate == 16000 and decoded.size == seconds * 16000
    assert peak < 2.5 * decoded.nbytes + 8 * 2 ** 20, f"peak {peak / 2 ** 20:.0f} MiB"
    start = unit.size // 3  # the second copy of the speech is where it belongs
    _close(decoded[start: start + speech.size], speech * 0.9)


def test_block_resampling_equals_resampling_the_whole_signal() -> None:
    pytest.importorskip("scipy")
    from math import gcd

    from scipy.signal import resample_poly

    rng = np.random.default_rng(1)
    for n in (1, 999, _audio.BLOCK + 17, 3 * _audio.BLOCK):
        x = rng.normal(0, 0.3, n).astype(np.float32)
        for rate, target in [(48000, 16000), (44100, 16000), (8000, 16000), (16000, 48000), (22050, 48000)]:
            g = gcd(rate, target)
            blocks = iter([x[i: i + 5000] for i in range(0, n, 5000)])
            out = np.concatenate(list(_audio.resample_blocks(blocks, rate, target)))
            expected = resample_poly(x, target // g, rate // g)
            assert out.shape == expected.shape and np.abs(out - expected).max() < 1e-5
