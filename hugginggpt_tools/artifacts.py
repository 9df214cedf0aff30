"""The artifact store: files given to or produced by a run, with stable ids.

Each session writes into its own folder under the output directory. An artifact's id is the
first 12 hex digits of its content's SHA-256, so the same output gets the same id.
"""

from __future__ import annotations

import hashlib
import mimetypes
import shutil
import threading
import uuid
from pathlib import Path

from .errors import InputError
from .schemas import Artifact

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


class ArtifactStore:
    """Keeps a session's files in ``root/session_id`` and indexes them by id.

    Thread-safe: tasks running in worker threads write into the same store.
    """

    def __init__(self, root: str | Path, session_id: str | None = None) -> None:
        self.session_id = session_id or uuid.uuid4().hex[:12]
        self.folder = (Path(root) / self.session_id).resolve()
        self._items: dict[str, Artifact] = {}
        self._lock = threading.Lock()

    def new_path(self, suffix: str, stem: str = "output") -> Path:
        """A fresh path in the session folder for a file to be written (folder created)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder / f"{stem}-{uuid.uuid4().hex[:8]}{suffix}"

    def add_file(
        self, path: str | Path, task_id: int | None = None, description: str = "",
        modality: str | None = None,
    ) -> Artifact:
        """Register a file already written (typically at :meth:`new_path`)."""
        p = Path(path).resolve()
        if not p.is_file():
            raise InputError(f"Cannot add {str(path)!r} to the artifact store: no such file.")
        artifact = Artifact(
            id=_digest(p), path=str(p), mime_type=_mime(p),
            modality=modality or guess_modality(p), task_id=task_id, description=description,
        )
        with self._lock:
            self._items[artifact.id] = artifact
        return artifact

    def add_bytes(
        self, data: bytes, suffix: str, task_id: int | None = None, description: str = "",
        stem: str = "output",
    ) -> Artifact:
        """Write ``data`` to a new file in the session folder and register it."""
        path = self.new_path(suffix, stem)
        path.write_bytes(data)
        return self.add_file(path, task_id, description)

    def import_file(self, path: str | Path, description: str = "") -> Artifact:
        """Copy a user's file into the session folder (so later turns can still address it)."""
        src = Path(path)
        if not src.is_file():
            raise InputError(f"Input file {str(path)!r} does not exist. Check the path.")
        dest = self.new_path(src.suffix, src.stem)
        shutil.copyfile(src, dest)
        return self.add_file(dest, None, description or src.name)

    def get(self, artifact_id: str) -> Artifact:
        with self._lock:
            if artifact_id in self._items:
                return self._items[artifact_id]
        raise InputError(f"No artifact with id {artifact_id!r} in session {self.session_id}.")

    def list(self) -> list[Artifact]:
        with self._lock:
            return list(self._items.values())

    def cleanup(self) -> None:
        """Delete the session folder and forget its artifacts."""
        with self._lock:
            self._items.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


__all__ = ["ArtifactStore", "guess_modality"]
