"""The server's uploads: each file kept under its own name in a fresh folder, and found again by it.

``POST /files`` saves a file as ``uploads/[FP-]XXXXXXXXXXXX/NAME`` (:meth:`Uploads.save`): a fresh
folder per upload (FP the fingerprint of the caller's API key, when keys are configured), NAME the
file's own name with only what is unsafe in a file name replaced (:func:`upload_name`), so "my
sign.png" stays "my sign.png" and "Read the text in my sign.png" names it whole. A request that
names an upload without giving its path in ``files`` gets it added (:meth:`Uploads.named`): the
latest upload of that name to the request's session (``POST /files`` with its ``X-Session-Id``
header); with API keys, else the key's one upload of that name when it has only one (a key is one
client). Without keys a name alone finds only the session's uploads: another client's are never
guessed. Stdlib only; the app (:func:`~hugginggpt_tools.server.create_app`) wires it in.
"""

from __future__ import annotations

import asyncio
import heapq
import os
import re
import threading
import time
import unicodedata
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

from .inputs import name_candidates
from .server_guard import UPLOADS, key_fingerprint, owner_fingerprint

_UNSAFE_CHARS = re.compile(r'[/\\:*?"<>|()+,@\x00]+')
"""Characters an upload's name loses (each run becomes ``_``): those file systems refuse
(``/\\:*?"<>|``) and ``()+,@``, which a request could not name the file with; control, format
(:data:`_UNSAFE_CATEGORIES`) and line-separating characters go too. Letters of every script with
their combining marks ("नमस्ते.png"), digits, spaces and other punctuation stay."""
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Unicode categories an upload's name loses (bidi overrides, NUL, ...), but for :data:`_JOINERS`."""
_JOINERS = frozenset("\u200c\u200d")
"""The zero-width (non-)joiners, format characters that spell words in Indic scripts and Persian."""
MAX_NAME_CHARS = 100
MAX_NAME_BYTES = 200
"""Longest upload name, in characters and in UTF-8 bytes (its end, with the suffix, is kept)."""
MAX_SCANNED = 10_000
"""Most upload folders :meth:`Uploads.named` reads (the newest) when it looks beyond the session's uploads."""
RESCAN_S = 1.0
"""Least seconds between two reads of the uploads folder for a name not found (another process's upload)."""
MAX_SESSIONS = 1024
"""Sessions whose uploads are remembered (the least recently used one is forgotten first)."""


def upload_name(filename: str | None) -> str:
    """The name an upload is stored under: the last part of ``filename`` (after any ``/`` or
    ``\\``), NFC-normalised, each run of unsafe characters ``_`` (:data:`_UNSAFE_CHARS`), spaces and
    dots trimmed from its ends, its end at most :data:`MAX_NAME_CHARS` characters and
    :data:`MAX_NAME_BYTES` bytes long; ``upload`` when nothing is left."""
    name = unicodedata.normalize("NFC", re.split(r"[/\\]", filename or "")[-1])
    name = "".join("\x00" if unicodedata.category(c) in _UNSAFE_CATEGORIES and c not in _JOINERS else c for c in name)
    name = _UNSAFE_CHARS.sub("_", name)[-MAX_NAME_CHARS:]
    while len(name.encode()) > MAX_NAME_BYTES:
        name = name[1:]
    return name.strip(" ").lstrip(".").rstrip(" .") or "upload"


def named_candidates(text: str) -> Iterator[list[str]]:
    """For each word of ``text`` (NFC-normalised) that ends like a file name, the upload names it may
    end, longest first (:func:`~hugginggpt_tools.inputs.name_candidates`, each as :func:`upload_name`
    stores it: "photo (1).png" is "photo _1_.png")."""
    for names in name_candidates(unicodedata.normalize("NFC", text)):
        yield list(dict.fromkeys(upload_name(n) for n in names))


