"""Audio reading and writing without ffmpeg or torchaudio.

transformers' audio pipelines decode files with ffmpeg and resample with torchaudio, neither of
which is installed everywhere; reading the audio here and handing each model a waveform at its
own sampling rate avoids both. PCM WAV is read with the standard library and numpy; other
formats (MP3, FLAC, OGG, M4A, float WAV) are decoded with PyAV when it is installed (it comes
with faster-whisper in the ``offline`` extra), else the error says how to convert the file.
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
            f"Cannot read {str(path)!r} as a PCM WAV file ({exc}{_looks_like(Path(path))}). Convert it to 16-bit WAV, "
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


def read_audio(path: str | Path, target_rate: int | None = None) -> tuple[Any, int]:
    """A mono float32 waveform in [-1, 1] and its sampling rate, from WAV or (with PyAV) any format."""
    path = Path(path)
    if path.suffix.lower() in {".wav", ".wave"}:
        try:
            return read_wav(path, target_rate)
        except InputError:
            if not _has_pyav():
                raise
    if not _has_pyav():
        raise InputError(
            f"Cannot decode {str(path)!r}: only PCM WAV is read without PyAV. Install it with "
            "pip install 'hugginggpt-tools[offline]' (or pip install av), or convert the file: "
            "`ffmpeg -i input.mp3 -ar 16000 -ac 1 output.wav`."
        )
    return _read_with_pyav(path, target_rate)


def _has_pyav() -> bool:
    import importlib.util

    return importlib.util.find_spec("av") is not None


def _read_with_pyav(path: Path, target_rate: int | None) -> tuple[Any, int]:
    import av
    import numpy as np

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(_not_audio(path, "it holds no audio stream"))
            stream = container.streams.audio[0]
            rate = int(target_rate or stream.rate or 16000)
            resampler = av.audio.resampler.AudioResampler(format="flt", layout="mono", rate=rate)
            chunks = [out.to_ndarray().reshape(-1) for frame in container.decode(stream)
                      for out in resampler.resample(frame)]
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    except InputError:
        raise
    except (av.error.FFmpegError, IndexError, ValueError) as exc:
        raise InputError(_not_audio(path, getattr(exc, "strerror", None) or str(exc))) from exc
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, dtype=np.float32)
    return samples, rate


def _not_audio(path: Path, reason: str) -> str:
    """Why ``path`` is not readable audio, what its first bytes say it is when they are known, and the fix."""
    return f"Cannot decode {path.name!r} as audio ({reason}{_looks_like(path)}). Give a WAV, MP3, FLAC or OGG file."


def _looks_like(path: Path) -> str:
    """The note "; it looks like a PNG image" when the first bytes of ``path`` say it holds no audio, else ""."""
    from ..inputs import sniff_kind

    kind = sniff_kind(path)
    return f"; it looks like {kind[1]}" if kind is not None and kind[0] != "audio" else ""


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


def speech_output(path: Path, text: str, ctx: Any, model: str) -> Any:
    """The TaskOutput of a text-to-speech model that wrote ``path``: the WAV as an artifact,
    its duration and rate; :class:`BackendError` when the file holds no audio."""
    from ..errors import BackendError
    from .base import TaskOutput

    duration, rate = wav_duration(path)
    if duration <= 0:
        raise BackendError(f"{model} produced no audio for the text {text[:80]!r}; give words to speak.")
    artifact = ctx.save_file(path, f"Speech: {text[:80]}")
    return TaskOutput(
        text=f"Spoke {len(text)} characters, {duration:.1f} s of audio: {artifact.path}",
        data={"sample_rate": rate, "duration_s": round(duration, 3), "path": artifact.path},
        artifacts=[artifact],
    )
