"""The model catalog and its FAISS index (importing this imports neither torch nor faiss)."""

from __future__ import annotations

from .catalog import bundled_cards, default_catalog, jarvis_cards, llm_cards, load_cards, save_cards
from .embedding import DEFAULT_EMBEDDING_MODEL, Embedder, default_embedder
from .index import ModelIndex, TextEmbedder, build_default_index, clear_index_cache, load_default_index

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "Embedder",
    "ModelIndex",
    "TextEmbedder",
    "build_default_index",
    "bundled_cards",
    "clear_index_cache",
    "default_catalog",
    "default_embedder",
    "jarvis_cards",
    "llm_cards",
    "load_cards",
    "load_default_index",
    "save_cards",
]
