"""Selection: choose a model for each task of a plan from the model index.

For each task, the candidates are the cards of its task type that a configured backend can
run now. They are ranked by the score of :mod:`~hugginggpt_tools.model_index.ranking`
(meaning of the task's need against the card, log-downloads, the languages the request
names), and the best one is chosen; the ranked list is kept on the
:class:`~hugginggpt_tools.schemas.ModelChoice` so execution can fall back to the next one.
All the tasks' queries are embedded in one batch. When no card of a task can run, its reason
gives each backend's fix for a model worth downloading: one a laptop runs, of the languages asked
(:func:`~hugginggpt_tools.model_index.ranking.suggestion_key`), not the best ranked.

With an LLM, :func:`achoose_with_llm` asks it once for all tasks that have several
candidates (HuggingGPT's "in-context task-model assignment", batched: JARVIS asks once per
task) and keeps its choices that name a listed candidate.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import numpy as np

from .backends._ocr import asks_for_writing
from .backends.base import Backends
from .diagnostics import supported_tasks
from .errors import ConfigError
from .model_index.index import ModelIndex
from .model_index.languages import QueryLanguages, languages_for_task, query_languages
from .model_index.ranking import (
    SUGGESTION_POOL,
    RankingWeights,
    ScoredCard,
    exact_pair,
    score_positions,
    suggestion_key,
)
from .prompting import render_prompt
from .schemas import Candidate, ModelChoice, Plan, Task, TextTemplate, arg_refs
from .tasks import find_task

logger = logging.getLogger(__name__)

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

_DESCRIPTION_CHARS = 240


def _literal(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, TextTemplate):
        return " ".join(p for p in value.parts if isinstance(p, str))
    return None


def _text_args(task: Task) -> list[tuple[str, str]]:
    """``(name, literal text)`` of the task's text arguments (file and reference-only arguments left out)."""
    spec = find_task(task.task)
    found = []
    for name, value in task.args.items():
        arg = spec.arg(name) if spec is not None else None
        if arg is not None and "text" not in arg.modalities:
            continue
        text = _literal(value)
        if text is not None:
            found.append((name, text))
    return found


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
    """The languages the task's arguments and the request name (``target_language`` is the target)."""
    texts = [text for name, text in _text_args(task) if "language" not in name]
    source = _literal(task.args.get("source_language", ""))
    target = _literal(task.args.get("target_language", ""))
    found = query_languages(" ".join([*texts, request]), source=source or None, target=target or None)
    spec = find_task(task.task)
    return languages_for_task(found, spec.name if spec is not None else task.task)


def _candidate(scored: ScoredCard, backend: str) -> Candidate:
    return Candidate(
        model_id=scored.card.id, backend=backend, score=scored.score, similarity=scored.similarity,
        popularity=scored.popularity, language=scored.language, likes=scored.likes,
        recency=scored.recency, card=scored.card,
    )


def _scored(task: Task, query_vector: np.ndarray, index: ModelIndex, weights: RankingWeights,
            languages: QueryLanguages | None) -> list[ScoredCard]:
    return score_positions(index, query_vector, index.positions_for_task(task.task),
                           languages=languages, weights=weights)


def _ranked(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends,
            weights: RankingWeights, languages: QueryLanguages | None = None,
            top_k: int | None = None) -> tuple[list[Candidate], int | None]:
    """Runnable candidates best first, and how many the task has (None when not all were checked)."""
    scored = _scored(task, query_vector, index, weights, languages)
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


