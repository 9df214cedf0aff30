"""Which tasks a clause asks for: cue scores, the modalities at hand, and the semantic matcher.

:func:`score_clause` scores the intents of one clause of a request (see :mod:`.lexicon`): every
cue adds its weight to an intent, an ambiguous cue going to the intent whose input the request
provides. When no cue names a task and the clause asks for something, the clause's closest
example phrasings (:mod:`.semantic`) may name it. :func:`order` puts a clause's tasks in data
flow order. The :class:`Vocabulary` limits both to a tool graph's tasks and output types.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..tasks import TASK_TYPES, ArgSpec
from .clauses import IMPERATIVE_RE, PLACEHOLDER_RE, Clause, RequestText, is_question
from .lexicon import (
    ANAPHORA,
    CUES,
    INTENTS,
    LABEL_TASKS,
    MODALITY_HINTS,
    QUESTION_CUE,
    QUESTION_TASKS,
    QUOTED_QUESTION_CUE,
    RESULT_PHRASE,
    TASK_CONTEXT_HINTS,
    Cue,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..toolgraph import ToolGraph
    from .semantic import IntentMatcher

MIN_SCORE = 0.8
"""Lowest cue score for a task to be planned."""

RELATIVE_SCORE = 0.4
"""A task must score at least this fraction of its clause's best task."""

EXPLICIT_INPUT_BOOST = 0.3
"""Added when the clause itself mentions a resource of the task's input modality."""

HINTED_INPUT_BOOST = 0.2
"""Added when the clause names the input's kind ("this photo") and the request has such a file."""

CLAUSE_HINT_BONUS = 0.3
"""Added to an intent's fit when its clause names what it works on ("the invoice" for document QA)."""

REQUEST_HINT_BONUS = 0.15
"""Added when only another part of the request does, and the clause names no plain image."""

LATEST_OUTPUT_BONUS = 0.25
"""Added to the fit of a modality the latest task outputs: "write a description of them" after
object detection describes its (text) output, not the photo."""

CONTEXT_MIN_SCORE = 1.0
"""Lowest cue score in a clause that does not ask for anything ("I have a photo of my garden")."""

_ASKING_RE = re.compile(
    r"(?<!\w)(?:(?:could|can|would|will) you|please|help|assist|i(?:'d| would) (?:like|love|appreciate)|"
    r"i (?:want|need|wish|hope)|let'?s)(?!\w)")
_REQUEST_QUESTION_RE = re.compile(r"(?<!\w)(?:(?:could|can|would|will) you|please|help me|assist)(?!\w)")
"""A question that is a request ("could you ...?"): its question mark asks for no answer."""

SEMANTIC_WEIGHT = 1.0
"""How much the semantic matcher's margin adds to an intent's cue score."""

NAMED_TASK_WEIGHT = 1.3
"""A cue at least this heavy names its task outright: asked of a file of the wrong kind, the task is
planned and reported missing its input, not swapped for a task that takes the file."""

STRONG_SCORE = 1.5
"""A cue score at which a task counts as certain."""

FALLBACK_FACTOR = 0.7
"""Confidence kept by a task that only fallback cues (a question mark, "what") named."""

AT_HAND_BONUS = 0.1
"""Added to the semantic matcher's margin for an intent whose main input the request or an earlier
task provides: "get me the words" next to a recording is speech recognition, not speech synthesis."""

SEMANTIC_FACTOR = 0.6
"""Confidence kept by a task that only the semantic matcher named."""

