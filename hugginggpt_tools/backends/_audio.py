"""Audio reading and writing without ffmpeg or torchaudio.

transformers' audio pipelines decode files with ffmpeg and resample with torchaudio, neither of
which is installed everywhere; reading the audio here and handing each model a waveform at its
own sampling rate avoids both. PCM WAV (8-, 16-, 24- and 32-bit) is read with the standard
library and numpy; other formats (MP3, FLAC, OGG/Opus, M4A/AAC, AMR, float WAV) are decoded with
PyAV when it is installed (it comes with faster-whisper in the ``offline`` extra), else the error
says how to convert the file. The file's content decides, not its extension: an MP3 named
``.wav`` is read as MP3. A video (MP4, MOV, MKV, WebM, AVI) gives its sound track, the first
audio stream; one without sound fails with "'clip.mp4' has no sound track" and how to ask about its
pictures instead (extract a frame with ffmpeg, :func:`video_frames_hint`: no model here reads them).

Audio is read in blocks and mixed to mono as it is read (the mean of the channels; a channel
that cancels the other, as in a stereo file with one channel's polarity inverted, gives way to
the louder channel), then resampled block by block with a polyphase filter, so a 30-minute
48 kHz stereo file costs about the size of its mono waveform at the model's rate, not several
copies of the whole file. :func:`iter_audio` hands the blocks to a model that works on a stream
(denoising); :func:`windows` gathers them into windows of bounded length cut in pauses, for a
model that holds its whole input at once (speech recognition); :func:`read_audio` joins them all.
A truncated WAV gives the audio it holds; an empty file (0 bytes) fails saying so (:func:`empty_file`,
which images share); a file with no samples fails with an
:class:`InputError` that says so, and one that cannot be decoded with what its first bytes say
it is and, when that may still be sound, the ffmpeg command converting it (:func:`convert_command`).

Writing a video back with another sound track is :mod:`._video`'s; speaking, :mod:`._speech`'s
(their names are still importable from here).
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from math import gcd
from pathlib import Path
from typing import Any

from ..errors import InputError

_PCM_DTYPES = {1: "uint8", 2: "<i2", 3: "<i4", 4: "<i4"}
BLOCK = 1 << 16
"""Frames read (and samples resampled) at a time."""
_CANCELLED = 0.05
"""A block whose channel mean keeps less than this share of the channels' mean energy has channels
that cancel each other (one of them inverted): the louder channel is used instead."""


def read_wav(path: str | Path, target_rate: int | None = None) -> tuple[Any, int]:
    """A mono float32 waveform in [-1, 1] and its sampling rate (resampled to ``target_rate``), from PCM WAV;
    an empty file is named as such (:func:`empty_file`)."""
    empty_file(path, *_EMPTY_AUDIO)
    rate, blocks = _wav_blocks(Path(path))
    return _join(Path(path), *_at_rate(blocks, rate, target_rate))


def read_audio(path: str | Path, target_rate: int | None = None) -> tuple[Any, int]:
    """A mono float32 waveform in [-1, 1] and its sampling rate, from WAV or (with PyAV) any format.

    :class:`InputError` (naming the file, what it holds and the fix) when it cannot be decoded or
    holds no samples."""
    path = Path(path)
    return _join(path, *iter_audio(path, target_rate))


def iter_audio(path: str | Path, target_rate: int | None = None) -> tuple[Iterator[Any], int]:
    """Mono float32 blocks of the audio in ``path`` (at most about :data:`BLOCK` samples each, at
    ``target_rate`` when given, else at the file's own rate) and their sampling rate; the file is
    opened once. Decoding errors surface here for the file's header and while iterating for its body."""
    path = Path(path)
    rate, blocks = _open(path)
    return _at_rate(blocks, rate, target_rate)


def windows(blocks: Iterator[Any], rate: int, length: int, search: int) -> Iterator[tuple[int, Any]]:
    """The mono ``blocks`` gathered into windows of at most ``length`` samples: ``(offset, samples)``
    with ``offset`` the window's first sample in the whole stream, the windows one after another
    with nothing left out or repeated.

    A window ends at the quietest moment (:func:`quietest_cut`, a pause between words) of its last
    ``search`` samples, so no word is cut in two; only the last window may be shorter than
    ``length - search``. Holds at most one window and one block."""
    import numpy as np

    if not 0 < search <= length:
        raise ValueError(f"windows: need 0 < search <= length, got search={search}, length={length}")
    pending: list[Any] = []
    size = offset = 0
    for block in blocks:
        pending.append(np.asarray(block, np.float32))
        size += len(pending[-1])
        while size >= length:
            buffer = np.concatenate(pending)
            cut = length - search + quietest_cut(buffer[length - search: length], rate)
            yield offset, buffer[:cut]
            offset += cut
            pending = [buffer[cut:].copy()]
            size = len(pending[0])
            del buffer
    if size:
        yield offset, np.concatenate(pending)


QUIET_S = 0.3
"""Length of the stretch :func:`quietest_cut` looks for, in seconds (a pause between words)."""


def quietest_cut(samples: Any, rate: int) -> int:
    """Where in ``samples`` to cut: the middle of the quietest :data:`QUIET_S` seconds (the least
    variance, so a DC offset does not count as sound), the latest of equally quiet ones; the
    end when ``samples`` are shorter than that. Always in ``1..len(samples)``."""
    import numpy as np

    hop = max(1, rate // 100)  # 10 ms frames
    frames = len(samples) // hop
    width = max(1, int(QUIET_S * rate) // hop)
    if frames < width:
        return max(1, len(samples))
    framed = np.asarray(samples[: frames * hop], np.float64).reshape(frames, hop)
    energy = framed.var(axis=1)
    smooth = np.convolve(energy, np.ones(width), mode="valid")  # the energy of each stretch of width frames
    best = len(smooth) - 1 - int(np.argmin(smooth[::-1]))  # the latest of equal minima
    return max(1, (best * hop) + (width * hop) // 2)


def _open(path: Path) -> tuple[int, Iterator[Any]]:
    """The native rate and the mono blocks of ``path``: PCM WAV by the standard library, else PyAV;
    an empty file is named as such (:func:`empty_file`) rather than handed to PyAV."""
    empty_file(path, *_EMPTY_AUDIO)
    try:
        return _wav_blocks(path)
    except InputError:
        if not _has_pyav():
            if path.suffix.lower() in {".wav", ".wave"}:
                raise
            raise InputError(
                f"Cannot decode {path.name!r}: only PCM WAV is read without PyAV. Install it with "
                f"pip install 'hugginggpt-tools[offline]' (or pip install av), or convert the file to WAV: "
                f"{convert_command(path)}.") from None
    return _pyav_blocks(path)


def _join(path: Path, blocks: Iterator[Any], rate: int) -> tuple[Any, int]:
    import numpy as np

    chunks = list(blocks)
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    if samples.size == 0:
        raise InputError(no_samples(path))
    return samples, rate


def no_samples(path: Path) -> str:
    """The message for a file that decodes to no audio at all."""
    size = path.stat().st_size if path.exists() else 0
    return (f"{path.name!r} holds no audio samples (an empty recording, {size} bytes); "
            "record again or give another file.")


def _at_rate(blocks: Iterator[Any], rate: int, target_rate: int | None) -> tuple[Iterator[Any], int]:
    if target_rate and target_rate != rate:
        return resample_blocks(blocks, rate, target_rate), target_rate
    return blocks, rate


def _mono(channels: Any) -> Any:
    """float32 mono from a (frames, channels) block: the channels' mean, or the louder channel
    when the mean cancels (one channel inverted)."""
    import numpy as np

    if channels.shape[1] == 1:
        return np.ascontiguousarray(channels[:, 0], dtype=np.float32)
    mix = channels.mean(axis=1, dtype=np.float32)
    energy = np.einsum("ij,ij->j", channels, channels, dtype=np.float64) / max(1, len(channels))
    if energy.mean() > 1e-8 and float(np.dot(mix, mix)) / max(1, len(mix)) < _CANCELLED * energy.mean():
        loud = int(np.argmax(energy >= 0.9 * energy.max()))  # the first of the loudest: left unless it is quiet
        return np.ascontiguousarray(channels[:, loud], dtype=np.float32)
    return mix


_EMPTY_AUDIO = ("audio file", "Give a file that holds the recording, or record it again")


def empty_file(path: str | Path, what: str, fix: str) -> None:
    """Raise :class:`InputError` when the file at ``path`` is empty (0 bytes), naming it by its bare name as
    the ``what`` it should be ("The audio file 'memo.wav' is empty (0 bytes). ``fix``."), as an empty
    text file is named: an empty file is not one that cannot be decoded, and converting it cannot help."""
    path = Path(path)
    try:
        empty = path.stat().st_size == 0 and path.is_file()
    except OSError:
        return  # the reader says why it cannot open it
    if empty:
        raise InputError(f"The {what} {path.name!r} is empty (0 bytes). {fix}.")


def _wav_blocks(path: Path) -> tuple[int, Iterator[Any]]:
    """The rate and mono blocks of a PCM WAV; :class:`InputError` at once when it is not one."""
    try:
        wav = wave.open(str(path), "rb")
    except (wave.Error, EOFError) as exc:
        looks = _looks_like(path)
        fix = "Give an audio file instead" if looks else f"Convert it to 16-bit WAV, e.g. {convert_command(path)}"
        why = str(exc) or "it ends before its header"
        raise InputError(f"Cannot read {path.name!r} as a PCM WAV file ({why}{looks}). {fix}.") from exc
    except OSError as exc:
        raise InputError(f"Cannot read {path.name!r}: {exc.strerror or exc}. Give a readable audio file.") from exc
    width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
    if width not in _PCM_DTYPES or channels < 1 or rate < 1:
        wav.close()
        raise InputError(f"{path.name!r} has {8 * width}-bit samples, {channels} channel(s) at {rate} Hz; "
                         f"use 8-, 16-, 24- or 32-bit PCM WAV, e.g. {convert_command(path)}.")
    return rate, _wav_reader(wav, width, channels)


def _wav_reader(wav: Any, width: int, channels: int) -> Iterator[Any]:
    import numpy as np

    frame_bytes = width * channels
    with wav:
        while True:
            try:
                data = wav.readframes(BLOCK)
            except EOFError:  # a chunk cut short
                data = b""
            data = data[: len(data) - len(data) % frame_bytes]  # a truncated file ends mid-frame
            if not data:
                return
            if width == 3:  # 24-bit: widen to 32-bit (the low byte zero), then scale as 32-bit
                raw = np.frombuffer(data, np.uint8).reshape(-1, 3)
                wide = np.zeros((len(raw), 4), np.uint8)
                wide[:, 1:] = raw
                samples = wide.view("<i4").reshape(-1).astype(np.float32) / float(2 ** 31)
            else:
                samples = np.frombuffer(data, dtype=_PCM_DTYPES[width]).astype(np.float32)
                if width == 1:
                    samples = (samples - 128.0) / 128.0
                else:
                    samples /= float(2 ** (8 * width - 1))
            yield _mono(samples.reshape(-1, channels))


def _has_pyav() -> bool:
    from .base import find_module_spec  # safe while another thread imports av

    return find_module_spec("av") is not None


_AV_SCALE = {"u8": 128.0, "s16": 32768.0, "s32": 2.0 ** 31, "s64": 2.0 ** 63, "flt": 1.0, "dbl": 1.0}


def _pyav_blocks(path: Path) -> tuple[int, Iterator[Any]]:
    """The rate and mono blocks of any format FFmpeg (in PyAV) decodes; :class:`InputError` at once
    when the file cannot be opened or holds no audio stream."""
    import av

    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, IndexError, ValueError) as exc:
        raise InputError(_not_audio(path, getattr(exc, "strerror", None) or str(exc))) from exc
    if not container.streams.audio:
        video = bool(container.streams.video) and not container.format.name.endswith("_pipe")
        container.close()
        if video and _looks_like(path) == "":  # a video, not an image (FFmpeg reads those as one-frame videos)
            raise InputError(f"{path.name!r} has no sound track (a video with no audio stream), so there is "
                             "nothing to hear; give a video with sound, or the recording itself as an audio "
                             f"file (WAV, MP3, FLAC or OGG). {video_frames_hint(path)}")
        raise InputError(_not_audio(path, "it holds no audio stream"))
    stream = container.streams.audio[0]
    rate = int(stream.rate or stream.codec_context.sample_rate or 0)
    if rate < 1:
        container.close()
        raise InputError(_not_audio(path, "its audio stream gives no sampling rate"))
    return rate, _pyav_reader(path, container, stream)


def _pyav_reader(path: Path, container: Any, stream: Any) -> Iterator[Any]:
    import av
    import numpy as np

    pending: list[Any] = []
    size = 0
    try:
        for frame in container.decode(stream):
            data = frame.to_ndarray()
            name = frame.format.name.rstrip("p")
            count = len(frame.layout.channels) or 1
            data = data.reshape(count, -1).T if frame.format.is_planar else data.reshape(-1, count)
            data = data.astype(np.float32)
            if name == "u8":
                data -= 128.0
            data /= _AV_SCALE.get(name, 1.0)
            pending.append(_mono(data))
            size += len(pending[-1])
            if size >= BLOCK:
                yield np.concatenate(pending)
                pending, size = [], 0
    except (av.error.FFmpegError, IndexError, ValueError) as exc:
        raise InputError(_not_audio(path, getattr(exc, "strerror", None) or str(exc))) from exc
    finally:
        container.close()
    if pending:
        yield np.concatenate(pending)


def video_frames_hint(path: str | Path) -> str:
    """What to do to ask about a video's pictures (the text shown in it, what it shows): no model here
    reads a video's frames, so extract one as an image first, with the ffmpeg command for ``path``
    (named as in the message, quoted for the shell when it needs it)."""
    import shlex

    name = Path(path).name
    frame = f"{Path(name).stem}-frame.png"
    return (f"No model here reads a video's pictures: to ask about what {name} shows (the text in it, who is in "
            f"it), extract a frame as an image, `ffmpeg -i {shlex.quote(name)} -frames:v 1 {shlex.quote(frame)}`, "
            f"and ask about {frame}.")


def _not_audio(path: Path, reason: str) -> str:
    """Why ``path`` is not readable audio, what its first bytes say it is when they are known, and the
    fix: the formats read, and the command converting ``path`` itself to WAV unless its bytes say it
    holds no sound at all (an image, a PDF, plain text: converting those cannot help)."""
    looks = _looks_like(path)
    convert = "" if looks else f", or convert it to WAV: {convert_command(path)}"
    return (f"Cannot decode {path.name!r} as audio ({reason}{looks}). Give a WAV, MP3, FLAC or OGG "
            f"file or a video with sound (MP4, MOV, MKV, WebM){convert}.")


def convert_command(path: str | Path) -> str:
    """The ffmpeg command, in backquotes, that converts the file ``path`` names to 16-bit PCM WAV
    beside it: ``memo.m4a`` to ``memo.wav``, a WAV this module cannot read (``memo.wav``) to
    ``memo-pcm16.wav``. File names are given as in the message (no folder), quoted for the
    shell when they need it."""
    import shlex

    path = Path(path)
    wav = path.suffix.lower() in {".wav", ".wave"}
    out = f"{path.stem if path.suffix else path.name}{'-pcm16' if wav else ''}.wav"

    def arg(name: str) -> str:  # a name starting with "-" would read as an option
        return shlex.quote(f"./{name}" if name.startswith("-") else name)

    return f"`ffmpeg -i {arg(path.name)} -c:a pcm_s16le {arg(out)}`"


def _looks_like(path: Path) -> str:
    """The note "; it looks like a PNG image" (or "plain text") when the first bytes of ``path``
    say it holds no audio, else ""."""
    from ..filekinds import sniff_kind

    kind = sniff_kind(path)
    if kind is not None:
        return f"; it looks like {kind[1]}" if kind[0] != "audio" else ""
    return "; it looks like plain text" if _is_text(path) else ""


_AUDIO_MAGIC = (b"RIFF", b"RIFX", b"RF64", b"FORM", b"ID3", b"fLaC", b"OggS", b"#!AMR", b"caff", b".snd", b"MThd")
"""How audio formats whose first bytes are letters begin."""


def _is_text(path: Path) -> bool:
    """Whether the first KB of ``path`` is UTF-8 text (at least 4 letters, digits or punctuation
    marks, with spaces and line breaks, nothing else): no audio format starts that way."""
    import codecs

    try:
        with open(path, "rb") as handle:
            head = handle.read(1024)
        if head.startswith(_AUDIO_MAGIC):  # a recording cut short within its header
            return False
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a cut last character is fine
    except (OSError, UnicodeDecodeError):
        return False
    return len(text.strip()) >= 4 and all(c.isprintable() or c in "\t\n\r\f" for c in text)


def resample(samples: Any, rate: int, target_rate: int) -> Any:
    """``samples`` at ``target_rate`` (polyphase filter when scipy is there, else linear)."""
    import numpy as np

    if rate == target_rate:
        return np.asarray(samples, dtype=np.float32)
    chunks = list(resample_blocks(iter([np.asarray(samples, dtype=np.float32)]), rate, target_rate))
    return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)


def resample_blocks(blocks: Iterator[Any], rate: int, target_rate: int) -> Iterator[Any]:
    """The mono ``blocks`` resampled from ``rate`` to ``target_rate``, block by block.

    scipy's polyphase filter (``resample_poly``) runs on overlapping windows of about
    :data:`BLOCK` samples with enough context on each side for its filter, so the output equals
    resampling the whole signal at once (zeros beyond its ends, as ``resample_poly`` pads) while
    holding one window at a time. Without scipy: linear interpolation of the whole signal."""
    import numpy as np

    try:
        from scipy.signal import resample_poly
    except ImportError:
        whole = np.concatenate([np.asarray(b, np.float32) for b in blocks] or [np.zeros(0, np.float32)])
        n = int(round(len(whole) * target_rate / rate))
        grid = np.linspace(0.0, max(0, len(whole) - 1), num=n)
        yield np.interp(grid, np.arange(len(whole)), whole).astype(np.float32) if len(whole) else whole
        return
    g = gcd(rate, target_rate)
    up, down = target_rate // g, rate // g
    # resample_poly's filter reaches 10 * max(up, down) upsampled samples either side: context in input samples
    pad = down * -(-(10 * max(up, down) // up + 2) // down)
    step = down * max(1, BLOCK // down)
    skip = pad * up // down
    buffer = np.zeros(pad, np.float32)  # the left context of the first window: zeros, as resample_poly pads
    for block in blocks:
        buffer = np.concatenate([buffer, np.asarray(block, np.float32)])
        while len(buffer) >= 2 * pad + step:
            out = resample_poly(buffer[: 2 * pad + step], up, down)
            yield out[skip: skip + step * up // down].astype(np.float32)
            buffer = buffer[step:]
    rest = len(buffer) - pad
    if rest > 0:
        out = resample_poly(np.concatenate([buffer, np.zeros(pad, np.float32)]), up, down)
        yield out[skip: skip + -(-rest * up // down)].astype(np.float32)


def write_wav(path: str | Path, samples: Any, rate: int) -> float:
    """Write a mono float waveform as 16-bit PCM WAV; returns its duration in seconds."""
    return write_wav_blocks(path, iter([samples]), rate)


def write_wav_blocks(path: str | Path, blocks: Iterator[Any], rate: int) -> float:
    """Write mono float blocks, one after another, as one 16-bit PCM WAV; returns its duration in seconds."""
    import numpy as np

    frames = 0
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(int(rate))
        for block in blocks:
            data = np.asarray(block, dtype=np.float32).reshape(-1)
            wav.writeframes((np.clip(data, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())
            frames += len(data)
    return frames / float(rate)


def audio_duration(path: str | Path) -> float | None:
    """The length in seconds of the recording in ``path`` as its header says (a PCM WAV's frame count,
    at most what the file's size holds when it was cut short, else PyAV's container duration), without
    decoding it; None when it cannot be told."""
    try:
        with wave.open(str(path), "rb") as wav:
            held = Path(path).stat().st_size // max(1, wav.getsampwidth() * wav.getnchannels())
            return min(wav.getnframes(), held) / float(wav.getframerate())
    except (wave.Error, EOFError, OSError, ZeroDivisionError):
        pass
    if not _has_pyav():
        return None
    import av

    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            return container.duration / av.time_base if container.duration else None
    except (av.error.FFmpegError, IndexError, ValueError, OSError):
        return None


def wav_duration(path: str | Path) -> tuple[float, int]:
    """Duration in seconds and sampling rate of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate()), wav.getframerate()

