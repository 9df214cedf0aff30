"""Typed hand-offs between the four stages.

``Plan`` (planning) -> ``ModelChoice`` per task (selection) -> ``TaskResult`` per task
(execution) -> ``Answer`` (response). References to the output of an earlier task are parsed
once (by :mod:`hugginggpt_tools.dag`) into :class:`Ref` values, so no stage re-finds them in
strings. Field descriptions are written for the LLM, which reads them in structured output.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, computed_field

Modality = Literal["text", "image", "audio", "video", "table"]
"""The kinds of value a task argument or output can be."""

MODALITIES: tuple[str, ...] = ("text", "image", "audio", "video", "table")

TaskStatus = Literal["succeeded", "failed", "skipped"]


class Ref(BaseModel):
    """The output of an earlier task, used as an argument (written ``<resource>-K``)."""

    model_config = ConfigDict(frozen=True)

    task_id: int = Field(description="Id of the earlier task whose output is used.")

    def __str__(self) -> str:
        return f"<resource>-{self.task_id}"


class TextTemplate(BaseModel):
    """A text argument with references inside it, e.g. ``"Translate <resource>-0 to French"``."""

    model_config = ConfigDict(frozen=True)

    parts: list[Union[Ref, str]]

    def refs(self) -> list[Ref]:
        return [p for p in self.parts if isinstance(p, Ref)]

    def __str__(self) -> str:
        """The text with ``<resource>-K`` references; ``<resource-K>`` where digits follow, so
        ``K`` and the digits cannot run together."""
        nexts = [*self.parts[1:], ""]
        return "".join(f"<resource-{p.task_id}>" if isinstance(p, Ref) and isinstance(n, str) and n[:1].isdigit()
                       else str(p) for p, n in zip(self.parts, nexts))


ArgValue = Union[Ref, TextTemplate, str]


def arg_refs(value: ArgValue) -> list[Ref]:
    """The references an argument value holds (none for a plain string)."""
    if isinstance(value, Ref):
        return [value]
    if isinstance(value, TextTemplate):
        return value.refs()
    return []


class Task(BaseModel):
    """One step of a plan, in HuggingGPT's format."""

    id: int = Field(ge=0, description="Unique id of the task, from 0.")
    task: str = Field(description="Task type, a Hugging Face pipeline tag such as 'image-to-text'.")
    dep: list[int] = Field(
        default_factory=lambda: [-1],
        description="Ids of the tasks whose outputs this task uses; [-1] when none.",
    )
    args: dict[str, ArgValue] = Field(
        default_factory=dict,
        description="Arguments by name ('text', 'image', 'audio', ...); '<resource>-K' uses task K's output.",
    )
    about: str | None = Field(
        default=None,
        description="The words of the request this task serves (the offline planner's clause), when known: "
        "selection reads the kind of answer a classifier is asked for from them before the whole request.",
    )

    def references(self) -> list[int]:
        """Ids of the tasks referenced by this task's arguments, in argument order, unique."""
        seen: list[int] = []
        for value in self.args.values():
            for ref in arg_refs(value):
                if ref.task_id not in seen:
                    seen.append(ref.task_id)
        return seen

    def to_hugginggpt(self) -> dict[str, Any]:
        """This task as HuggingGPT's JSON (references written ``<resource>-K``)."""
        return {
            "task": self.task,
            "id": self.id,
            "dep": list(self.dep),
            "args": {k: str(v) for k, v in self.args.items()},
        }


