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

A text argument that is only the name of a text file or document ("summarize report.txt",
"page.html", "report.pdf", a file with no suffix such as "NOTES") stands for the file's text
(:func:`text_file_content`, :func:`read_text_file`: a PDF's text layer with pypdf, a web page without
its markup), under the same file policy; a file whose text cannot be read (a Word file, binary
data) fails naming it and the fix. A missing file's error names an existing one with a close name
(:func:`did_you_mean`).
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
        f"{[Path(f).name for f in files]}).{did_you_mean(value, files, base)} Give it with the request (--file PATH "
        "on the command line, files=[...] in Python) or give its full path."
    )


MAX_LISTED_FILES = 5000
"""Most entries of a folder :func:`similar_file_names` reads."""


def similar_file_names(value: str, files: Sequence[str] = (), cwd: str | Path | None = None, *,
                       limit: int = 3) -> list[str]:
    """Names of existing files like the missing ``value``, closest first, as ``value`` would name
    them ("speech.wav" for "speach.wav", "data/speech.wav" for "data/speach.wav"): the files of
    the folder it points into, when that folder is ``cwd`` (default: the current one) or inside it
    (a name elsewhere is not guessed at, so no caller learns what lies outside), and the given
    ``files`` by name (:func:`difflib.get_close_matches`, similarity at least 0.8)."""
    import difflib

    base = Path(cwd) if cwd is not None else Path.cwd()
    wanted = Path(value.strip())
    names: dict[str, str] = {Path(f).name: Path(f).name for f in files}
    try:
        folder = (base / wanted.parent).resolve()
        if not wanted.is_absolute() and folder.is_relative_to(base.resolve()):
            prefix = "" if str(wanted.parent) == "." else f"{wanted.parent}/"
            with os.scandir(folder) as entries:
                for _, entry in zip(range(MAX_LISTED_FILES), entries):
                    if entry.is_file() and not entry.name.startswith("."):
                        names.setdefault(entry.name, prefix + entry.name)
    except (OSError, ValueError):
        pass
    names.pop(wanted.name, None)
    return [names[m] for m in difflib.get_close_matches(wanted.name, list(names), n=limit, cutoff=0.8)]


def did_you_mean(value: str, files: Sequence[str] = (), cwd: str | Path | None = None) -> str:
    """" Did you mean 'speech.wav'?" for a missing file ``value`` like an existing one
    (:func:`similar_file_names`), else ""."""
    found = similar_file_names(value, files, cwd)
    return f" Did you mean {' or '.join(repr(n) for n in found)}?" if found else ""


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
DOCUMENT_FILE_SUFFIXES = frozenset({".pdf", ".html", ".htm", ".xhtml"})
"""Documents whose text a text argument that names them stands for: a PDF's text layer (pypdf), a
web page's text without its tags, scripts and styles (:func:`html_text`)."""
UNREADABLE_DOCUMENTS = {".doc": "a Word document", ".docx": "a Word document", ".rtf": "an RTF document",
                        ".odt": "an OpenDocument text", ".pages": "a Pages document", ".epub": "an EPUB book"}
"""Documents a text argument may name whose text is not read here: the task fails naming the file and the
fix (save it as .txt or PDF), rather than take the file's name for the text."""
MAX_TEXT_FILE_BYTES = 2_000_000
MAX_DOCUMENT_BYTES = 50_000_000
"""A PDF or web page may be this large on disk; the text read from it is held to :data:`MAX_TEXT_FILE_BYTES`."""
_TEXT_FILE_RE = re.compile(r"^\S+\.[A-Za-z]{2,8}$")
_NAMED_SUFFIXES = TEXT_FILE_SUFFIXES | DOCUMENT_FILE_SUFFIXES | frozenset(UNREADABLE_DOCUMENTS)


def names_text_file(value: object) -> bool:
    """Whether ``value`` is only the name of a text file or document (one word with a suffix of
    :data:`TEXT_FILE_SUFFIXES`, :data:`DOCUMENT_FILE_SUFFIXES` or :data:`UNREADABLE_DOCUMENTS`): one
    that must exist. A word with no or another suffix ("NOTES", "/etc/hosts") stands for a file only
    when one is there (:func:`text_file_content`)."""
    text = value.strip() if isinstance(value, str) else ""
    return bool(_TEXT_FILE_RE.match(text)) and Path(text).suffix.lower() in _NAMED_SUFFIXES \
        and url_scheme(text) is None