@dataclass(frozen=True)
class Vocabulary:
    """The intents a planner may use and what their tasks output, from a tool graph.

    ``outputs`` maps each registry task type to the modalities its output can be used as;
    ``instructed_edit`` says whether image-to-image takes an instruction text (it does in the
    registry, and in a graph whose image-to-image tools include one with a text input);
    ``inputs`` maps each task type of a graph to the input types its tools take (``None`` over the
    registry, whose argument specs say it all).
    """

    intents: frozenset[str]
    outputs: Mapping[str, tuple[str, ...]]
    instructed_edit: bool = True
    inputs: Mapping[str, frozenset[str]] | None = None

    @classmethod
    def from_graph(cls, graph: ToolGraph | None) -> Vocabulary:
        if graph is None:
            return cls(frozenset(INTENTS), {name: t.outputs for name, t in TASK_TYPES.items()})
        outputs: dict[str, tuple[str, ...]] = {}
        inputs: dict[str, frozenset[str]] = {}
        for tool in graph.tools:
            outputs[tool.task] = tuple(dict.fromkeys((*outputs.get(tool.task, ()), *tool.outputs)))
            inputs[tool.task] = inputs.get(tool.task, frozenset()) | set(tool.inputs)
        intents = frozenset(i for i, task in INTENTS.items() if task in outputs)
        edit = any("text" in t.inputs for t in graph.tools_for("image-to-image"))
        return cls(intents, outputs, edit, inputs)

    @property
    def over_registry(self) -> bool:
        """Whether this is the registry's vocabulary (plans that run), not a tool graph's."""
        return self.inputs is None

    def modalities(self, task: str, spec: ArgSpec | None = None) -> tuple[str, ...]:
        """What argument ``spec`` of ``task`` (its main one by default) takes: the registry's
        modalities, less those no tool of the graph takes (TaskBench's "Automatic Speech
        Recognition" takes audio, where the registry's also takes a video's sound track)."""
        spec = spec or TASK_TYPES[task].args[0]
        if self.inputs is None or task not in self.inputs:
            return spec.modalities
        return tuple(m for m in spec.modalities if m in self.inputs[task]) or spec.modalities

    def feeds(self, a: str, b: str) -> bool:
        """Whether task ``a``'s output can be task ``b``'s (main) input."""
        return bool(set(self.outputs.get(a, ())) & set(self.modalities(b)))


@dataclass
class Candidate:
    """An intent a clause asks for, with its score and where its first cue is."""

    intent: str
    score: float
    position: int
    cue_end: int
    clause: Clause
    semantic: bool = False
    named: bool = False

    @property
    def task(self) -> str:
        """The registry task type the intent plans."""
        return INTENTS[self.intent]

    @property
    def strength(self) -> float:
        """How sure the planner is of this task, 0 to 1: its score, discounted when only a
        question mark or similar (fallback) cue, or only the semantic matcher, named it."""
        base = min(1.0, self.score / STRONG_SCORE)
        return round(base * (1.0 if self.named else SEMANTIC_FACTOR if self.semantic else FALLBACK_FACTOR), 3)


def cue_text(text: str) -> str:
    """``text`` with the phrases naming earlier outputs ("the generated image") blanked out."""
    return RESULT_PHRASE.sub(lambda m: " " * len(m.group()), text)


@lru_cache(maxsize=4096)
def cue_matches(text: str) -> tuple[tuple[Cue, int, int], ...]:
    """Cue matches in ``text``, overlaps resolved in favour of heavier, then longer cues (cached:
    a request's clauses are scored on each of the planner's passes, the cues never change)."""
    texts = {False: cue_text(text), True: text}
    found = [(cue, m.start(), m.end()) for cue in CUES for m in cue.regex.finditer(texts[cue.names_results])]
    found.sort(key=lambda x: (-x[0].weight, -(x[2] - x[1]), x[1]))
    accepted: list[tuple[Cue, int, int]] = []
    for cue, start, end in found:
        if not any(start < e and s < end for _, s, e in accepted):
            accepted.append((cue, start, end))
    return tuple(sorted(accepted, key=lambda x: x[1]))


def _modality_fit(modality: str, clause: Clause, req: RequestText, produced: Sequence[str]) -> float:
    """How well the clause's surroundings provide an input of ``modality`` (0 when nothing does)."""
    if any(req.resources[i].modality == modality for i in clause.resources):
        return 2.0
    if modality == "text":
        has_source = "text" in produced or any(r.kind == "quote" for r in req.resources)
        latest = LATEST_OUTPUT_BONUS if produced and produced[-1] == "text" else 0.0
        return 1.5 + latest if has_source else 1.0
    if MODALITY_HINTS[modality].search(clause.lower):
        return 1.75
    if modality in produced or any(r.modality == modality for r in req.resources):
        return 1.5 + (LATEST_OUTPUT_BONUS if produced and produced[-1] == modality else 0.0)
    return 0.0