class Uploads:
    """The uploads folder ``folder`` (``OUTPUT_DIR/uploads``), its uploads by name and the uploads of
    each session. This process's uploads join the names as they are saved; the folder is read again
    (the newest :data:`MAX_SCANNED` upload folders) when a name is not found, at most every
    :data:`RESCAN_S` seconds (another process's upload, a clean-up)."""

    def __init__(self, folder: str | Path, max_sessions: int = MAX_SESSIONS) -> None:
        self.folder = Path(folder)
        self.max_sessions = max_sessions
        self._sessions: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._index: dict[str, list[str]] | None = None  # None: not read yet
        self._read_at = -float("inf")  # time.monotonic() when the folder was last read
        self._lock = threading.Lock()

    def save(self, filename: str | None, data: bytes, key: str | None = None, session: str | None = None) -> Path:
        """Write ``data`` as :func:`upload_name` of ``filename`` in a fresh folder (of ``key``'s
        fingerprint, when given) and remember it as ``session``'s latest upload of that name."""
        sub = uuid.uuid4().hex[:12]
        folder = self.folder / (f"{key_fingerprint(key)}-{sub}" if key else sub)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / upload_name(filename)
        path.write_bytes(data)
        with self._lock:
            if self._index is not None:  # not read yet: the first look-up reads it
                self._index.setdefault(path.name, []).append(str(path))
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
        ``session``'s latest upload of it, else, with ``owner`` (a key fingerprint), the one upload
        of it in a folder of that key, none when there are several. Without ``owner`` (no keys) only
        the session's uploads count: any client could send any name."""
        have = {upload_name(g) for g in given}
        with self._lock:
            session_files = dict(self._sessions.get(session, {})) if session else {}
        uploads: dict[str, list[str]] = {}  # a name's uploads: the session's latest, else all of the owner's
        rescanned = False

        def named_uploads(name: str) -> list[str]:
            nonlocal rescanned
            if name not in uploads:
                mine = session_files.get(name)
                if mine and os.path.isfile(mine):
                    uploads[name] = [mine]
                elif owner is None:
                    uploads[name] = []
                else:
                    uploads[name] = _owned(self._index_of(name, rescan=False), owner)
                    if not uploads[name] and not rescanned:  # another process's upload, maybe
                        rescanned = True
                        uploads[name] = _owned(self._index_of(name, rescan=True), owner)
            return uploads[name]

        found: list[str] = []
        for names in named_candidates(text):
            if not any(name in have for name in names):
                paths = next((p for n in names if (p := named_uploads(n))), [])
                found += paths if len(paths) == 1 else []
        return list(dict.fromkeys(found))

    def _index_of(self, name: str, rescan: bool) -> list[str]:
        """The paths of the uploads named ``name``: from the folder, read the first time; read again
        with ``rescan`` when it was last read :data:`RESCAN_S` seconds ago or more."""
        with self._lock:
            fresh = self._index is not None and not (rescan and time.monotonic() - self._read_at >= RESCAN_S)
            if fresh:
                return list(self._index.get(name, []))  # type: ignore[union-attr]
            self._read_at = time.monotonic()  # other look-ups meanwhile wait RESCAN_S, not read it too
        index = _read_index(self.folder)
        with self._lock:
            self._index = index
            return list(index.get(name, []))


def _owned(paths: list[str], owner: str) -> list[str]:
    """Those of ``paths`` that are still there, in a folder of ``owner``."""
    return [p for p in paths if owner_fingerprint(f"{UPLOADS}/{Path(p).parent.name}/x") == owner and os.path.isfile(p)]


def _read_index(folder: Path) -> dict[str, list[str]]:
    """The paths of the uploads in ``folder``'s newest :data:`MAX_SCANNED` upload folders, by name."""
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
    """The newest :data:`MAX_SCANNED` folders in ``folder`` (none when it cannot be read)."""
    try:
        with os.scandir(folder) as entries:
            folders = [e for e in entries if e.is_dir(follow_symlinks=False)]
    except OSError:  # no uploads yet
        return []
    return folders if len(folders) <= MAX_SCANNED else heapq.nlargest(MAX_SCANNED, folders, key=_modified)


def _modified(entry: os.DirEntry[str]) -> int:
    try:
        return entry.stat(follow_symlinks=False).st_mtime_ns
    except OSError:  # removed meanwhile
        return 0


def _files(folder: str) -> list[str]:
    """The paths of the regular files in ``folder`` (none when it cannot be read)."""
    try:
        with os.scandir(folder) as entries:
            return [e.path for e in entries if e.is_file(follow_symlinks=False)]
    except OSError:  # removed meanwhile
        return []


__all__ = ["MAX_NAME_BYTES", "MAX_NAME_CHARS", "MAX_SCANNED", "MAX_SESSIONS", "RESCAN_S", "Uploads", "named_candidates", "upload_name", "with_named_uploads"]