def _fixes(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends, weights: RankingWeights,
           languages: QueryLanguages | None = None) -> str:
    """Why the task's catalog cards cannot run, with the fix: for each backend they name, the reason
    of the card best to suggest offering it (one line per backend, not one per model). That card is
    not simply the best ranked (for "hello world" into French, a 4.7B en-x model): it is the first
    by :func:`~hugginggpt_tools.model_index.ranking.suggestion_key`, a model the ``transformers``
    library loads and a laptop runs, of the languages asked (``opus-mt-en-fr``, the very pair
    before a ``mul-en`` or ``en-x`` one), best ranked among those (the best
    :data:`~hugginggpt_tools.model_index.ranking.SUGGESTION_POOL` are ordered so; a backend only
    later cards offer gets the best ranked of them). A backend that does not
    implement the task type is left out when another one can be enabled (its reason lists the
    types it runs, and it has no fix)."""
    scored = _scored(task, query_vector, index, weights, languages)
    scored[:SUGGESTION_POOL] = sorted(scored[:SUGGESTION_POOL], key=lambda s: suggestion_key(
        s.card, s.score, s.language, exact_pair(languages, index.card_languages(s.position))))
    reasons: dict[str, str] = {}
    for item in scored:
        for name in item.card.backends:
            if name not in reasons:
                reasons[name] = backends.why_not(item.card, only=name)
    implemented = supported_tasks()
    fixable = [r for name, r in reasons.items() if r and task.task in implemented.get(name, {task.task})]
    return "; ".join(fixable or [r for r in reasons.values() if r])


def _unavailable(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends,
                 weights: RankingWeights, languages: QueryLanguages | None = None) -> str:
    count = len(index.positions_for_task(task.task))
    if count == 0:
        return (f"no runnable model for {task.task}: the catalog has no model for this task type; "
                "add one with `hugginggpt models add PATH_OR_ID` or rebuild the index (hugginggpt index build)")
    fixes = _fixes(task, query_vector, index, backends, weights, languages)
    return f"no runnable model for {task.task}: {count} catalog models, none can run now ({fixes})"