def _fit(intent: str, clause: Clause, req: RequestText, produced: Sequence[str]) -> float:
    """How well the request provides the task's inputs: its first media input's fit, else its text's;
    question answering needs a text to search besides the question."""
    task = INTENTS[intent]
    media = [a for a in TASK_TYPES[task].args if a.required and a.modality != "text"]
    if media:
        fit = max(_modality_fit(m, clause, req, produced) for m in media[0].modalities)
    elif task == "question-answering":
        passages = [r for r in req.resources if r.modality in ("text", "table") and not is_question(r.value)]
        fit = 1.5 if passages else 1.2 if "text" in produced else 0.6
    else:
        fit = _modality_fit("text", clause, req, produced)
    hint = TASK_CONTEXT_HINTS.get(task)
    if fit > 0 and hint is not None:
        if hint.search(clause.lower):
            fit += CLAUSE_HINT_BONUS
        elif _hinted_anywhere(task, req.lower) and not MODALITY_HINTS["image"].search(clause.lower):
            fit += REQUEST_HINT_BONUS
    return fit


@functools.lru_cache(maxsize=64)
def _hinted_anywhere(task: str, request: str) -> bool:
    """Whether the request's words hint at ``task``'s kind of input (:data:`TASK_CONTEXT_HINTS`),
    searched once per request, not once per clause (a request of 2,000 clauses)."""
    return bool(TASK_CONTEXT_HINTS[task].search(request))


def _input_boost(intent: str, clause: Clause, req: RequestText, produced: Sequence[str]) -> float:
    """Extra score when the clause mentions the task's input: a resource, or a word for one given."""
    wanted = TASK_TYPES[INTENTS[intent]].args[0].modalities
    if any(req.resources[i].modality in wanted for i in clause.resources):
        return EXPLICIT_INPUT_BOOST
    hinted = [m for m in wanted if m in MODALITY_HINTS and MODALITY_HINTS[m].search(clause.lower)]
    if any(r.modality in hinted for r in req.resources) or set(hinted) & set(produced):
        return HINTED_INPUT_BOOST
    if ANAPHORA.search(clause.lower) and any(r.modality in wanted for r in req.resources if r.modality != "text"):
        return HINTED_INPUT_BOOST
    return 0.0


def asks_for_something(clause: Clause) -> bool:
    """Whether the clause reads as a request (a question, "could you", an imperative) rather
    than context ("I have a photo of my garden")."""
    return not re.match(r"^(?:i|i'?ve|i'?m|i am|we|we'?ve|my|our|it|it'?s|this|that|there|here)\b", clause.lower) \
        or bool(re.search(r"(?<!\w)(?:could|can|would|will) you|please|help me|\?|i(?:'d| would) (?:like|love|"
                          r"appreciate)|i (?:want|need|wish|hope)|i'?m (?:curious|wondering|interested)|let'?s",
                          clause.lower))


def requests_something(clause: Clause) -> bool:
    """Whether the clause asks for an action: a request ("could you", "please", "I'd like") or an
    imperative ("turn this into ..."). Thanks and greetings do not."""
    return bool(_ASKING_RE.search(clause.lower) or IMPERATIVE_RE.match(clause.lower))


_ONLY_LOOK_RE = re.compile(
    r"^(?:(?:hey|hi|hello|so|ok(?:ay)?|now)\b[\s,]*)*(?:(?:could|can|would|will) you |please )?(?:(?:take|have) a "
    r"(?:quick |close )?look at|look at|check out|open|see|consider) (?:the |this |my |that )?(?:\w+ )?"
    r"\ue000\d+\ue001[\s?.!]*$", re.IGNORECASE)
