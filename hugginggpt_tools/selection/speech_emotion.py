"""Speech emotion: an audio-classification task whose part of the request asks about the emotion of
speech takes a model that recognizes emotion; with none here, it becomes two tasks, speech
recognition then sentiment of the transcript (:func:`emotion_stand_in`), with a plan warning that
they judge the words, not the voice, and the emotion model to add (:func:`emotion_fix`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..backends.base import Backends
from ..dag import renumbered
from ..model_index.index import ModelIndex
from ..model_index.languages import QueryLanguages
from ..model_index.ranking import RankingWeights
from ..schemas import ModelChoice, Plan, Ref, Task, arg_refs
from .choice import _choose
from .questions import _about, _categorical_emotion, asks_about_emotion, recognizes_emotion
from .ranking import _selecting, task_languages, task_query
from .reasons import _fixes

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


def _emotion_fixes(task: Task, vector: np.ndarray, index: ModelIndex, backends: Backends, weights: RankingWeights,
                   languages: QueryLanguages, request: str) -> str:
    """:func:`emotion_fix` for the task's query vector ``vector``."""
    for keep in (_categorical_emotion, recognizes_emotion):
        fixes = _fixes(task, vector, index, backends, weights, languages, request, keep=keep)
        if fixes:
            return fixes
    return f"hugginggpt models add PATH_OR_ID --task {task.task}"


def emotion_fix(task: Task, request: str, index: ModelIndex, backends: Backends, **select: Any) -> str:
    """How to get an audio model that recognizes emotion: the catalog's best to download for the request
    (:func:`~hugginggpt_tools.selection.reasons._fixes` over the cards that name emotion classes, else any
    emotion card: loadable, laptop-sized, of the languages asked or English, best ranked), else the command
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

    def finish(self, task: Task, steps: list[Task]) -> tuple[list[ModelChoice], str | None]:
        """The steps' choices (ids final) and the plan warning (:func:`_emotion_steps`)."""
        return _emotion_steps(task, steps, self)


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


def _spliced(plan: Plan, choices: list[ModelChoice], splits: dict[int, Any]) -> tuple[Plan, list[ModelChoice]]:
    """``plan`` with each task whose id ``splits`` holds replaced by its split's two steps: the first
    takes the task's id, the second (the one the other tasks' references to the task now point at)
    the next, and every later id shifts by one per split before it; the steps' warnings are added
    to the plan's. A split (:class:`_EmotionSplit`, :class:`~.reading._ReadingSplit`) has ``steps``
    and gives their choices and warning with ``finish(task, steps)``."""
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
        step_choices, warning = splits[task.id].finish(task, steps)
        tasks += steps
        chosen += step_choices
        warnings += [warning] if warning else []
    return plan.model_copy(update={"tasks": tasks, "warnings": [*plan.warnings, *warnings]}), chosen
