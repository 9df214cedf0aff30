"""What the request asks of a task: the part of it about one input file (:func:`request_about`), and
the kind of answer it asks a classifier for (:func:`asked_kind`): which language a text or a
recording is in (:func:`asks_for_language`), or its sentiment or emotion
(:func:`asks_about_emotion`); and which model cards say they give each kind
(:func:`identifies_language`, :func:`recognizes_emotion`). Pure text rules: no index, no backend.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..asking import asks_about_emotion, asks_for_language
from ..schemas import ModelCard, Task, TextTemplate
from ..tasks import find_task

_Keep = Callable[[ModelCard], bool]
"""A filter on the cards a choice may take (None: every card of the task type)."""


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


# --- the part of the request about one input file ---------------------------------------------------


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
    from ..planning.clauses import PLACEHOLDER_RE  # local: as request_about

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
    from ..planning.clauses import RequestText, mask, split_clauses
    from ..planning.resources import find_resources

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


def _about(value: Any, request: str) -> str:
    """The part of ``request`` about the input file ``value`` (:func:`request_about`); the whole
    request for the output of another task."""
    return request_about(value, request) if isinstance(value, str) else request


# --- what a model card says it gives ----------------------------------------------------------------


_NEGATED_RE = re.compile(r"\b(?:no|not|without|nor|never|cannot|can't|doesn't|does not)\b[^.;:!?]*", re.IGNORECASE)
"""A negated phrase of a description, to its clause's end: "no speaker identity, emotion, language"."""


def _card_text(card: ModelCard, tags: Iterable[str]) -> str:
    """What ``card`` says of itself: its id split into words, ``tags`` and its description less what
    it denies (:data:`_NEGATED_RE`)."""
    return " ".join([re.sub(r"[-_/.]+", " ", card.id), *tags, _NEGATED_RE.sub(" ", card.description)])


# --- which language: asked of a classifier, and given by a card --------------------------------------


_LANGUAGE_CARD_RE = re.compile(
    r"\b(?:spoken\s+)?languages?\s+(?:identification|identifier|detection|detector|id|recognition|classifier)\b"
    r"|\blang[-_ ]?id\b|\b(?:identif(?:y|ies)|detects?|recogni[sz]es?|tells?|says?)\s+(?:the\s+|which\s+)?languages?\b",
    re.IGNORECASE)



def identifies_language(card: ModelCard) -> bool:
    """Whether ``card``'s model tells which language a text or a recording is in: its id, tags or
    description say language identification or detection ("papluca/xlm-roberta-base-language-detection",
    tag ``langid``, "says which language a text is written in"); what the description denies does not
    count (VADER's "does not identify languages")."""
    return bool(_LANGUAGE_CARD_RE.search(_card_text(card, [re.sub(r"[-_]+", " ", t) for t in card.tags])))


# --- emotion or sentiment: asked of speech or text, and given by a card -------------------------------


_EMOTION_CARD_RE = re.compile(r"\b(?:emotions?|emotional|sentiments?|moods?|affect|arousal|valence)\b|\bSER\b"
                              r"|emotion-recognition|sentiment-analysis", re.IGNORECASE)
_EMOTION_LABELS_RE = re.compile(r"\b(?:happy|happiness|hap|joy|sad|sadness|angry|anger|ang|neutral|neu|fear|"
                                r"fearful|disgust|surprised?|calm|excited|frustrated)\b", re.IGNORECASE)
_DIMENSIONAL_RE = re.compile(r"\b(?:dimensional|arousal|valence|dominance)\b", re.IGNORECASE)


def recognizes_emotion(card: ModelCard) -> bool:
    """Whether ``card``'s model tells emotion or sentiment: its id, tags or description say
    emotion, sentiment, mood, arousal or valence ("Speech Emotion Recognition", tag
    ``sentiment-analysis``), or its description lists three or more emotion labels (a local
    model's "Labels: neu, hap, ang, sad"); what the description denies does not count (Silero
    VAD's "no speaker identity, emotion, language ... labels")."""
    if _EMOTION_CARD_RE.search(_card_text(card, card.tags)):
        return True
    description = _NEGATED_RE.sub(" ", card.description)
    return len({m.group(0).lower() for m in _EMOTION_LABELS_RE.finditer(description)}) >= 3


def _categorical_emotion(card: ModelCard) -> bool:
    """An emotion model that names classes ("happy", "angry"), not only dimensions (arousal, valence)."""
    return recognizes_emotion(card) and not _DIMENSIONAL_RE.search(card.description)


# --- the one kind of answer the request asks a classifier for -----------------------------------------


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
                    recognizes_emotion,
                    re.compile(r"\b(?:sentiments?|emotions?|moods?|polarity|feelings?)\b", re.IGNORECASE))

_ASKED_KINDS: dict[str, tuple[tuple[_Asked, Callable[[str], bool]], ...]] = {
    "text-classification": ((_LANGUAGE, asks_for_language), (_SENTIMENT, asks_about_emotion)),
    "audio-classification": ((_LANGUAGE, asks_for_language), (_SENTIMENT, lambda text: False)),  # emotion: stand_ins
}
"""Per task type, the kinds of answer a request may ask its classifiers for, each with the test of the request
(audio-classification's emotion is asked of :func:`~hugginggpt_tools.selection.stand_ins`; it is listed so
that an emotion model is not taken for a language identifier)."""


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
    text the task classifies is left out of the request first (:func:`_without_material`). The
    words the task was planned for (:attr:`~hugginggpt_tools.schemas.Task.about`) are read first, the
    whole request when they ask for neither kind: "what language is review.txt in, and is the
    reviewer happy?" asks its first task for a language and its second for a sentiment."""
    kinds = _ASKED_KINDS.get(task.task)
    if not kinds:
        return None
    for words in ([task.about] if task.about else []) + [request]:
        about = _without_material(task, words)
        asked = [kind for kind, asks in kinds if asks(about)]
        if asked:
            return asked[0] if len(asked) == 1 else None
    return None


def _unsaid(task: Task, kind: _Asked) -> _Keep:
    """The cards that may give ``kind`` though they do not say so: those that say neither that they give
    another kind of answer the task type may be asked for (:data:`_ASKED_KINDS`: VADER judges sentiment) nor
    that they do not give this one (:meth:`_Asked.denied_by`); a local model with a bare card."""
    others = [other for other, _ in _ASKED_KINDS.get(task.task, ()) if other is not kind]

    def keep(card: ModelCard) -> bool:
        return not kind.denied_by(card) and not any(other.keep(card) for other in others)

    return keep