"""A clause that only points at a file ("hey, could you take a look at beach.jpg"): what to do with
it comes in the next clause."""


def only_points_at_a_file(clause: Clause) -> bool:
    """Whether the clause only points at a file (:data:`_ONLY_LOOK_RE`)."""
    return bool(_ONLY_LOOK_RE.match(clause.masked))


def _matchable(clause: Clause, lenient: bool = False) -> bool:
    """Whether the semantic matcher may name the clause's task: it asks for something (and does
    more than point at a file: "take a look at beach.jpg"); if ``lenient``, also when it names a
    file and reads as no statement ("Trnscrbe the adio file speech.wav pls", whose verb no cue knows)."""
    if only_points_at_a_file(clause):
        return False
    return requests_something(clause) or lenient and bool(clause.resources) and asks_for_something(clause)


def needs_matcher(clause: Clause, lenient: bool = False) -> bool:
    """Whether :func:`score_clause` would ask the semantic matcher about the clause
    (:func:`_matchable`, and no cue names a task in it)."""
    return _matchable(clause, lenient) and all(cue.fallback for cue, _, _ in cue_matches(clause.lower))


def score_clause(
    clause: Clause, req: RequestText, produced: Sequence[str], vocab: Vocabulary,
    matcher: IntentMatcher | None = None, lenient: bool = False, semantic: frozenset[str] | None = None,
) -> list[Candidate]:
    """The intents the clause asks for, scored; ambiguous cues go to the best-provided intent.
    ``lenient`` lets the matcher read a clause that names a file without asking in words
    (:func:`_matchable`): for a request nothing else plans. ``semantic`` limits the intents the
    matcher may choose (default: the vocabulary's)."""
    bare = _bare_files(clause, req, vocab)
    if bare:
        return bare
    found: dict[str, Candidate] = {}
    named: set[str] = set()
    inputless: list[tuple[str, int, int, float]] = []  # named tasks whose input the request lacks
    asks = bool(_REQUEST_QUESTION_RE.search(clause.lower))
    matches = [*cue_matches(clause.lower), *_quoted_questions(clause, req)]
    media = any(r.kind == "file" and r.modality in ("image", "audio", "video") for r in req.resources)
    fitted: dict[str, float] = {}  # one fit per intent: a phrase repeated 1,000 times is not 1,000 scans

    def fit(intent: str) -> float:
        if intent not in fitted:
            fitted[intent] = _fit(intent, clause, req, produced)
        return fitted[intent]

    def candidate(intent: str, start: int, end: int) -> Candidate:
        if intent not in found:
            found[intent] = Candidate(intent, _input_boost(intent, clause, req, produced), start, end, clause)
        return found[intent]

    for cue, start, end in sorted(matches, key=lambda m: len(m[0].tasks) > 1):
        if cue is QUESTION_CUE and asks or cue.wordless and media:
            continue
        options = [t for t in cue.tasks if t in vocab.intents]
        if not options:
            continue
        fits = {t: fit(t) for t in options}
        intent = max(options, key=lambda t: fits[t] + (found[t].score if t in found and fits[t] > 0 else 0.0))
        if fits[intent] <= 0 and (heard := _heard_instead(options, cue, clause, req, vocab)):
            intent = heard
        elif fits[intent] <= 0:
            if not cue.fallback and (not req.resources or cue.weight >= NAMED_TASK_WEIGHT):
                inputless.append((options[0], start, end, cue.weight))
            continue
        cand = candidate(intent, start, end)
        cand.score += cue.weight
        cand.position = min(cand.position, start)
        cand.cue_end = max(cand.cue_end, end)
        if not cue.fallback:
            named.add(intent)
            cand.named = True
        for other in [] if cue.fallback else _also_named(intent, options, clause, req):
            # "classify invoice.png and speech.wav": one cue, an image and an audio to classify
            more = candidate(other, start, end)
            more.score += cue.weight
            named.add(other)
            more.named = True
    if not named and inputless:
        # a request with nothing to work on that names only such tasks ("transcribe"), or that
        # names one outright for a file of another kind ("detect faces in call.wav"): the first,
        # which then finds no input and is named as missing, rather than the matcher's guess
        intent, start, end, weight = inputless[0]
        found[intent] = Candidate(intent, weight, start, end, clause, named=True)
        named.add(intent)
    if matcher is not None and not named and _matchable(clause, lenient):
        _add_semantic(found, clause, req, produced, vocab, matcher, semantic)
    least = MIN_SCORE if asks_for_something(clause) else CONTEXT_MIN_SCORE
    passing = [c for c in found.values() if c.score >= least]
    if any(c.intent in named for c in passing):
        passing = [c for c in passing if c.intent in named]
    best = max((c.score for c in passing), default=0.0)
    return _one_per_task([c for c in passing if c.score >= RELATIVE_SCORE * best])


