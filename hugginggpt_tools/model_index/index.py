"""The model index: model cards embedded into FAISS, searchable by meaning and filterable.

A saved index is a folder of three files:

* ``index.faiss``: the FAISS index over the unit-length vectors of
  :meth:`ModelCard.embedding_text` (inner product = cosine similarity), written with
  ``faiss.write_index``; ``IndexFlatIP`` (exact) up to
  :data:`~.vector_store.APPROX_THRESHOLD` cards, ``IndexIVFFlat`` (approximate) above;
* ``cards.jsonl``: the cards, one JSON object a line, in vector order;
* ``manifest.json``: ``format_version``, ``embedding_model``, ``embedding_max_tokens``,
  ``dimension``, ``count``, ``cards_sha256`` (of ``cards.jsonl``), ``index_sha256`` (of
  ``index.faiss``), ``faiss_index_type``, ``built_at`` and what the writer adds.

Nothing is pickled. :meth:`ModelIndex.load` checks the files against the manifest and refuses
a mismatch with a :class:`~hugginggpt_tools.errors.ModelIndexError` that says how to rebuild.
Cards are added (:meth:`ModelIndex.add`), updated or added (:meth:`ModelIndex.upsert`) and
removed (:meth:`ModelIndex.remove`) without re-embedding the others.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..errors import ModelIndexError
from ..schemas import ModelCard
from .catalog import default_catalog, load_cards, save_cards
from .embedding import index_embedder, normalize
from .filters import CardFilter, canonical_task, language_keys, license_ids
from .languages import CardLanguages, card_languages
from .manifest import (
    CARDS_FILE,
    FORMAT_VERSION,
    INDEX_FILE,
    MANIFEST_FILE,
    REBUILD_FIX,
    check_contents,
    check_manifest,
    file_sha256,
    max_tokens,
    read_manifest,
)
from .vector_store import APPROX_THRESHOLD, DEFAULT_NPROBE, VectorStore

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Settings

logger = logging.getLogger(__name__)

EMBED_CHUNK = 512
"""Cards embedded per call while building (progress is reported after each)."""


class TextEmbedder(Protocol):
    """What the index needs from an embedding model (:class:`~.embedding.Embedder` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...


def embed_cards(cards: Sequence[ModelCard], embedder: TextEmbedder,
                progress: Callable[[int], None] | None = None) -> np.ndarray:
    """The unit vectors of ``cards``' embedding texts, in chunks (``progress(n)`` after each)."""
    chunks = []
    for start in range(0, len(cards), EMBED_CHUNK):
        chunk = cards[start:start + EMBED_CHUNK]
        chunks.append(normalize(embedder.encode([c.embedding_text() for c in chunk])))
        if progress is not None:
            progress(len(chunk))
    return np.vstack(chunks) if chunks else np.zeros((0, embedder.dimension), dtype=np.float32)


@dataclass(frozen=True)
class UpsertResult:
    """What :meth:`ModelIndex.upsert` did: cards added, updated in place, re-embedded, unchanged."""

    added: int = 0
    updated: int = 0
    reembedded: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.reembedded)