def _reason(best: Candidate, runnable: int | None, total: int) -> str:
    if runnable is None:
        head = f"best runnable of {total} catalog models"
    else:
        head = f"best of {runnable} runnable {'candidate' if runnable == 1 else 'candidates'}"
    parts = [f"similarity {best.similarity:.2f}", f"popularity {best.popularity:.2f}"]
    parts += [f"{name} {getattr(best, name):.2f}" for name in ("language", "likes", "recency") if getattr(best, name)]
    return f"{head}: " + " + ".join(parts)


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

    The best runnable candidate (see :func:`rank_candidates`) is chosen and the ``top_k``
    ranked candidates are kept for fallback. When nothing can run, ``model_id`` is None and
    the reason says how many catalog cards the task has and how to make one runnable.
    ``popularity_weight`` overrides ``weights.popularity`` (default weights:
    :class:`~hugginggpt_tools.model_index.ranking.RankingWeights`).
    """
    if top_k < 1:
        raise ConfigError(f"top_k must be at least 1, got {top_k}. Pass top_k=5 (or set HUGGINGGPT_TOP_K).")
    if not plan.tasks:
        return []
    resolved = _weights(weights, popularity_weight)
    vectors = index.embed_queries([task_query(t, request) for t in plan.tasks])
    return [_choose(t, v, index, backends, top_k, resolved, task_languages(t, request))
            for t, v in zip(plan.tasks, vectors)]


def _choose(task: Task, vector: np.ndarray, index: ModelIndex, backends: Backends, top_k: int,
            weights: RankingWeights, languages: QueryLanguages) -> ModelChoice:
    ranked, runnable = _ranked(task, vector, index, backends, weights, languages, top_k)
    if not ranked:
        return ModelChoice(task_id=task.id, task=task.task, reason=_unavailable(task, vector, index, backends, weights,
                                                                                  languages))
    best = ranked[0]
    return ModelChoice(
        task_id=task.id, task=task.task, model_id=best.model_id, backend=best.backend,
        reason=_reason(best, runnable, len(index.positions_for_task(task.task))), candidates=ranked[:top_k],
    )


# --- LLM choice, batched ----------------------------------------------------------------------------


def _choice_payload(choices: list[ModelChoice], plan: Plan) -> list[dict[str, Any]]:
    """The tasks with several candidates, as the LLM sees them."""
    payload = []
    for choice in choices:
        if len(choice.candidates) < 2:
            continue
        task = plan.task(choice.task_id)
        payload.append({
            "task_id": choice.task_id, "task": choice.task,
            "args": {k: str(v) for k, v in task.args.items()},
            "candidates": [{
                "id": c.model_id, "downloads": c.card.downloads, "languages": c.card.languages[:8],
                "score": round(c.score, 3), "description": " ".join(c.card.description.split())[:_DESCRIPTION_CHARS],
            } for c in choice.candidates],
        })
    return payload


def choice_messages(choices: list[ModelChoice], plan: Plan, request: str) -> list[tuple[str, str]] | None:
    """The system and user messages of the batched choice, or None when no task has several candidates."""
    payload = _choice_payload(choices, plan)
    if not payload:
        return None
    example = {str(p["task_id"]): {"id": p["candidates"][0]["id"], "reason": "..."} for p in payload[:1]}
    user = render_prompt("selection_user", request=request, tasks=json.dumps(payload, ensure_ascii=False, indent=1),
                         example=json.dumps(example, ensure_ascii=False))
    return [("system", render_prompt("selection_system")), ("human", user)]


def parse_choice_answer(text: str) -> dict[str, Any] | None:
    """The JSON object in an LLM answer (thinking blocks, code fences, surrounding prose and
    Python-style quoting tolerated, as for plans), or None."""
    from .planning.parsing import first_json_object

    return first_json_object(text)


def apply_llm_choices(choices: list[ModelChoice], answer: str) -> list[ModelChoice]:
    """``choices`` with the LLM's valid picks applied; invalid or missing picks keep the ranked best.

    Each choice's ``reason`` says what happened: the LLM's reason, or why its answer was not used.
    """
    parsed = parse_choice_answer(answer)
    asked = [c for c in choices if len(c.candidates) >= 2]
    if parsed is None:
        note = f"LLM choice unreadable (expected a JSON object, got {(answer or '')[:80]!r}); kept the ranked best"
        return [_noted(c, note) if c in asked else c for c in choices]
    return [_apply_one(c, parsed.get(str(c.task_id))) if c in asked else c for c in choices]


def _noted(choice: ModelChoice, note: str) -> ModelChoice:
    return choice.model_copy(update={"reason": f"{choice.reason}; {note}"})


def _apply_one(choice: ModelChoice, pick: Any) -> ModelChoice:
    ids = [c.model_id for c in choice.candidates]
    picked = pick.get("id") if isinstance(pick, dict) else pick if isinstance(pick, str) else None
    if picked is None:
        return _noted(choice, "the LLM gave no choice for this task; kept the ranked best")
    if picked not in ids:
        return _noted(choice, f"the LLM chose {picked!r}, which is not a candidate ({', '.join(ids)}); kept the ranked best")
    chosen = choice.candidates[ids.index(picked)]
    why = str(pick.get("reason") or "").strip() if isinstance(pick, dict) else ""
    return choice.model_copy(update={
        "model_id": chosen.model_id, "backend": chosen.backend,
        "reason": f"chosen by the LLM (ranked #{ids.index(picked) + 1} of {len(ids)}): {why or 'no reason given'}",
    })


async def achoose_with_llm(choices: list[ModelChoice], plan: Plan, request: str, llm: Any) -> list[ModelChoice]:
    """Let ``llm`` choose among each task's candidates in one call (none when no task has several)."""
    messages = choice_messages(choices, plan, request)
    if messages is None:
        return choices
    try:
        reply = await llm.ainvoke(messages)
    except Exception as exc:  # noqa: BLE001 - any provider error: keep the ranked choices
        logger.warning("LLM model choice failed: %s", exc)
        return [_noted(c, f"LLM choice failed ({type(exc).__name__}: {exc}); kept the ranked best")
                if len(c.candidates) >= 2 else c for c in choices]
    return apply_llm_choices(choices, _text(reply))


