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
"page.html", "report.pdf", "letter.docx", a file with no suffix such as "NOTES", an existing
"meeting notes.docx") stands for the file's text (:func:`text_file_content`, read by
:func:`~hugginggpt_tools.documents.read_text_file`: a PDF's text layer with pypdf, a Word
document's paragraphs and tables, a web page without its markup), under the same file policy; a
file whose text cannot be read (an old Word .doc file, binary data) fails naming it and the fix. A
missing file's error names an existing one with a close name (:func:`did_you_mean`). What a file holds by its
first bytes is told by :mod:`~hugginggpt_tools.filekinds`.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
import mimetypes
import os
import re
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Union
from urllib.parse import urljoin, urlsplit

from .config import get_settings
from .documents import (
    DOCUMENT_FILE_SUFFIXES,
    MAX_TEXT_FILE_BYTES,
    TEXT_FILE_SUFFIXES,
    UNREADABLE_DOCUMENTS,
    html_text,
    read_text_file,
    table_as_text,
)
from .errors import InputError
from .filekinds import TEXT_MEDIA_TYPES, check_file_kind, sniff_kind, sniff_suffix
from .policy import ALLOWED_SCHEMES, GIVE_FILE_FIX, FilePolicy, Target, URLPolicy
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
    gone = _gone_file(value, files, base)
    if gone is not None:
        raise InputError(f"File {value!r} is no longer there: it was given as {gone!r}, which has been deleted or "
                         f"moved since. {GIVE_FILE_FIX} or give its full path.")
    raise InputError(
        f"File {value!r} not found (looked in {base} and among the given files "
        f"{[Path(f).name for f in files]}).{did_you_mean(value, files, base)} {GIVE_FILE_FIX} or give its full path."
    )


def _gone_file(value: str, files: Sequence[str], base: Path) -> str | None:
    """The one of the given ``files`` (relative ones from ``base``) with ``value``'s file name that is no
    longer there (deleted or moved after it was given, or since a session's earlier turn), as it was
    given, for :func:`resolve_file` to say so; None when none is."""
    name = Path(value).name
    for given in files:
        if url_scheme(given) is not None or "\0" in given:
            continue
        path = Path(given).expanduser()
        path = path if path.is_absolute() else base / path
        if path.name == name and not os.path.lexists(path):
            return given
    return None


MAX_LISTED_FILES = 5000
"""Most entries of a folder :func:`similar_file_names` reads."""


def similar_file_names(value: str, files: Sequence[str] = (), cwd: str | Path | None = None, *,
                       limit: int = 3) -> list[str]:
    """Names of existing files like the missing ``value``, closest first, as ``value`` would name
    them ("speech.wav" for "speach.wav", "data/speech.wav" for "data/speach.wav"): the files of
    the folder it points into, when that folder is ``cwd`` (default: the current one) or inside it
    (a name elsewhere is not guessed at, so no caller learns what lies outside), and the given
    ``files`` by name. A name that differs only in case ("meeting.wav" for "MEETING.WAV") comes
    first; the others are compared without case (:func:`difflib.get_close_matches`, similarity at
    least 0.8)."""
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
    folded: dict[str, list[str]] = {}
    for name in names:
        folded.setdefault(name.casefold(), []).append(name)
    same = folded.get(wanted.name.casefold(), [])
    close = difflib.get_close_matches(wanted.name.casefold(), list(folded), n=limit, cutoff=0.8)
    found = [*same, *(n for key in close for n in folded[key] if n not in same)]
    return [names[n] for n in found[:limit]]


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


_NAME_END_RE = re.compile(r"(?<=\S)\.[A-Za-z][A-Za-z0-9]{1,4}(?!\.?[\w/-])")
"""Where a word ends like a file name: the ``.png`` of ``memo2.png``, ``my sign.png``, ``photo (1).png``,
``नमस्ते.png`` (a dot and a suffix after some character that is not a space)."""
_NAME_TAIL_RE = re.compile(r"[^\s/\\,;:\"'`<>|*?(\[{\u201c\u2018]+$")
"""The part of a word a file name may be alone: "b.png" of "a.png,b.png", "memo2.png" of "(memo2.png"."""
SPACED_NAME_WORDS = 5
"""Most words before its last one that a file name with spaces is looked for with."""
MAX_CANDIDATE_CHARS = 255
"""Longest name a candidate may be (a file name is at most 255 bytes)."""
_OPENERS = "\"'(\u201c\u2018"


