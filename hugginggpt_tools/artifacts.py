"""The artifact store: files given to or produced by a run, with stable ids.

Each session writes into its own folder under the output directory. An artifact's id is the
first 12 hex digits of its content's SHA-256, so the same output gets the same id. Each
artifact records its mime type, modality, producing task (id and task type) and creation
time; the session folder keeps them in a manifest (``.artifacts.jsonl``), so a store reopened
with the same session id (a later turn, another process) still knows its artifacts.

Cleanup policy (:func:`prune_sessions`, applied by :meth:`ArtifactStore.open`): when a new
session starts, session folders older than ``Settings.output_max_age_hours`` are deleted, then
the oldest beyond ``Settings.output_max_sessions``; both are off (0) by default. Only folders
holding a store manifest are ever deleted, so a mistyped output directory loses nothing else.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import mimetypes
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from .errors import ConfigError, InputError
from .schemas import Artifact

if TYPE_CHECKING:  # pragma: no cover
    from .config import Settings

logger = logging.getLogger(__name__)

MANIFEST = ".artifacts.jsonl"
"""The file in a session folder listing its artifacts, one JSON object a line."""

ARTIFACT_ID_RE = re.compile(r"^[0-9a-f]{12}$")
"""An artifact id: the first 12 hex digits of its content's SHA-256."""

_MODALITY_BY_MIME = {"image": "image", "audio": "audio", "video": "video", "text": "text"}
_TABLE_SUFFIXES = {".csv", ".tsv", ".parquet", ".xlsx"}


def guess_modality(path: str | Path) -> str:
    """The modality of a file from its name: image, audio, video, table or text."""
    suffix = Path(str(path)).suffix.lower()
    if suffix in _TABLE_SUFFIXES:
        return "table"
    mime = mimetypes.guess_type(f"x{suffix}")[0] or ""
    return _MODALITY_BY_MIME.get(mime.split("/")[0], "text")


def _mime(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]


_SAFE_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


_OUTPUT_DIR_FIX = ("give a folder you can write to with --output-dir (or HUGGINGGPT_OUTPUT_DIR; in Python "
                   "Settings(output_dir=...))")


def output_dir_error(folder: str | Path, exc: OSError) -> ConfigError:
    """The error for an output folder that cannot be created or written, naming it and the fix."""
    reason = "a file of that name is in the way" if isinstance(exc, FileExistsError) else exc.strerror or str(exc)
    return ConfigError(f"Cannot write to the output folder {str(folder)!r} ({reason}); {_OUTPUT_DIR_FIX}.")


def check_output_dir(folder: str | Path) -> None:
    """Raise :class:`ConfigError` unless a file can be written in ``folder`` (created if missing).

    Writes and deletes one empty file there; call it before running models, so an unwritable
    folder is reported as such before any work is done rather than as the first model that writes
    a file failing. The folder it creates stays: the run writes there, and removing it again
    raced with other runs checking the same folder at the same time.
    """
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".hugginggpt-write-check-"):
            pass
    except OSError as exc:
        raise output_dir_error(folder, exc) from exc


def check_session_id(session_id: str) -> str:
    """``session_id`` if it is a safe folder name; raises :class:`InputError` otherwise."""
    if not session_id or len(session_id) > 128 or not set(session_id) <= _SAFE_ID or session_id.startswith("."):
        raise InputError(
            f"Invalid session id {session_id!r}: use 1 to 128 letters, digits, '-', '_' or '.', "
            "not starting with '.'."
        )
    return session_id