def _text(reply: Any) -> str:
    content = getattr(reply, "content", reply)
    if isinstance(content, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return str(content)


_COUNTS_RE = re.compile(r"\b(?:how many|count|number of|is there|are there|find|locate|where(?:'s| is| are)?)\b",
                        re.IGNORECASE)
_READS_RE = re.compile(r"\b(?:say|says|said|written|write|text|read|reads|words?|letters?|print(?:ed)?|sign)\b",
                       re.IGNORECASE)


def stand_in(task: Task) -> Task | None:
    """A task of another type whose output holds the answer ``task`` asks for, to run when no model
    of ``task``'s type can: a document's question is answered within its text (image-to-text:
    OCR), an image question that counts or finds things ("how many faces?") by object detection,
    one about the writing in it ("what does the sign say?") by image-to-text; None otherwise."""
    if task.task not in ("document-question-answering", "visual-question-answering") or "image" not in task.args:
        return None
    question = str(task.args.get("text", ""))
    if task.task == "document-question-answering" or _READS_RE.search(question):
        kind = "image-to-text"
    elif _COUNTS_RE.search(question):
        kind = "object-detection"
    else:
        return None
    image = task.args["image"]
    return Task(id=task.id, task=kind, dep=[r.task_id for r in arg_refs(image)] or [-1], args={"image": image})


def picture_stand_in(task: Task, choice: ModelChoice, request: str) -> Task | None:
    """The image-classification task to fall back on (:attr:`ModelChoice.fallback`) when ``task``
    asks to describe a picture, every image-to-text model that can run here only reads printed
    text (its card is tagged ``ocr``) and the request is not about writing in the image
    (:func:`~hugginggpt_tools.backends._ocr.asks_for_writing`): a photo with no text then gets the
    classifier's labels instead of nothing. None otherwise."""
    if task.task != "image-to-text" or "image" not in task.args or not choice.candidates:
        return None
    if not all("ocr" in c.card.tags for c in choice.candidates) or asks_for_writing(request):
        return None
    image = task.args["image"]
    return Task(id=task.id, task="image-classification", dep=task.dep, args={"image": image})


def stand_ins(plan: Plan, choices: list[ModelChoice], request: str, index: ModelIndex, backends: Backends,
              **select: Any) -> tuple[Plan, list[ModelChoice]]:
    """``plan`` and ``choices`` with each task that has no runnable model replaced by its
    :func:`stand_in` when one can run (its choice's ``stands_in_for`` names the type asked for),
    and a picture to describe with only text readers given a :func:`picture_stand_in` fallback
    (``select`` goes to :func:`select_models`)."""
    tasks, chosen = list(plan.tasks), list(choices)
    for k, (task, choice) in enumerate(zip(plan.tasks, choices)):
        fallback = picture_stand_in(task, choice, request) if choice.model_id is not None else None
        if fallback is not None:
            (found,) = select_models(Plan(tasks=[fallback]), request, index, backends, **select)
            if found.model_id is not None:
                chosen[k] = choice.model_copy(update={"fallback": found.model_copy(update={
                    "stands_in_for": task.task, "reason": (
                        f"the {task.task} models here only read printed text; if they find none, "
                        f"{fallback.task} says what the picture shows. {found.reason}")})})
        other = stand_in(task) if choice.model_id is None else None
        if other is None:
            continue
        (found,) = select_models(Plan(tasks=[other]), request, index, backends, **select)
        if found.model_id is not None:
            tasks[k] = other
            chosen[k] = found.model_copy(update={"stands_in_for": task.task, "reason": (
                f"no {task.task} model can run here ({choice.reason}); {other.task} stands in: its output "
                f"holds the answer. {found.reason}")})
    if tasks == plan.tasks:
        return plan, chosen
    return plan.model_copy(update={"tasks": tasks}), chosen


__all__ = [
    "achoose_with_llm",
    "apply_llm_choices",
    "choice_messages",
    "parse_choice_answer",
    "picture_stand_in",
    "rank_candidates",
    "select_models",
    "stand_in",
    "stand_ins",
    "task_languages",
    "task_query",
]
