"""Reading stand-in: a question about a document or picture that no model of its type can answer here,
answered from the writing in the image: read it (image-to-text: OCR), then find the line that answers
the question in what was read (question-answering: extractive). :func:`reading_stand_in` gives the two
tasks; :func:`_reading` chooses their models; the plan then holds both (the second in the place of the
task asked for, as :func:`~hugginggpt_tools.selection.stand_in_tasks._spliced` splices them in). When the
plan already reads that image with that model ("read receipt.png and tell me the total"), or an earlier
stand-in does ("what card did I pay with and what day was it?": two questions of one receipt), the question is
answered from that reading and only the second step is added (:func:`_reusing`): the image is read once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..backends.base import Backends
from ..model_index.index import ModelIndex
from ..schemas import ModelChoice, Plan, Ref, Task, arg_refs
from .choice import select_models
from .reasons import FETCH_RE, input_name, reason_detail

READING_STEPS = ("image-to-text", "question-answering")
"""The stand-in for a question about an image's writing: read it, then answer from what was read."""

_QUESTIONS = ("document-question-answering", "visual-question-answering")

_WHOLE_TEXT_RE = re.compile(
    r"\bwhat(?:['’]s|\s+(?:does|do|did|is|are))\s+(?:[^?.!]{0,40}?\s)?(?:say|says|said|written|printed|read|reads)\b"
    r"|\bwhat(?:['’]s|\s+is)\s+(?:the\s+)?(?:text|writing|wording)\b", re.IGNORECASE)
"""A question whose answer is the whole writing ("what does the sign say?", "what is written on it?", "what's
written on it?")."""
_SPECIFIC_RE = re.compile(r"\b(?:how|when|where|which|who|whom|whose|why|what|tell me|is there|are there|"
                          r"does|do|did|is|are|was|were|can|could)\b", re.IGNORECASE)
"""A question about something in particular ("what is the total?", "tell me how much tax I paid")."""


def asks_particular(question: str) -> bool:
    """Whether ``question`` asks about something in particular in the writing of an image ("what is
    the total?", "read receipt.jpg and tell me how much tax I paid", "when is the appointment?"),
    rather than for the writing as a whole ("what does the sign say?", "read the text")."""
    return bool(_SPECIFIC_RE.search(_WHOLE_TEXT_RE.sub(" ", question)))


def reading_stand_in(task: Task, kind: str | None) -> list[Task] | None:
    """The two tasks to run for a document- or visual-question-answering ``task`` that asks about
    something in particular (:func:`asks_particular`) when no model of its type can run: image-to-text
    of its image (id ``task.id``), then question-answering of its question over what was read (id
    ``task.id + 1``, which takes the place of ``task`` for the tasks that use its output). A visual
    question is answered so only when it is about no other thing than the writing (``kind``, the kind
    of image question, :func:`~hugginggpt_tools.selection.stand_in_tasks._question_kind`, is None or
    ``"reads"``): one that counts, finds or asks who or what is shown has its own stand-in. None
    otherwise."""
    if task.task not in _QUESTIONS or "image" not in task.args or not isinstance(task.args.get("text"), str):
        return None
    question = task.args["text"]
    if not asks_particular(question) or task.task == _QUESTIONS[1] and kind not in (None, "reads"):
        return None
    image = task.args["image"]
    read, answer = READING_STEPS
    return [Task(id=task.id, task=read, dep=[r.task_id for r in arg_refs(image)] or [-1], args={"image": image}),
            Task(id=task.id + 1, task=answer, dep=[task.id], args={"text": question, "context": Ref(task_id=task.id)})]


