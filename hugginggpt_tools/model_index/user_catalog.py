"""The user catalog: models a user added and cards refreshed from the Hub, merged into the index.

It is a folder (``Settings.catalog_dir``, ``HUGGINGGPT_CATALOG_DIR``; default
``~/.cache/hugginggpt-tools/catalog``) holding:

* ``user_cards.jsonl``: cards of ``hugginggpt models add`` / :func:`register_model`;
* ``hub_cards.jsonl``: cards of ``hugginggpt index refresh`` (appended as they arrive; the
  last line of a model wins);
* ``index/``: the shipped index merged with both, saved so the next process loads it as is.

:func:`merged_index` loads the base index (``Settings.index_dir``) and brings the merged copy
up to date with :meth:`~.index.ModelIndex.upsert`: only new or changed cards are embedded,
never the whole catalog. User cards win over Hub cards, and both over the shipped cards, for
the same ``(id, task)``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from ..errors import ModelIndexError
from ..schemas import ModelCard
from .catalog import card_line, load_cards, save_cards
from .filters import canonical_task
from .index import CARDS_FILE, ModelIndex, TextEmbedder, read_manifest

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Settings

logger = logging.getLogger(__name__)

USER_CARDS, HUB_CARDS, MERGED_DIR = "user_cards.jsonl", "hub_cards.jsonl", "index"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")

Key = tuple[str, str]


def _read_cards(path: Path) -> list[ModelCard]:
    """Cards of a JSONL file; a torn last line (an interrupted append) is skipped with a warning."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    cards = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            cards.append(ModelCard.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            if number == len(lines):
                logger.warning("skipping the unfinished last line of %s", path)
                continue
            raise ModelIndexError(f"{path}:{number} is not a valid model card ({exc}). "
                                  "Fix or delete the line, then run the command again.") from exc
    return cards


def latest_cards(cards: Iterable[ModelCard]) -> dict[Key, ModelCard]:
    """Cards by ``(id, task)``, the last one winning, in first-seen order (a user card replaces a
    base card of the same id and task)."""
    found: dict[Key, ModelCard] = {}
    for card in cards:
        found[(card.id, card.task)] = card
    return found


class UserCatalog:
    """The cards in a user catalog folder (see the module docstring)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder).expanduser()

    @property
    def user_file(self) -> Path:
        return self.folder / USER_CARDS

    @property
    def hub_file(self) -> Path:
        return self.folder / HUB_CARDS

    @property
    def index_dir(self) -> Path:
        return self.folder / MERGED_DIR

    def user_cards(self) -> list[ModelCard]:
        return list(latest_cards(_read_cards(self.user_file)).values())

    def hub_cards(self) -> list[ModelCard]:
        return list(latest_cards(_read_cards(self.hub_file)).values())

    def cards(self) -> list[ModelCard]:
        """Hub cards, then user cards; a user card replaces a Hub card of the same ``(id, task)``."""
        return list(latest_cards([*self.hub_cards(), *self.user_cards()]).values())

    def put_user(self, cards: Iterable[ModelCard]) -> None:
        """Add or replace user cards (by ``(id, task)``)."""
        merged = latest_cards([*self.user_cards(), *cards])
        save_cards(merged.values(), self.user_file)

    def remove_user(self, model_id: str, task: str | None = None) -> list[ModelCard]:
        """Remove the user cards of ``model_id`` (of ``task`` only, when given); returns them."""
        wanted = canonical_task(task) if task else None
        cards = self.user_cards()
        gone = [c for c in cards if c.id == model_id and wanted in (None, c.task)]
        if gone:
            save_cards([c for c in cards if c not in gone], self.user_file)
        return gone

    def append_hub(self, card: ModelCard) -> None:
        """Append one Hub card (flushed at once, so an interrupted refresh keeps what it fetched)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self.hub_file.open("a", encoding="utf-8", newline="\n") as handle:
            handle.write(card_line(card))

    def compact_hub(self) -> int:
        """Rewrite ``hub_cards.jsonl`` with one line per model; returns the number of cards."""
        cards = self.hub_cards()
        if self.hub_file.is_file():
            save_cards(cards, self.hub_file)
        return len(cards)


def _base_cards(base: Path) -> dict[Key, ModelCard]:
    return latest_cards(load_cards(base / CARDS_FILE))


def _load_merged(catalog: UserCatalog, base_sha: str, embedder: TextEmbedder | None,
                 num_threads: int) -> ModelIndex | None:
    """The saved merged index when it was merged from this base index; else None."""
    if not (catalog.index_dir / "manifest.json").is_file():
        return None
    try:
        merged = ModelIndex.load(catalog.index_dir, embedder, num_threads=num_threads)
    except ModelIndexError as exc:
        logger.warning("rebuilding the merged index in %s: %s", catalog.index_dir, exc)
        return None
    if merged.manifest.get("base_cards_sha256") != base_sha:
        logger.info("the base index changed since %s was merged: merging again", catalog.index_dir)
        return None
    return merged


