"""The server's uploads: each file kept under its own name in a fresh folder, and found again by it.

``POST /files`` saves a file as ``uploads/[FP-]XXXXXXXXXXXX/NAME`` (:meth:`Uploads.save`): a fresh
folder per upload (FP the fingerprint of the caller's API key, when keys are configured), NAME the
file's own name with only what is unsafe in a file name replaced (:func:`upload_name`), so "my
sign.png" stays "my sign.png" and "Read the text in my sign.png" names it whole. A request that
names an upload without giving its path in ``files`` gets it added (:meth:`Uploads.named`): the
latest upload of that name to the request's session (``POST /files`` with its ``X-Session-Id``
header), else the one upload of that name of the request's key (of no key, without keys) when there
is only one. Stdlib only; the app (:func:`~hugginggpt_tools.server.create_app`) wires it in.
"""

from __future__ import annotations

import asyncio
import bisect
import os
import re
import threading
import unicodedata
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

from .server_guard import UPLOADS, key_fingerprint, owner_fingerprint

_UNSAFE_CHARS = re.compile(r"[^\w .,+@~()-]+")
"""Characters an upload's name loses (each run becomes ``_``): path separators, control characters,
quotes, shell and URL punctuation; letters of every script, digits, spaces and ``.,+@~()-`` stay."""
MAX_NAME_CHARS = 100
MAX_NAME_BYTES = 200
"""Longest upload name, in characters and in UTF-8 bytes (its end, with the suffix, is kept)."""
MAX_SCANNED = 10_000
"""Most upload folders :meth:`Uploads.named` reads when it looks beyond the session's uploads."""
MAX_SESSIONS = 1024
"""Sessions whose uploads are remembered (the least recently used one is forgotten first)."""
_NAME_END = re.compile(r"(?<![\w.~-])[\w.~-]+\.[A-Za-z][A-Za-z0-9]{1,4}(?![\w/-])")
"""A word ending like a file name: ``memo2.png``, the last word of ``my sign.png``."""
NAME_WORDS = 5
"""Most words before its last one that a name with spaces is looked for with."""


def upload_name(filename: str | None) -> str:
    """The name an upload is stored under: the last part of ``filename`` (after any ``/`` or
    ``\\``), NFC-normalised, each run of unsafe characters ``_`` (:data:`_UNSAFE_CHARS`), spaces and
    dots trimmed from its ends, its end at most :data:`MAX_NAME_CHARS` characters and
    :data:`MAX_NAME_BYTES` bytes long; ``upload`` when nothing is left."""
    name = unicodedata.normalize("NFC", re.split(r"[/\\]", filename or "")[-1])
    name = _UNSAFE_CHARS.sub("_", name)[-MAX_NAME_CHARS:]
    while len(name.encode()) > MAX_NAME_BYTES:
        name = name[1:]
    return name.strip(" ").lstrip(".").rstrip(" .") or "upload"


def named_candidates(text: str) -> Iterator[list[str]]:
    """For each word of ``text`` that ends like a file name, the names it may end: itself and the
    words before it, up to :data:`NAME_WORDS` of them, longest first ("in my sign.png", "my
    sign.png", "sign.png"), a leading quote or bracket dropped."""
    text = unicodedata.normalize("NFC", text)
    words = [w.start() for w in re.finditer(r"\S+", text)]
    for match in _NAME_END.finditer(text):
        before = bisect.bisect_left(words, match.start())
        starts = words[max(0, before - NAME_WORDS):before]
        names = [text[start:match.end()].lstrip("\"'(\u201c\u2018") for start in starts]
        yield list(dict.fromkeys([*names, match.group()]))


