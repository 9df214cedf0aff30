"""What a file holds by its first bytes: an image, audio, a PDF (:func:`sniff_suffix`, :func:`sniff_kind`).

A file argument's content, not its name, says what it is: :func:`check_file_kind` refuses a file
that holds another kind of content than a task's argument takes (a photo given for speech
recognition, a PNG renamed ``.wav``), naming what it holds and every kind the argument takes.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from .errors import InputError

FILE_NAME_RE = re.compile(r"(?<![\w/.~-])/?(?:[\w.~-]+/)*[\w~-][\w.~-]*\.[A-Za-z][A-Za-z0-9]{1,4}(?![\w/-])")
"""A file name or path in a text ("photo.jpg", "calls/memo.m4a"; not "e.g." nor "3.50")."""

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, ".png"), (b"\xff\xd8\xff", 0, ".jpg"), (b"GIF8", 0, ".gif"),
    (b"BM", 0, ".bmp"), (b"WEBP", 8, ".webp"), (b"WAVE", 8, ".wav"), (b"fLaC", 0, ".flac"),
    (b"OggS", 0, ".ogg"), (b"ID3", 0, ".mp3"), (b"\xff\xfb", 0, ".mp3"), (b"ftyp", 4, ".mp4"),
    (b"%PDF", 0, ".pdf"), (b"II*\x00", 0, ".tif"), (b"MM\x00*", 0, ".tif"),
)


def sniff_suffix(data: bytes, default: str = ".bin") -> str:
    """A file suffix for ``data`` from its first bytes (PNG, JPEG, WAV, MP3, ...)."""
    for magic, offset, suffix in _MAGIC:
        if data[offset:offset + len(magic)] == magic:
            return suffix
    return default


_KINDS: dict[str, tuple[str, str]] = {
    ".png": ("image", "a PNG image"), ".jpg": ("image", "a JPEG image"), ".gif": ("image", "a GIF image"),
    ".bmp": ("image", "a BMP image"), ".webp": ("image", "a WebP image"), ".tif": ("image", "a TIFF image"),
    ".wav": ("audio", "a WAV audio file"), ".flac": ("audio", "a FLAC audio file"),
    ".ogg": ("audio", "an Ogg audio file"), ".mp3": ("audio", "an MP3 audio file"),
    ".pdf": ("document", "a PDF document"),
}
"""What the first bytes found by :func:`sniff_suffix` say a file holds: modality and name (MP4's
``ftyp`` is left out: it holds video, audio or a HEIC photo alike)."""
_ACCEPTED = {"image": "an image file (PNG, JPEG, WebP or BMP)", "audio": "an audio file (WAV, MP3, FLAC or OGG)",
             "video": "a video (MP4, MOV, MKV, WebM or AVI)", "table": "a table (a CSV file)"}
"""How :func:`check_file_kind` names each kind of file an argument takes, with its usual formats."""
_NAMED = frozenset({"image", "audio", "video", "document", "text"})
"""Kinds a file name's suffix may promise, which the content then belies ("a PNG image despite its .wav name")."""


def kind_of(head: bytes) -> tuple[str, str] | None:
    """What a file whose first bytes are ``head`` holds: its modality and a name (``("image", "a PNG
    image")``), or None when they are not recognized."""
    return _KINDS.get(sniff_suffix(head[:16], ""))


