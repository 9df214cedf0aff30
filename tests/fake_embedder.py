"""A tiny deterministic embedder for fast model-index tests.

Each lower-cased word is hashed (blake2b, so the result does not depend on PYTHONHASHSEED) into
one of ``dimension`` buckets with a sign; a text's vector is the normalised sum. Texts that share
words are similar, texts that share none are nearly orthogonal, and no model is loaded.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np


class HashEmbedder:
    """Bag-of-hashed-words vectors; counts the :meth:`encode` calls and texts it sees."""

    def __init__(self, dimension: int = 256, name: str = "test/hash-embedder") -> None:
        self._dimension = dimension
        self._name = name
        self.calls: list[list[str]] = []

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self._dimension, dtype=np.float32)
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self._dimension
            vector[bucket] += 1.0 if digest[4] % 2 else -1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts]).astype(np.float32)