class Uploads:
    """The uploads folder ``folder`` (``OUTPUT_DIR/uploads``), its uploads by name and the uploads of
    each session. The names are read from the folder again whenever it changed (its modification
    time: another process's upload, a clean-up), at most :data:`MAX_SCANNED` upload folders."""

    def __init__(self, folder: str | Path, max_sessions: int = MAX_SESSIONS) -> None:
        self.folder = Path(folder)
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._index: dict[str, list[str]] | None = None  # None: not read yet
        self._read_at: int | None = None  # the folder's modification time when it was read
        self._lock = threading.Lock()

    def save(self, filename: str | None, data: bytes, key: str | None = None, session: str | None = None) -> Path:
        """Write ``data`` as :func:`upload_name` of ``filename`` in a fresh folder (of ``key``'s
        fingerprint, when given) and remember it as ``session``'s latest upload of that name."""
        sub = uuid.uuid4().hex[:12]
        folder = self.folder / (f"{key_fingerprint(key)}-{sub}" if key else sub)
        before = _mtime(self.folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / upload_name(filename)
        path.write_bytes(data)
        with self._lock:
            if self._index is not None and before == self._read_at:  # else read again on the next look-up
                self._index.setdefault(path.name, []).append(str(path))
                self._read_at = _mtime(self.folder)
            if session:
                self._sessions.setdefault(session, {})[path.name] = str(path)
                self._sessions.move_to_end(session)
                while len(self._sessions) > self.max_sessions:
                    self._sessions.popitem(last=False)
        return path

    def named(self, text: str, given: Sequence[str] = (), session: str | None = None,
              owner: str | None = None) -> list[str]:
        """The paths of the uploads ``text`` names by file name that are not among ``given`` (by
        name): for each name (:func:`named_candidates`, the longest that is an upload wins), the
        ``session``'s latest upload of it, else the one upload of it in a folder of ``owner`` (a
        key fingerprint; None: the folders of no key), none when there are several."""
        have = {Path(g).name for g in given}
        with self._lock:
            session_files = dict(self._sessions.get(session, {})) if session else {}
        index: dict[str, list[str]] | None = None
        uploads: dict[str, list[str]] = {}  # a name's uploads: the session's latest, else all of the owner's

        def named_uploads(name: str) -> list[str]:
            nonlocal index
            if name not in uploads:
                mine = session_files.get(name)
                if mine and os.path.isfile(mine):
                    uploads[name] = [mine]
                else:
                    index = self._current_index() if index is None else index
                    uploads[name] = _owned(index.get(name, []), owner)
            return uploads[name]

        found: list[str] = []
        for names in named_candidates(text):
            if not any(name in have for name in names):
                paths = next((p for n in names if (p := named_uploads(n))), [])
                found += paths if len(paths) == 1 else []
        return list(dict.fromkeys(found))

    def _current_index(self) -> dict[str, list[str]]:
        """The uploads by name, read again when the folder changed since it was last read."""
        read_at = _mtime(self.folder)
        with self._lock:
            if self._index is not None and read_at == self._read_at:
                return self._index
        index = _read_index(self.folder)
        with self._lock:
            self._index, self._read_at = index, read_at
        return index


def _owned(paths: list[str], owner: str | None) -> list[str]:
    """Those of ``paths`` that are still there, in a folder of ``owner`` (of no key for None)."""
    return [p for p in paths if owner_fingerprint(f"{UPLOADS}/{Path(p).parent.name}/x") == owner and os.path.isfile(p)]


def _mtime(folder: Path) -> int | None:
    try:
        return os.stat(folder).st_mtime_ns
    except OSError:
        return None


def _read_index(folder: Path) -> dict[str, list[str]]:
    """The paths of the uploads in ``folder``'s first :data:`MAX_SCANNED` upload folders, by name."""
    index: dict[str, list[str]] = {}
    for sub in _folders(folder):
        for path in _files(sub.path):
            index.setdefault(Path(path).name, []).append(path)
    return index


def with_named_uploads(agent: Any, uploads: Uploads) -> Any:
    """``agent`` whose every input gets, after its ``files``, the uploads its request names by file
    name without giving them (:meth:`Uploads.named`, for the run config's ``session_id`` and
    ``hugginggpt_owner``), on every way of running it (invoke, batch, stream, their async twins, and
    ``astream_log`` and ``astream_events``, which stream through ``astream``)."""
    from langchain_core.runnables import RunnableBinding

    def named(value: Any, config: Any) -> Any:
        if not isinstance(value, dict) or not isinstance(value.get("input"), str):
            return value  # the pipeline names what is wrong with it
        given = value.get("files") or []
        given = [given] if isinstance(given, (str, os.PathLike)) else given
        if not isinstance(given, list) or not all(isinstance(f, (str, os.PathLike)) for f in given):
            return value
        configurable = (config or {}).get("configurable") or {}
        more = uploads.named(value["input"], [os.fspath(f) for f in given], configurable.get("session_id"),
                             configurable.get("hugginggpt_owner"))
        return {**value, "files": [*given, *more]} if more else value

    def each(inputs: list[Any], config: Any) -> list[Any]:
        configs = config if isinstance(config, list) else [config] * len(inputs)
        return [named(value, c) for value, c in zip(inputs, configs)]

    class NamingUploads(RunnableBinding):
        """The async ways look in the uploads folder in a worker thread (reading it is slow the first time)."""

        def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
            return super().invoke(named(input, config), config, **kwargs)

        async def ainvoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
            return await super().ainvoke(await asyncio.to_thread(named, input, config), config, **kwargs)

        def batch(self, inputs: list[Any], config: Any = None, **kwargs: Any) -> list[Any]:
            return super().batch(each(inputs, config), config, **kwargs)

        async def abatch(self, inputs: list[Any], config: Any = None, **kwargs: Any) -> list[Any]:
            return await super().abatch(await asyncio.to_thread(each, inputs, config), config, **kwargs)

        def stream(self, input: Any, config: Any = None, **kwargs: Any) -> Iterator[Any]:
            yield from super().stream(named(input, config), config, **kwargs)

        async def astream(self, input: Any, config: Any = None, **kwargs: Any) -> AsyncIterator[Any]:
            async for chunk in super().astream(await asyncio.to_thread(named, input, config), config, **kwargs):
                yield chunk

        async def astream_events(self, input: Any, config: Any = None, **kwargs: Any) -> AsyncIterator[Any]:
            value = await asyncio.to_thread(named, input, config)
            async for event in super().astream_events(value, config, **kwargs):
                yield event

    return NamingUploads(bound=agent, kwargs={}, config={})


def _folders(folder: Path) -> list[os.DirEntry[str]]:
    """The first :data:`MAX_SCANNED` folders in ``folder`` (none when it cannot be read)."""
    try:
        with os.scandir(folder) as entries:
            return [e for _, e in zip(range(MAX_SCANNED), entries) if e.is_dir(follow_symlinks=False)]
    except OSError:  # no uploads yet
        return []


def _files(folder: str) -> list[str]:
    """The paths of the regular files in ``folder`` (none when it cannot be read)."""
    try:
        with os.scandir(folder) as entries:
            return [e.path for e in entries if e.is_file(follow_symlinks=False)]
    except OSError:  # removed meanwhile
        return []


__all__ = ["MAX_NAME_BYTES", "MAX_NAME_CHARS", "MAX_SCANNED", "MAX_SESSIONS", "Uploads", "named_candidates", "upload_name", "with_named_uploads"]