def sniff_kind(path: str | Path) -> tuple[str, str] | None:
    """What the file at ``path`` holds by its first bytes: its modality and a name (``("image",
    "a PNG image")``), or None when they are not recognized or the file cannot be read."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    return kind_of(head)


TEXT_MEDIA_TYPES: tuple[str, ...] = (
    "text/", "application/xhtml+xml", "application/pdf", "application/json",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
"""Media types of files and pages whose text a task reads: a web page, a plain-text file, a PDF, a
Word document (an entry ending in ``/`` is a prefix, as in ``Settings.download_content_types``)."""
_DOCUMENT_SUFFIXES = frozenset({".pdf", ".doc", ".docx", ".rtf", ".html"})
"""Documents whose text a task reads, besides :data:`~hugginggpt_tools.documents.TEXT_FILE_SUFFIXES`."""
_MEDIA_MODALITIES = frozenset({"image", "audio", "video", "table"})


def name_modality(name: str) -> str | None:
    """What a file holds by its name or URL path's suffix: ``"text"`` for a text file or document
    a text argument reads ("notes.log", "report.pdf", "letter.doc"; a CSV or TSV file is a
    ``"table"``), ``"image"``, ``"audio"``, ``"video"`` or ``"table"``; None without a suffix or
    for another one."""
    from .artifacts import guess_modality  # local: artifacts and documents import this module
    from .documents import TEXT_FILE_SUFFIXES

    suffix = PurePosixPath(name).suffix.lower()
    if not suffix:
        return None
    if suffix in _DOCUMENT_SUFFIXES or (suffix in TEXT_FILE_SUFFIXES and suffix not in (".csv", ".tsv")):
        return "text"
    modality = guess_modality(name)
    return modality if modality in _MEDIA_MODALITIES else None


def is_text_type(mime: str) -> bool:
    """Whether the media type ``mime`` is one whose text a task reads (:data:`TEXT_MEDIA_TYPES`)."""
    return any(mime == t or (t.endswith("/") and mime.startswith(t)) for t in TEXT_MEDIA_TYPES)


def file_modality(path: str | Path) -> str | None:
    """What the file at ``path`` holds as a task reads it: ``"image"``, ``"audio"``, ``"video"`` or
    ``"text"`` (a PDF, Word document or table too), by its first bytes (:func:`sniff_kind`), else by
    its name (:func:`name_modality`: "clip.mp4", "notes.log"; else a ``text/*`` media type, "main.py");
    None when neither tells."""
    kind = sniff_kind(path)
    if kind is not None:
        return "text" if kind[0] == "document" else kind[0]
    modality = name_modality(str(path))
    if modality is None and is_text_type(mimetypes.guess_type(f"x{Path(path).suffix.lower()}")[0] or ""):
        modality = "text"
    return "text" if modality == "table" else modality


def check_file_kind(path: str | Path, modalities: Sequence[str], task: str) -> None:
    """Raise :class:`InputError` when the file at ``path`` holds another kind of content than the
    ``task``'s argument takes (a photo given for speech recognition, a PNG renamed ``.wav``),
    naming the file, what it holds and every kind the argument takes with its usual formats
    ("needs an audio file (WAV, MP3, FLAC or OGG) or a video with a sound track (MP4, ...)").
    A file whose first bytes are not recognized passes: the model reads it or says why it cannot."""
    kind = sniff_kind(path)
    if kind is None or kind[0] in modalities:
        return
    name = Path(path).name
    suffix = Path(name).suffix.lower()
    named = "document" if suffix == ".pdf" else (mimetypes.guess_type(f"x{suffix}")[0] or "/").split("/")[0]
    despite = f" despite its {suffix} name" if named in _NAMED and named != kind[0] else ""
    wanted = [_accepted(modality, modalities) for modality in modalities]
    short = " or ".join(text.split(" (")[0] for text in wanted)
    raise InputError(f"{name!r} is {kind[1]}{despite}; {task} needs {' or '.join(wanted)}. Give {short} instead.")


def _accepted(modality: str, modalities: Sequence[str]) -> str:
    """How ``modality`` is named among the kinds an argument takes: a video an audio task takes is
    one "with a sound track" (its sound is what the model hears)."""
    text = _ACCEPTED.get(modality, f"{'an' if modality[:1] in 'aeiou' else 'a'} {modality} file")
    if modality == "video" and "audio" in modalities:
        text = text.replace("a video", "a video with a sound track", 1)
    return text


__all__ = ["FILE_NAME_RE", "TEXT_MEDIA_TYPES", "check_file_kind", "file_modality", "is_text_type", "kind_of", "name_modality",
           "sniff_kind", "sniff_suffix"]
