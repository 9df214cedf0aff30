"""The artifacts the task tools of this process made, by id, so one toolkit's tool takes another's output.

The tools of one toolkit share its artifact store, so an id one of them returns names a file the others
find there. Tools of two toolkits (one toolkit per task, as ``HuggingGPTToolkit(tasks="tts")`` and
``HuggingGPTToolkit(tasks="asr")``) have a store each; each tool records the artifacts its calls made here
(:func:`remember`, the last :data:`MAX_SHARED_IDS`), and a tool given an id its own store lacks adds the
file that id names to its store (:func:`adopt`; an id is its file's content digest, so it stays the same)
when that file lies in a folder the tool may read anyway: its store's output folder, its
``Settings.output_dir`` or ``Settings.allowed_dirs`` (:class:`~hugginggpt_tools.policy.FilePolicy`).
Toolkits with the default settings share the output folder, so they take each other's ids; a toolkit
with an output folder of its own neither takes nor sees the ids of the others.
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
from ..policy import FilePolicy
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


def adopt(value: Any, store: Any, *, roots: Iterable[str | Path] = (), exists: bool = False) -> None:
    """Make the artifact id ``value`` known to ``store`` when another tool of this process made it
    and its file lies in ``store``'s output folder (the parent of its session folder) or in one of
    ``roots`` (the tool's ``Settings.output_dir`` and ``Settings.allowed_dirs``): its file is added
    to ``store`` (same id). Anything but an artifact id, an id ``store`` knows, or a file name that
    ``exists`` is left alone; any other id is an :class:`InputError` naming it, the ids this tool
    could take instead (none of another folder's) and the fix."""
    text = value.strip() if isinstance(value, str) else ""
    if exists or not ARTIFACT_ID_RE.match(text) or store.find(text) is not None:
        return
    policy = FilePolicy.create([Path(store.folder).parent, *roots])
    artifact = shared(text)
    if artifact is not None and not policy.allows(artifact.path):
        artifact = None
    if artifact is not None and Path(artifact.path).is_file():
        store.add_file(artifact.path, artifact.task_id, artifact.description, modality=artifact.modality,
                       task=artifact.task)
        return
    raise InputError(_unknown_id(text, artifact, policy))


def _takeable(policy: FilePolicy) -> list[str]:
    """The latest remembered ids (at most :data:`_MAX_LISTED`) whose files ``policy`` allows and exist."""
    with _lock:
        latest = list(reversed(_shared.values()))
    found: list[str] = []
    for a in latest:
        if len(found) == _MAX_LISTED:
            break
        if policy.allows(a.path) and Path(a.path).is_file():
            found.append(f"{a.id} ({a.modality}{', ' + a.task if a.task else ''})")
    return found


def _unknown_id(artifact_id: str, gone: Artifact | None, policy: FilePolicy) -> str:
    if gone is not None:
        return (f"The file of artifact {artifact_id!r} was deleted; make it again with the tool that made it, "
                "or give a file path.")
    recent = _takeable(policy)
    made = f"the latest are {', '.join(recent)}" if recent else "none has made a file this tool can read"
    return (f"No tool of this process made an artifact with id {artifact_id!r} that this tool can read ({made}), "
            "and no file has that name. Give an id from an earlier tool result of this process, or the file's "
            "path (ids of an earlier process, or of a toolkit whose output folder is not this one's nor in "
            "HUGGINGGPT_ALLOWED_DIRS (Settings.allowed_dirs), are not known here; their files keep their paths).")


__all__ = ["MAX_SHARED_IDS", "adopt", "remember", "shared"]
