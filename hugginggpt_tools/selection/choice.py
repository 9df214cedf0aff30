"""The choice of a model for each task of a plan (:func:`select_models`).

All the tasks' queries are embedded in one batch; each task takes its best runnable candidate
(:func:`~hugginggpt_tools.selection.ranking.rank_candidates`) and keeps the ranked list for
fallback, or no model with the reason and the fix (:mod:`~hugginggpt_tools.selection.reasons`).
A classification that asks for one kind of answer (:func:`~hugginggpt_tools.selection.questions.asked_kind`:
"what language is this?", "is this review positive?") takes a card that says it gives it, however
close in meaning the text to classify makes another ("Ich habe heute keine Zeit" and the sentiment
model); else a card that does not say it cannot; else none, with the fix, rather than answer with
another kind.
"""

from __future__ import annotations

import numpy as np

from ..backends.base import Backends
from ..errors import ConfigError
from ..model_index.index import ModelIndex
from ..model_index.languages import QueryLanguages
from ..model_index.ranking import RankingWeights
from ..schemas import ModelChoice, Plan, Task
from .questions import _Keep, _unsaid, asked_kind
from .ranking import _ranked, _reason, _weights, task_languages, task_query
from .reasons import _not_given, _unavailable


def select_models(
    plan: Plan,
    request: str,
    index: ModelIndex,
    backends: Backends,
    *,
    top_k: int = 5,
    popularity_weight: float | None = None,
    weights: RankingWeights | None = None,
) -> list[ModelChoice]:
    """One :class:`ModelChoice` per task of ``plan``, in plan order.

    The best runnable candidate (see :func:`~hugginggpt_tools.selection.rank_candidates`) is chosen
    and the ``top_k`` ranked candidates are kept for fallback. When nothing can run, ``model_id`` is
    None and the reason says how many catalog cards the task has and how to make one runnable.
    ``popularity_weight`` overrides ``weights.popularity`` (default weights:
    :class:`~hugginggpt_tools.model_index.ranking.RankingWeights`).
    """
    if top_k < 1:
        raise ConfigError(f"top_k must be at least 1, got {top_k}. Pass top_k=5 (or set HUGGINGGPT_TOP_K).")
    if not plan.tasks:
        return []
    resolved = _weights(weights, popularity_weight)
    vectors = index.embed_queries([task_query(t, request) for t in plan.tasks])
    return [_choose_asked(t, v, index, backends, top_k, resolved, task_languages(t, request), request)
            for t, v in zip(plan.tasks, vectors)]


def _choose_asked(task: Task, vector: np.ndarray, index: ModelIndex, backends: Backends, top_k: int,
                  weights: RankingWeights, languages: QueryLanguages, request: str = "") -> ModelChoice:
    """The choice of :func:`select_models` for ``task``: when the request asks for one kind of answer
    (:func:`~hugginggpt_tools.selection.asked_kind`: "what language is this: 'Ich habe heute keine Zeit'"),
    among the cards that say they give it (the language identifier, however close in meaning a German text
    makes the sentiment model), else among those that may
    (:func:`~hugginggpt_tools.selection.questions._unsaid`: a bare card), else none: the reason names the
    models that can run and how to get one that gives the answer, rather than answer "sentiment: neutral" to
    "what language is this?". Among all cards when the request asks for no one kind."""
    kind = asked_kind(task, request)
    if kind is None:
        return _choose(task, vector, index, backends, top_k, weights, languages, request)
    found = _choose(task, vector, index, backends, top_k, weights, languages, request, keep=kind.keep)
    if found.model_id is not None:
        return found.model_copy(update={"reason": f"the request asks {kind.asks}, and {found.model_id} "
                                        f"{kind.gives}. {found.reason}"})
    plain = _choose(task, vector, index, backends, top_k, weights, languages, request)
    if plain.model_id is None:
        return plain
    maybe = _choose(task, vector, index, backends, top_k, weights, languages, request, keep=_unsaid(task, kind))
    if maybe.model_id is not None:
        return maybe.model_copy(update={"reason": (
            f"the request asks {kind.asks}; no model that can run here says it {kind.gives}, and "
            f"{maybe.model_id} does not say it cannot. {maybe.reason}")})
    reason = _not_given(task, kind, [c.model_id for c in plain.candidates], vector, index, backends, weights,
                        languages, request)
    return ModelChoice(task_id=task.id, task=task.task, reason=reason)


def _choose(task: Task, vector: np.ndarray, index: ModelIndex, backends: Backends, top_k: int,
            weights: RankingWeights, languages: QueryLanguages, request: str = "",
            keep: _Keep | None = None) -> ModelChoice:
    """The choice of :func:`select_models` for ``task`` among the cards ``keep`` accepts (all by
    default); with ``keep`` and no runnable card it accepts, no model and the reason "no runnable
    TASK model fits" (the caller says what it looked for)."""
    ranked, runnable = _ranked(task, vector, index, backends, weights, languages, top_k, keep)
    if not ranked:
        reason = (f"no runnable {task.task} model fits" if keep is not None else
                  _unavailable(task, vector, index, backends, weights, languages, request))
        return ModelChoice(task_id=task.id, task=task.task, reason=reason)
    best = ranked[0]
    return ModelChoice(
        task_id=task.id, task=task.task, model_id=best.model_id, backend=best.backend,
        reason=_reason(best, runnable, len(index.positions_for_task(task.task))), candidates=ranked[:top_k],
    )
