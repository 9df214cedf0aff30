"""Ranking: the runnable models for a task, best first.

A task's query (:func:`task_query`: its type, its text and the request) is scored against the
cards of its task type by :mod:`~hugginggpt_tools.model_index.ranking` (meaning, log-downloads,
the languages asked: :func:`task_languages`); the cards a configured backend can run now are the
candidates (:func:`rank_candidates`), a card tagged :data:`LAST_RESORT_TAG` after every other.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ..backends.base import Backends
from ..model_index.index import ModelIndex
from ..model_index.languages import (
    DIRECTED_TASKS,
    QueryLanguages,
    languages_for_task,
    may_translate_into,
    normalize_code,
    query_languages,
)
from ..model_index.ranking import RankingWeights, ScoredCard, score_positions
from ..schemas import Candidate, Task
from ..tasks import find_task
from .questions import _Keep, _literal, _text_args

_ARG_CHARS = 300
"""Longest part of one argument put into a task query (so a long context cannot crowd out the request)."""

LAST_RESORT_TAG = "last-resort"
"""A card tagged so ranks after every other runnable card of its task, however close its meaning:
the bundled extractive summarizer, which only quotes sentences, gives way to a model that writes
a summary (the controller LLM, a local or remote model) whenever one can run."""

FULL_CHECK = 2_000
"""Task types with at most this many cards have every card checked for runnability (exact counts);
larger ones are checked in score order until ``top_k`` runnable cards not tagged
:data:`LAST_RESORT_TAG` are found (so a last-resort card met first cannot end the scan)."""


def task_query(task: Task, request: str) -> str:
    """The text embedded to find models for ``task``.

    It is the task type's name, the literal text of the task's text arguments (references to
    other tasks' outputs and file arguments left out, each cut to 300 characters) and the
    user's request, so "OCR the receipt" and "describe the photo" rank different
    image-to-text models first. The task type's description is used only when there is
    neither argument text nor a request: measured on the shipped index, the long generic
    description outweighs a short request (both requests above ranked the same captioner
    first), while every candidate already has the task type.
    """
    spec = find_task(task.task)
    parts = [spec.name if spec is not None else task.task]
    parts += [text[:_ARG_CHARS] for _, text in _text_args(task)]
    parts.append(request)
    parts = [" ".join(p.split()) for p in parts if p and p.strip()]
    if len(parts) == 1 and spec is not None:
        parts.append(spec.description)
    return ". ".join(parts)


def task_languages(task: Task, request: str) -> QueryLanguages:
    """The languages the task's arguments and the request name (``target_language`` is the target);
    for a translation whose request names a target and no source, the source is the language its
    text is clearly written in (:func:`_text_source`)."""
    texts = [text for name, text in _text_args(task) if "language" not in name]
    source = _literal(task.args.get("source_language", ""))
    target = _literal(task.args.get("target_language", ""))
    found = query_languages(" ".join([*texts, request]), source=source or None, target=target or None)
    spec = find_task(task.task)
    name = spec.name if spec is not None else task.task
    found = languages_for_task(found, name)
    return _text_source(found, texts) if name in DIRECTED_TASKS else found


def _text_source(languages: QueryLanguages, texts: list[str]) -> QueryLanguages:
    """``languages`` with the language ``texts`` (a translation's literal text) are clearly written in
    as the source (:func:`~hugginggpt_tools.textlang.foreign_language`, checked against the target), when
    they name a target and no source: "translate 'Das Wetter ist heute sehr schön' to English" is German
    into English, so ``opus-mt-de-en`` ranks, and is suggested, before ``opus-mt-es-en``. Unchanged when
    the text is too short to tell, in the target language, or another task's output (no literal text)."""
    if languages.target is None or languages.source is not None or not texts:
        return languages
    from ..textlang import foreign_language  # local: loads fastText on first use

    found = foreign_language(" ".join(texts), {languages.target})
    if found is None:
        return languages
    code = normalize_code(found.code)
    return replace(languages, mentioned=languages.mentioned | {code}, source=code)


def _candidate(scored: ScoredCard, backend: str) -> Candidate:
    return Candidate(
        model_id=scored.card.id, backend=backend, score=scored.score, similarity=scored.similarity,
        popularity=scored.popularity, language=scored.language, likes=scored.likes,
        recency=scored.recency, card=scored.card,
    )



def _scored(task: Task, query_vector: np.ndarray, index: ModelIndex, weights: RankingWeights,
            languages: QueryLanguages | None, keep: _Keep | None = None) -> list[ScoredCard]:
    """The task type's cards ``keep`` accepts (all by default), scored, best first."""
    scored = score_positions(index, query_vector, index.positions_for_task(task.task),
                             languages=languages, weights=weights)
    return scored if keep is None else [s for s in scored if keep(s.card)]


def _ranked(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends,
            weights: RankingWeights, languages: QueryLanguages | None = None,
            top_k: int | None = None, keep: _Keep | None = None) -> tuple[list[Candidate], int | None]:
    """Runnable candidates best first among the cards ``keep`` accepts (all by default), and how
    many the task has (None when not all were checked: more than :data:`FULL_CHECK` cards).
    A translation into a language no code is known for ("Klingon") has only the cards that may
    translate into it (:func:`~hugginggpt_tools.model_index.languages.may_translate_into`)."""
    scored = _scored(task, query_vector, index, weights, languages, keep)
    if languages is not None and languages.unknown_target:
        scored = [s for s in scored if may_translate_into(s.card, languages)]
    check_all = top_k is None or len(scored) <= FULL_CHECK
    ranked: list[Candidate] = []
    preferred = 0  # runnable cards not tagged last-resort: only they end a partial scan
    for item in scored:
        backend = backends.runnable_backend(item.card)
        if backend is not None:
            ranked.append(_candidate(item, backend))
            preferred += LAST_RESORT_TAG not in item.card.tags
        if not check_all and preferred >= top_k:  # type: ignore[operator]
            break
    ranked.sort(key=lambda c: LAST_RESORT_TAG in c.card.tags)  # stable: the others keep their order
    return ranked, (len(ranked) if check_all else None)


def _weights(weights: RankingWeights | None, popularity_weight: float | None) -> RankingWeights:
    if weights is None:
        return RankingWeights() if popularity_weight is None else RankingWeights(popularity=popularity_weight)
    if popularity_weight is None:
        return weights
    return RankingWeights(popularity=popularity_weight, language=weights.language, likes=weights.likes,
                          recency=weights.recency, half_life_days=weights.half_life_days)


def rank_candidates(
    task: Task,
    query_vector: np.ndarray,
    index: ModelIndex,
    backends: Backends,
    *,
    top_k: int = 5,
    popularity_weight: float | None = None,
    weights: RankingWeights | None = None,
    languages: QueryLanguages | None = None,
) -> list[Candidate]:
    """The ``top_k`` runnable models for ``task``, best first.

    Only cards of ``task.task`` for which ``backends.runnable_backend(card)`` names a backend
    are candidates, scored as :mod:`~hugginggpt_tools.model_index.ranking` documents::

        score = cosine(query_vector, card vector)
              + popularity_weight * log10(1 + downloads) / log10(1 + max downloads of the task)
              + language_weight * language_match(languages, card)      (0 without languages)

    The popularity maximum is over all the catalog cards of the task type (runnable or not),
    so the popularity term lies in ``[0, popularity_weight]``. Ties are broken by model id.
    ``query_vector`` is a unit vector from :meth:`ModelIndex.embed_queries`.
    """
    ranked, _ = _ranked(task, query_vector, index, backends, _weights(weights, popularity_weight), languages, top_k)
    return ranked[:top_k]



def _reason(best: Candidate, runnable: int | None, total: int) -> str:
    if runnable is None:
        head = f"best runnable of {total} catalog models"
    else:
        head = f"best of {runnable} runnable {'candidate' if runnable == 1 else 'candidates'}"
    parts = [f"similarity {best.similarity:.2f}", f"popularity {best.popularity:.2f}"]
    parts += [f"{name} {getattr(best, name):.2f}" for name in ("language", "likes", "recency") if getattr(best, name)]
    return f"{head}: " + " + ".join(parts)



def _selecting(select: dict[str, Any]) -> tuple[int, RankingWeights]:
    """``top_k`` and the weights of :func:`~hugginggpt_tools.selection.select_models`' keyword arguments ``select``."""
    return select.get("top_k", 5), _weights(select.get("weights"), select.get("popularity_weight"))


