"""The offline planner: a rule-based plan in milliseconds, deterministic, with no LLM.

How it reads a request:

1. find the resources (files, URLs, quoted text; plus the files passed in and the files named in
   earlier turns) and mask them, so separators or cue words inside them do not count;
2. split the request into clauses ("then", "after that", ";", sentence ends, ", and", "and
   <verb>", "and use the result to", ...);
3. score the task types in each clause with the cue lexicon (:mod:`.lexicon`), preferring for
   an ambiguous cue the task whose input modality the clause provides, and boosting tasks whose
   input is mentioned in the clause; order a clause's tasks so producers come before consumers
   ("read the text in X aloud": image-to-text, then text-to-speech);
4. fill each task's arguments: a resource of the right modality in its clause, else the output
   of the latest earlier task of that modality (a reference), else a resource from elsewhere in
   the request, else (for text) the clause itself; a text task given an image or an audio file
   gets an image-to-text or speech-recognition step in front of it.

Nothing matched means an empty plan with confidence 0, never a guess.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from langchain_core.messages import BaseMessage

from .. import dag
from ..errors import PlanError
from ..schemas import Plan
from ..tasks import TASK_TYPES, ArgSpec
from .base import Planner
from .lexicon import (
    ANAPHORA,
    CUES,
    LANGUAGE_SOURCE,
    LANGUAGE_TARGET,
    MODALITY_HINTS,
    PROMPT_TASKS,
    TASK_CONTEXT_HINTS,
    Cue,
)
from .resources import Resource, find_resources

logger = logging.getLogger(__name__)

MIN_SCORE = 0.8
"""Lowest cue score for a task to be planned."""

RELATIVE_SCORE = 0.6
"""A task must score at least this fraction of its clause's best task."""

EXPLICIT_INPUT_BOOST = 0.3
"""Added when the clause itself mentions a resource of the task's input modality."""

HINTED_INPUT_BOOST = 0.2
"""Added when the clause names the input's kind ("this photo") and the request has such a file."""

_DESCRIBED_TASKS = frozenset({"text-to-image", "text-to-video"})
_DESCRIPTION_LEAD_RE = re.compile(
    r"^(?:of|about|showing|that shows|depicting|featuring|with|where|in which|for)\s+", re.IGNORECASE)
_BRIDGES = {"image": "image-to-text", "audio": "automatic-speech-recognition"}
_PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")
_VERBS = (
    r"translate|summari[sz]e|transcribe|generate|create|make|produce|detect|classify|identify|caption|"
    r"describe|read|convert|turn|speak|say|answer|segment|estimate|draw|paint|edit|extract|find|tell|write|"
    r"analy[sz]e|compare|recogni[sz]e|narrate|enhance|denoise|remove|clean|count|locate|determine|"
    r"paraphrase|rephrase|rewrite|correct|synthesi[sz]e|check|label|tag|reply|respond|continue|complete|"
    r"compose|modify|change|transform|visuali[sz]e|animate|give|show|provide|get|predict|separate|improve|"
    r"list|ask|let|use|then"
)
_SPLIT_RE = re.compile(
    rf"""(?<=[.!?;])\s+
    | ,?\s+(?:and\s+)?(?:then|afterwards|after\s+that|after\s+this|finally|subsequently|lastly)\b,?
    | ,?\s+followed\s+by\b
    | ,?\s+(?:and\s+)?(?:use|pass|feed|send|take)\s+(?:the|its|that|this)\s+(?:result|output|text|answer)s?
      \s+(?:to|and)\b
    | ,?\s+(?:and\s+)?(?:use|using)\s+(?:it|that|this)\s+to\b
    | ,\s*and\b
    | \s+and\s+(?:also\s+)?(?=(?:please\s+)?(?:{_VERBS})\b)
    | ,\s*(?=(?:please\s+)?(?:also\s+)?(?:{_VERBS})\b)""",
    re.IGNORECASE | re.VERBOSE,
)
_QUESTION_LEAD_RE = re.compile(r"^(?:(?:please\s+)?(?:answer|tell me|ask)(?:\s+this)?\s*[:,-]\s*)", re.IGNORECASE)
_LEAD_RE = re.compile(r"^(?:and|also|please|then|so|now|next|first(?:ly)?|finally|lastly)\b[\s,]*", re.IGNORECASE)


@dataclass
class _Clause:
    """A part of the request with its resources masked as placeholders."""

    masked: str
    resources: list[int]

    @property
    def lower(self) -> str:
        return self.masked.lower()


