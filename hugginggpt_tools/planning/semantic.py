"""Matching a clause to intents by meaning: its nearest example phrasings, in embedding space.

The project writes example phrasings for every intent (``data/planning_examples.json``; none is
taken from a benchmark). :class:`IntentMatcher` embeds them once; a clause's score for an
intent is the mean cosine similarity of its ``k`` closest examples of that intent, and
:meth:`IntentMatcher.best` returns the intents that beat the threshold, by how much.

The encoder is anything with ``encode(texts) -> array`` of unit rows; by default the package's
:func:`~hugginggpt_tools.model_index.embedding.planning_embedder` (all-MiniLM-L6-v2, int8, one thread), loaded on
the first clause that needs it. The offline planner asks the matcher only about clauses that ask
for something no cue names; its node model embeds every whole request with the same encoder
(:meth:`IntentMatcher.embed`), so with the default node model every plan loads it once.

Embedding the 444 example phrasings takes 1 to 3 s, paid by the first clause a process sends to
the matcher (about one request in three). The package's matcher keeps their vectors in
``Settings.cache_dir / "planning"`` (``HUGGINGGPT_CACHE_DIR``), under a key of the phrasings
and the encoder's :meth:`~hugginggpt_tools.model_index.embedding.Embedder.fingerprint`, so a
later process reads them in milliseconds and gets the same numbers; a changed example file,
model, torch or CPU makes a new key. A cache that cannot be read or written is skipped.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import ConfigError
from .lexicon import INTENTS

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

logger = logging.getLogger(__name__)

THRESHOLD = 0.4
"""Lowest similarity for an intent to be suggested."""

TOP_K = 3
"""How many of an intent's closest examples its score averages."""

CACHE_SIZE = 4096
"""How many clause embeddings a matcher keeps (oldest dropped first)."""

CACHE_FILES_KEPT = 4
"""How many files of example vectors a cache folder keeps (the newest; one per key)."""


class Encoder(Protocol):
    """Anything that turns texts into unit-length vectors."""

    def encode(self, texts: list[str]) -> "np.ndarray": ...


def load_examples() -> dict[str, list[str]]:
    """The package's example phrasings per intent (``data/planning_examples.json``)."""
    path = resources.files("hugginggpt_tools").joinpath("data", "planning_examples.json")
    data = json.loads(path.read_text("utf-8"))
    return {k: list(v) for k, v in data.items() if not k.startswith("_")}


