"""The model index: model cards embedded into a FAISS inner-product index.

A saved index is a folder of three files:

* ``index.faiss``: a ``faiss.IndexFlatIP`` over the unit-length vectors of
  :meth:`ModelCard.embedding_text` (inner product = cosine similarity), written with
  ``faiss.write_index``; nothing is pickled;
* ``cards.jsonl``: the cards, one JSON object a line, in vector order;
* ``manifest.json``: ``format_version``, ``embedding_model``, ``dimension``, ``count``,
  ``cards_sha256`` (of ``cards.jsonl``), ``faiss_index_type`` and ``built_at``.

:meth:`ModelIndex.load` checks the files against the manifest and refuses a mismatch with a
:class:`~hugginggpt_tools.errors.ModelIndexError` that says how to rebuild the index.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..errors import ModelIndexError
from ..schemas import ModelCard
from ..tasks import find_task
from .catalog import default_catalog, load_cards, save_cards
from .embedding import default_embedder, missing_dependency, normalize

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Settings

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
FAISS_INDEX_TYPE = "IndexFlatIP"
INDEX_FILE, CARDS_FILE, MANIFEST_FILE = "index.faiss", "cards.jsonl", "manifest.json"
REBUILD_FIX = "Rebuild the index with: hugginggpt index build"


class TextEmbedder(Protocol):
    """What the index needs from an embedding model (:class:`~.embedding.Embedder` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...


def _faiss() -> Any:
    if importlib.util.find_spec("faiss") is None:
        raise missing_dependency("faiss", "faiss-cpu")
    import faiss  # local: heavy

    return faiss


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _canonical_task(task: str) -> str:
    """The registry name of ``task`` (aliases resolved); unknown names are kept as given."""
    found = find_task(task)
    return found.name if found is not None else task


class ModelIndex:
    """Model cards and their vectors, searchable by meaning and filterable by task type."""

    def __init__(self, cards: Sequence[ModelCard], faiss_index: Any, embedder: TextEmbedder) -> None:
        if faiss_index.ntotal != len(cards):
            raise ModelIndexError(
                f"The FAISS index holds {faiss_index.ntotal} vectors but {len(cards)} cards were given. "
                + REBUILD_FIX
            )
        self._index = faiss_index
        self._embedder = embedder
        self._cards: list[ModelCard] = []
        self._by_task: dict[str, list[int]] = {}
        self._keys: set[tuple[str, str]] = set()
        self._vectors = np.zeros((0, faiss_index.d), dtype=np.float32)
        self._lock = threading.RLock()
        self._register(list(cards), faiss_index.reconstruct_n(0, faiss_index.ntotal) if cards else None)

    @classmethod
    def build(cls, cards: Iterable[ModelCard], embedder: TextEmbedder) -> "ModelIndex":
        """Embed ``cards`` (their :meth:`~ModelCard.embedding_text`) into a new flat IP index."""
        cards = list(cards)
        _check_unique(cards, set())
        started = time.perf_counter()
        vectors = normalize(embedder.encode([c.embedding_text() for c in cards])) if cards else None
        dimension = vectors.shape[1] if vectors is not None else embedder.dimension
        index = _faiss().IndexFlatIP(dimension)
        if vectors is not None:
            index.add(vectors)
        logger.info("embedded %d model cards in %.1f s", len(cards), time.perf_counter() - started)
        return cls(cards, index, embedder)

    def _register(self, cards: list[ModelCard], vectors: np.ndarray | None) -> None:
        for card in cards:
            self._by_task.setdefault(card.task, []).append(len(self._cards))
            self._cards.append(card)
            self._keys.add((card.id, card.task))
        if vectors is not None:
            self._vectors = np.vstack([self._vectors, np.asarray(vectors, dtype=np.float32)])

    @property
    def cards(self) -> list[ModelCard]:
        """All cards, in vector order (a copy)."""
        return list(self._cards)

    @property
    def embedder(self) -> TextEmbedder:
        return self._embedder

    @property
    def dimension(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return len(self._cards)

    def __repr__(self) -> str:
        return f"ModelIndex({len(self)} cards, {len(self._by_task)} tasks, embedder={self._embedder.name!r})"

    def tasks(self) -> list[str]:
        """The task types that have at least one card."""
        return sorted(self._by_task)

    def positions_for_task(self, task: str) -> list[int]:
        """Positions (vector rows) of the cards of ``task`` (an alias works too)."""
        return list(self._by_task.get(_canonical_task(task), []))

    def cards_for_task(self, task: str) -> list[ModelCard]:
        """The cards of ``task`` (an alias works too), in index order."""
        return [self._cards[i] for i in self.positions_for_task(task)]

    def card_at(self, position: int) -> ModelCard:
        return self._cards[position]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """``texts`` as unit vectors, checked against the index's dimension."""
        vectors = normalize(self._embedder.encode(list(texts)))
        if len(texts) and vectors.shape[1] != self.dimension:
            raise ModelIndexError(
                f"The embedder {self._embedder.name!r} gives {vectors.shape[1]}-dimensional vectors but "
                f"the index holds {self.dimension}-dimensional ones. Use the index's embedding model, "
                "or rebuild the index with it: hugginggpt index build"
            )
        return vectors

    def similarities(self, query_vectors: np.ndarray, card_positions: Sequence[int]) -> np.ndarray:
        """Cosine similarities, shape ``(queries, positions)``, of unit query vectors to the cards."""
        queries = np.atleast_2d(np.asarray(query_vectors, dtype=np.float32))
        rows = self._vectors[np.asarray(list(card_positions), dtype=np.int64)]
        return queries @ rows.T

    def search(self, query: str, task: str | None = None, k: int = 10) -> list[tuple[ModelCard, float]]:
        """The ``k`` cards most similar to ``query`` (of ``task`` only, when given), best first."""
        if k < 1 or not self._cards:
            return []
        vector = self.embed_queries([query])
        faiss = _faiss()
        params, available = None, len(self._cards)
        if task is not None:
            positions = self.positions_for_task(task)
            if not positions:
                return []
            selector = faiss.IDSelectorBatch(np.asarray(positions, dtype=np.int64))
            params, available = faiss.SearchParameters(sel=selector), len(positions)
        with self._lock:
            scores, ids = self._index.search(vector, min(k, available), params=params)
        hits = [(self._cards[int(i)], float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]
        return sorted(hits, key=lambda hit: (-hit[1], hit[0].id))

    def add(self, cards: Iterable[ModelCard]) -> None:
        """Embed ``cards`` and append them (no rebuild); a card already indexed is refused."""
        cards = list(cards)
        if not cards:
            return
        with self._lock:
            _check_unique(cards, self._keys)
            vectors = self.embed_queries([c.embedding_text() for c in cards])
            self._index.add(vectors)
            self._register(cards, vectors)

    def save(self, folder: str | Path) -> Path:
        """Write ``index.faiss``, ``cards.jsonl`` and ``manifest.json`` into ``folder``."""
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        with self._lock:
            save_cards(self._cards, target / CARDS_FILE)
            _faiss().write_index(self._index, str(target / INDEX_FILE))
            manifest = {
                "format_version": FORMAT_VERSION,
                "embedding_model": self._embedder.name,
                "dimension": self.dimension,
                "count": len(self._cards),
                "cards_sha256": _sha256(target / CARDS_FILE),
                "faiss_index_type": FAISS_INDEX_TYPE,
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        (target / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        logger.info("saved a model index of %d cards to %s", len(self._cards), target)
        return target

    @classmethod
    def load(cls, folder: str | Path, embedder: TextEmbedder | None = None) -> "ModelIndex":
        """Load a saved index, checking it against its manifest (default embedder: bundled MiniLM)."""
        source = Path(folder)
        manifest = read_manifest(source)
        embedder = embedder if embedder is not None else default_embedder()
        _check_manifest(source, manifest, embedder)
        cards = load_cards(source / CARDS_FILE)
        try:
            index = _faiss().read_index(str(source / INDEX_FILE))
        except RuntimeError as exc:
            raise ModelIndexError(f"Cannot read {source / INDEX_FILE} ({exc}). {REBUILD_FIX}") from exc
        _check_contents(source, manifest, cards, index)
        return cls(cards, index, embedder)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the index in ``folder``; :class:`ModelIndexError` when missing or unreadable."""
    path = folder / MANIFEST_FILE
    if not folder.is_dir() or not path.is_file():
        raise ModelIndexError(f"No model index at {str(folder)!r} (no {MANIFEST_FILE}). {REBUILD_FIX}")
    missing = [name for name in (INDEX_FILE, CARDS_FILE) if not (folder / name).is_file()]
    if missing:
        raise ModelIndexError(f"The model index at {str(folder)!r} lacks {', '.join(missing)}. {REBUILD_FIX}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ModelIndexError(f"{path} is not valid JSON ({exc}). {REBUILD_FIX}") from exc
    keys = ("format_version", "embedding_model", "dimension", "count", "cards_sha256")
    absent = [k for k in keys if not isinstance(manifest, dict) or k not in manifest]
    if absent:
        raise ModelIndexError(f"{path} lacks {', '.join(absent)}. {REBUILD_FIX}")
    return manifest


def _check_manifest(folder: Path, manifest: dict[str, Any], embedder: TextEmbedder) -> None:
    """The manifest's format, embedding model and card checksum against what is on disk."""
    if manifest["format_version"] != FORMAT_VERSION:
        raise ModelIndexError(
            f"The model index at {str(folder)!r} has format_version {manifest['format_version']!r}; "
            f"this version reads {FORMAT_VERSION}. {REBUILD_FIX}"
        )
    if manifest["embedding_model"] != embedder.name:
        raise ModelIndexError(
            f"The model index at {str(folder)!r} was built with embedding model "
            f"{manifest['embedding_model']!r} but the embedder is {embedder.name!r}. "
            f"Pass an embedder of {manifest['embedding_model']!r}, or rebuild the index with: hugginggpt index build"
        )
    actual = _sha256(folder / CARDS_FILE)
    if actual != manifest["cards_sha256"]:
        raise ModelIndexError(
            f"{folder / CARDS_FILE} changed since the index was built (sha256 {actual[:12]}..., "
            f"manifest says {str(manifest['cards_sha256'])[:12]}...). {REBUILD_FIX}"
        )


def _check_contents(folder: Path, manifest: dict[str, Any], cards: list[ModelCard], index: Any) -> None:
    """Card count, vector count and dimension against the manifest."""
    found = {"count": len(cards), "vectors": int(index.ntotal), "dimension": int(index.d)}
    expected = {"count": manifest["count"], "vectors": manifest["count"], "dimension": manifest["dimension"]}
    wrong = [f"{k} {found[k]} (manifest: {expected[k]})" for k in found if found[k] != expected[k]]
    if wrong:
        raise ModelIndexError(f"The model index at {str(folder)!r} does not match its manifest: "
                              f"{'; '.join(wrong)}. {REBUILD_FIX}")


def _check_unique(cards: list[ModelCard], existing: set[tuple[str, str]]) -> None:
    """Refuse a card whose (id, task) is already indexed or given twice."""
    seen = set(existing)
    for card in cards:
        key = (card.id, card.task)
        if key in seen:
            raise ModelIndexError(
                f"Model card {card.id!r} for task {card.task!r} is already in the index. "
                "Give each (id, task) once; to change a card, rebuild the index."
            )
        seen.add(key)


def build_default_index(folder: str | Path, num_threads: int = 1) -> ModelIndex:
    """Build the index of :func:`~.catalog.default_catalog` with the bundled MiniLM and save it."""
    started = time.perf_counter()
    index = ModelIndex.build(default_catalog(), default_embedder(num_threads))
    index.save(folder)
    logger.info("built the default index (%d cards) in %.1f s", len(index), time.perf_counter() - started)
    return index


_CACHE: dict[Path, ModelIndex] = {}
_CACHE_LOCK = threading.Lock()


def load_default_index(settings: "Settings | None" = None) -> ModelIndex:
    """The index in ``settings.index_dir``, loaded once per folder in this process."""
    from ..config import get_settings

    settings = settings or get_settings()
    folder = Path(settings.index_dir).expanduser().resolve()
    with _CACHE_LOCK:
        if folder not in _CACHE:
            _CACHE[folder] = ModelIndex.load(folder, default_embedder(settings.num_threads))
        return _CACHE[folder]


def clear_index_cache() -> None:
    """Forget the indexes :func:`load_default_index` loaded (after rebuilding one, say)."""
    with _CACHE_LOCK:
        _CACHE.clear()


__all__ = [
    "FORMAT_VERSION",
    "ModelIndex",
    "TextEmbedder",
    "build_default_index",
    "clear_index_cache",
    "load_default_index",
    "read_manifest",
]