@dataclass
class _Context:
    """The request, its resources and clauses, and what earlier turns offer.

    ``resources`` holds the request's resources and the files passed in (the first
    ``own`` entries), then the files and URLs named in earlier turns; ``last_reply`` is the
    latest AI message of the chat history, which "it" may refer to.
    """

    request: str
    resources: list[Resource]
    clauses: list[_Clause]
    own: int = 0
    last_reply: str | None = None

    def unmask(self, text: str) -> str:
        """``text`` with each placeholder back to its resource as written (quotes kept)."""
        def back(m: re.Match[str]) -> str:
            r = self.resources[int(m.group(1))]
            return f'"{r.value}"' if r.kind == "quote" else r.value
        return _PLACEHOLDER_RE.sub(back, text)


@dataclass
class _Candidate:
    """A task type a clause asks for, with its cue score and where its first cue is."""

    task: str
    score: float
    position: int
    cue_end: int
    clause: _Clause


def _mask(request: str, resources: list[Resource]) -> str:
    parts, last = [], 0
    for k, r in enumerate(resources):
        if r.mentioned and r.start >= last:
            parts += [request[last:r.start], f"\ue000{k}\ue001"]
            last = r.end
    return "".join(parts) + request[last:]


def _history_resources(chat_history: Sequence[BaseMessage]) -> list[Resource]:
    found: list[Resource] = []
    for message in reversed(list(chat_history)):
        for r in find_resources(message.text):
            if r.kind != "quote":
                found.append(Resource(r.value, r.modality, r.kind))
    return found


def _context(request: str, files: Sequence[str], chat_history: Sequence[BaseMessage]) -> _Context:
    resources = find_resources(request, files)
    own = len(resources)
    known = {r.value for r in resources}
    resources += [r for r in _history_resources(chat_history) if r.value not in known]
    replies = [m.text.strip() for m in chat_history if m.type == "ai" and m.text.strip()]
    clauses = []
    for part in _SPLIT_RE.split(_mask(request, resources)):
        text = _LEAD_RE.sub("", (part or "").strip(" \t\n,.;:"))
        if text:
            clauses.append(_Clause(text, [int(i) for i in _PLACEHOLDER_RE.findall(text)]))
    return _Context(request, resources, clauses, own, replies[-1] if replies else None)


def _cue_matches(text: str) -> list[tuple[Cue, int, int]]:
    """Cue matches in ``text``, overlaps resolved in favour of heavier, then longer cues."""
    found = [(cue, m.start(), m.end()) for cue in CUES for m in cue.regex.finditer(text)]
    found.sort(key=lambda x: (-x[0].weight, -(x[2] - x[1]), x[1]))
    accepted: list[tuple[Cue, int, int]] = []
    for cue, start, end in found:
        if not any(start < e and s < end for _, s, e in accepted):
            accepted.append((cue, start, end))
    return sorted(accepted, key=lambda x: x[1])


def _modality_fit(modality: str, clause: _Clause, ctx: _Context, produced: set[str]) -> float:
    """How well the clause's surroundings provide an input of ``modality`` (0 when nothing does)."""
    if any(ctx.resources[i].modality == modality for i in clause.resources):
        return 2.0
    if modality == "text":
        has_source = "text" in produced or any(r.kind == "quote" for r in ctx.resources)
        return 1.5 if has_source else 1.0
    if MODALITY_HINTS[modality].search(clause.lower):
        return 1.75
    if modality in produced or any(r.modality == modality for r in ctx.resources):
        return 1.5
    return 0.0


def _fit(task: str, clause: _Clause, ctx: _Context, produced: set[str]) -> float:
    fit = max(_modality_fit(m, clause, ctx, produced) for m in TASK_TYPES[task].args[0].modalities)
    hint = TASK_CONTEXT_HINTS.get(task)
    if fit > 0 and hint is not None and (hint.search(clause.lower) or hint.search(ctx.request.lower())):
        fit += 0.3
    return fit


def _input_boost(task: str, clause: _Clause, ctx: _Context) -> float:
    """Extra score when the clause mentions the task's input: a resource, or a word for one given."""
    wanted = TASK_TYPES[task].args[0].modalities
    if any(ctx.resources[i].modality in wanted for i in clause.resources):
        return EXPLICIT_INPUT_BOOST
    hinted = [m for m in wanted if m in MODALITY_HINTS and MODALITY_HINTS[m].search(clause.lower)]
    if any(r.modality in hinted for r in ctx.resources):
        return HINTED_INPUT_BOOST
    return 0.0


