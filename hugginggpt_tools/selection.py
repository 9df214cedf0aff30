"""Selection: choose a model for each task of a plan from the model index.

For each task, the candidates are the cards of its task type that a configured backend can
run now. They are ranked by meaning (the task's need against the card) blended with
popularity (log-downloads), and the best one is chosen; the ranked list is kept on the
:class:`~hugginggpt_tools.schemas.ModelChoice` so execution can fall back to the next one.
All the tasks' queries are embedded in one batch.
"""

from __future__ import annotations

import math

import numpy as np

from .backends.base import Backends
from .errors import ConfigError
from .model_index.index import ModelIndex
from .schemas import Candidate, ModelCard, ModelChoice, Plan, Task, TextTemplate
from .tasks import find_task

_FIX_CARDS = 3
"""How many of a task's best cards are asked why they cannot run."""

_ARG_CHARS = 300
"""Longest part of one argument put into a task query (so a long context cannot crowd out the request)."""


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
    for name, value in task.args.items():
        arg = spec.arg(name) if spec is not None else None
        if arg is not None and "text" not in arg.modalities:
            continue
        if isinstance(value, str):
            parts.append(value[:_ARG_CHARS])
        elif isinstance(value, TextTemplate):
            parts.append(" ".join(p for p in value.parts if isinstance(p, str))[:_ARG_CHARS])
    parts.append(request)
    parts = [" ".join(p.split()) for p in parts if p and p.strip()]
    if len(parts) == 1 and spec is not None:
        parts.append(spec.description)
    return ". ".join(parts)


def _popularity(downloads: int, max_downloads: int) -> float:
    """log10(1 + downloads) / log10(1 + max_downloads), 0 when no card of the task has downloads."""
    if max_downloads <= 0:
        return 0.0
    return math.log10(1 + max(downloads, 0)) / math.log10(1 + max_downloads)


def _ranked(
    task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends, popularity_weight: float,
    runnable_only: bool = True,
) -> list[Candidate]:
    """Every card of ``task.task`` scored and sorted (best first, ties by id, then backend)."""
    positions = index.positions_for_task(task.task)
    cards = [index.card_at(p) for p in positions]
    max_downloads = max((c.downloads for c in cards), default=0)
    entries = [(p, c, backends.runnable_backend(c)) for p, c in zip(positions, cards)]
    if runnable_only:
        entries = [e for e in entries if e[2] is not None]
    if not entries:
        return []
    sims = index.similarities(query_vector, [p for p, _, _ in entries])[0]
    candidates = [
        _candidate(card, backend or "", float(sim), popularity_weight * _popularity(card.downloads, max_downloads))
        for (_, card, backend), sim in zip(entries, sims)
    ]
    return sorted(candidates, key=lambda c: (-c.score, c.model_id, c.backend))


def _candidate(card: ModelCard, backend: str, similarity: float, popularity: float) -> Candidate:
    return Candidate(
        model_id=card.id, backend=backend, score=similarity + popularity,
        similarity=similarity, popularity=popularity, card=card,
    )


def rank_candidates(
    task: Task,
    query_vector: np.ndarray,
    index: ModelIndex,
    backends: Backends,
    *,
    top_k: int = 5,
    popularity_weight: float = 0.15,
) -> list[Candidate]:
    """The ``top_k`` runnable models for ``task``, best first.

    Only cards of ``task.task`` for which ``backends.runnable_backend(card)`` names a backend
    are candidates. Each is scored::

        score = cosine(query_vector, card vector)
              + popularity_weight * log10(1 + downloads) / log10(1 + max downloads)

    where the maximum is over all the catalog cards of the task type (runnable or not), so the
    popularity term lies in ``[0, popularity_weight]``. Ties are broken by model id.
    ``query_vector`` is a unit vector from :meth:`ModelIndex.embed_queries`.
    """
    return _ranked(task, query_vector, index, backends, popularity_weight)[:top_k]


def _fixes(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends, weight: float) -> str:
    """Why the task's best catalog cards cannot run, each reason once."""
    reasons: list[str] = []
    for candidate in _ranked(task, query_vector, index, backends, weight, runnable_only=False)[:_FIX_CARDS]:
        for reason in backends.why_not(candidate.card).split("; "):
            if reason and reason not in reasons:
                reasons.append(reason)
    return "; ".join(reasons)


def _unavailable(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends, weight: float) -> str:
    count = len(index.positions_for_task(task.task))
    if count == 0:
        return (f"no runnable model for {task.task}: the catalog has no model for this task type; "
                "add a model card to the index (ModelIndex.add) or rebuild it (hugginggpt index build)")
    fixes = _fixes(task, query_vector, index, backends, weight)
    return f"no runnable model for {task.task}: {count} catalog models, none can run now ({fixes})"


def _reason(best: Candidate, runnable: int) -> str:
    noun = "candidate" if runnable == 1 else "candidates"
    return (f"best of {runnable} runnable {noun}: similarity {best.similarity:.2f} "
            f"+ popularity {best.popularity:.2f}")


def select_models(
    plan: Plan,
    request: str,
    index: ModelIndex,
    backends: Backends,
    *,
    top_k: int = 5,
    popularity_weight: float = 0.15,
) -> list[ModelChoice]:
    """One :class:`ModelChoice` per task of ``plan``, in plan order.

    The best runnable candidate (see :func:`rank_candidates`) is chosen and the ``top_k``
    ranked candidates are kept for fallback. When nothing can run, ``model_id`` is None and
    the reason says how many catalog cards the task has and how to make one runnable.
    """
    if top_k < 1:
        raise ConfigError(f"top_k must be at least 1, got {top_k}. Pass top_k=5 (or set HUGGINGGPT_TOP_K).")
    if not plan.tasks:
        return []
    vectors = index.embed_queries([task_query(t, request) for t in plan.tasks])
    return [_choose(t, v, index, backends, top_k, popularity_weight) for t, v in zip(plan.tasks, vectors)]


def _choose(
    task: Task, vector: np.ndarray, index: ModelIndex, backends: Backends, top_k: int, weight: float
) -> ModelChoice:
    ranked = _ranked(task, vector, index, backends, weight)
    if not ranked:
        return ModelChoice(task_id=task.id, task=task.task, reason=_unavailable(task, vector, index, backends, weight))
    best = ranked[0]
    return ModelChoice(
        task_id=task.id, task=task.task, model_id=best.model_id, backend=best.backend,
        reason=_reason(best, len(ranked)), candidates=ranked[:top_k],
    )


__all__ = ["rank_candidates", "select_models", "task_query"]
