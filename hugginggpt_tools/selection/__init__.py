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

The stage is a package, one module per part: :mod:`.ranking` (queries, scores, the ranked
candidates), :mod:`.choice` (:func:`select_models`), :mod:`.reasons` (why no model can run, and the
fix), :mod:`.questions` (what the request asks of a task), :mod:`.stand_in_tasks` and
:mod:`.speech_emotion` (what runs in place of a task that cannot answer), :mod:`.llm` (the LLM's
choice). Every name is imported from here.
"""

from __future__ import annotations

from .choice import select_models
from .llm import achoose_with_llm, apply_llm_choices, choice_messages, parse_choice_answer
from .questions import (
    asked_kind,
    asks_about_emotion,
    asks_for_language,
    identifies_language,
    recognizes_emotion,
    request_about,
)
from .ranking import FULL_CHECK, LAST_RESORT_TAG, rank_candidates, task_languages, task_query
from .reasons import LOCAL_BACKENDS, material_language, suggestion_languages
from .speech_emotion import EMOTION_STEPS, EMOTION_TASK, emotion_fix, emotion_stand_in
from .stand_in_tasks import picture_stand_in, stand_in, stand_in_caveat, stand_ins

__all__ = [
    "EMOTION_STEPS",
    "EMOTION_TASK",
    "FULL_CHECK",
    "LAST_RESORT_TAG",
    "LOCAL_BACKENDS",
    "achoose_with_llm",
    "apply_llm_choices",
    "asked_kind",
    "asks_about_emotion",
    "asks_for_language",
    "choice_messages",
    "emotion_fix",
    "emotion_stand_in",
    "identifies_language",
    "material_language",
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
