"""The FAISS side of the model index: exact for small catalogs, approximate (IVF) for large ones.

:class:`VectorStore` keeps the card vectors twice: in a growable float32 array (row ``i`` is
the card at position ``i``, so selection can score any set of cards exactly) and in a FAISS
index for top-k search over the whole catalog:

* up to :data:`APPROX_THRESHOLD` vectors: ``IndexFlatIP`` (exact inner product);
* above it: ``IndexIVFFlat`` (inner product; ``nlist`` = sqrt(n) clusters trained on at most
  64 vectors per cluster, ``nprobe`` clusters scanned per query), which a store upgrades to by itself when
  an :meth:`add` crosses the threshold.

Searches take an optional boolean mask of allowed positions (metadata filters), passed to
FAISS as an ``IDSelectorBitmap``; when an approximate search finds fewer than ``k`` allowed
vectors (a very selective filter), the store answers exactly over the allowed positions.
Files are written with ``faiss.write_index`` (no pickle).
"""

from __future__ import annotations

import importlib.util
import logging
import math
import threading
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError, ModelIndexError
from .embedding import missing_dependency

logger = logging.getLogger(__name__)

APPROX_THRESHOLD = 20_000
"""Catalogs larger than this get an approximate (IVF) index."""

DEFAULT_NPROBE = 16
FLAT, IVF = "IndexFlatIP", "IndexIVFFlat"
INDEX_TYPES = (FLAT, IVF)


def faiss_module() -> Any:
    """The ``faiss`` module (imported on first use: it is heavy)."""
    if importlib.util.find_spec("faiss") is None:
        raise missing_dependency("faiss", "faiss-cpu")
    import faiss  # local: heavy

    return faiss


def ivf_lists(count: int) -> int:
    """Number of IVF clusters for ``count`` vectors: sqrt(count), between 16 and 4,096.

    With ``nprobe`` = 16 a query scans about 16 / sqrt(n) of the vectors (5% at 100,000),
    and training stays a few seconds on two cores.
    """
    return int(min(4_096, max(16, math.sqrt(max(count, 1)))))


