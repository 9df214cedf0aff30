"""WAV reading and writing with the standard library and numpy (no ffmpeg, no torchaudio).

transformers' audio pipelines decode files with ffmpeg and resample with torchaudio, neither of
which is installed everywhere; reading the WAV here and handing the pipeline a waveform at the
model's sampling rate avoids both.
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

from ..errors import InputError

_PCM_DTYPES = {1: "uint8", 2: "<i2", 4: "<i4"}


def read_wav(path: str | Path, target_rate: int | None = None) -> tuple[Any, int]:
    """A mono float32 waveform in [-1, 1] and its sampling rate (resampled to ``target_rate``)."""
    import numpy as np  # local: keep module import light

    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise InputError(
            f"Cannot read {str(path)!r} as a PCM WAV file ({exc}). Convert it to 16-bit WAV, "
            "e.g. `ffmpeg -i input.mp3 -ar 16000 -ac 1 output.wav`."
        ) from exc
    if width not in _PCM_DTYPES:
        raise InputError(f"{str(path)!r} has {8 * width}-bit samples; use 8-, 16- or 32-bit PCM WAV.")
    samples = np.frombuffer(frames, dtype=_PCM_DTYPES[width]).astype(np.float32)
    if width == 1:
        samples = (samples - 128.0) / 128.0
    else:
        samples /= float(2 ** (8 * width - 1))
    samples = samples.reshape(-1, channels).mean(axis=1)
    if target_rate and target_rate != rate:
        samples, rate = resample(samples, rate, target_rate), target_rate
    return samples, rate


def resample(samples: Any, rate: int, target_rate: int) -> Any:
    """``samples`` at ``target_rate`` (polyphase filter when scipy is there, else linear)."""
    import numpy as np

    try:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(rate, target_rate)
        return resample_poly(samples, target_rate // g, rate // g).astype(np.float32)
    except ImportError:
        n = int(round(len(samples) * target_rate / rate))
        grid = np.linspace(0.0, len(samples) - 1, num=n)
        return np.interp(grid, np.arange(len(samples)), samples).astype(np.float32)


def write_wav(path: str | Path, samples: Any, rate: int) -> float:
    """Write a mono float waveform as 16-bit PCM WAV; returns its duration in seconds."""
    import numpy as np

    data = np.asarray(samples, dtype=np.float32).reshape(-1)
    pcm = (np.clip(data, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(int(rate))
        wav.writeframes(pcm.tobytes())
    return len(pcm) / float(rate)


def wav_duration(path: str | Path) -> tuple[float, int]:
    """Duration in seconds and sampling rate of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate()), wav.getframerate()
