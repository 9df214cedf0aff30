"""What a file holds by its first bytes: an image, audio, a PDF (:func:`sniff_suffix`, :func:`sniff_kind`).

A file argument's content, not its name, says what it is: :func:`check_file_kind` refuses a file
that holds another kind of content than a task's argument takes (a photo given for speech
recognition, a PNG renamed ``.wav``), naming what it holds and every kind the argument takes.
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import mimetypes
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath

from .errors import InputError

FILE_NAME_RE = re.compile(r"(?<![\w/.~-])/?(?:[\w.~-]+/)*[\w~-][\w.~-]*\.[A-Za-z][A-Za-z0-9]{1,4}(?![\w/-])")
"""A file name or path in a text ("photo.jpg", "calls/memo.m4a"; not "e.g." nor "3.50")."""

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, ".png"), (b"\xff\xd8\xff", 0, ".jpg"), (b"GIF8", 0, ".gif"),
    (b"BM", 0, ".bmp"), (b"WEBP", 8, ".webp"), (b"WAVE", 8, ".wav"), (b"fLaC", 0, ".flac"),
    (b"OggS", 0, ".ogg"), (b"ID3", 0, ".mp3"), (b"\xff\xfb", 0, ".mp3"), (b"\xff\xf3", 0, ".mp3"),
    (b"\xff\xf2", 0, ".mp3"), (b"ftyp", 4, ".mp4"),
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
    ``"table"``), ``"image"``, ``"audio"``, ``"video"`` or ``"table"``; None for another suffix.
    A name with no suffix is None too, unless it is one of the files given with the request, whose
    content says what it holds (:func:`given_files`: "scan", a PNG photo, is an image)."""
    from .artifacts import guess_modality  # local: artifacts and documents import this module
    from .documents import TEXT_FILE_SUFFIXES

    suffix = PurePosixPath(name).suffix.lower()
    if not suffix:
        return given_modality(name)
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
    a file with no suffix by its content (:func:`content_modality`: "NOTES" holds text); None when
    none tells."""
    kind = sniff_kind(path)
    if kind is not None:
        return "text" if kind[0] == "document" else kind[0]
    if not Path(path).suffix:
        return content_modality(path)
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


_ZIP_PARTS = (("word/document.xml", "a Word document"), ("xl/workbook.xml", "an Excel workbook"),
              ("ppt/presentation.xml", "a PowerPoint presentation"))
"""The part of a ZIP archive that tells an Office file by its content, and what it is called."""
_TEXT_SAMPLE = 4096
"""How many first bytes of a file :func:`content_kind` reads to tell text from binary data."""


def content_kind(path: str | Path) -> tuple[str, str] | None:
    """What the file at ``path`` holds by its content, whatever its name: what :func:`sniff_kind`
    finds (an image, audio, a PDF), a Word document, Excel workbook or PowerPoint presentation (a ZIP
    archive holding ``word/document.xml``, ...: ``("document", "a Word document")``), or
    ``("text", "a text file")`` when its first bytes are text (:func:`is_binary`: as the text reader
    reads it, Windows-1252 too); None for other or unreadable content."""
    kind = sniff_kind(path)
    if kind is not None:
        return kind
    try:
        with open(path, "rb") as handle:
            head = handle.read(_TEXT_SAMPLE)
    except OSError:
        return None
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(path)
    return ("text", "a text file") if head.strip() and not is_binary(head) else None


def _office_kind(path: str | Path) -> tuple[str, str] | None:
    """An Office file's kind by the parts of the ZIP archive at ``path`` (:data:`_ZIP_PARTS`); None
    for another or a damaged archive."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    return next((("document", what) for part, what in _ZIP_PARTS if part in names), None)


_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")


def is_binary(data: bytes) -> bool:
    """Whether ``data`` (a file's first bytes) are binary rather than text in any encoding the text
    reader takes (UTF-8, UTF-16 or UTF-32 with a byte-order mark, Windows-1252): a NUL byte (unless a
    UTF-16 or UTF-32 byte-order mark starts it), or more than 1 in 20 bytes control characters."""
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return False
    if b"\0" in head:
        return True
    controls = sum(1 for b in head if (b < 32 and b not in _TEXT_CONTROLS) or b == 127)
    return controls * 20 > len(head)


def content_modality(path: str | Path) -> str | None:
    """What the file at ``path`` holds as a task reads it, by its content alone (:func:`content_kind`):
    ``"image"``, ``"audio"`` or ``"text"`` (a document too); None when its content does not tell."""
    kind = content_kind(path)
    return None if kind is None else "text" if kind[0] == "document" else kind[0]


def any_os_path(path: str) -> PurePosixPath:
    """``path`` as written by any system (``C:\\scans\\a.png`` or ``scans/a.png``), for its name and stem."""
    return PurePosixPath(path.replace("\\", "/"))


_GIVEN_KINDS: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar("given_kinds", default={})
"""The modality of each file given with the request whose name has no suffix, by its name (:func:`given_files`)."""


def given_modality(name: str) -> str | None:
    """What the given file ``name`` (a name with no suffix) holds by its content, while planning
    (:func:`given_files`); None for another name, or outside planning."""
    return _GIVEN_KINDS.get().get(any_os_path(name.strip()).name)


@contextlib.contextmanager
def given_files(paths: Iterable[str | Path]) -> Iterator[dict[str, str]]:
    """While planning the request the files at ``paths`` were given with, a file whose name has no
    suffix ("scan", "memo") is what its content says (:func:`content_modality`: an image, audio, a
    text) to :func:`name_modality`, and so to the planner, which sees file names only. Names with a
    suffix keep their meaning. Yields the modalities found, by file name."""
    found = {Path(p).name: m for p in paths if not Path(p).suffix and (m := content_modality(p)) is not None}
    token = _GIVEN_KINDS.set({**_GIVEN_KINDS.get(), **found})
    try:
        yield found
    finally:
        _GIVEN_KINDS.reset(token)


__all__ = ["FILE_NAME_RE", "TEXT_MEDIA_TYPES", "any_os_path", "is_binary", "check_file_kind", "content_kind", "content_modality", "file_modality",
           "given_files", "given_modality", "is_text_type", "kind_of", "name_modality", "sniff_kind", "sniff_suffix"]