def _names_existing_file(value: str, files: Sequence[str], cwd: str | Path | None) -> bool:
    """Whether ``value``, one word with no or an unknown suffix ("NOTES", "notes.cfg", "/etc/hosts"),
    names a regular file: as given (from ``cwd``) or among the given ``files``."""
    if not value or any(c.isspace() for c in value) or url_scheme(value) is not None:
        return False
    found = find_file(value, files, cwd)
    try:
        return found is not None and found.is_file()
    except OSError:
        return False


def text_file_content(value: str, files: Sequence[str] = (), cwd: str | Path | None = None, *,
                      settings: "Settings | None" = None, store: "ArtifactStore | None" = None) -> str | None:
    """The text of the file a text argument names, or None when ``value`` names none (it is the text).

    A single word names a file when its suffix is a text or document one (:func:`names_text_file`:
    "report.txt", "page.html", "report.pdf"; such a file must exist), or when a regular file of that
    name is there, whatever its suffix ("NOTES", "notes.cfg", one of the given ``files``). The file is
    looked up and allowed as any file argument (:func:`resolve_file`, :func:`file_roots`; a path
    outside the allowed folders is refused) and read by :func:`read_text_file`: a plain-text file as
    it is (a table one sentence per row), a web page without its markup, a PDF's text layer.
    Raises :class:`InputError` naming the file when it is missing, refused, too large, empty, or
    cannot be read as text (a Word file, an image, binary data), with the fix."""
    name = value.strip() if isinstance(value, str) else ""
    if not names_text_file(name) and not _names_existing_file(name, files, cwd):
        return None
    path = Path(resolve_file(name, files, cwd, roots=file_roots(settings, store)))
    return read_text_file(path)


_SAVE_AS_TEXT = "save it as .txt or PDF, or quote its text in the request"
_FIRST = {"image": "to use the writing in it, ask for that first (read the text in {name})",
          "audio": "to use what is said in it, ask for that first (transcribe {name})"}
"""How to get the text of a picture or a recording that a text argument names."""


def read_text_file(path: str | Path) -> str:
    """The text of the file at ``path`` (:func:`text_file_content`): a PDF's text layer (pypdf), a
    web page's text (:func:`html_text`), a CSV or TSV table as one sentence per row
    (:func:`table_as_text`), any other file whose bytes are text as it is (:func:`decode_text`).
    Raises :class:`InputError` naming the file (its bare name) when it is too large (2 MB of text),
    empty or blank, a document whose text is not read here (:data:`UNREADABLE_DOCUMENTS`), a PDF
    with no text layer, an image, audio or other binary data."""
    path = Path(path)
    name, suffix = path.name, path.suffix.lower()
    if suffix in UNREADABLE_DOCUMENTS:
        raise InputError(f"{name!r} is {UNREADABLE_DOCUMENTS[suffix]}, whose text is not read here; {_SAVE_AS_TEXT}.")
    limit = MAX_DOCUMENT_BYTES if suffix in DOCUMENT_FILE_SUFFIXES else MAX_TEXT_FILE_BYTES
    with path.open("rb") as handle:  # read past the limit, not stat first: the file may grow meanwhile
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(_too_long(name, max(path.stat().st_size, len(data)), limit))
    if not data:
        raise InputError(f"The text file {name!r} is empty (0 bytes). Put the text in it, or quote the text in the "
                         "request.")
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        return _pdf_text(path, data)
    if _binary(data):
        kind = _KINDS.get(sniff_suffix(data[:16], ""))
        if kind is not None and kind[0] in _FIRST:
            raise InputError(f"{name!r} is {kind[1]}, not a text; {_FIRST[kind[0]].format(name=name)}, or quote the "
                             "text in the request.")
        raise InputError(f"{name!r} is not a text file (its bytes are binary data); {_SAVE_AS_TEXT}.")
    text = decode_text(data)
    page = suffix in DOCUMENT_FILE_SUFFIXES or bool(_HTML_START_RE.match(text))
    if page:
        text = html_text(text)
    if not text.strip():
        what = "a web page with no text" if page else "blank (only spaces and line breaks)"
        raise InputError(f"The text file {name!r} is {what}. Put the text in it, or quote the text in the request.")
    if len(text.encode("utf-8")) > MAX_TEXT_FILE_BYTES:
        raise InputError(_too_long(name, len(text.encode("utf-8")), MAX_TEXT_FILE_BYTES, "of text"))
    delimiter = {".csv": ",", ".tsv": "\t"}.get(suffix)
    return text if delimiter is None else table_as_text(text, delimiter)


def _too_long(name: str, size: int, limit: int, what: str = "") -> str:
    holds = f"holds {size / 1e6:.1f} MB {what}" if what else f"is {size / 1e6:.1f} MB"
    return (f"The text file {name!r} {holds}; text arguments take at most {limit / 1e6:.0f} MB. Pass an excerpt "
            "or split the file.")


