"""The model catalog and its FAISS index (importing this imports neither torch nor faiss).

* :mod:`.catalog`: the shipped cards (JARVIS snapshot, bundled models, the controller LLM);
* :mod:`.index` and :mod:`.vector_store`: the FAISS index (exact or IVF by size), filters,
  incremental add / upsert / remove, manifest-checked files;
* :mod:`.ranking` and :mod:`.languages`: the documented score (similarity, log downloads,
  language match, optional likes and recency);
* :mod:`.user_catalog`, :mod:`.local_models`, :mod:`.hub`, :mod:`.refresh`: user models
  (``hugginggpt models add``) and cards refreshed from the Hub (``hugginggpt index refresh``),
  merged into the index incrementally.
"""

from __future__ import annotations

from .catalog import bundled_cards, default_catalog, jarvis_cards, llm_cards, load_cards, save_cards
from .embedding import DEFAULT_EMBEDDING_MODEL, INDEX_MAX_TOKENS, Embedder, default_embedder, index_embedder
from .filters import CardFilter
from .index import (
    ModelIndex,
    TextEmbedder,
    UpsertResult,
    build_default_index,
    clear_index_cache,
    load_default_index,
)
from .ranking import RankingWeights, ScoredCard, score_positions
from .user_catalog import UserCatalog, merged_index, register_model, unregister_model
from .vector_store import APPROX_THRESHOLD

__all__ = [
    "APPROX_THRESHOLD",
    "DEFAULT_EMBEDDING_MODEL",
    "INDEX_MAX_TOKENS",
    "CardFilter",
    "Embedder",
    "ModelIndex",
    "RankingWeights",
    "ScoredCard",
    "TextEmbedder",
    "UpsertResult",
    "UserCatalog",
    "build_default_index",
    "bundled_cards",
    "clear_index_cache",
    "default_catalog",
    "default_embedder",
    "index_embedder",
    "jarvis_cards",
    "llm_cards",
    "load_cards",
    "load_default_index",
    "merged_index",
    "register_model",
    "save_cards",
    "score_positions",
    "unregister_model",
]
