"""Videos: whether a file holds a moving picture, and a video written back with another sound track.

Denoising a video gives a video: :func:`replace_sound_track` copies its pictures as they are and
puts the cleaned sound in as its sound track (:func:`video_suffix` picks the container). Reading a
video's sound track is audio reading (:func:`._audio.read_audio`).
"""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._audio import BLOCK, _has_pyav, _looks_like

_SOUND_CODECS = {".webm": ("libopus", (48000, 24000, 16000, 12000, 8000)), ".avi": ("pcm_s16le", ())}
"""The sound codec a video container of this suffix gets (and the rates it takes, when limited);
others get AAC (MP4, MOV, M4V, 3GP, MKV). AVI gets 16-bit PCM: MP3 in AVI keeps the encoder's delay
(about 50 ms late)."""
_VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".3gp", ".mkv", ".webm", ".avi"})
"""Containers a video is written back in; any other (FLV, MPEG-TS, WMV, Ogg video) is written as MKV,
which holds any video codec."""


def video_stream(path: str | Path) -> bool:
    """Whether ``path`` holds a moving picture as well as sound: a video stream that is not an
    image read as a one-frame video and not an audio file's cover art. False without PyAV."""
    if not _has_pyav() or _looks_like(Path(path)):
        return False
    import av

    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, IndexError, ValueError):
        return False
    with container:
        if container.format.name.endswith("_pipe"):
            return False
        return any(not s.disposition & av.stream.Disposition.attached_pic for s in container.streams.video)


def video_suffix(path: str | Path) -> str:
    """The suffix a copy of the video ``path`` with another sound track is written with: its own
    when it is a container :func:`replace_sound_track` writes, else ``.mkv``."""
    suffix = Path(path).suffix.lower()
    return suffix if suffix in _VIDEO_SUFFIXES else ".mkv"


def replace_sound_track(video: str | Path, wav: str | Path, out: str | Path) -> None:
    """Write ``out``: the video ``video`` with the mono 16-bit WAV ``wav`` as its only sound track.

    The first video stream is copied as it is (its packets, not decoded: no loss, no time spent
    encoding pictures); the sound is encoded in the container's usual codec (AAC; Opus for WebM,
    16-bit PCM for AVI), starting when the video's first sound track started, and the two are interleaved
    by time. Other streams (more sound tracks, subtitles) are left out. The container is ``out``'s
    suffix (:func:`video_suffix`); :class:`av.error.FFmpegError` (or ``ValueError``) when it
    cannot hold the video's codec (H.264 in WebM), and ``out`` is then removed."""
    import heapq
    from fractions import Fraction

    import av
    import numpy as np

    out = Path(out)
    codec, rates = _SOUND_CODECS.get(out.suffix.lower(), ("aac", ()))
    try:
        with av.open(str(video), mode="r", metadata_errors="ignore") as source, wave.open(str(wav), "rb") as sound, \
                av.open(str(out), mode="w", format="matroska" if out.suffix.lower() == ".mkv" else None) as target:
            picture = next(s for s in source.streams.video if not s.disposition & av.stream.Disposition.attached_pic)
            copy = target.add_stream_from_template(picture)
            rate = sound.getframerate()
            encoder = target.add_stream(codec, rate=rate if not rates or rate in rates else max(rates), layout="mono")
            heard = source.streams.audio[0] if source.streams.audio else None
            start = heard.start_time * heard.time_base if heard is not None and heard.start_time is not None else 0
            first = int(round(start * rate))

            def pictures() -> Iterator[Any]:
                for packet in source.demux(picture):
                    if packet.size:  # not the empty one that ends the stream (MKV's first may lack a dts)
                        packet.stream = copy
                        yield packet

            def sounds() -> Iterator[Any]:
                done = first
                while data := sound.readframes(BLOCK):
                    samples = np.frombuffer(data, "<i2").reshape(1, -1)
                    frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples), format="s16", layout="mono")
                    frame.rate, frame.pts, frame.time_base = rate, done, Fraction(1, rate)
                    done += samples.shape[1]
                    yield from encoder.encode(frame)
                yield from encoder.encode(None)

            def when(packet: Any) -> float:
                stamp = packet.dts if packet.dts is not None else packet.pts
                return float(stamp * packet.time_base) if stamp is not None and packet.time_base else 0.0

            for packet in heapq.merge(pictures(), sounds(), key=when):
                target.mux(packet)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