_TEXT_CONTROLS = frozenset(b"\t\n\r\f\b\x1b")


def _binary(data: bytes) -> bool:
    """Whether ``data`` (a file's first bytes) are binary rather than text: a NUL byte (unless a
    UTF-16 or UTF-32 byte-order mark starts it), or more than 1 in 20 bytes control characters."""
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return False
    if b"\0" in head:
        return True
    controls = sum(1 for b in head if (b < 32 and b not in _TEXT_CONTROLS) or b == 127)
    return controls * 20 > len(head)


def _pdf_text(path: Path, data: bytes) -> str:
    """The text layer of the PDF at ``path`` (its bytes ``data``), pages apart by a blank line.
    Raises :class:`InputError` naming the file when pypdf is missing, the file is damaged or locked
    by a password, or it has no text (a scanned PDF), with the fix."""
    import io

    name = path.name
    try:
        import pypdf  # local: a PDF is read only when one is named
    except ImportError as exc:
        raise InputError(f"Reading the PDF {name!r} needs pypdf: pip install pypdf (or hugginggpt-tools[offline]); "
                         f"or {_SAVE_AS_TEXT}.") from exc
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file's warnings: the error below says it
    pages: list[str] = []
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"The PDF {name!r} is locked with a password; save an unlocked copy as .txt or PDF.")
        size = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1].encode("utf-8"))
            if size > MAX_TEXT_FILE_BYTES:
                raise InputError(_too_long(name, size, MAX_TEXT_FILE_BYTES, "of text"))
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged or unusual file
        raise InputError(f"Cannot read the PDF {name!r} ({type(exc).__name__}: {exc}); {_SAVE_AS_TEXT}.") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise InputError(f"The PDF {name!r} has no text layer ({len(pages)} page{'' if len(pages) == 1 else 's'}, "
                         "a scan or only pictures): no model here reads text from a PDF's pictures; save its pages "
                         f"as images (`pdftoppm -png {name} page`) and ask to read the text in them.")
    return text


_HTML_START_RE = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_HTML_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head"})
_HTML_HEADINGS = frozenset({"title", "h1", "h2", "h3", "h4", "h5", "h6"})
_HTML_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                          "section", "article", "header", "footer", "main", "nav", "aside", "blockquote", "pre",
                          "hr", "title", "dd", "dt", "dl", "figcaption", "caption", "td", "th", "form", "address"})


def html_text(markup: str) -> str:
    """The text a reader sees of a web page ``markup``: its title and body text, entities decoded,
    without tags, comments, scripts, styles and the head's metadata; one line per paragraph,
    heading, list item or table cell, a heading or title ending in a full stop when it has no
    punctuation of its own (stdlib :mod:`html.parser`, which tolerates broken markup)."""
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skipping: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag == "body":  # a head left open ends where the body begins
                self.skipping = [t for t in self.skipping if t != "head"]
            if tag == "title" and self.skipping == ["head"]:
                self.skipping.append(tag)  # the title is read though the head is not
            elif tag in _HTML_SKIPPED:
                self.skipping.append(tag)
            if tag in _HTML_BLOCKS:
                self.parts.append("\n")

        def handle_endtag(self, tag: str) -> None:
            if tag in self.skipping:
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            if tag in _HTML_HEADINGS and "".join(self.parts[-8:]).rstrip()[-1:].isalnum():
                self.parts.append(".")  # a heading ends its sentence: "Launch." is not read into the next one
            if tag in _HTML_BLOCKS:
                self.parts.append("\n")

        def handle_data(self, data: str) -> None:
            if not self.skipping or self.skipping[-1] == "title":
                self.parts.append(data)

    parser = _Text()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def table_as_text(text: str, delimiter: str = ",") -> str:
    """A CSV table as sentences a text model reads: one paragraph per row, each value after its
    column's name from the first row ("name: Alice, city: Paris."). A table of one row, or with
    rows longer than the header, comes back as it was."""
    import csv
    import io

    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]
    if len(rows) < 2 or any(len(row) > len(rows[0]) for row in rows[1:]):
        return text
    header = [name.strip() for name in rows[0]]
    # a blank line between rows: each row a sentence of its own to the sentence splitter, which joins
    # a line that goes on in lower case to the one before (a wrapped line) and answered a question
    # with the whole table
    return "\n\n".join(", ".join(f"{name}: {cell.strip()}" if name else cell.strip()
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
    "did_you_mean",
    "download",
    "file_roots",
    "find_file",
    "html_text",
    "is_url",
    "local_file",
    "read_text_file",
    "resolve_file",
    "similar_file_names",
    "sniff_kind",
    "sniff_suffix",
    "url_scheme",
]