class ArtifactStore:
    """Keeps a session's files in ``root/session_id`` and indexes them by id.

    Thread-safe: tasks running in worker threads write into the same store.
    """

    def __init__(self, root: str | Path, session_id: str | None = None) -> None:
        self.session_id = session_id or uuid.uuid4().hex[:12]
        check_session_id(self.session_id)
        self.root = Path(root)
        self.folder = (self.root / self.session_id).resolve()
        self._items: dict[str, Artifact] = {}
        self._lock = threading.Lock()
        self._load_manifest()

    @classmethod
    def open(cls, settings: "Settings", session_id: str | None = None) -> "ArtifactStore":
        """A store in ``settings.output_dir`` after applying the cleanup policy to older sessions."""
        session_id = session_id or uuid.uuid4().hex[:12]
        hours = settings.output_max_age_hours
        prune_sessions(
            settings.output_dir, max_age_s=hours * 3600 if hours else None,
            max_sessions=settings.output_max_sessions or None, keep=[session_id],
        )
        return cls(settings.output_dir, session_id)

    def _load_manifest(self) -> None:
        manifest = self.folder / MANIFEST
        if not manifest.is_file():
            return
        for line in manifest.read_text(encoding="utf-8").splitlines():
            try:
                artifact = Artifact.model_validate_json(line)
            except ValidationError:
                logger.warning("skipping a bad line in %s", manifest)
                continue
            if Path(artifact.path).is_file():
                self._items[artifact.id] = artifact

    def _record(self, artifact: Artifact) -> None:
        """Keep ``artifact`` and append it to the session manifest (caller holds the lock)."""
        self._items[artifact.id] = artifact
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with (self.folder / MANIFEST).open("a", encoding="utf-8") as handle:
                handle.write(artifact.model_dump_json() + "\n")
        except OSError as exc:
            raise output_dir_error(self.folder, exc) from exc

    def write_error(self, exc: BaseException) -> ConfigError | None:
        """The output-folder error (:func:`output_dir_error`) for ``exc`` when it is an OS error about
        a file in this store's folder (a model writing its output there), else None."""
        name = getattr(exc, "filename", None) if isinstance(exc, OSError) else None
        if not isinstance(name, (str, Path)) or not Path(name).resolve().is_relative_to(self.folder):
            return None
        return output_dir_error(self.folder, exc)  # type: ignore[arg-type]

    def new_path(self, suffix: str, stem: str = "output") -> Path:
        """A fresh path in the session folder for a file to be written (folder created).

        Raises :class:`ConfigError` naming the folder when it cannot be created (no such parent,
        no permission, read-only file system): the output folder is at fault, not the model."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_dir_error(self.folder, exc) from exc
        return self.folder / f"{stem}-{uuid.uuid4().hex[:8]}{suffix}"

    def add_file(
        self, path: str | Path, task_id: int | None = None, description: str = "",
        modality: str | None = None, task: str | None = None,
    ) -> Artifact:
        """Register a file already written (typically at :meth:`new_path`).

        ``task_id`` and ``task`` name the producing task (None for a user's file). A file with
        the same content as an artifact already registered keeps that artifact's id.
        """
        p = Path(path).resolve()
        if not p.is_file():
            raise InputError(f"Cannot add {str(path)!r} to the artifact store: no such file.")
        artifact = Artifact(
            id=_digest(p), path=str(p), mime_type=_mime(p), modality=modality or guess_modality(p),
            task_id=task_id, task=task, description=description, created_at=round(time.time(), 3),
        )
        with self._lock:
            self._record(artifact)
        return artifact

    def add_bytes(
        self, data: bytes, suffix: str, task_id: int | None = None, description: str = "",
        stem: str = "output", task: str | None = None,
    ) -> Artifact:
        """Write ``data`` to a new file in the session folder and register it."""
        path = self.new_path(suffix, stem)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise output_dir_error(self.folder, exc) from exc
        return self.add_file(path, task_id, description, task=task)

    def get(self, artifact_id: str) -> Artifact:
        with self._lock:
            if artifact_id in self._items:
                return self._items[artifact_id]
            known = ", ".join(sorted(self._items)) or "none yet"
        raise InputError(
            f"No artifact with id {artifact_id!r} in session {self.session_id} (artifacts: {known})."
        )

    def find(self, artifact_id: str) -> Artifact | None:
        """The artifact with id ``artifact_id``, or None."""
        with self._lock:
            return self._items.get(artifact_id)

    def list(self) -> list[Artifact]:
        with self._lock:
            return list(self._items.values())

    def cleanup(self) -> None:
        """Delete the session folder and forget its artifacts."""
        with self._lock:
            self._items.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


_MANIFEST_CACHE_SIZE = 256
_manifest_paths: OrderedDict[Path, tuple[tuple[int, int], frozenset[str]]] = OrderedDict()
_manifest_lock = threading.Lock()


def _recorded_paths(manifest: Path) -> frozenset[str]:
    """The ``path`` of every artifact listed in ``manifest``, read again only when the file's
    modification time or size changed (a store appends a line per artifact); the last
    :data:`_MANIFEST_CACHE_SIZE` manifests asked about are kept. Raises :class:`OSError` when
    there is no manifest or it cannot be read."""
    stat = manifest.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _manifest_lock:
        cached = _manifest_paths.get(manifest)
        if cached is not None and cached[0] == stamp:
            _manifest_paths.move_to_end(manifest)
            return cached[1]
    paths = set()
    for line in manifest.read_text(encoding="utf-8").splitlines():
        try:
            recorded = json.loads(line).get("path")
        except (ValueError, AttributeError):
            continue
        if isinstance(recorded, str):
            paths.add(recorded)
    found = frozenset(paths)
    with _manifest_lock:
        _manifest_paths[manifest] = (stamp, found)
        _manifest_paths.move_to_end(manifest)
        while len(_manifest_paths) > _MANIFEST_CACHE_SIZE:
            _manifest_paths.popitem(last=False)
    return found


def is_session_output(path: str | Path) -> bool:
    """Whether ``path`` (an absolute path) is a file a run wrote: it is listed in the store
    manifest of the folder it lies in (a session folder). Relative paths, which would be read from
    the current folder, are never outputs. Reads that one manifest only, and only when it changed
    since it was last read (cached by modification time and size), so a caller naming many paths
    costs no re-parsing. It says nothing of whose output it is; the server asks it only of files
    in its output folder that the caller's key may use (another key's are "not yours" whether or
    not they exist: :class:`~hugginggpt_tools.server_guard.Guard`)."""
    text = str(path)
    if "\0" in text or not Path(text).is_absolute():
        return False
    try:
        real = Path(text).resolve()
        if not real.is_file():
            return False
        return str(real) in _recorded_paths(real.parent / MANIFEST)
    except (OSError, RuntimeError, ValueError):  # no manifest there, unreadable, a symlink loop
        return False


def _session_folders(root: Path) -> list[Path]:
    """Folders under ``root`` made by a store (they hold a manifest), oldest first."""
    if not root.is_dir():
        return []
    folders = [d for d in root.iterdir() if d.is_dir() and (d / MANIFEST).is_file()]
    return sorted(folders, key=lambda d: ((d / MANIFEST).stat().st_mtime, d.name))


def prune_sessions(
    root: str | Path, *, max_age_s: float | None = None, max_sessions: int | None = None,
    keep: Iterable[str] = (), now: float | None = None,
) -> list[Path]:
    """Delete old session folders under ``root``; returns the deleted folders.

    A session's age is the time since its manifest last changed (its last artifact). First
    every session older than ``max_age_s`` goes, then the oldest ones until at most
    ``max_sessions`` remain. Sessions named in ``keep`` are never deleted; folders without a
    store manifest are never touched.
    """
    if max_sessions is not None and max_sessions < 0:
        raise InputError(f"max_sessions must be >= 0, got {max_sessions}.")
    keep_names, now = set(keep), time.time() if now is None else now
    folders = [d for d in _session_folders(Path(root)) if d.name not in keep_names]
    doomed = [d for d in folders if max_age_s is not None and now - (d / MANIFEST).stat().st_mtime > max_age_s]
    alive = [d for d in folders if d not in doomed]
    if max_sessions is not None:
        excess = len(alive) + len(keep_names) - max_sessions
        doomed += alive[: max(0, excess)]
    for folder in doomed:
        logger.info("deleting old session folder %s", folder)
        shutil.rmtree(folder, ignore_errors=True)
    return doomed


_unfinished: set[Path] = set()
_unfinished_lock = threading.Lock()
_exit_hooked = False  # whether :func:`remove_unfinished_files` is registered to run at exit


@contextmanager
def unfinished_file(path: str | Path) -> Iterator[Path]:
    """A hidden name beside ``path`` to write it under (``.speech-1a2b.wav.<random>.partial``), to be
    renamed to ``path`` inside the block once complete; the file is removed when the block fails, and
    when the process ends first (:func:`remove_unfinished_files`, at exit and before ``hugginggpt run``
    ends at once past a model call still running), so no partial file is left in the output folder."""
    global _exit_hooked
    path = Path(path)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.partial")
    with _unfinished_lock:
        if not _exit_hooked:
            atexit.register(remove_unfinished_files)
            _exit_hooked = True
        _unfinished.add(partial)
    try:
        yield partial
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        with _unfinished_lock:
            _unfinished.discard(partial)


def remove_unfinished_files() -> int:
    """Remove the files being written in this process (:func:`unfinished_file`) and return how many were
    there: a call that outlived its task's time limit or an interrupted run still writes one in a worker
    thread, which the process's exit does not wait for."""
    with _unfinished_lock:
        paths = list(_unfinished)
    removed = 0
    for partial in paths:
        try:
            partial.unlink()
            removed += 1
        except OSError:  # already renamed or removed by its writer, or its folder is gone
            pass
    return removed


__all__ = ["ARTIFACT_ID_RE", "MANIFEST", "ArtifactStore", "check_output_dir", "guess_modality", "is_session_output",
           "output_dir_error", "prune_sessions", "remove_unfinished_files", "unfinished_file"]