BARE_FILE_TASKS = {"image": "image-to-text", "audio": "automatic-speech-recognition", "text": "summarization"}
"""What a request that is only a file name asks for: what the picture shows, what the recording
says, what the text is about."""


def _heard_instead(options: Sequence[str], cue: Cue, clause: Clause, req: RequestText, vocab: Vocabulary) -> str | None:
    """Speech recognition for a cue asking to describe or read ("describe", "what happens in", "written
    down") a recording or a video the clause names: no task sees a video's frames, and what a sound
    track says is what can be told (over a vocabulary whose speech recognition takes that kind of file)."""
    asr = "automatic-speech-recognition"
    if cue.fallback or "image-to-text" not in options or asr not in vocab.intents:
        return None
    named = {req.resources[i].modality for i in clause.resources}
    return asr if "image" not in named and named & {"audio", "video"} & set(vocab.modalities(asr)) else None


def _bare_files(clause: Clause, req: RequestText, vocab: Vocabulary) -> list[Candidate]:
    """The task a clause that is nothing but one file's name asks for (:data:`BARE_FILE_TASKS`, "photo.jpg"),
    when the whole request is that clause; else none."""
    if len(req.clauses) != 1 or len(clause.resources) != 1 or re.sub(r"[\W_]+", "", PLACEHOLDER_RE.sub("", clause.masked)):
        return []
    resource = req.resources[clause.resources[0]]
    intent = BARE_FILE_TASKS.get(resource.modality) if resource.kind != "quote" else None
    if intent is None or intent not in vocab.intents:
        return []
    return [Candidate(intent, STRONG_SCORE, 0, len(clause.masked), clause, named=True)]


def _also_named(intent: str, options: Sequence[str], clause: Clause, req: RequestText) -> list[str]:
    """The other intents of an ambiguous cue whose media input the clause names, when it also names
    the chosen intent's, which takes none of those media."""
    named = {req.resources[i].modality for i in clause.resources} - {"text"}
    taken = set(TASK_TYPES[INTENTS[intent]].args[0].modalities)
    if len(options) < 2 or not taken & named:
        return []
    return [o for o in options if o != intent and not taken & (wanted := set(TASK_TYPES[INTENTS[o]].args[0].modalities))
            and wanted & named and "text" not in wanted]


def _quoted_questions(clause: Clause, req: RequestText) -> list[tuple[Cue, int, int]]:
    """A question quoted in the clause counts as a question mark, unless the clause is only the text
    the question before it asks about ("Which language is this? Wie geht es dir?")."""
    if clause.index > 0 and is_question(req.clauses[clause.index - 1].masked) \
            and re.fullmatch(rf"\s*{PLACEHOLDER_RE.pattern}[\s.!?]*", clause.masked):
        return []
    quoted = [i for i in clause.resources if req.resources[i].kind == "quote"
              and is_question(req.resources[i].value)]
    return [(QUOTED_QUESTION_CUE, len(clause.masked), len(clause.masked))] if quoted else []