class Plan(BaseModel):
    """A validated task graph: tasks in an order where every dependency comes first."""

    tasks: list[Task] = Field(default_factory=list)
    planner: str = Field(default="", description="Which planner made the plan.")
    confidence: float | None = Field(default=None, description="Planner's confidence, 0 to 1.")
    notes: list[str] = Field(default_factory=list, description="Repairs applied by the DAG check.")
    missing: list[str] = Field(
        default_factory=list,
        description="Tasks the request asks for that the plan leaves out because an input they need is "
        "missing, each with the fix ('image-classification needs an image and the request gives none ...').",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Doubts about the planner's reading of the request that the user should know, each with "
        "the fix ('the request looks German ...: the offline planner reads English ...').",
    )
    read_as: str | None = Field(
        default=None,
        description="The request as the planner read it, when a follow-up stands for an earlier request: 'what "
        "about news.txt?' after 'what is the sentiment of complaint.txt' is read as 'what is the sentiment of "
        "news.txt'. Selection and the models go by it.",
    )

    def task(self, task_id: int) -> Task:
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)

    def to_hugginggpt(self) -> list[dict[str, Any]]:
        return [t.to_hugginggpt() for t in self.tasks]


class ModelCard(BaseModel):
    """A model that can serve one task type, with what selection and backends need to know."""

    id: str = Field(description="Model id, e.g. 'openai/whisper-tiny.en' or 'bundled/rapidocr'.")
    task: str = Field(description="Task type (pipeline tag) the model serves.")
    backends: list[str] = Field(
        default_factory=list, description="Backends that can run it: bundled, transformers, hf-inference, llm."
    )
    downloads: int = 0
    likes: int = 0
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    license: str | None = None
    source: str = Field(default="", description="Where the card comes from: jarvis-p0, bundled, llm, user, hub.")
    path: str | None = Field(default=None, description="Local model directory, for the transformers backend.")
    runtime: dict[str, Any] = Field(default_factory=dict, description="Backend-specific settings.")
    last_modified: str | None = Field(
        default=None, description="ISO 8601 time of the model's last update on the Hub, when known (recency)."
    )

    def embedding_text(self, max_chars: int = 1000) -> str:
        """The text embedded into the index: id, task, tags, languages and description."""
        head = f"{self.id}. {self.task}. " + ", ".join(self.tags[:20])
        if self.languages:
            head += ". Languages: " + ", ".join(self.languages[:10])
        return (head + ". " + " ".join(self.description.split()))[:max_chars]


class Candidate(BaseModel):
    """A runnable model for a task with its ranking score and the score's parts."""

    model_id: str
    backend: str
    score: float
    similarity: float = 0.0
    popularity: float = 0.0
    language: float = Field(default=0.0, description="Weighted match of the request's languages (ranking).")
    likes: float = Field(default=0.0, description="Weighted log-likes term (ranking).")
    recency: float = Field(default=0.0, description="Weighted recency term (ranking).")
    card: ModelCard


class ModelChoice(BaseModel):
    """The model chosen for a task, with the ranked candidates kept for fallback."""

    task_id: int
    task: str
    model_id: str | None = None
    backend: str | None = None
    reason: str = ""
    candidates: list[Candidate] = Field(default_factory=list)
    stands_in_for: str | None = Field(
        default=None, description="The task type the plan asked for, when no model of it could run and this "
        "task runs a stand-in whose output holds the answer (see selection.stand_in).")
    answers_whole: bool = Field(
        default=False, description="Whether this stand-in's output holds the whole answer to the question it "
        "stands in for (a count, the writing asked about), not only part of it (see selection.stand_in_caveat); "
        "its answer then needs no model of the type asked for.")
    fallback: ModelChoice | None = Field(
        default=None, description="A choice of another type (with its own stands_in_for), run when every "
        "candidate fails: an image classifier for a picture to describe when the image-to-text models here "
        "only read printed text (see selection.stand_ins).")

    @property
    def chosen(self) -> Candidate | None:
        for c in self.candidates:
            if c.model_id == self.model_id and c.backend == self.backend:
                return c
        return None


class Artifact(BaseModel):
    """A file produced (or given) during a run, kept in the artifact store."""

    id: str = Field(description="Stable id (content hash).")
    path: str = Field(description="Absolute path of the file.")
    mime_type: str
    modality: Modality
    task_id: int | None = Field(default=None, description="Producing task, None for user files.")
    task: str | None = Field(default=None, description="Task type of the producing task, None for user files.")
    description: str = ""
    created_at: float | None = Field(default=None, description="When the file was added (Unix time).")


