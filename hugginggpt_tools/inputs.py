"""File arguments: local paths, http(s) URLs, raw bytes or artifact ids, as local files.

A file argument (an image, an audio clip, a table) reaches a model as the absolute path of a
local file. :func:`local_file` accepts what users and LLMs give:

* a path, absolute or relative to ``cwd``, or the name of one of the files given with the
  request (:func:`resolve_file`), used only inside the allowed folders (no ``..`` or symlink
  escape, no device files or FIFOs; :class:`~hugginggpt_tools.policy.FilePolicy`);
* an ``http://`` or ``https://`` URL, downloaded into the session's artifact store with a size,
  a time and a content-type limit, from public hosts only unless allowed
  (:func:`download`, the one function that fetches URLs; redirects are checked again; other
  schemes such as ``file:``, ``ftp:`` or ``data:`` are refused;
  :class:`~hugginggpt_tools.policy.URLPolicy`);
* raw ``bytes`` (Python callers), written to the store with a suffix read from the content;
* the id of an artifact of the session (a tool's earlier output).

A text argument that is only the name of a plain-text file ("summarize report.txt") stands for
the file's content (:func:`text_file_content`), under the same file policy.
"""

from __future__ import annotations

import codecs
import logging
import mimetypes
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union
from urllib.parse import urljoin, urlsplit

from .config import get_settings
from .errors import InputError
from .policy import ALLOWED_SCHEMES, FilePolicy, Target, URLPolicy
from .redaction import redact

if TYPE_CHECKING:  # pragma: no cover
    from .artifacts import ArtifactStore
    from .config import Settings
    from .schemas import Artifact

logger = logging.getLogger(__name__)

FileValue = Union[str, Path, bytes]
"""What a file argument may be."""

DEFAULT_MAX_BYTES = 50_000_000
DEFAULT_TIMEOUT_S = 30.0
MAX_REDIRECTS = 5

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(?://|[^\\/])")
_ARTIFACT_ID_RE = re.compile(r"^[0-9a-f]{12}$")
_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, ".png"), (b"\xff\xd8\xff", 0, ".jpg"), (b"GIF8", 0, ".gif"),
    (b"BM", 0, ".bmp"), (b"WEBP", 8, ".webp"), (b"WAVE", 8, ".wav"), (b"fLaC", 0, ".flac"),
    (b"OggS", 0, ".ogg"), (b"ID3", 0, ".mp3"), (b"\xff\xfb", 0, ".mp3"), (b"ftyp", 4, ".mp4"),
    (b"%PDF", 0, ".pdf"), (b"II*\x00", 0, ".tif"), (b"MM\x00*", 0, ".tif"),
)


def url_scheme(value: str) -> str | None:
    """The scheme of ``value`` when it looks like a URL (``https``, ``file``, ``data``), else None.

    Windows drive letters (``C:\\x``) are not schemes.
    """
    match = _SCHEME_RE.match(value.strip())
    if match is None or len(match.group(1)) == 1:
        return None
    return match.group(1).lower()


def is_url(value: object) -> bool:
    """True for an ``http://`` or ``https://`` URL."""
    return isinstance(value, str) and url_scheme(value) in ALLOWED_SCHEMES


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


def sniff_kind(path: str | Path) -> tuple[str, str] | None:
    """What the file at ``path`` holds by its first bytes: its modality and a name (``("image",
    "a PNG image")``), or None when they are not recognized or the file cannot be read."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    return _KINDS.get(sniff_suffix(head, ""))


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


def _stem(url: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(urlsplit(url).path).stem).strip("-")[:40]
    return name or "download"


def _suffix(url: str, content_type: str, data: bytes) -> str:
    """The suffix of the URL's path when it names a known type, else from the content type, else sniffed."""
    suffix = Path(urlsplit(url).path).suffix.lower()
    if suffix and mimetypes.guess_type(f"x{suffix}")[0]:
        return suffix
    from_type = mimetypes.guess_extension(content_type.split(";")[0].strip()) if content_type else None
    return sniff_suffix(data, from_type or ".bin")


