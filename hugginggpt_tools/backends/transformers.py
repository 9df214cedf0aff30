"""The ``transformers`` backend: local ``transformers`` models, never downloaded.

A card runs when its weights are on disk: ``card.path``, ``<dir>/<card.id>`` under
``Settings.model_dirs`` (``HUGGINGGPT_MODEL_DIRS``), or the Hugging Face cache. Loaded
runners (pipelines, mostly) are kept in a small LRU cache. How each task type maps its inputs
to the model and the model's output to a :class:`TaskOutput` lives in
:mod:`._transformers_tasks` (one adapter per task type).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, ClassVar

from ..config import Settings, apply_thread_limits, get_settings
from ..errors import BackendError, HuggingGPTError
from ..schemas import ModelCard
from ._transformers_tasks import ADAPTERS, Options, runner_loader
from .base import Backend, RunContext, TaskOutput, missing_packages

logger = logging.getLogger(__name__)


class LRUCache:
    """A thread-safe LRU cache of loaded models; each key is loaded once even when threads race."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._loading: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        """The value for ``key``, calling ``load()`` (outside the cache lock) when missing."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            key_lock = self._loading.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = load()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    evicted, _ = self._items.popitem(last=False)
                    logger.info("Unloaded %s (cache holds %d)", evicted, self.size)
                self._loading.pop(key, None)
            return value

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _cached_snapshot(model_id: str) -> Path | None:
    """The HF cache snapshot folder holding ``model_id``'s config.json (no network call). A model
    with no folder in the cache is answered without importing ``huggingface_hub.file_download``
    (and httpx with it), which ``get_tools`` would otherwise pay for on its first call."""
    from huggingface_hub import constants

    if not (Path(constants.HF_HUB_CACHE) / f"models--{model_id.replace('/', '--')}").is_dir():
        return None  # as try_to_load_from_cache answers it
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(model_id, "config.json")
    except Exception:  # invalid repo ids, unreadable cache: treat as absent
        return None
    return Path(found).parent if isinstance(found, str) else None


def local_model_dir(card: ModelCard, settings: Settings) -> Path | None:
    """The local folder of ``card``'s weights: card.path, a model dir, or the HF cache; else None."""
    candidates = [Path(card.path).expanduser()] if card.path else []
    candidates += [Path(d).expanduser() / card.id for d in settings.model_dirs]
    for folder in candidates:
        if (folder / "config.json").is_file():
            return folder.resolve()
    return _cached_snapshot(card.id)


class TransformersBackend(Backend):
    """Runs local transformers models through ``transformers.pipeline`` (and two small runners).

    Args:
        settings: device, threads, model folders and the pipeline cache size.
        max_new_tokens: bound on generated tokens for generation tasks.
        detection_threshold: minimum score of a detected object.
    """

    name: ClassVar[str] = "transformers"

    def __init__(self, settings: Settings | None = None, *, max_new_tokens: int = 256,
                 detection_threshold: float = 0.5) -> None:
        self.settings = settings or get_settings()
        self.options = Options(max_new_tokens=max_new_tokens, detection_threshold=detection_threshold)
        self._cache = LRUCache(self.settings.pipeline_cache_size)
        self._installed = False

    @staticmethod
    def supported_tasks() -> list[str]:
        return list(ADAPTERS)

    def availability(self, card: ModelCard) -> str | None:
        if card.task not in ADAPTERS:
            return f"the transformers backend does not run {card.task!r}; it runs {', '.join(ADAPTERS)}"
        missing = self._missing_packages()
        if missing:
            from .bundled import TORCH_INSTALL

            fixes = [f"install torch with {TORCH_INSTALL}"] if "torch" in missing else []
            if set(missing) - {"torch"}:
                fixes.append(f"install {'the others' if fixes else 'them'} with pip install hugginggpt-tools")
            return f"missing packages {', '.join(missing)}; {' and '.join(fixes)}"
        if local_model_dir(card, self.settings) is None:
            return (f"weights of {card.id!r} not found locally; download the weights with `hf download {card.id}` "
                    "or set HUGGINGGPT_MODEL_DIRS to a folder holding them")
        return None

    def _missing_packages(self) -> list[str]:
        """Which of transformers and torch are not installed; once both are found they are not
        looked for again (a search of ``sys.path`` per card made most of ``get_tools``' time)."""
        if self._installed:
            return []
        missing = missing_packages(["transformers", "torch"])
        self._installed = not missing
        return missing

    def run(self, card: ModelCard, task: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        adapter = ADAPTERS.get(task)
        if adapter is None:
            raise BackendError(
                f"The transformers backend does not run {task!r}; it runs {', '.join(ADAPTERS)}."
            )
        path = local_model_dir(card, self.settings)
        if path is None:
            raise BackendError(f"cannot run on the transformers backend: {self.availability(card)}")
        apply_thread_limits(ctx.settings.num_threads)
        runner = self._runner(card, task, adapter.runner, path)
        try:
            return adapter.call(runner, inputs, ctx, self.options)
        except HuggingGPTError:
            raise
        except Exception as exc:  # transformers / torch raise many kinds; the output folder's own
            raise (ctx.store.write_error(exc)
                   or BackendError(f"failed on task {task!r}: {type(exc).__name__}: {exc}")) from exc

    def loaded(self) -> list[Hashable]:
        """Keys ``(path, runner kind, device)`` of the runners in the cache, oldest first."""
        return self._cache.keys()

    def close(self) -> None:
        self._cache.clear()

    def _runner(self, card: ModelCard, task: str, kind: str, path: Path) -> Any:
        device = self.settings.device

        def load() -> Any:
            logger.info("Loading %s from %s as %s on %s", card.id, path, kind, device)
            try:
                return runner_loader(kind)(str(path), device)
            except ImportError as exc:
                raise BackendError(f"Cannot load {card.id!r} for {task!r}: {exc}") from exc
            except Exception as exc:  # OSError, ValueError, KeyError, RuntimeError from from_pretrained
                raise BackendError(
                    f"Could not load {card.id!r} from {str(path)!r} as a {task!r} model ({kind}): "
                    f"{type(exc).__name__}: {exc}. Check that the folder holds a complete model for this "
                    "task (config.json, weights, tokenizer or processor files)."
                ) from exc

        return self._cache.get((str(path), kind, device), load)


__all__ = ["LRUCache", "TransformersBackend", "local_model_dir"]
