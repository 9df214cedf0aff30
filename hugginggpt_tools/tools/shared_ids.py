"""The artifacts the task tools of this process made, by id, so one toolkit's tool takes another's output.

The tools of one toolkit share its artifact store, so an id one of them returns names a file the others
find there. Tools of two toolkits (one toolkit per task, as ``HuggingGPTToolkit(tasks="tts")`` and
``HuggingGPTToolkit(tasks="asr")``) have a store each; each tool records the artifacts its calls made here
(:func:`remember`, the last :data:`MAX_SHARED_IDS`), and a tool given an id its own store lacks adds the
file that id names to its store (:func:`adopt`; an id is its file's content digest, so it stays the same).
Only tools record here: the agent's and the server's sessions keep their files to themselves.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..artifacts import ARTIFACT_ID_RE
from ..errors import InputError
from ..schemas import Artifact

MAX_SHARED_IDS = 4096
"""Most artifact ids remembered (the oldest are forgotten first)."""

_MAX_LISTED = 5
"""Most remembered ids an unknown id's error lists."""

_shared: OrderedDict[str, Artifact] = OrderedDict()
_lock = threading.Lock()


def remember(artifacts: Iterable[Artifact]) -> None:
    """Record ``artifacts`` (a tool call's outputs) as ids any tool of this process may be given."""
    with _lock:
        for artifact in artifacts:
            _shared[artifact.id] = artifact
            _shared.move_to_end(artifact.id)
        while len(_shared) > MAX_SHARED_IDS:
            _shared.popitem(last=False)


def shared(artifact_id: str) -> Artifact | None:
    """The artifact a tool of this process made with id ``artifact_id``, or None."""
    with _lock:
        return _shared.get(artifact_id)


def adopt(value: Any, store: Any, *, exists: bool = False) -> None:
    """Make the artifact id ``value`` known to ``store`` when another tool of this process made it:
    its file is added to ``store`` (same id). Anything but an artifact id, an id ``store`` knows, or
    a file name that ``exists`` is left alone; an id no tool of this process made is an
    :class:`InputError` naming it, the ids that were made and the fix."""
    text = value.strip() if isinstance(value, str) else ""
    if exists or not ARTIFACT_ID_RE.match(text) or store.find(text) is not None:
        return
    artifact = shared(text)
    if artifact is not None and Path(artifact.path).is_file():
        store.add_file(artifact.path, artifact.task_id, artifact.description, modality=artifact.modality,
                       task=artifact.task)
        return
    raise InputError(_unknown_id(text, artifact))


def _unknown_id(artifact_id: str, gone: Artifact | None) -> str:
    if gone is not None:
        return (f"The file of artifact {artifact_id!r} ({gone.path}) was deleted; make it again with the tool that "
                "made it, or give a file path.")
    with _lock:
        recent = [f"{a.id} ({a.modality}{', ' + a.task if a.task else ''})" for a in reversed(_shared.values())]
    made = f"the latest are {', '.join(recent[:_MAX_LISTED])}" if recent else "none has made a file yet"
    return (f"No tool of this process made an artifact with id {artifact_id!r} ({made}), and no file has that "
            "name. Give an id from an earlier tool result of this process, or the file's path (ids of an "
            "earlier process are not known here; their files keep their paths).")


__all__ = ["MAX_SHARED_IDS", "adopt", "remember", "shared"]