class IntentMatcher:
    """Scores clauses against example phrasings per intent.

    Args:
        encoder: turns texts into unit-length vectors (see :class:`Encoder`).
        examples: phrasings per intent; None uses the package's.
        threshold: lowest similarity for an intent to be suggested.
        top_k: how many of an intent's closest examples its score averages.
        cache_dir: a folder to keep the examples' vectors in between processes, for an encoder
            with a ``fingerprint()`` (a digest of everything its vectors depend on); None (the
            default) keeps them in memory only. The package's matcher uses
            ``Settings.cache_dir / "planning"``.
    """

    def __init__(self, encoder: Encoder, examples: Mapping[str, Sequence[str]] | None = None, *,
                 threshold: float = THRESHOLD, top_k: int = TOP_K, cache_dir: str | Path | None = None) -> None:
        examples = load_examples() if examples is None else examples
        unknown = sorted(set(examples) - set(INTENTS))
        if unknown:
            raise ConfigError(f"Examples name unknown intents {unknown}; use {sorted(INTENTS)}.")
        self.encoder = encoder
        self.threshold = threshold
        self.top_k = top_k
        self._labels = [intent for intent, texts in examples.items() for _ in texts]
        self._texts = [text for texts in examples.values() for text in texts]
        self._vectors: Any = None
        self._cache: dict[str, Any] = {}
        self._scored: dict[tuple[str, frozenset[str] | None], dict[str, float]] = {}
        """:meth:`scores` of the latest texts: a clause repeated 2,000 times is scored once."""
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None

    @classmethod
    def default(cls) -> IntentMatcher:
        """The package's matcher: its example phrasings under the bundled MiniLM (loaded lazily)."""
        return _default_matcher()

    def _examples(self) -> Any:
        if self._vectors is None:
            path = self._cache_file()
            vectors = _read_vectors(path, len(self._texts)) if path is not None else None
            if vectors is None:
                vectors = self.encoder.encode(self._texts)
                if path is not None:
                    _write_vectors(path, vectors)
            self._vectors = vectors
        return self._vectors

    def _cache_file(self) -> Path | None:
        """Where the examples' vectors are kept: a name keyed on the examples (with their intents)
        and the encoder's fingerprint; None without a cache folder or a fingerprint."""
        fingerprint = getattr(self.encoder, "fingerprint", None)
        if self.cache_dir is None or not callable(fingerprint):
            return None
        try:
            digest = fingerprint()
        except Exception as error:  # noqa: BLE001 - no key, no cache: the vectors are computed as before
            logger.debug("no cache of example vectors: the encoder's fingerprint failed: %s", error)
            return None
        key = hashlib.sha256(json.dumps([self._labels, self._texts, digest]).encode()).hexdigest()
        return self.cache_dir / f"examples-{key[:32]}.npy"

    def warm(self, texts: Iterable[str]) -> None:
        """Embed ``texts`` in one batch ahead of the :meth:`scores` calls that need them."""
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            for text, vector in zip(todo, self.encoder.encode(todo)):
                self._cache[text] = vector
            for old in list(self._cache)[: max(0, len(self._cache) - CACHE_SIZE)]:
                del self._cache[old]

    def embed(self, text: str) -> list[float]:
        """``text``'s unit-length embedding (cached like the clauses')."""
        self.warm([text])
        return self._cache[text].tolist()

    def knows(self, text: str) -> bool:
        """Whether ``text`` is embedded already (a clause a first planning pass asked about)."""
        return text in self._cache

    def clear_cache(self) -> None:
        """Forget the clause embeddings (the examples' stay)."""
        self._cache.clear()
        self._scored.clear()

    def scores(self, text: str, intents: Iterable[str] | None = None) -> dict[str, float]:
        """The similarity of ``text`` to each intent (mean of its ``top_k`` closest examples)."""
        import numpy as np

        key = (text, None if intents is None else frozenset(intents))
        if key in self._scored:
            return dict(self._scored[key])
        self.warm([text])
        sims = self._examples() @ self._cache[text]
        allowed = set(INTENTS if intents is None else intents)
        by_intent: dict[str, list[float]] = {}
        for label, sim in zip(self._labels, sims.tolist()):
            if label in allowed:
                by_intent.setdefault(label, []).append(sim)
        found = {k: float(np.mean(sorted(v)[-self.top_k:])) for k, v in by_intent.items()}
        if len(self._scored) >= CACHE_SIZE:
            self._scored.clear()
        self._scored[key] = found
        return dict(found)

    def best(self, text: str, intents: Iterable[str] | None = None) -> list[tuple[str, float]]:
        """Intents whose score beats the threshold, best first, each with its margin over it."""
        ranked = sorted(self.scores(text, intents).items(), key=lambda kv: -kv[1])
        return [(k, round(v - self.threshold, 4)) for k, v in ranked if v > self.threshold]


def _read_vectors(path: Path, rows: int) -> Any:
    """The vectors kept at ``path``, or None when there are none or they are not ``rows`` float32 rows."""
    import numpy as np

    try:
        vectors = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        logger.debug("ignoring the unreadable cache of example vectors %s: %s", path, error)
        return None
    if vectors.dtype != np.float32 or vectors.ndim != 2 or vectors.shape[0] != rows:
        logger.debug("ignoring the cache of example vectors %s: shape %s %s", path, vectors.shape, vectors.dtype)
        return None
    return vectors


def _write_vectors(path: Path, vectors: Any) -> None:
    """Keep ``vectors`` at ``path`` (written whole, then renamed into place, so a reader never
    sees half a file), and only the :data:`CACHE_FILES_KEPT` newest files beside it."""
    import numpy as np

    temporary = path.with_name(f"{path.stem}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as handle:
            np.save(handle, np.asarray(vectors), allow_pickle=False)
        os.replace(temporary, path)
        kept = sorted(path.parent.glob("examples-*.npy"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in kept[CACHE_FILES_KEPT:]:
            old.unlink(missing_ok=True)
    except OSError as error:
        logger.debug("could not keep the example vectors in %s: %s", path.parent, error)
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


@functools.lru_cache(maxsize=1)
def _default_matcher() -> IntentMatcher:
    from ..config import default_cache_dir
    from ..model_index.embedding import planning_embedder

    return IntentMatcher(planning_embedder(), cache_dir=default_cache_dir() / "planning")


__all__ = ["CACHE_SIZE", "THRESHOLD", "TOP_K", "Encoder", "IntentMatcher", "load_examples"]
