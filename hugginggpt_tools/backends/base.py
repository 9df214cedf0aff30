"""The backend interface: run a model card for a task.

A backend says whether it can run a card *now* (:meth:`Backend.availability`) and runs it
(:meth:`Backend.run`, blocking; the executor calls it in a worker thread). Inputs arrive
resolved: text arguments as strings, file arguments as absolute local paths. Files the model
produces go to the run's :class:`~hugginggpt_tools.artifacts.ArtifactStore`.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib.machinery import ModuleSpec
from typing import Any, ClassVar

from ..artifacts import ArtifactStore
from ..config import Settings
from ..errors import MissingExtraError, TaskTimeoutError
from ..schemas import Artifact, ModelCard


@dataclass
class TaskOutput:
    """What a model produced: a text, structured data and files, and ``warnings`` for the user about
    what it did not do (the executor adds them to the task's result: "transcribed the first 1:56 of
    4:25 before the time limit"), kept out of the text a next task reads.

    ``no_result`` marks an output that is no result: the model ran and did not find what it looks
    for, and its ``text`` says so for the user ('no passage of the text answers "..."'). It names
    what was not found, to follow "found" ("no answer", "no phone numbers"); the executor keeps it on
    the task's result and skips each task that would take the output (it would read the decline
    aloud, summarize or translate it). An empty result that answers the request is a result: a
    detector's "0 faces found in group.jpg" counts the faces."""

    text: str | None = None
    data: Any = None
    artifacts: list[Artifact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    no_result: str | None = None


@dataclass
class RunContext:
    """Per-task context handed to a backend.

    ``cancelled`` is set when the call has outlived its task's time limit: the executor has
    recorded the failure and will not read the result. A thread cannot be stopped from outside,
    so a model that works in steps (sentence by sentence, window by window) should check it
    between steps and stop (:meth:`stop_if_cancelled`); one that does not runs on to its end.

    ``about`` is the part of ``request`` about the task's input file ("describe a.jpg" of "describe
    a.jpg and read the text in b.png", :func:`~hugginggpt_tools.selection.request_about`), set by the
    executor; empty when not known, where a backend reads the whole request (``ctx.about or ctx.request``).

    ``started`` is when the call began (``time.monotonic()``; the executor makes a context as it
    starts the call's time limit), so a model that works in steps can stop before the limit and
    return what it has done (:meth:`time_left`; speech recognition keeps the windows it transcribed)."""

    store: ArtifactStore
    settings: Settings
    task_id: int = 0
    request: str = ""
    task: str | None = None
    about: str = ""
    cancelled: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)
    started: float = field(default_factory=time.monotonic, repr=False, compare=False)

    def stop_if_cancelled(self) -> None:
        """Raise :class:`~hugginggpt_tools.errors.TaskTimeoutError` when :attr:`cancelled` is set."""
        if self.cancelled.is_set():
            raise TaskTimeoutError("stopped: the task's time limit (HUGGINGGPT_TASK_TIMEOUT) passed")

    def time_left(self) -> float:
        """Seconds left before the task's time limit (``Settings.task_timeout_s``, counted from :attr:`started`)."""
        return self.settings.task_timeout_s - (time.monotonic() - self.started)

    def save_file(self, path: Any, description: str = "", modality: str | None = None) -> Artifact:
        """Register a file the model wrote (at ``store.new_path``) as this task's artifact."""
        return self.store.add_file(path, task_id=self.task_id, description=description, modality=modality,
                                   task=self.task)

    def save_bytes(self, data: bytes, suffix: str, description: str = "", stem: str = "output") -> Artifact:
        """Write ``data`` as a new file in the store and register it as this task's artifact."""
        return self.store.add_bytes(data, suffix, task_id=self.task_id, description=description, stem=stem,
                                    task=self.task)


