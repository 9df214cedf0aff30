"""The models behind a task tool: which task types a catalog model serves, and the tool's
description by the models that can run now.

* :func:`wrong_task` says why a model id given for a task type cannot serve it, from the
  catalog: a bundled model or the controller LLM of other task types (their backends run each
  model only for the task types it is made for), or a Hub model of a task type that takes or
  gives other modalities (a summarizer for speech recognition). A Hub model of a task type of
  the same modalities may serve another (a text2text model summarizes), so it is left to run.
* :func:`runnable_description` is what the LLM reads about a tool given the cards it can run
  now: the task's description, narrowed to the models that run when they are few, so that an
  image-to-text tool whose only model reads text does not promise captions.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..errors import HuggingGPTError
from ..schemas import ModelCard
from ..tasks import TASK_TYPES, TaskType, get_task
from .schemas import ASKED_EXAMPLES, REQUEST_ARG

logger = logging.getLogger(__name__)

MAX_NAMED_MODELS = 3
"""A tool whose runnable models are this many or fewer is described by them."""

MAX_SUMMARY_CHARS = 80
"""Longest model summary put into a tool description."""

_CURATED_SOURCES = ("bundled", "llm")
"""Card sources whose descriptions are written for this package (summarised in tool descriptions);
Hub and user cards carry README text, so they are named by id only."""

_ONE_TASK_BACKENDS = {"bundled", "llm"}
"""Backends that run a model only for the task types its catalog cards name."""


@functools.lru_cache(maxsize=1)
def _shipped_cards() -> tuple[ModelCard, ...]:
    """The shipped catalog (JARVIS, bundled and controller-LLM cards), read once per process;
    the bundled and LLM cards alone when the JARVIS catalog file is absent."""
    from ..model_index.catalog import bundled_cards, default_catalog, llm_cards

    try:
        return tuple(default_catalog())
    except HuggingGPTError as exc:
        logger.debug("shipped catalog unreadable (%s); checking model ids against the bundled cards only", exc)
        return tuple(bundled_cards() + llm_cards())


def index_cards(settings: Any) -> list[ModelCard]:
    """The cards selection would rank, read without loading the index (no embedder, no FAISS): the
    index's ``cards.jsonl`` in ``settings.index_dir`` (the shipped catalog when there is none) with
    the user catalog's cards (``hugginggpt models add``, ``index refresh``) over them, as the merged
    index has them and as ``hugginggpt doctor`` lists them (:func:`index_cards_and_source`)."""
    return index_cards_and_source(settings)[0]


def index_cards_and_source(settings: Any) -> tuple[list[ModelCard], str]:
    """:func:`index_cards`, and where they came from in words (for ``hugginggpt doctor``)."""
    from ..errors import ModelIndexError
    from ..model_index.catalog import load_cards
    from ..model_index.user_catalog import UserCatalog, latest_cards

    try:
        cards = load_cards(Path(settings.index_dir).expanduser() / "cards.jsonl")
        source = f"the model index at {settings.index_dir}"
    except ModelIndexError:
        cards = list(_shipped_cards())
        source = "the default catalog (no model index found; build it: hugginggpt index build)"
    added = UserCatalog(settings.catalog_dir).cards()
    if not added:
        return cards, source
    merged = latest_cards([*cards, *added])  # a user card replaces a base card, as in the index
    return list(merged.values()), f"{source} and {len(added)} card(s) of the user catalog at {settings.catalog_dir}"


def runnable_kinds(cards: Iterable[ModelCard], backends: Any) -> list[str]:
    """What the models of ``cards`` that ``backends`` can run now do, a few words each, in task-type
    order: a bundled model's summary (:func:`card_summary`: "optical character recognition (OCR)"),
    else its task type's name ("text generation"); each once. For the description of a tool that
    runs any task type (:func:`~hugginggpt_tools.agent_tool.create_hugginggpt_tool`)."""
    by_task: dict[str, list[ModelCard]] = {}
    for card in cards:
        if backends.runnable_backend(card) is not None:
            by_task.setdefault(card.task, []).append(card)
    kinds = [(card_summary(card) if card.source == "bundled" else "") or name.replace("-", " ")
             for name in TASK_TYPES for card in by_task.get(name, [])]
    return list(dict.fromkeys(kinds))


def catalog_cards_of(model_id: str, index: Any = None) -> list[ModelCard]:
    """The cards of ``model_id`` for every task type, in ``index`` (when given) and the shipped catalog."""
    cards: Iterable[ModelCard] = [*(index.cards if index is not None else ()), *_shipped_cards()]
    return [c for c in cards if c.id == model_id]


def _modalities(task: TaskType) -> tuple[frozenset[str], frozenset[str]]:
    """What a task type takes (its required arguments' modalities) and gives."""
    return frozenset(a.modality for a in task.args if a.required), frozenset(task.outputs)


def wrong_task(model_id: str, task: str, index: Any = None) -> str | None:
    """Why the catalog says ``model_id`` cannot serve ``task``, with the fix; None when it may
    (a card of ``task``, a model the catalog does not know, or a Hub model of a task type with
    the same input and output modalities)."""
    spec = get_task(task)
    cards = catalog_cards_of(model_id, index)
    if not cards or any(c.task == spec.name for c in cards):
        return None
    one_task = all(set(c.backends) <= _ONE_TASK_BACKENDS for c in cards)
    if not one_task and all(_modalities(get_task(c.task)) == _modalities(spec) for c in cards):
        return None
    kinds = " / ".join(dict.fromkeys(c.task for c in cards))
    examples = [c.id for c in _shipped_cards() if c.task == spec.name and c.source == "bundled"]
    example = f"e.g. {examples[0]!r}; " if examples else ""
    return (f"model {model_id!r} is a {kinds} model in the catalog and cannot run {spec.name}. Give a model "
            f"of {spec.name} ({example}`hugginggpt models search {spec.name} --task {spec.name}` lists them), "
            "or no model id to have one chosen from the model index.")


def card_summary(card: ModelCard) -> str:
    """What a curated card's model does, in a few words: the first clause of its description
    (up to the first ``:``, ``;`` or sentence end outside brackets), without the ``with ...``
    naming how it is made, lower-cased ("Optical character recognition (OCR) with RapidOCR: ..."
    gives "optical character recognition (OCR)"); "" for Hub and user cards, whose descriptions are
    README text."""
    if card.source not in _CURATED_SOURCES:
        return ""
    text = " ".join(card.description.split())
    depth, end = 0, len(text)
    for i, char in enumerate(text):
        depth += (char in "([") - (char in ")]")
        if depth == 0 and (char in ":;" or (char == "." and text[i + 1:i + 2] in (" ", ""))):
            end = i
            break
    clause = re.split(r"\s+with\s+", text[:end], maxsplit=1)[0].strip()
    if clause[1:2].islower():  # "Speech recognition" -> "speech recognition"; "OCR ..." stays
        clause = clause[0].lower() + clause[1:]
    return clause if len(clause) <= MAX_SUMMARY_CHARS else clause[:MAX_SUMMARY_CHARS - 1].rsplit(" ", 1)[0] + "…"


def _head(task: TaskType) -> str:
    """The task's description without its list of kinds ("Turn an image into text: read ... or
    caption ..." gives "Turn an image into text"), which only some models give."""
    return task.description.split(": ", 1)[0].rstrip(".")


def _named(cards: Sequence[ModelCard]) -> str:
    names = [f"{c.id} ({s})" if (s := card_summary(c)) else c.id for c in cards]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def returns_text(task: TaskType, chosen: str = "the model is chosen automatically") -> str:
    """The description's end: what the tool returns, and how its model is chosen."""
    files = [m for m in task.outputs if m != "text"]
    returns = "a short text result"
    if files:
        returns += " and the " + " and ".join(f"{m} file" for m in files) + " it made (artifact id and path)"
    return f"Returns {returns}; {chosen}."


def asking_text(task: TaskType) -> str:
    """For a task type whose model is chosen for what is asked (:data:`~.schemas.ASKED_EXAMPLES`),
    the sentence saying to give it in the ``request`` argument; else ""."""
    if task.name not in ASKED_EXAMPLES:
        return ""
    first, second = ASKED_EXAMPLES[task.name]
    return f"Say what you want in '{REQUEST_ARG}' (e.g. {first!r} or {second!r}): the model is chosen for it. "


def runnable_description(task: TaskType, cards: Sequence[ModelCard] | None, injected: bool = False) -> str:
    """What the LLM reads about ``task``'s tool given the distinct ``cards`` it can run now
    (None: unknown, the task's own description). With none, the description says so; with up
    to :data:`MAX_NAMED_MODELS`, the task's head and the models with what each does (an OCR
    model alone makes "Turn an image into text. Runs here on bundled/rapidocr-ppocrv4 (optical
    character recognition (OCR))", no promise of captions); with more, the whole description. A tool
    of :data:`~.schemas.ASKED_EXAMPLES` that may run more than one model says to give what is asked
    in its ``request`` argument (:func:`asking_text`)."""
    if cards is None:
        return f"{task.description} {asking_text(task)}{returns_text(task)}"
    if not cards:
        return (f"{task.description} No model can run it here now; a call returns how to enable one. "
                f"{returns_text(task)}")
    chosen = "the model is fixed" if injected else "the model is chosen automatically"
    asking = asking_text(task) if len(cards) > 1 else ""  # one model: what is asked chooses nothing
    if len(cards) > MAX_NAMED_MODELS:
        return f"{task.description} {asking}{returns_text(task, chosen)}"
    return f"{_head(task)}. Runs here on {_named(cards)}. {asking}{returns_text(task, chosen)}"


__all__ = ["MAX_NAMED_MODELS", "asking_text", "card_summary", "catalog_cards_of", "index_cards", "returns_text",
           "runnable_description", "runnable_kinds", "wrong_task"]