class ModelIndex:
    """Model cards and their vectors, searchable by meaning and filterable by metadata."""

    def __init__(self, cards: Sequence[ModelCard], store: VectorStore, embedder: TextEmbedder,
                 manifest: dict[str, Any] | None = None) -> None:
        if len(store) != len(cards):
            raise ModelIndexError(
                f"The FAISS index holds {len(store)} vectors but {len(cards)} cards were given. " + REBUILD_FIX
            )
        self._store = store
        self._embedder = embedder
        self._lock = threading.RLock()
        self.manifest: dict[str, Any] = dict(manifest or {})
        self._reset_tables()
        self._register(list(cards))

    # --- construction ------------------------------------------------------------------------

    @classmethod
    def build(cls, cards: Iterable[ModelCard], embedder: TextEmbedder, *,
              approx_threshold: int = APPROX_THRESHOLD, nprobe: int = DEFAULT_NPROBE,
              progress: Callable[[int], None] | None = None) -> "ModelIndex":
        """Embed ``cards`` into a new index: exact up to ``approx_threshold`` cards, IVF above."""
        cards = list(cards)
        _check_unique(cards, set())
        started = time.perf_counter()
        vectors = embed_cards(cards, embedder, progress)
        store = VectorStore(vectors.shape[1] if len(cards) else embedder.dimension,
                            approx_threshold=approx_threshold, nprobe=nprobe)
        store.add(vectors)
        logger.info("embedded %d model cards in %.1f s (%s)", len(cards), time.perf_counter() - started,
                    store.index_type)
        return cls(cards, store, embedder)

    def _reset_tables(self) -> None:
        self._cards: list[ModelCard] = []
        self._positions: dict[tuple[str, str], int] = {}
        self._by_task: dict[str, list[int]] = {}
        self._by_license: dict[str, list[int]] = {}
        self._by_language: dict[str, list[int]] = {}
        self._languages: list[CardLanguages] = []
        self._task_max: dict[tuple[str, str], int] = {}

    def _register(self, cards: list[ModelCard]) -> None:
        for card in cards:
            position = len(self._cards)
            self._cards.append(card)
            self._positions[(card.id, card.task)] = position
            self._by_task.setdefault(card.task, []).append(position)
            for licence in license_ids(card.license):
                self._by_license.setdefault(licence, []).append(position)
            languages = card_languages(card)
            self._languages.append(languages)
            for key in language_keys(languages):
                self._by_language.setdefault(key, []).append(position)
            for field in ("downloads", "likes"):
                key = (card.task, field)
                self._task_max[key] = max(self._task_max.get(key, 0), int(getattr(card, field)))

    def _rebuild_tables(self) -> None:
        cards = self._cards
        self._reset_tables()
        self._register(cards)

    # --- reading -------------------------------------------------------------------------------

    @property
    def cards(self) -> list[ModelCard]:
        """All cards, in vector order (a copy)."""
        return list(self._cards)

    @property
    def embedder(self) -> TextEmbedder:
        return self._embedder

    @property
    def dimension(self) -> int:
        return self._store.dimension

    @property
    def index_type(self) -> str:
        """The FAISS index in use: ``IndexFlatIP`` (exact) or ``IndexIVFFlat`` (approximate)."""
        return self._store.index_type

    @property
    def store(self) -> VectorStore:
        return self._store

    def __len__(self) -> int:
        return len(self._cards)

    def __repr__(self) -> str:
        return (f"ModelIndex({len(self)} cards, {len(self._by_task)} tasks, {self.index_type}, "
                f"embedder={self._embedder.name!r})")

    def tasks(self) -> list[str]:
        """The task types that have at least one card."""
        return sorted(self._by_task)

    def positions_for_task(self, task: str) -> list[int]:
        """Positions (vector rows) of the cards of ``task`` (an alias works too)."""
        return list(self._by_task.get(canonical_task(task), []))

    def cards_for_task(self, task: str) -> list[ModelCard]:
        """The cards of ``task`` (an alias works too), in index order."""
        return [self._cards[i] for i in self.positions_for_task(task)]

    def card_at(self, position: int) -> ModelCard:
        return self._cards[position]

    def position_of(self, model_id: str, task: str) -> int | None:
        """The position of the card ``(model_id, task)``, or None."""
        return self._positions.get((model_id, canonical_task(task)))

    def card_languages(self, position: int) -> CardLanguages:
        """The parsed languages of the card at ``position``."""
        return self._languages[position]

    def task_max(self, task: str, field: str) -> int:
        """The largest ``downloads`` or ``likes`` among the cards of ``task``."""
        return self._task_max.get((task, field), 0)

    # --- vectors and search ----------------------------------------------------------------------

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
        rows = self._store.vectors[np.asarray(list(card_positions), dtype=np.int64)]
        return queries @ rows.T

    def allowed(self, where: CardFilter | None) -> np.ndarray | None:
        """The boolean mask of positions the metadata part of ``where`` allows (None: all)."""
        if where is None or not where.has_metadata:
            return None
        mask = np.ones(len(self._cards), dtype=bool)
        if where.task:
            mask &= self._mask(self._by_task.get(canonical_task(where.task), []))
        if where.licenses:
            mask &= self._mask([p for v in where.licenses for p in self._by_license.get(v, [])])
        if where.languages:
            mask &= self._mask([p for v in (*where.languages, "*") for p in self._by_language.get(v, [])])
        return mask

    def _mask(self, positions: list[int]) -> np.ndarray:
        mask = np.zeros(len(self._cards), dtype=bool)
        mask[np.asarray(positions, dtype=np.int64)] = True
        return mask

    def candidate_positions(self, query_vector: np.ndarray, where: CardFilter | None = None,
                            limit: int | None = None) -> list[int]:
        """Positions ``where`` allows, most similar first when ``limit`` cuts them (FAISS search)."""
        mask = self.allowed(where)
        count = len(self._cards) if mask is None else int(mask.sum())
        if limit is None or count <= limit:
            return list(range(len(self._cards))) if mask is None else np.flatnonzero(mask).tolist()
        with self._lock:
            _, ids = self._store.search(np.atleast_2d(query_vector), limit, mask)
        return [int(i) for i in ids[0] if i >= 0]

    def search(self, query: str | np.ndarray, task: str | None = None, k: int = 10, *,
               where: CardFilter | None = None) -> list[tuple[ModelCard, float]]:
        """The ``k`` cards most similar to ``query`` that pass ``where`` (and are of ``task``), best first.

        ``query`` is a text or a unit vector. A ``runnable`` predicate in ``where`` is checked
        on the most similar cards, in order, until ``k`` pass.
        """
        if k < 1 or not self._cards:
            return []
        where = where or CardFilter()
        if task is not None:
            where = CardFilter(task=task, licenses=where.licenses, languages=where.languages, runnable=where.runnable)
        vector = self.embed_queries([query]) if isinstance(query, str) else np.atleast_2d(query)
        mask = self.allowed(where)
        fetch = k if where.runnable is None else max(4 * k, 32)
        while True:
            with self._lock:
                scores, ids = self._store.search(vector, fetch, mask)
            hits = [(self._cards[int(i)], float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]
            passing = [h for h in hits if where.runnable is None or where.runnable(h[0])]
            if len(passing) >= k or len(hits) < fetch:
                return sorted(passing, key=lambda hit: (-hit[1], hit[0].id))[:k]
            fetch *= 4

    # --- changes ---------------------------------------------------------------------------------

    def add(self, cards: Iterable[ModelCard]) -> None:
        """Embed ``cards`` and append them (no rebuild); a card already indexed is refused."""
        cards = list(cards)
        if not cards:
            return
        with self._lock:
            _check_unique(cards, set(self._positions))
            vectors = self.embed_queries([c.embedding_text() for c in cards])
            self._store.add(vectors)
            self._register(cards)

    def upsert(self, cards: Iterable[ModelCard]) -> UpsertResult:
        """Add new cards and replace changed ones (by ``(id, task)``), embedding only what changed.

        A changed card whose embedding text is the same (new downloads, say) is updated in place;
        one whose text changed is re-embedded. Unchanged cards cost nothing.
        """
        latest = {(c.id, c.task): c for c in cards}
        with self._lock:
            new = [c for k, c in latest.items() if k not in self._positions]
            changed = [(self._positions[k], c) for k, c in latest.items()
                       if k in self._positions and self._cards[self._positions[k]] != c]
            same_text = [(p, c) for p, c in changed if self._cards[p].embedding_text() == c.embedding_text()]
            new_text = [(p, c) for p, c in changed if self._cards[p].embedding_text() != c.embedding_text()]
            for position, card in changed:
                self._cards[position] = card
            if new_text:
                self._store.replace([p for p, _ in new_text], self.embed_queries([c.embedding_text() for _, c in new_text]))
            if changed:
                self._rebuild_tables()
            self.add(new)
        return UpsertResult(len(new), len(same_text), len(new_text), len(latest) - len(new) - len(changed))

    def remove(self, keys: Iterable[tuple[str, str]]) -> int:
        """Remove the cards ``(id, task)`` in ``keys`` (others keep their vectors); returns how many."""
        with self._lock:
            drop = {self._positions[(i, canonical_task(t))] for i, t in keys if (i, canonical_task(t)) in self._positions}
            if not drop:
                return 0
            kept = [p for p in range(len(self._cards)) if p not in drop]
            self._store.keep(kept)
            self._cards = [self._cards[p] for p in kept]
            self._rebuild_tables()
            return len(drop)

    # --- files -------------------------------------------------------------------------------------

    def save(self, folder: str | Path, extra: dict[str, Any] | None = None) -> Path:
        """Write ``index.faiss``, ``cards.jsonl`` and ``manifest.json`` into ``folder``.

        ``extra`` adds keys to the manifest (e.g. what the index was merged from).
        """
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        with self._lock:
            save_cards(self._cards, target / CARDS_FILE)
            self._store.write(target / INDEX_FILE)
            manifest = {
                **(extra or {}),
                "format_version": FORMAT_VERSION,
                "embedding_model": self._embedder.name,
                "embedding_max_tokens": max_tokens(self._embedder),
                "dimension": self.dimension,
                "count": len(self._cards),
                "cards_sha256": file_sha256(target / CARDS_FILE),
                "index_sha256": file_sha256(target / INDEX_FILE),
                "faiss_index_type": self.index_type,
                "nprobe": self._store.nprobe,
                "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        (target / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        self.manifest = manifest
        logger.info("saved a model index of %d cards (%s) to %s", len(self._cards), self.index_type, target)
        return target

    @classmethod
    def load(cls, folder: str | Path, embedder: TextEmbedder | None = None, *,
             approx_threshold: int = APPROX_THRESHOLD, num_threads: int = 1) -> "ModelIndex":
        """Load a saved index, checking it against its manifest.

        The default embedder is the bundled MiniLM with the token limit the manifest records,
        using ``num_threads`` torch threads.
        """
        source = Path(folder)
        manifest = read_manifest(source)
        if embedder is None:
            embedder = index_embedder(num_threads, manifest.get("embedding_max_tokens"))
        check_manifest(source, manifest, embedder)
        cards = load_cards(source / CARDS_FILE)
        store = VectorStore.read(source / INDEX_FILE, approx_threshold=approx_threshold,
                                 nprobe=int(manifest.get("nprobe") or DEFAULT_NPROBE))
        check_contents(source, manifest, cards, store.index_type, len(store), store.dimension)
        return cls(cards, store, embedder, manifest)


def _check_unique(cards: list[ModelCard], existing: set[tuple[str, str]]) -> None:
    """Refuse a card whose (id, task) is already indexed or given twice."""
    seen = set(existing)
    for card in cards:
        key = (card.id, card.task)
        if key in seen:
            raise ModelIndexError(
                f"Model card {card.id!r} for task {card.task!r} is already in the index. "
                "Give each (id, task) once; to change a card, use ModelIndex.upsert."
            )
        seen.add(key)


def build_default_index(folder: str | Path, num_threads: int = 1,
                        progress: Callable[[int], None] | None = None) -> ModelIndex:
    """Build the index of :func:`~.catalog.default_catalog` with the bundled MiniLM and save it.

    Card texts are cut at :data:`~.embedding.INDEX_MAX_TOKENS` tokens.
    """
    started = time.perf_counter()
    index = ModelIndex.build(default_catalog(), index_embedder(num_threads), progress=progress)
    index.save(folder)
    logger.info("built the default index (%d cards) in %.1f s", len(index), time.perf_counter() - started)
    return index


_CACHE: dict[tuple[Path, Path | None], ModelIndex] = {}
_CACHE_LOCK = threading.Lock()


def load_default_index(settings: "Settings | None" = None) -> ModelIndex:
    """The index in ``settings.index_dir`` merged with the user catalog, loaded once per process.

    User models (``hugginggpt models add``) and cards refreshed from the Hub (``hugginggpt
    index refresh``) live in ``settings.catalog_dir``; see :func:`~.user_catalog.merged_index`.
    """
    from ..config import get_settings
    from .user_catalog import merged_index

    settings = settings or get_settings()
    folder = Path(settings.index_dir).expanduser().resolve()
    catalog_dir = getattr(settings, "catalog_dir", None)
    key = (folder, Path(catalog_dir).expanduser().resolve() if catalog_dir else None)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = merged_index(settings)
        return _CACHE[key]


def clear_index_cache() -> None:
    """Forget the indexes :func:`load_default_index` loaded (after rebuilding one, say)."""
    with _CACHE_LOCK:
        _CACHE.clear()


__all__ = [
    "FORMAT_VERSION",
    "ModelIndex",
    "TextEmbedder",
    "UpsertResult",
    "build_default_index",
    "clear_index_cache",
    "embed_cards",
    "load_default_index",
    "read_manifest",
]