class TaskResult(BaseModel):
    """What running one task produced: status, model, outputs, error and timings."""

    task_id: int
    task: str
    status: TaskStatus
    model_id: str | None = None
    backend: str | None = None
    inputs: dict[str, Any] = Field(default_factory=dict, description="Arguments after references were resolved.")
    text: str | None = Field(default=None, description="Text output: transcript, caption, label summary, answer.")
    data: Any = Field(default=None, description="Structured output: labels and scores, boxes, lines, entities.")
    artifacts: list[Artifact] = Field(default_factory=list)
    error: str | None = Field(default=None, description="Why the task failed; when a fallback stood in, why the "
                              "task's own models did not give the result.")
    stands_in_for: str | None = Field(
        default=None, description="The task type the plan asked for, when its models all failed and the choice's "
        "fallback of this result's type ran in its place.")
    warnings: list[str] = Field(
        default_factory=list, description="Doubts about a result that succeeded, each with the fix: the model "
        "reads English and its text looks French (see execution.language_warning).")
    no_result: str | None = Field(
        default=None, description="What the model looked for and did not find, when it ran and found nothing to "
        "give ('no answer': no passage of the text answers the question; 'no phone numbers'); None when it gave a "
        "result. Its text says so for the user, and a task that would take its output is skipped (see execution).")
    attempts: list[str] = Field(default_factory=list, description="Models tried, in order.")
    started_at: float | None = None
    finished_at: float | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def duration_s(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    def output_for(self, modality: str) -> str | None:
        """This task's output as an argument of ``modality``: text, or an artifact's path. A
        result standing in for another task type passes its text on without its scores: labels
        in place of a caption are read aloud as "tabby cat, tiger cat", not "tabby cat (0.80), ..."."""
        if modality == "text":
            return _SCORES_RE.sub("", self.text) if self.stands_in_for and self.text else self.text
        for artifact in self.artifacts:
            if artifact.modality == modality:
                return artifact.path
        return None


_SCORES_RE = re.compile(r" \((?:\w+, )?[01]\.\d{2}\)")
"""A label's score as the bundled models write it: "tabby cat (0.80)", "French (fr, 0.98)"."""


class StageTiming(BaseModel):
    stage: str
    seconds: float


class Trace(BaseModel):
    """How the answer was made: stage timings and LLM usage."""

    timings: list[StageTiming] = Field(default_factory=list)
    llm_calls: int = 0
    events: list[str] = Field(default_factory=list)


class Answer(BaseModel):
    """The final answer: text plus everything that produced it."""

    request: str
    text: str
    plan: Plan
    choices: list[ModelChoice] = Field(default_factory=list)
    results: list[TaskResult] = Field(default_factory=list)
    artifacts: list[Artifact] = Field(default_factory=list)
    trace: Trace = Field(default_factory=Trace)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def files(self) -> list[str]:
        """Paths of the files the run wrote."""
        return [a.path for a in self.artifacts if a.task_id is not None]


TEXTS_SEPARATOR = "\n\n\x1e\n\n"
"""What joins several texts given as one ("summarize them together": the transcripts of two recordings):
ASCII's record separator on a line of its own between blank lines. A reader that ignores it (any that
treats it as the white space it is) sees the texts as paragraphs; the bundled summarizer cuts them
apart (:func:`hugginggpt_tools.backends._sentences.split_texts`) and covers each."""
TEXTS_SEPARATOR_RE = re.compile(r"\s*\x1e[\x1e\s]*")
""":data:`TEXTS_SEPARATOR` with the white space around it, also as a text was trimmed or joined again."""


__all__ = [
    "MODALITIES",
    "TEXTS_SEPARATOR",
    "TEXTS_SEPARATOR_RE",
    "Answer",
    "ArgValue",
    "Artifact",
    "Candidate",
    "Modality",
    "ModelCard",
    "ModelChoice",
    "Plan",
    "Ref",
    "StageTiming",
    "Task",
    "TaskResult",
    "TaskStatus",
    "TextTemplate",
    "Trace",
    "arg_refs",
]