def download(
    url: str, store: "ArtifactStore", *, max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = DEFAULT_TIMEOUT_S, description: str = "", policy: URLPolicy | None = None,
) -> "Artifact":
    """Fetch ``url`` into ``store`` and return the artifact; the only place that fetches URLs.

    ``policy`` (default: from the settings, ``HUGGINGGPT_ALLOWED_HOSTS`` and
    ``HUGGINGGPT_DOWNLOAD_CONTENT_TYPES``) decides which hosts and content types are allowed;
    every redirect (at most 5) is checked again before it is followed, and each request goes to
    the address that was checked. At most ``max_bytes`` are read (a larger ``Content-Length`` is
    refused before reading) and the whole download must finish within ``timeout_s``. Raises
    :class:`InputError` naming the URL (credentials redacted) and the limit, host or HTTP status.
    """
    import httpx  # local: only needed when a URL is given

    policy = policy if policy is not None else URLPolicy.from_settings(get_settings())
    deadline = time.monotonic() + timeout_s
    current = url
    try:
        with httpx.Client(follow_redirects=False, timeout=timeout_s) as client:
            for _ in range(MAX_REDIRECTS + 1):
                target = policy.target(current)
                with _open(client, target, deadline, timeout_s) as response:
                    location = response.headers.get("location")
                    if response.is_redirect and location:
                        current = urljoin(current, location)
                        continue
                    data, content_type = _read_response(url, response, policy, max_bytes, deadline, timeout_s)
                    break
            else:
                raise InputError(f"Refusing {redact(url)!r}: more than {MAX_REDIRECTS} redirects.")
    except httpx.HTTPError as exc:
        raise InputError(redact(f"Could not download {url!r}: {type(exc).__name__}: {exc}. Check the URL.")) from exc
    logger.info("downloaded %s (%d bytes)", redact(url), len(data))
    return store.add_bytes(data, _suffix(url, content_type, data), description=description or f"Downloaded from "
                           f"{redact(url)}", stem=_stem(url))