class Backend(ABC):
    """Runs model cards whose ``backends`` list names :attr:`name`."""

    name: ClassVar[str]

    @abstractmethod
    def availability(self, card: ModelCard) -> str | None:
        """None when ``card`` can run now; otherwise why not and the fix."""

    @abstractmethod
    def run(self, card: ModelCard, task: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        """Run ``card`` for ``task`` on resolved ``inputs`` (blocking)."""

    def close(self) -> None:
        """Release loaded models."""


def find_module_spec(name: str) -> ModuleSpec | None:
    """``importlib.util.find_spec(name)`` (None when not installed) that is safe while another thread
    imports ``name``.

    A module being imported is already in ``sys.modules`` before its ``__spec__`` is set (OpenCV's
    loader replaces ``cv2`` there while it runs), and ``find_spec`` then raises ``ValueError``: two
    object-detection tasks at once failed with "cv2.__spec__ is None", and two OCR tasks were told to
    install cv2. The search is then made on ``sys.path`` (or the parent package's path), as the
    import itself makes it, without reading ``sys.modules``."""
    try:
        return importlib.util.find_spec(name)
    except ImportError:  # a parent package that is not installed
        return None
    except ValueError:  # being imported meanwhile, by another thread
        parent, _, _ = name.rpartition(".")
        path = getattr(sys.modules.get(parent), "__path__", None) if parent else None
        if parent and path is None:
            return None
        return importlib.machinery.PathFinder.find_spec(name, path)


def missing_packages(import_names: Iterable[str]) -> list[str]:
    """The import names among ``import_names`` that cannot be found (without importing them).

    A module already in ``sys.modules`` is there, and one another thread is importing meanwhile
    is found on its path (:func:`find_module_spec`), not read as "not installed" (two OCR tasks at
    once were told to install cv2)."""
    missing = []
    for name in import_names:
        if sys.modules.get(name) is not None:
            continue
        if find_module_spec(name) is None and sys.modules.get(name) is None:
            missing.append(name)
    return missing


def require(import_name: str, extra: str, purpose: str = "") -> None:
    """Raise :class:`MissingExtraError` when ``import_name`` is not installed."""
    if missing_packages([import_name]):
        raise MissingExtraError(import_name, extra, purpose)


ENABLE_FIXES: dict[str, str] = {
    "bundled": "pip install 'hugginggpt-tools[offline]'",
    "transformers": "pip install hugginggpt-tools (transformers and torch are dependencies)",
    "hf-inference": "set HF_TOKEN (or HUGGINGGPT_HF_BASE_URL for a self-hosted endpoint)",
    "llm": "pass a chat model: hugginggpt run --llm provider:model, or create_hugginggpt_agent(llm=...) / "
           "HuggingGPTToolkit(llm=...) in Python",
}
"""How to turn on a backend that is not configured at all."""


def not_configured(name: str) -> str:
    """Why backend ``name``, which is not configured, cannot run a card, with the fix where one is known."""
    fix = ENABLE_FIXES.get(name)
    return f"not configured; to enable it, {fix}" if fix else "not configured"


class Backends(Mapping[str, Backend]):
    """The configured backends by name, and which of them can run a card now."""

    def __init__(self, backends: Iterable[Backend]) -> None:
        self._by_name = {b.name: b for b in backends}

    def __getitem__(self, name: str) -> Backend:
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def runnable_backend(self, card: ModelCard) -> str | None:
        """The first backend of ``card.backends`` that is configured and can run it now."""
        for name in card.backends:
            backend = self._by_name.get(name)
            if backend is not None and backend.availability(card) is None:
                return name
        return None

    def why_not(self, card: ModelCard, *, only: str | None = None) -> str:
        """Why no configured backend (or only the backend ``only``) can run ``card``, with the fixes."""
        reasons = []
        for name in [only] if only is not None else card.backends:
            backend = self._by_name.get(name)
            reason = not_configured(name) if backend is None else backend.availability(card)
            if reason:
                reasons.append(f"{name}: {reason}")
        return "; ".join(reasons) or ("" if only is not None else "the card names no backend")

    def close(self) -> None:
        for backend in self._by_name.values():
            backend.close()


__all__ = ["ENABLE_FIXES", "Backend", "Backends", "RunContext", "TaskOutput", "find_module_spec", "missing_packages",
           "not_configured", "require"]
