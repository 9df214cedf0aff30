"""Speech emotion: an audio-classification task whose part of the request asks about the emotion of
speech takes a model that recognizes emotion; with none here, it becomes two tasks, speech
recognition then sentiment of the transcript (:func:`emotion_stand_in`), with a plan warning that
they judge the words, not the voice, and the emotion model to add (:func:`emotion_fix`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..backends.base import Backends
from ..model_index.index import ModelIndex
from ..schemas import ModelChoice, Ref, Task, arg_refs
from .choice import _choose
from .questions import _about, _categorical_emotion, asks_about_emotion, recognizes_emotion
from .ranking import _selecting, task_languages, task_query
from .reasons import first_fixes, input_name

EMOTION_TASK = "audio-classification"
"""The task type whose request may ask about the emotion of speech
(:func:`~hugginggpt_tools.selection.asks_about_emotion`)."""

EMOTION_STEPS = ("automatic-speech-recognition", "text-classification")
"""The stand-in for an emotion no audio model here recognizes: transcribe, then judge the words."""


def _emotion_asked(task: Task, request: str) -> bool:
    """Whether ``task`` is an audio-classification of an audio whose part of the request asks about emotion
    (:func:`~hugginggpt_tools.selection.request_about`: "is there speech in a.wav and is the speaker in b.wav
    happy?" asks it of b.wav only; the whole request for an audio another task makes)."""
    if task.task != EMOTION_TASK or "audio" not in task.args:
        return False
    return asks_about_emotion(_about(task.args["audio"], request))


def emotion_stand_in(task: Task, request: str) -> list[Task] | None:
    """The two tasks to run for an audio-classification ``task`` whose part of the request asks about the
    emotion of speech (:func:`~hugginggpt_tools.selection.asks_about_emotion` of
    :func:`~hugginggpt_tools.selection.request_about` its audio file) when no model here recognizes emotion in
    audio: automatic-speech-recognition of its audio (id ``task.id``), then text-classification of the
    transcript (id ``task.id + 1``, which takes the place of ``task`` for the tasks that use its output). They
    judge the words, not the voice. None for any other task or request."""
    if not _emotion_asked(task, request):
        return None
    audio = task.args["audio"]
    first, second = EMOTION_STEPS
    return [Task(id=task.id, task=first, dep=[r.task_id for r in arg_refs(audio)] or [-1], args={"audio": audio}),
            Task(id=task.id + 1, task=second, dep=[task.id], args={"text": Ref(task_id=task.id)})]


_EMOTION_CARDS = (_categorical_emotion, recognizes_emotion)
"""The cards to suggest an emotion model from, closest first: those that name emotion classes, then any emotion card."""


def emotion_fix(task: Task, request: str, index: ModelIndex, backends: Backends, **select: Any) -> str:
    """How to get an audio model that recognizes emotion: the catalog's best to download for the request
    (:func:`~hugginggpt_tools.selection.reasons.first_fixes` over the cards that name emotion classes, else any
    emotion card: loadable, laptop-sized, of the languages asked or English, best ranked), else the command
    that adds one."""
    (vector,) = index.embed_queries([task_query(task, request)])
    return first_fixes(task, vector, index, backends, _selecting(select)[1], task_languages(task, request), request,
                       _EMOTION_CARDS)


@dataclass(frozen=True)
class _EmotionSplit:
    """What :func:`_emotion` found for a task that splits into :func:`emotion_stand_in`'s two
    ``steps`` (ids as :func:`emotion_stand_in` gives them), with their ``choices``."""

    steps: list[Task]
    choices: list[ModelChoice]
    why: str
    fix: str

    def finish(self, task: Task, steps: list[Task]) -> tuple[list[ModelChoice], str | None]:
        """The choices of the stand-in ``steps`` for ``task`` (ids final) and the plan warning: what
        they judge, and the emotion model to add."""
        asr, judge = steps
        first, second = self.choices
        chosen = [
            first.model_copy(update={"task_id": asr.id, "stands_in_for": task.task, "reason": (
                f"{self.why}; {asr.task} then {judge.task} stand in, judging the words said. {first.reason}")}),
            second.model_copy(update={"task_id": judge.id, "stands_in_for": task.task, "reason": (
                f"{self.why}; judges the sentiment of the words task {asr.id} transcribed, not the voice. "
                f"{second.reason}")}),
        ]
        warning = (f"task {judge.id} ({judge.task}, standing in for {task.task}) judges the sentiment of the words "
                   f"said in {input_name(asr.args['audio'], 'audio')} (transcribed by task {asr.id}), not the "
                   f"voice: {self.why}, so a cheerful voice saying sad words reads as negative. To judge the voice, "
                   f"add an audio emotion model ({self.fix})")
        return chosen, warning


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
    fix = first_fixes(task, vector, index, backends, weights, languages, request, _EMOTION_CARDS)
    picked = [_choose(step, v, index, backends, top_k, weights, task_languages(step, request), request,
                      keep=None if k == 0 else recognizes_emotion)
              for k, (step, v) in enumerate(zip(steps, step_vectors))]
    if picked and all(p.model_id is not None for p in picked):
        return choice, _EmotionSplit(steps=steps, choices=picked, why=why, fix=fix)
    missing = "; ".join(f"{p.task}: {p.reason}" for p in picked if p.model_id is None) or "no audio to transcribe"
    reason = (f"no runnable model for {task.task}: the request asks about emotion, and {why}; transcribing the "
              f"speech and judging its words cannot stand in either ({missing}). Add an audio emotion model ({fix})")
    return ModelChoice(task_id=task.id, task=task.task, reason=reason), None
