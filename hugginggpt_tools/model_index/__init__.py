"""The model catalog and its FAISS index (importing this imports neither torch nor faiss, and
each public name below loads its submodule on first use).

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

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("bundled_cards", "default_catalog", "jarvis_cards", "llm_cards", "load_cards", "save_cards"),
                    "catalog"),
    **dict.fromkeys(("DEFAULT_EMBEDDING_MODEL", "INDEX_MAX_TOKENS", "Embedder", "default_embedder",
                     "index_embedder"), "embedding"),
    "CardFilter": "filters",
    **dict.fromkeys(("ModelIndex", "TextEmbedder", "UpsertResult", "build_default_index", "clear_index_cache",
                     "load_default_index"), "index"),
    **dict.fromkeys(("RankingWeights", "ScoredCard", "score_positions"), "ranking"),
    **dict.fromkeys(("UserCatalog", "merged_index", "register_model", "unregister_model"), "user_catalog"),
    "APPROX_THRESHOLD": "vector_store",
}
"""Each public name and the submodule it comes from: a name loads its module on first use, so
``from hugginggpt_tools.model_index.embedding import ...`` (the offline planner's embedder) does
not import the index, the catalog and numpy's users with it."""

if TYPE_CHECKING:  # pragma: no cover
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


_SUBMODULES = frozenset({"catalog", "embedding", "filters", "hub", "index", "languages", "local_models", "manifest",
                         "minilm", "ranking", "readme", "refresh", "user_catalog", "vector_store"})
"""The submodules, reachable as attributes (``model_index.index``) as when this file imported them."""


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