def _open(client: object, target: Target, deadline: float, timeout_s: float) -> object:
    """A streamed GET of ``target``'s pinned address with the time left before ``deadline``."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise InputError(f"Downloading {redact(target.url)!r} took longer than {timeout_s:g} s; raise "
                         "HUGGINGGPT_DOWNLOAD_TIMEOUT or download the file yourself.")
    headers = {"User-Agent": "hugginggpt-tools", "Host": target.host_header}
    return client.stream("GET", target.request_url, headers=headers, timeout=left,  # type: ignore[attr-defined]
                         extensions={"sni_hostname": target.host})


def _read_response(url: str, response: object, policy: URLPolicy, max_bytes: int, deadline: float,
                   timeout_s: float) -> tuple[bytes, str]:
    """The body and content type of a final (non-redirect) response, within the limits."""
    content_type = response.headers.get("content-type", "")  # type: ignore[attr-defined]
    if response.status_code < 400:  # type: ignore[attr-defined]
        policy.check_content_type(redact(url), content_type)
    return _read_body(redact(url), response, max_bytes, deadline, timeout_s), content_type


def _read_body(url: str, response: object, max_bytes: int, deadline: float, timeout_s: float) -> bytes:
    """The response body within the size and time limits."""
    status = response.status_code  # type: ignore[attr-defined]
    if status >= 400:
        raise InputError(f"Could not download {url!r}: the server answered HTTP {status}. Check the URL.")
    declared = response.headers.get("content-length")  # type: ignore[attr-defined]
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise InputError(_too_big(url, int(declared), max_bytes))
    chunks, total = [], 0
    for chunk in response.iter_bytes():  # type: ignore[attr-defined]
        total += len(chunk)
        if total > max_bytes:
            raise InputError(_too_big(url, total, max_bytes))
        if time.monotonic() > deadline:
            raise InputError(
                f"Downloading {url!r} took longer than {timeout_s:g} s; raise "
                "HUGGINGGPT_DOWNLOAD_TIMEOUT or download the file yourself."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _too_big(url: str, size: int, limit: int) -> str:
    return (f"Refusing to download {url!r}: it is larger than the limit ({size} > {limit} bytes). "
            "Raise HUGGINGGPT_DOWNLOAD_MAX_BYTES or download the file yourself.")


def find_file(value: str, files: Sequence[str] = (), cwd: str | Path | None = None) -> Path | None:
    """Where a local file argument ``value`` points, or None when it names no file: ``value``
    as given (``~`` expanded; absolute, or relative to ``cwd``, default the current folder) when
    something exists there (a file, a folder, a dangling symlink: the caller's policy says what
    it may be), else the first of ``files`` (relative ones from ``cwd``) that is a file with
    ``value``'s file name. The one search :func:`resolve_file` and
    :func:`~hugginggpt_tools.execution.missing_files` share; decides nothing about whether the
    file may be read."""
    base = Path(cwd) if cwd is not None else Path.cwd()
    if "\0" in value:
        return None
    candidate = Path(value).expanduser()
    candidate = candidate if candidate.is_absolute() else base / candidate
    if os.path.lexists(candidate):
        return candidate
    name = Path(value).name
    for given in files:
        given_path = Path(given).expanduser()
        given_path = given_path if given_path.is_absolute() else base / given_path
        if given_path.name == name and given_path.is_file():
            return given_path
    return None


def resolve_file(
    value: str, files: Sequence[str] = (), cwd: str | Path | None = None, *,
    roots: Sequence[str | Path] | None = None,
) -> str:
    """The absolute path of a local file argument, refused unless the file policy allows it.

    Looked up by :func:`find_file`: as given (absolute, or relative to ``cwd``), then by file
    name among ``files`` (the files the user supplied). Allowed: regular files inside ``cwd`` or
    one of ``roots`` (default: ``Settings.allowed_dirs``), and the given ``files`` themselves,
    symlinks followed (:class:`~hugginggpt_tools.policy.FilePolicy`). Raises :class:`InputError`
    naming where it looked or why the file is refused.
    """
    base = Path(cwd) if cwd is not None else Path.cwd()
    if "\0" in value:
        raise InputError(f"The file argument {value!r} contains a NUL character; give a plain file path.")
    found = find_file(value, files, base)
    if found is not None:
        extra = list(get_settings().allowed_dirs) if roots is None else list(roots)
        return FilePolicy.create([base, *extra], files).check(found, value)
    raise InputError(
        f"File {value!r} not found (looked in {base} and among the given files "
        f"{[Path(f).name for f in files]}). Give it with the request (--file PATH on the command line, "
        "files=[...] in Python) or give its full path."
    )


def local_file(
    value: FileValue, store: "ArtifactStore | None" = None, *, files: Sequence[str] = (),
    cwd: str | Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES, timeout_s: float = DEFAULT_TIMEOUT_S,
    settings: "Settings | None" = None,
) -> str:
    """The absolute path of a local file holding ``value`` (a path, URL, bytes or artifact id).

    URLs and bytes need a ``store`` to be written into. ``settings`` (default: from the
    environment) gives the extra allowed folders and the URL policy; the store's folder is
    allowed too. Raises :class:`InputError`.
    """
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        if not data:
            raise InputError("The file argument is empty (0 bytes). Give the file's content, path or URL.")
        return _store(store, "bytes").add_bytes(data, sniff_suffix(data), description="Given as bytes", stem="input").path
    text = str(value).strip()
    if not text:
        raise InputError("The file argument is empty. Give a path, an http(s) URL or an artifact id.")
    settings = settings if settings is not None else get_settings()
    if url_scheme(text) is not None:
        return download(text, _store(store, "URLs"), max_bytes=max_bytes, timeout_s=timeout_s,
                        policy=URLPolicy.from_settings(settings)).path
    if store is not None and _ARTIFACT_ID_RE.match(text):
        artifact = store.find(text)
        if artifact is not None:
            return artifact.path
    return resolve_file(text, files, cwd, roots=file_roots(settings, store))


def file_roots(settings: "Settings | None" = None, store: "ArtifactStore | None" = None) -> list[str | Path]:
    """The folders a file argument may come from besides the working folder: the allowed folders
    of ``settings`` (default: from the environment) and the ``store``'s own folder."""
    settings = settings if settings is not None else get_settings()
    return [*settings.allowed_dirs, *([store.folder] if store is not None else [])]


_NAME_END_RE = re.compile(r"(?<=\s)[\w.~-]+\.[A-Za-z][A-Za-z0-9]{1,4}(?![\w/-])")
"""The last word of a file name with spaces in it ("text.png" of "small text.png")."""
SPACED_NAME_WORDS = 5
"""Most words before its last one that a file name with spaces is looked for with."""


def spaced_file_names(text: str, folder: str | Path | None = None) -> list[str]:
    """Names in ``text`` of existing files in ``folder`` (default: the current one) whose names
    hold spaces: "Read the text in small text.png" names "small text.png", which the planner, which
    reads no folders, would cut to its last word. For each word that ends like a file name, the
    longest name of up to :data:`SPACED_NAME_WORDS` words before it that is a file wins; a word
    that is a file's whole name already is left alone. Given a ``folder`` (the server's uploads),
    only names inside it count: an absolute or ``..`` name would let a caller learn which files
    exist elsewhere."""
    base = Path(folder) if folder is not None else Path()
    found: list[str] = []
    for m in _NAME_END_RE.finditer(text):
        starts = [w.start() for w in re.finditer(r"\S+", text[:m.start()])][-SPACED_NAME_WORDS:]
        for start in starts:  # the longest first
            name = text[start:m.end()].lstrip("\"'(\u201c\u2018")
            try:
                if folder is not None and not (base / name).resolve().is_relative_to(base.resolve()):
                    continue
                if (base / name).is_file():
                    found.append(name)
                    break
            except OSError:  # a name too long for the file system
                continue
    return list(dict.fromkeys(found))