def _score_clause(clause: _Clause, ctx: _Context, produced: set[str]) -> list[_Candidate]:
    """The tasks the clause asks for, scored; ambiguous cues go to the best-provided task."""
    found: dict[str, _Candidate] = {}
    named: set[str] = set()
    for cue, start, end in _cue_matches(clause.lower):
        fits = {t: _fit(t, clause, ctx, produced) for t in cue.tasks}
        task = max(cue.tasks, key=lambda t: fits[t])
        if fits[task] <= 0:
            continue
        cand = found.setdefault(task, _Candidate(task, _input_boost(task, clause, ctx), start, end, clause))
        cand.score += cue.weight
        cand.cue_end = end
        if not cue.fallback:
            named.add(task)
    passing = [c for c in found.values() if c.score >= MIN_SCORE]
    if any(c.task in named for c in passing):
        passing = [c for c in passing if c.task in named]
    best = max((c.score for c in passing), default=0.0)
    return [c for c in passing if c.score >= RELATIVE_SCORE * best]


def _feeds(a: str, b: str) -> bool:
    """Whether task ``a``'s output can be task ``b``'s input."""
    return bool(set(TASK_TYPES[a].outputs) & set(TASK_TYPES[b].args[0].modalities))


def _order(candidates: list[_Candidate]) -> list[_Candidate]:
    """A clause's tasks with producers before consumers, else in the order they are mentioned."""
    pending = sorted(candidates, key=lambda c: c.position)
    ordered: list[_Candidate] = []
    while pending:
        free = [c for c in pending if not any(
            _feeds(o.task, c.task) and not _feeds(c.task, o.task) for o in pending if o is not c)]
        chosen = (free or pending)[0]
        ordered.append(chosen)
        pending.remove(chosen)
    return ordered


def _language(pattern: re.Pattern[str], *texts: str) -> str | None:
    for text in texts:
        m = pattern.search(text)
        if m:
            return m.group(1).capitalize()
    return None