def name_candidates(text: str) -> Iterator[list[str]]:
    """For each word of ``text`` that ends like a file name, the names it may end, longest first: with
    the words before it, up to :data:`SPACED_NAME_WORDS` of them ("in my sign.png", "my sign.png"),
    then the word alone ("sign.png"), then its tail after punctuation ("b.png" of "a.png,b.png"); a
    leading quote or bracket dropped, none longer than :data:`MAX_CANDIDATE_CHARS`. Linear in
    ``text`` (each name is short); ``text`` is read as it is (normalise it first when need be)."""
    starts = [w.start() for w in re.finditer(r"\S+", text)]
    for match in _NAME_END_RE.finditer(text):
        end = match.end()
        own = bisect.bisect_right(starts, match.start()) - 1
        names = [text[start:end].lstrip(_OPENERS) for start in starts[max(0, own - SPACED_NAME_WORDS):own + 1]
                 if end - start <= MAX_CANDIDATE_CHARS]
        tail = _NAME_TAIL_RE.search(text, max(starts[own], end - MAX_CANDIDATE_CHARS), end)
        names += [tail.group()] if tail else []
        names = [n for n in dict.fromkeys(names) if n and not n.startswith(".")]
        if names:
            yield names


def spaced_file_names(text: str, folder: str | Path | None = None) -> list[str]:
    """Names in ``text`` of existing files in ``folder`` (default: the current one) whose names
    hold spaces: "Read the text in small text.png" names "small text.png", which the planner, which
    reads no folders, would cut to its last word. For each word that ends like a file name
    (:func:`name_candidates`), the longest name of up to :data:`SPACED_NAME_WORDS` words before it
    that is a file wins; a word that is a file's whole name already is left alone. Given a
    ``folder`` (the server's uploads), only names inside it count: an absolute or ``..`` name would
    let a caller learn which files exist elsewhere."""
    base = Path(folder) if folder is not None else Path()
    found: list[str] = []
    for names in name_candidates(text):
        for name in names:  # the longest first
            if not any(c.isspace() for c in name):
                break  # the word alone: the planner reads it whole
            try:
                if not os.path.isfile(base / name):
                    continue
                if folder is None or (base / name).resolve().is_relative_to(base.resolve()):
                    found.append(name)
                    break
            except (OSError, ValueError):  # a name too long for the file system, or with a NUL
                continue
    return list(dict.fromkeys(found))


_FOLDER_WORD_RE = re.compile(r"(?<![\w/.~-])(?:[\w.~-]*/[\w.~/-]*|(?:(?<=\bfolder )|(?<=\bdirectory ))[\w.~-]+|"
                             r"[\w.~-]+(?= (?:folder|directory)\b))", re.IGNORECASE)
"""A word of a request that may name a folder: one with a slash ("photos/", "./photos", "/data/calls"), or
one next to the word folder or directory ("the folder photos", "the photos folder")."""
_IN_WORD_RE = re.compile(r"(?<=\b(?:in|of) )[\w.~-]+(?![\w/.~-])|(?:(?<=\bfrom )|(?<=\binside )|(?<=\bunder )"
                         r"|(?<=\bwithin ))[\w.~-]+(?![\w/.~-])", re.IGNORECASE)
"""A word after "in", "from", ... ("classify the images in photos"): a folder's name only when no file is given."""


def named_folders(request: str, files: Sequence[str] = (), cwd: str | Path | None = None) -> list[str]:
    """The words of ``request`` that name existing folders (:data:`_FOLDER_WORD_RE`: "describe the
    pictures in ./photos/", "classify the images in the photos folder"; with no ``files`` given, a
    word after "in", "from", ... too, :data:`_IN_WORD_RE`: "classify the images in photos"), relative to ``cwd``
    (default: the current folder) or absolute, as the request writes them; a folder that holds one
    of the given ``files`` is left out (the request names where its files are). A task reads files,
    not folders: the caller says so, with the fix (give the files themselves)."""
    base = Path(cwd) if cwd is not None else Path.cwd()
    given = [Path(f).expanduser().resolve() for f in files]
    found: list[str] = []
    words = [*_FOLDER_WORD_RE.finditer(request), *([] if files else _IN_WORD_RE.finditer(request))]
    for match in sorted(words, key=lambda m: m.start()):
        word = match.group().rstrip(".,;:!?")
        if not word or url_scheme(word) is not None or "\0" in word:
            continue
        try:
            folder = (base / Path(word).expanduser()).resolve()
            if folder.is_dir() and not any(f.is_relative_to(folder) for f in given):
                found.append(word)
        except (OSError, ValueError):
            continue
    return list(dict.fromkeys(found))


_TEXT_FILE_RE = re.compile(r"^\S+\.[A-Za-z]{2,8}$")
_NAMED_SUFFIXES = TEXT_FILE_SUFFIXES | DOCUMENT_FILE_SUFFIXES | frozenset(UNREADABLE_DOCUMENTS)


def with_spaced_names(request: str, files: Sequence[str], folder: str | os.PathLike[str] | None = None) -> list[str]:
    """``files`` and, after them, the files of ``folder`` (the working folder by default) whose names with
    spaces ``request`` holds (:func:`spaced_file_names`) that are not among them: what the planner is
    given, so "small text.png" is found whole."""
    return [*files, *(name for name in spaced_file_names(request, folder) if name not in files)]