@dataclass(frozen=True)
class _ReadingSplit:
    """The :func:`reading_stand_in` ``steps`` of a task and their ``choices``; ``why`` no model of the
    task's type can run, with the fix. Its steps are both, or only the question-answering one when the
    plan already reads the image (:func:`_reusing`); ``reads`` is then the id of the earlier task whose
    split's first step reads it, when that is where the reading is (None when a task of the plan reads it,
    or the split reads it itself)."""

    steps: list[Task]
    choices: list[ModelChoice]
    why: str
    reads: int | None = None

    def finish(self, task: Task, steps: list[Task]) -> tuple[list[ModelChoice], str | None]:
        """The choices of ``steps`` (their ids final; ``task`` is the one asked for, its references final too)
        and, for a visual question, the plan warning: the answer comes from the writing in the picture, not
        from what it shows, with the fix."""
        answer = steps[-1]
        read = arg_refs(answer.args["context"])[0].task_id
        gives = (f"{steps[0].task} then {answer.task} stand in, answering from the writing in the image"
                 if len(steps) > 1 else f"{answer.task} stands in, answering from the writing task {read} reads")
        chosen = [c.model_copy(update={"task_id": s.id, "stands_in_for": task.task,
                                       "reason": f"no {task.task} model can run here ({self.why}); {gives}. {c.reason}"})
                  for s, c in zip(steps, self.choices)]
        if task.task != _QUESTIONS[1]:
            return chosen, None
        fetch = FETCH_RE.search(self.why)
        fix = fetch.group(0) if fetch else reason_detail(task.task, self.why)
        return chosen, (
            f"task {answer.id} ({answer.task}, standing in for {task.task}) answers \"{task.args['text']}\" from the "
            f"writing task {read} reads in {input_name(task.args['image'], 'image')}, not from what the picture shows: no "
            f"model here answers questions about what a picture shows. If no writing answers it, make a {task.task} "
            f"model runnable: {fix}")


def _reusing(split: _ReadingSplit, tasks: Sequence[Task], chosen: Sequence[ModelChoice],
             splits: Mapping[int, Any] | None = None) -> tuple[_ReadingSplit, int | None]:
    """``split`` with only its question-answering step, reading the output of the first of ``tasks`` (those
    before the question in the plan, with their ``chosen`` models) that reads the same image with the same
    model as its first step ("read receipt.png and tell me the total" reads receipt.png once; the answer
    then shows its text once), and that task's position; else the first step of the first of the earlier
    ``splits`` (by the id of the task each stands in for) that reads it so ("what card did I pay with and what
    day was it?": both questions answer from one reading of the receipt; ``reads`` names it, and the position
    is None); else ``split`` as it is and None."""
    read, answer = split.steps
    model = split.choices[0].model_id

    def same(task: Task, choice: ModelChoice) -> bool:
        return task.task == read.task and task.args.get("image") == read.args["image"] and choice.model_id == model

    found = next((k for k, (t, c) in enumerate(zip(tasks, chosen)) if same(t, c)), None)
    shared = next((s for s, other in (splits or {}).items() if isinstance(other, _ReadingSplit)
                   and len(other.steps) == 2 and same(other.steps[0], other.choices[0])), None)
    if found is None and shared is None:
        return split, None
    source = tasks[found].id if found is not None else shared
    asks = answer.model_copy(update={"id": read.id, "dep": [source], "args": {**answer.args, "context": Ref(task_id=source)}})
    return replace(split, steps=[asks], choices=split.choices[1:], reads=None if found is not None else shared), found


def _reading(task: Task, choice: ModelChoice, kind: str | None, request: str, index: ModelIndex, backends: Backends,
             **select: Any) -> _ReadingSplit | None:
    """The :func:`reading_stand_in` of ``task`` (which no model can run; ``choice`` says why) with its
    steps' choices, when it has one and both steps can run; else None."""
    steps = reading_stand_in(task, kind)
    if steps is None:
        return None
    found = select_models(Plan(tasks=steps), request, index, backends, **select)
    if any(c.model_id is None for c in found):
        return None
    return _ReadingSplit(steps=steps, choices=found, why=choice.reason)


__all__ = ["READING_STEPS", "asks_particular", "reading_stand_in"]