@dataclass
class _Builder:
    """Turns ordered candidates into HuggingGPT task dicts, filling their arguments."""

    ctx: _Context
    tasks: list[dict[str, Any]] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    dropped: int = 0

    def produced(self) -> set[str]:
        return {m for t in self.tasks for m in TASK_TYPES[t["task"]].outputs}

    def _append(self, task: str, args: dict[str, str], score: float) -> str:
        refs = sorted({int(v.rsplit("-", 1)[1]) for v in args.values() if v.startswith("<resource>-")})
        self.tasks.append({"task": task, "id": len(self.tasks), "dep": refs or [-1], "args": args})
        self.scores.append(score)
        return f"<resource>-{len(self.tasks) - 1}"

    def _take(self, indices: Sequence[int], modalities: Sequence[str], *, reuse: bool = False) -> str | None:
        """The first resource among ``indices`` of one of ``modalities`` (unused unless ``reuse``)."""
        for m in modalities:
            for i in indices:
                r = self.ctx.resources[i]
                if r.modality == m and (reuse or i not in self.consumed):
                    self.consumed.add(i)
                    return r.value
        return None

    def _latest_output(self, modalities: Sequence[str], *, primary: bool) -> str | None:
        for k in range(len(self.tasks) - 1, -1, -1):
            outputs = TASK_TYPES[self.tasks[k]["task"]].outputs
            if set(outputs[:1] if primary else outputs) & set(modalities):
                return f"<resource>-{k}"
        return None

    def _all(self) -> list[int]:
        return list(range(len(self.ctx.resources)))

    def _media(self, spec: ArgSpec, clause: _Clause) -> str | None:
        """An image/audio/video/table argument: from the clause, an earlier task, or the request."""
        mods = spec.modalities
        return (self._take(clause.resources, mods) or self._latest_output(mods, primary=True)
                or self._take(self._all(), mods) or self._take(clause.resources, mods, reuse=True)
                or self._take(self._all()[::-1], mods, reuse=True) or self._latest_output(mods, primary=False))

    def _bridge(self, indices: Sequence[int], score: float) -> str | None:
        """An image-to-text or speech-recognition step over an unused image or audio resource."""
        for i in indices:
            r = self.ctx.resources[i]
            if r.modality in _BRIDGES and i not in self.consumed:
                self.consumed.add(i)
                bridge = _BRIDGES[r.modality]
                return self._append(bridge, {TASK_TYPES[bridge].args[0].name: r.value}, score)
        return None

    def _clause_text(self, clause: _Clause) -> str:
        return self.ctx.unmask(clause.masked).strip()

    def _text(self, cand: _Candidate) -> str:
        """The main text argument: a quote, a converted file, an earlier output, or the clause."""
        clause = cand.clause
        found = self._take(clause.resources, ["text"])
        if found is None and (cand.task not in PROMPT_TASKS or ANAPHORA.search(clause.lower)):
            found = self._bridge(clause.resources, cand.score) or self._latest_output(["text"], primary=True)
        if found is None and cand.task not in PROMPT_TASKS:
            found = self._take(self._all(), ["text"]) or self._earlier_reply(clause)
            found = found or self._bridge(range(self.ctx.own), cand.score)
        return found or self._prompt(cand)

    def _earlier_reply(self, clause: _Clause) -> str | None:
        """The chat's latest AI reply, when the clause refers back ("translate it")."""
        return self.ctx.last_reply if ANAPHORA.search(clause.lower) else None

    def _prompt(self, cand: _Candidate) -> str:
        """The clause as the task's text; for image and video generation, what follows the cue."""
        if cand.task in _DESCRIBED_TASKS:
            rest = _DESCRIPTION_LEAD_RE.sub("", cand.clause.masked[cand.cue_end:].strip(" ,.:;"))
            if len(rest.split()) >= 2:
                return self.ctx.unmask(rest).strip()
        return self._clause_text(cand.clause)

    def _arguments(self, cand: _Candidate) -> dict[str, str] | None:
        """The candidate's arguments, or None when a required one cannot be filled."""
        args: dict[str, str] = {}
        for spec in TASK_TYPES[cand.task].args:
            value = self._argument(cand, spec, args)
            if value is None and spec.required:
                return None
            if value is not None:
                args[spec.name] = value
        return args

    def _argument(self, cand: _Candidate, spec: ArgSpec, args: dict[str, str]) -> str | None:
        clause = cand.clause
        if spec.name == "target_language":
            return _language(LANGUAGE_TARGET, self.ctx.unmask(clause.masked), self.ctx.request)
        if spec.name == "source_language":
            return _language(LANGUAGE_SOURCE, clause.masked)
        if spec.modality != "text":
            return self._media(spec, clause)
        if "image" in args or spec.name in ("context", "text2") or cand.task == "question-answering":
            return self._secondary_text(cand, spec)
        return self._text(cand)

    def _secondary_text(self, cand: _Candidate, spec: ArgSpec) -> str | None:
        """Questions (VQA, document and text QA), QA context, and the second sentence to compare."""
        clause = cand.clause
        if spec.name == "text":
            return _QUESTION_LEAD_RE.sub("", self._clause_text(clause)) or self._clause_text(clause)
        return (self._take(clause.resources, ["text"]) or self._take(self._all(), ["text"])
                or self._latest_output(["text"], primary=True))

    def add(self, cand: _Candidate) -> bool:
        """Add the candidate's task; True when it used a new resource of its clause as main input."""
        before = set(self.consumed)
        args = self._arguments(cand)
        if args is None:
            self.dropped += 1
            logger.debug("Offline planner: no input for %s in %r", cand.task, cand.clause.masked)
            return False
        if not any(t["task"] == cand.task and t["args"] == args for t in self.tasks):
            self._append(cand.task, args, cand.score)
        return bool(self._main_inputs(cand) & (self.consumed - before))

    def _main_inputs(self, cand: _Candidate) -> set[int]:
        """The clause's resources that could be the candidate's main (first) input."""
        wanted = TASK_TYPES[cand.task].args[0].modalities
        return {i for i in cand.clause.resources if self.ctx.resources[i].modality in wanted}

    def add_clause(self, candidates: list[_Candidate]) -> None:
        """Add a clause's tasks; a task repeats for each further input the clause names
        ("caption a.jpg and b.jpg")."""
        for cand in [c for c in candidates if self.add(c)]:
            while self._main_inputs(cand) - self.consumed and self.add(cand):
                pass

def _confidence(builder: _Builder) -> float:
    if not builder.tasks:
        return 0.0
    mean = sum(min(1.0, s / 1.5) for s in builder.scores) / len(builder.scores)
    return round(mean * (0.8 if builder.dropped else 1.0), 3)


class OfflinePlanner(Planner):
    """Plans with rules: a cue lexicon per task type and the request's resources. No LLM.

    Deterministic and fast (milliseconds). The plan's ``confidence`` reflects how strongly the
    cues matched; a request where nothing matched gets an empty plan with confidence 0.
    """

    name = "offline"

    def plan(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> Plan:
        ctx = _context(request, files, chat_history)
        builder = _Builder(ctx)
        for clause in ctx.clauses:
            builder.add_clause(_order(_score_clause(clause, ctx, builder.produced())))
        try:
            return dag.check_plan(builder.tasks, files=files, planner=self.name, confidence=_confidence(builder))
        except PlanError as exc:
            logger.warning("Offline plan for %r failed its check: %s", request, exc)
            return Plan(planner=self.name, confidence=0.0, notes=[f"offline plan rejected: {exc}"])


__all__ = ["OfflinePlanner"]