def names_text_file(value: object) -> bool:
    """Whether ``value`` is only the name of a text file or document (one word with a suffix of
    :data:`TEXT_FILE_SUFFIXES`, :data:`DOCUMENT_FILE_SUFFIXES` or :data:`UNREADABLE_DOCUMENTS`): one
    that must exist. A word with no or another suffix ("NOTES", "/etc/hosts") stands for a file only
    when one is there (:func:`text_file_content`)."""
    text = value.strip() if isinstance(value, str) else ""
    return bool(_TEXT_FILE_RE.match(text)) and Path(text).suffix.lower() in _NAMED_SUFFIXES \
        and url_scheme(text) is None


_SPACED_NAME_RE = re.compile(r"^[^\r\n\t\v\f]+\.[A-Za-z][A-Za-z0-9]{1,7}$")
"""A file name with spaces, on one line and ending in a suffix ("meeting notes.docx", "my story.txt")."""


def _names_existing_file(value: str, files: Sequence[str], cwd: str | Path | None) -> bool:
    """Whether ``value`` names a regular file: as given (from ``cwd``) or among the given ``files``.
    ``value`` is one word with no or any suffix ("NOTES", "notes.cfg", "/etc/hosts"), or a name with
    spaces ending in a suffix (:data:`_SPACED_NAME_RE`: "meeting notes.docx", as
    :func:`spaced_file_names` finds it); other words are text, whatever files there are."""
    if not value or url_scheme(value) is not None:
        return False
    if any(c.isspace() for c in value) and not _SPACED_NAME_RE.match(value):
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
    name is there, whatever its suffix ("NOTES", "notes.cfg", one of the given ``files``); a name with
    spaces ("meeting notes.docx", "my story.txt") names a file when one of that whole name is there (else
    it is the text: "meeting notes.docx is late" is words). The file is
    looked up and allowed as any file argument (:func:`resolve_file`, :func:`file_roots`; a path
    outside the allowed folders is refused) and read by :func:`read_text_file`: a plain-text file as
    it is (a table one sentence per row), a web page without its markup, a PDF's text layer, a Word
    document's text. Raises :class:`InputError` naming the file when it is missing, refused, too
    large, empty, or cannot be read as text (an old Word .doc file, an image, binary data), with the
    fix. A text argument that is only an http(s) URL stands for the text of the page there
    (:func:`page_text`)."""
    name = value.strip() if isinstance(value, str) else ""
    if is_url(name) and not any(c.isspace() for c in name):
        return page_text(name, store, settings=settings)
    if not names_text_file(name) and not _names_existing_file(name, files, cwd):
        return None
    path = Path(resolve_file(name, files, cwd, roots=file_roots(settings, store)))
    return read_text_file(path)


PAGE_CONTENT_TYPES: tuple[str, ...] = TEXT_MEDIA_TYPES
"""Content types a text argument's URL may answer with besides those of any download: a web page, a
plain-text file, a PDF, a Word document."""
_PAGE_FIX = ("To use a web page's text, download the page yourself (save it, for example as page.html) and give "
             "the file: 'summarize page.html'.")


def page_text(url: str, store: "ArtifactStore | None", *, settings: "Settings | None" = None) -> str:
    """The text of the web page (or text file, PDF, Word document) at the http(s) ``url``, given as a
    text argument ("summarize https://example.org/article"): downloaded into ``store`` as any file
    argument's URL is (:func:`download`: the same allowed hosts, size and time limits of ``settings``;
    web pages allowed as well, :data:`PAGE_CONTENT_TYPES`) and read as a text argument's file is
    (:func:`~hugginggpt_tools.documents.read_text_file`: a page without its markup). Raises
    :class:`InputError` naming the URL when it cannot be fetched or read, with the fix: download the
    page and give the file."""
    settings = settings if settings is not None else get_settings()
    policy = URLPolicy.from_settings(settings)
    policy = dataclasses.replace(policy, content_types=(*policy.content_types, *PAGE_CONTENT_TYPES))
    try:
        artifact = download(url, _store(store, "URLs"), max_bytes=settings.download_max_bytes,
                            timeout_s=settings.download_timeout_s, policy=policy,
                            description=f"The page {redact(url)}")
    except InputError as exc:  # its message names the URL
        raise InputError(f"{exc} {_PAGE_FIX}") from exc
    try:
        return read_text_file(artifact.path)
    except InputError as exc:
        raise InputError(f"Could not read the text of {redact(url)!r}: {exc} {_PAGE_FIX}") from exc


def _store(store: "ArtifactStore | None", what: str) -> "ArtifactStore":
    if store is None:
        raise InputError(f"File arguments given as {what} need an artifact store to be saved in; pass store=.")
    return store


__all__ = [
    "ALLOWED_SCHEMES",
    "FileValue",
    "MAX_TEXT_FILE_BYTES",
    "PAGE_CONTENT_TYPES",
    "TEXT_FILE_SUFFIXES",
    "check_file_kind",
    "did_you_mean",
    "name_candidates",
    "named_folders",
    "download",
    "file_roots",
    "find_file",
    "html_text",
    "is_url",
    "local_file",
    "page_text",
    "read_text_file",
    "resolve_file",
    "similar_file_names",
    "sniff_kind",
    "sniff_suffix",
    "table_as_text",
    "url_scheme",
]