def _add_semantic(
    found: dict[str, Candidate], clause: Clause, req: RequestText, produced: Sequence[str], vocab: Vocabulary,
    matcher: IntentMatcher, semantic: frozenset[str] | None = None,
) -> None:
    """Add the matcher's best intent for a clause no cue names a task in (when its input is at hand),
    never one that makes from words what the clause names a file of."""
    text = req.matcher_text(clause)
    at_hand = {*produced, *(r.modality for r in req.resources)}
    # "describe video.mp4" is about the video given, not one to make from the clause's words
    named = {req.resources[i].modality for i in clause.resources if req.resources[i].kind == "file"} - {"text"}
    ranked = [(intent, margin + (AT_HAND_BONUS if _takes(intent, at_hand) else 0.0), margin)
              for intent, margin in matcher.best(text, vocab.intents if semantic is None else vocab.intents & semantic)
              if _fit(intent, clause, req, produced) > 0
              and not (_takes(intent, ["text"]) and set(vocab.outputs.get(INTENTS[intent], ())) & named)]
    for intent, _, margin in sorted(ranked, key=lambda r: -r[1]):
        cand = found.setdefault(intent, Candidate(intent, _input_boost(intent, clause, req, produced), 0, 0, clause))
        cand.score += MIN_SCORE + SEMANTIC_WEIGHT * margin
        cand.semantic = True
        return


def _takes(intent: str, modalities: Iterable[str]) -> bool:
    """Whether the intent's task takes one of ``modalities`` as its main input."""
    return bool(set(TASK_TYPES[INTENTS[intent]].args[0].modalities) & set(modalities))


def _one_per_task(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per registry task type (``image-editing`` and ``image-to-image`` compete)."""
    best: dict[str, Candidate] = {}
    for c in candidates:
        if c.task not in best or c.score > best[c.task].score:
            best[c.task] = c
    return [c for c in candidates if best[c.task] is c]


def _speaks_what_is_made(cand: Candidate, pending: Sequence[Candidate], vocab: Vocabulary) -> bool:
    """Whether ``cand`` is speech of a text another task of its clause is still to write, over the
    registry: "I want to hear a summary of report.txt" speaks the summary, not the report (on
    TaskBench's graph, whose requests name the steps in their order, the order scores better)."""
    return vocab.over_registry and cand.task == "text-to-speech" and any(
        o is not cand and "text" in vocab.outputs.get(o.task, ())[:1] and o.task not in LABEL_TASKS for o in pending)


_ANSWER_TO_RE = re.compile(r"(?<!\w)(?:the|an|your) answers? to\b")


def _waits_for_answer(cand: Candidate, pending: Sequence[Candidate], vocab: Vocabulary) -> bool:
    """Whether ``cand`` takes the answer to a question another task of its clause is still to
    ask: "translate the answer to 'Who wrote it?' from letter.txt into French" asks first."""
    return cand.intent not in QUESTION_TASKS and "text" in vocab.modalities(cand.task) \
        and bool(_ANSWER_TO_RE.search(cand.clause.lower)) and any(o.intent in QUESTION_TASKS for o in pending)


def order(candidates: Sequence[Candidate], vocab: Vocabulary, available: Iterable[str] = ()) -> list[Candidate]:
    """A clause's tasks in the order they are mentioned, except that a task whose input only
    another of them can give (no resource or earlier output of that modality is ``available``)
    comes after it: "read the text in scan.png aloud" is image-to-text, then text-to-speech; and
    speech comes after a text its clause writes ("I want to hear a summary of report.txt")."""
    pending = sorted(candidates, key=lambda c: c.position)
    have = set(available)
    ordered: list[Candidate] = []
    while pending:
        free = [c for c in pending if (set(vocab.modalities(c.task)) & have or not any(
            vocab.feeds(o.task, c.task) and not vocab.feeds(c.task, o.task) for o in pending if o is not c))
            and not _speaks_what_is_made(c, pending, vocab) and not _waits_for_answer(c, pending, vocab)]
        chosen = (free or pending)[0]
        ordered.append(chosen)
        pending.remove(chosen)
    return ordered


__all__ = ["Candidate", "Vocabulary", "asks_for_something", "cue_matches", "needs_matcher",
           "order", "requests_something", "score_clause"]