def _sync(merged: ModelIndex, base_cards: dict[Key, ModelCard], extra: dict[Key, ModelCard]) -> bool:
    """Bring ``merged`` to base + extra: drop removed cards, restore overridden ones, upsert extra."""
    keys = {(c.id, c.task): c for c in merged.cards}
    stale = [k for k in keys if k not in base_cards and k not in extra]
    restore = [base_cards[k] for k, card in keys.items() if k in base_cards and k not in extra and card != base_cards[k]]
    removed = merged.remove(stale)
    restored = merged.upsert(restore)
    result = merged.upsert(extra.values())
    if result.changed:
        logger.info("merged the user catalog: %d added, %d updated, %d re-embedded",
                    result.added, result.updated, result.reembedded)
    return bool(removed or restored.changed or result.changed)


def merged_index(settings: "Settings", embedder: TextEmbedder | None = None, *, save: bool = True) -> ModelIndex:
    """The index of ``settings.index_dir`` with the user catalog of ``settings.catalog_dir`` merged in.

    Without user cards this is the base index itself. Otherwise the saved merged copy is
    loaded (or the base, the first time) and only new or changed cards are embedded; when
    anything changed and ``save`` is true, the merged copy is written back. ``embedder``
    defaults to the bundled MiniLM as the base index's manifest describes it.
    """
    base = Path(settings.index_dir).expanduser()
    catalog = UserCatalog(settings.catalog_dir)
    extra = latest_cards(catalog.cards())
    threads = settings.num_threads
    if not extra:
        return ModelIndex.load(base, embedder, num_threads=threads)
    base_sha = read_manifest(base)["cards_sha256"]
    merged = _load_merged(catalog, base_sha, embedder, threads)
    fresh = merged is None
    if merged is None:
        merged = ModelIndex.load(base, embedder, num_threads=threads)
    changed = _sync(merged, _base_cards(base), extra)
    if save and (fresh or changed):
        merged.save(catalog.index_dir, extra={"base_index": str(base.resolve()), "base_cards_sha256": base_sha})
    return merged


def update_default_index(settings: "Settings", embedder: TextEmbedder | None = None) -> ModelIndex:
    """Merge the user catalog into the saved merged index now and refresh the in-process cache."""
    from .index import clear_index_cache

    index = merged_index(settings, embedder)
    clear_index_cache()
    return index


def looks_like_hub_id(value: str) -> bool:
    """Whether ``value`` has the shape of a Hub model id (``org/name`` or ``name``)."""
    return bool(_HUB_ID.match(value)) and ".." not in value


def model_card_for(path_or_id: str, *, task: str | None = None, model_id: str | None = None,
                   endpoint: str | None = None, token: str | None = None,
                   hub: Callable[..., ModelCard] | None = None) -> ModelCard:
    """The card for a local model folder or a Hub id (see :func:`register_model`)."""
    from .hub import card_for_hub_id
    from .local_models import card_from_local_dir

    if Path(path_or_id).expanduser().is_dir():
        return card_from_local_dir(path_or_id, task=task, model_id=model_id)
    if not looks_like_hub_id(path_or_id):
        raise ModelIndexError(
            f"{path_or_id!r} is neither a model folder nor a Hub model id. Pass a folder with config.json "
            "or an id such as 'Helsinki-NLP/opus-mt-en-de'."
        )
    return (hub or card_for_hub_id)(path_or_id, task=task, endpoint=endpoint, token=token)


def register_model(path_or_id: str | Path, *, task: str | None = None, model_id: str | None = None,
                   settings: "Settings | None" = None, embedder: TextEmbedder | None = None,
                   endpoint: str | None = None, token: str | None = None, update_index: bool = True) -> ModelCard:
    """Register a model so selection can choose it: a local transformers folder or a Hub id.

    A folder gets a card from its ``config.json`` and README with ``path`` set (the
    ``transformers`` backend runs it from there). A Hub id gets its metadata from
    ``HfApi.model_info`` when the Hub is reachable; offline, ``task`` is required. The card is
    stored in the user catalog and, with ``update_index``, embedded into the merged index at
    once (only this card is embedded).

    >>> card = register_model("./my-sentiment-model", task="text-classification")  # doctest: +SKIP
    """
    from ..config import get_settings

    settings = settings or get_settings()
    card = model_card_for(str(path_or_id), task=task, model_id=model_id, endpoint=endpoint, token=token)
    UserCatalog(settings.catalog_dir).put_user([card])
    if update_index:
        update_default_index(settings, embedder)
    logger.info("registered %s for %s", card.id, card.task)
    return card


def unregister_model(model_id: str, *, task: str | None = None, settings: "Settings | None" = None,
                     embedder: TextEmbedder | None = None, update_index: bool = True) -> list[ModelCard]:
    """Remove a model added with :func:`register_model`; returns its removed cards."""
    from ..config import get_settings

    settings = settings or get_settings()
    gone = UserCatalog(settings.catalog_dir).remove_user(model_id, task)
    if not gone:
        raise ModelIndexError(
            f"No user model {model_id!r}{f' for {task!r}' if task else ''} in {settings.catalog_dir}. "
            "See the registered models with: hugginggpt models list --user"
        )
    if update_index:
        update_default_index(settings, embedder)
    return gone


__all__ = [
    "UserCatalog",
    "latest_cards",
    "looks_like_hub_id",
    "merged_index",
    "model_card_for",
    "register_model",
    "unregister_model",
    "update_default_index",
]