class VectorStore:
    """Unit vectors by position, searchable by inner product, exact or approximate by size."""

    def __init__(self, dimension: int, *, approx_threshold: int = APPROX_THRESHOLD,
                 nprobe: int = DEFAULT_NPROBE) -> None:
        if approx_threshold < 1 or nprobe < 1:
            raise ConfigError(
                f"approx_threshold ({approx_threshold}) and nprobe ({nprobe}) must be at least 1; "
                f"the defaults are {APPROX_THRESHOLD} and {DEFAULT_NPROBE}."
            )
        self.dimension = dimension
        self.approx_threshold = approx_threshold
        self.nprobe = nprobe
        self._buffer = np.zeros((0, dimension), dtype=np.float32)
        self._count = 0
        self._index: Any = None
        self._lock = threading.RLock()

    # --- contents -------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    @property
    def vectors(self) -> np.ndarray:
        """The vectors in position order (a read-only view)."""
        view = self._buffer[: self._count]
        view.flags.writeable = False
        return view

    @property
    def index_type(self) -> str:
        """``IndexFlatIP`` or ``IndexIVFFlat``."""
        return IVF if self._index is not None and self._is_ivf(self._index) else FLAT

    def _append_rows(self, vectors: np.ndarray) -> None:
        needed = self._count + len(vectors)
        if needed > len(self._buffer):
            grown = np.zeros((max(needed, 2 * len(self._buffer), 64), self.dimension), dtype=np.float32)
            grown[: self._count] = self._buffer[: self._count]
            self._buffer = grown
        self._buffer[self._count:needed] = vectors
        self._count = needed

    def add(self, vectors: np.ndarray) -> None:
        """Append ``vectors`` (positions ``len(self)`` onwards); upgrades to IVF past the threshold."""
        vectors = self._checked(vectors)
        if not len(vectors):
            return
        with self._lock:
            self._append_rows(vectors)
            if self._index is None:
                self._index = self._new_index()
            elif self.index_type == FLAT and self._count > self.approx_threshold:
                logger.info("model index grew past %d vectors: building an IVF index", self.approx_threshold)
                self._index = self._new_index()
            else:
                self._index.add(vectors)

    def replace(self, positions: list[int], vectors: np.ndarray) -> None:
        """Overwrite the vectors at ``positions`` and re-index (no re-training of an IVF index)."""
        vectors = self._checked(vectors)
        with self._lock:
            self._buffer[np.asarray(positions, dtype=np.int64)] = vectors
            self._reindex(retrain=False)

    def keep(self, positions: list[int]) -> None:
        """Keep only the vectors at ``positions`` (in that order) and re-index."""
        with self._lock:
            kept = self._buffer[np.asarray(positions, dtype=np.int64)].copy() if positions else self._buffer[:0]
            self._buffer, self._count = kept, len(kept)
            self._reindex(retrain=True)

    def _checked(self, vectors: np.ndarray) -> np.ndarray:
        array = np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)
        if array.size and array.shape[1] != self.dimension:
            raise ModelIndexError(
                f"Got {array.shape[1]}-dimensional vectors for an index of {self.dimension}-dimensional ones. "
                "Use the index's embedding model, or rebuild the index: hugginggpt index build"
            )
        return array

    # --- FAISS index ------------------------------------------------------------------------

    @staticmethod
    def _is_ivf(index: Any) -> bool:
        return type(index).__name__.startswith("IndexIVF")

    def _new_index(self) -> Any:
        """A FAISS index over all current vectors: flat up to the threshold, IVF above it."""
        faiss = faiss_module()
        vectors = self._buffer[: self._count]
        if self._count <= self.approx_threshold:
            index = faiss.IndexFlatIP(self.dimension)
        else:
            index = self._trained_ivf(vectors)
        index.add(vectors)
        if self._is_ivf(index):
            index.make_direct_map()
        return index

    def _trained_ivf(self, vectors: np.ndarray) -> Any:
        faiss = faiss_module()
        nlist = ivf_lists(len(vectors))
        quantizer = faiss.IndexFlatIP(self.dimension)
        index = faiss.IndexIVFFlat(quantizer, self.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors
        if len(vectors) > 64 * nlist:
            picks = np.random.default_rng(0).choice(len(vectors), 64 * nlist, replace=False)
            sample = vectors[np.sort(picks)]
        index.cp.seed = 0
        index.train(sample)
        index.nprobe = self.nprobe
        return index

    def _reindex(self, retrain: bool) -> None:
        if retrain or self._index is None or not self._is_ivf(self._index):
            self._index = self._new_index() if self._count else None
            return
        self._index.reset()
        self._index.add(self._buffer[: self._count])
        self._index.make_direct_map()

    # --- search ------------------------------------------------------------------------------

    def search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` inner products and positions per query (``-1`` where fewer exist), best first.

        ``allowed`` is a boolean mask over positions; only those are returned.
        """
        queries = self._checked(queries)
        with self._lock:
            available = self._count if allowed is None else int(allowed.sum())
            k = min(k, available)
            if k < 1 or self._index is None:
                empty = np.zeros((len(queries), 0))
                return empty.astype(np.float32), empty.astype(np.int64)
            scores, ids = self._faiss_search(queries, k, allowed)
            if self.index_type == IVF and allowed is not None and (ids < 0).any():
                return self.exact_search(queries, k, np.flatnonzero(allowed))
            return scores, ids

    def _faiss_search(self, queries: np.ndarray, k: int, allowed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        faiss = faiss_module()
        selector, bitmap = None, None
        if allowed is not None:
            bitmap = np.packbits(np.asarray(allowed, dtype=bool), bitorder="little")
            selector = faiss.IDSelectorBitmap(len(allowed), faiss.swig_ptr(bitmap))
        if self.index_type == IVF:
            params = faiss.SearchParametersIVF(sel=selector, nprobe=self.nprobe)
        else:
            params = faiss.SearchParameters(sel=selector) if selector is not None else None
        scores, ids = self._index.search(queries, k, params=params)
        del bitmap  # kept alive until the search returned
        return scores, ids

    def exact_search(self, queries: np.ndarray, k: int, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-``k`` over ``positions`` only (numpy; for small candidate sets)."""
        queries = self._checked(queries)
        positions = np.asarray(positions, dtype=np.int64)
        k = min(k, len(positions))
        sims = queries @ self._buffer[positions].T
        order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
        return np.take_along_axis(sims, order, axis=1), positions[order]

    # --- files -------------------------------------------------------------------------------

    def write(self, path: Path) -> None:
        """Write the FAISS index to ``path``."""
        with self._lock:
            index = self._index if self._index is not None else faiss_module().IndexFlatIP(self.dimension)
            faiss_module().write_index(index, str(path))

    @classmethod
    def read(cls, path: Path, *, approx_threshold: int = APPROX_THRESHOLD, nprobe: int = DEFAULT_NPROBE) -> "VectorStore":
        """A store from a FAISS file written by :meth:`write` (its vectors reconstructed)."""
        faiss = faiss_module()
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            raise ModelIndexError(f"Cannot read {path} ({exc}). Rebuild the index with: hugginggpt index build") from exc
        store = cls(int(index.d), approx_threshold=approx_threshold, nprobe=nprobe)
        if cls._is_ivf(index):
            index.make_direct_map()
            index.nprobe = nprobe
        store._append_rows(index.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, index.d)))
        store._index = index
        return store


__all__ = ["APPROX_THRESHOLD", "DEFAULT_NPROBE", "FLAT", "INDEX_TYPES", "IVF", "VectorStore", "faiss_module", "ivf_lists"]