TEXT_FILE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".rst", ".srt", ".vtt", ".log", ".csv", ".tsv", ".json"})
"""Files whose content a text argument that names them stands for ("summarize report.txt"); a
CSV or TSV table is given as one sentence per row (:func:`table_as_text`)."""
MAX_TEXT_FILE_BYTES = 2_000_000
_TEXT_FILE_RE = re.compile(r"^\S+\.[A-Za-z]{2,8}$")


def names_text_file(value: object) -> bool:
    """Whether ``value`` is only the name of a plain-text file (one word with a text suffix)."""
    text = value.strip() if isinstance(value, str) else ""
    return bool(_TEXT_FILE_RE.match(text)) and Path(text).suffix.lower() in TEXT_FILE_SUFFIXES \
        and url_scheme(text) is None


def text_file_content(value: str, files: Sequence[str] = (), cwd: str | Path | None = None, *,
                      settings: "Settings | None" = None, store: "ArtifactStore | None" = None) -> str | None:
    """The content of the plain-text file a text argument names ("report.txt", one of the given
    files or a file the policy allows, see :func:`resolve_file` and :func:`file_roots`), or None
    when ``value`` is not a single file name with a text suffix (:data:`TEXT_FILE_SUFFIXES`).
    Raises :class:`InputError` when it names such a file that is missing, refused, too large or empty."""
    if not names_text_file(value):
        return None
    name = value.strip()
    path = Path(resolve_file(name, files, cwd, roots=file_roots(settings, store)))
    with path.open("rb") as handle:  # read past the limit, not stat first: the file may grow meanwhile
        data = handle.read(MAX_TEXT_FILE_BYTES + 1)
    if len(data) > MAX_TEXT_FILE_BYTES:
        size = max(path.stat().st_size, len(data))
        raise InputError(f"The text file {name!r} is {size / 1e6:.1f} MB; text arguments take at most "
                         f"{MAX_TEXT_FILE_BYTES / 1e6:.0f} MB. Pass an excerpt or split the file.")
    text = decode_text(data)
    if not text.strip():
        what = "empty (0 bytes)" if not data else "blank (only spaces and line breaks)"
        raise InputError(f"The text file {name!r} is {what}. Put the text in it, or quote the text in the request.")
    delimiter = {".csv": ",", ".tsv": "\t"}.get(path.suffix.lower())
    return text if delimiter is None else table_as_text(text, delimiter)


def table_as_text(text: str, delimiter: str = ",") -> str:
    """A CSV table as sentences a text model reads: one line per row, each value after its
    column's name from the first row ("name: Alice, city: Paris."). A table of one row, or with
    rows longer than the header, comes back as it was."""
    import csv
    import io

    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]
    if len(rows) < 2 or any(len(row) > len(rows[0]) for row in rows[1:]):
        return text
    header = [name.strip() for name in rows[0]]
    return "\n".join(", ".join(f"{name}: {cell.strip()}" if name else cell.strip()
                               for name, cell in zip(header, row) if cell.strip()) + "."
                     for row in rows[1:])


def decode_text(data: bytes) -> str:
    """A text file's bytes as text: UTF-16 or UTF-32 when the file starts with their byte-order
    mark (Windows Notepad's "Unicode"), else UTF-8 (a UTF-8 mark dropped, bad bytes replaced)."""
    for mark, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(mark):  # UTF-32-LE's mark begins with UTF-16-LE's: it is tried first
            return data.decode(codec, errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _store(store: "ArtifactStore | None", what: str) -> "ArtifactStore":
    if store is None:
        raise InputError(f"File arguments given as {what} need an artifact store to be saved in; pass store=.")
    return store


__all__ = [
    "ALLOWED_SCHEMES",
    "FileValue",
    "check_file_kind",
    "download",
    "file_roots",
    "find_file",
    "is_url",
    "local_file",
    "resolve_file",
    "sniff_kind",
    "sniff_suffix",
    "url_scheme",
]
