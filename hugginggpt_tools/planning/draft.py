"""The plan being built: the tasks so far, and where a task's inputs come from.

:class:`PlanDraft` holds the offline planner's tasks as they are added, each with its strength and
the clause it came from, and finds an argument's value among the request's resources
(:meth:`PlanDraft._take`), the earlier tasks' outputs (:meth:`PlanDraft._latest_output`) or a
converting step put in front (:meth:`PlanDraft._bridge`). The readings of a task's text
(:mod:`.texts`), of its question (:mod:`.questions`) and the links made once every clause is read
(:mod:`.linking`) build on it; :class:`~hugginggpt_tools.planning.arguments.PlanBuilder` puts them
together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from ..dag import reference_id, reference_ids
from ..tasks import TASK_TYPES
from .clauses import Clause, RequestText, is_question
from .intents import Candidate, Vocabulary
from .lexicon import ANAPHORA, LABEL_TASKS, ORIGINAL

CONVERTERS = {"image": ("image-to-text", "image-classification", "object-detection", "tabular-classification"),
              "audio": ("automatic-speech-recognition", "audio-classification")}
"""Intents that turn an image or an audio file into text, for a text task given only such a file
(the node model picks among them)."""
BRIDGES = {**{modality: options[0] for modality, options in CONVERTERS.items()}, "video": "automatic-speech-recognition"}
"""The step put in front of a text task given only an image, an audio or a video file (the
default; a video's words are its sound track's: "summarize the talk in lecture.mp4")."""
PLURAL_RE = re.compile(r"(?<!\w)(?:them|both|each of them|all of them|the (?:\w+ )?(?:translations|results|outputs|"
                       r"captions|descriptions|summaries|transcripts|transcriptions|answers|texts|versions)|"
                       r"(?:each|every) (?:translation|result|output|caption|description|summary|transcript|"
                       r"transcription|answer|text|version))(?!\w)")
"""Words that name several earlier outputs at once ("read them aloud", "the translations", "each caption")."""
_ASR, _CAPTION, _QA = ("automatic-speech-recognition",), ("image-to-text",), (
    "question-answering", "visual-question-answering", "document-question-answering")
OUTPUT_KINDS = {"transcript": _ASR, "transcripts": _ASR, "transcription": _ASR, "transcriptions": _ASR,
                "caption": _CAPTION, "captions": _CAPTION, "description": _CAPTION, "descriptions": _CAPTION,
                "translation": ("translation",), "translations": ("translation",), "summary": ("summarization",),
                "summaries": ("summarization",), "answer": _QA, "answers": _QA}
OUTPUT_KIND_RE = re.compile(r"(?<!\w)(?:the|that|this|your|its) (?:\w+ )?(transcripts?|transcriptions?|captions?|"
                            r"descriptions?|translations?|summary|summaries|answers?)(?!\w)")
"""An earlier output named by its kind ("the transcript"), and the task types that make it."""
OWN_TEXT_RE = re.compile(
    r"(?<!\w)the (?:(?P<which>first|second|former|latter|last)(?: one| sentence| text| phrase| quote|(?<=former)|"
    r"(?<=latter))|"
    r"(?:original )?(?:english|source|untranslated|quoted) (?:sentence|text|phrase|version|line|quote)|"
    r"(?:original|untranslated|quoted) (?:sentence|text|phrase|line|quote))(?!\w)")
"""A clause naming a text the request quotes as the user's own: "the English sentence", "the first one"."""
MAPS = frozenset({"image-segmentation", "depth-estimation", "object-detection"})
"""Tasks whose picture maps what they found in their input; a next task asks of the input, unless it
refers to the map."""
READS_PROSE = frozenset({"text-classification", "token-classification"})
"""Text tasks that read prose: given "it", they skip an earlier list of labels for the text before it
("transcribe it, find the names, then tell me its sentiment"; "detect the language of '...' and find
the names in it"). Summaries and translations of a list of labels are asked for ("summarize the
tagged version"), so those tasks chain as written."""
_NAMES_LABELS_RE = re.compile(r"(?<!\w)(?:the|those|these|that|its|their|each) (?:\w+ )?(?:labels?|entities|names|tags|"
                              r"categor(?:y|ies)|classifications?|detections?|objects|results?|output|list|predictions?)(?!\w)")
"""A clause that names an earlier list of labels as its text ("translate the labels")."""
_SEVERAL_INPUTS_RE = re.compile(
    r"(?<!\w)(?:these|those|both|each|every|them|the (?:two|three|four|five)|all of (?:the|them)|(?:images|photos|pictures|pics|photographs|"
    r"screenshots|scans|pages|recordings|files|clips|videos|tracks|songs|documents|tables|spreadsheets))(?!\w)")
"""Words that speak of several inputs ("caption these photos", "transcribe both")."""
_THESE_FILES_RE = re.compile(r"(?<!\w)(?:these|those|both|each|every|all(?: of)?(?: the)?) (?:\w+ )?(?:images?|photos?|"
                             r"pictures?|pics|photographs|screenshots|scans|pages|recordings|files|clips|videos|"
                             r"tracks|songs|documents)(?!\w)")
"""Words that point at several files named before ("how many zebras are in these pictures?")."""
_BOTH_RE = re.compile(r"(?<!\w)(?:both|each of them|all of them|them both|them all|the two|all three)(?! \w+ (?:and|&)\b)(?!\w)")
"""Words that point at the files named before as a group ("describe both"; not "both French and German")."""
TEXT_RESULT_RE = re.compile(
    r"(?<!\w)(?:(?:the|that|this|its|your|their|these|those|resulting|generated)\s+(?:\w+\s+)?(?:answers?|labels?|"
    r"results?|captions?|text|reply|replies|response|summary|transcript(?:ion)?|translation|description|"
    r"classification|category|categories|output|findings|story|paragraph|dialogue|conversation|phrase|sentence|"
    r"suggestion)|"
    r"(?:based on|from|use|using|with|according to) (?:it|that|this|them|what)|"
    r"what (?:i|you|we|he|she|they) (?:said|say|wrote|asked|recorded|dictated|mentioned|described|found|see|saw|notice|noticed|spot|spotted|observe|observed)|"
    r"what (?:the|that|this|it) (?:\w+ )?(?:says|said|shows|showed|found|returned|tells))(?!\w)")
"""A clause's mention of an earlier text result, which a question, an instruction or a comparison
may then be."""
_MEDIA_MENTION_RE = re.compile(
    r"\s*(?:(?<!\w)(?:in|of|on|off|from|to|for|within|inside|at|behind|about|under|near|beside|around|across|over)\s+)?"
    r"(?:(?<!\w)(?:the|this|my|that|an?)\s+)?"
    r"(?:(?:image|photo|picture|file|audio|recording|video|document|pic)\s+(?:(?:called|named|titled)\s+)?)?"
    "\ue000(\\d+)[\ue001\ue002]", re.IGNORECASE)
_TO_MAKE_RE = re.compile(
    r"(?<!\w)(?:write|compose|tell|create|make|generate|draft|invent|come up with) (?:me |us )?the (?:\w+ )?"
    r"(?:story|stories|poem|song|tale|essay|speech|letter|script|joke|description|text) (?=(?:of|about|on|where|in which|"
    r"for|behind) \w)")
"""A thing to make that the clause then describes ("write the story of a knight"): no earlier story."""
_ANSWER_NAMED_RE = re.compile(r"\b(?:answers?|reply|replies|response)\b")
"""A clause that names an earlier answer as what it works on ("translate the answer")."""
_POLITE_RE = re.compile(
    r"^(?:(?:so|well|now|ok|okay|also|and|then|hey|hi)\b,?\s*)*"
    r"(?:(?:(?:could|can|would|will) you\s+(?:please\s+|kindly\s+|also\s+)*(?:(?:help|assist)\s+(?:me\s+)?"
    r"(?:(?:in|with|to|by)\s+)?)?|please\s+|kindly\s+|i(?:'d| would) (?:like|love|appreciate it if)\s+(?:you\s+|it\s+)?"
    r"(?:to\s+|if you could\s+)?(?:help\s+(?:me\s+)?(?:to\s+)?)?|i (?:want|need)\s+(?:you\s+)?(?:to\s+)?|"
    r"help me\s+(?:to\s+)?|let'?s\s+|i'?m (?:curious|wondering)\s+(?:about\s+|if\s+|whether\s+)?)\s*)+",
    re.IGNORECASE)
_TRAILING_RE = re.compile(r"(?:,?\s+(?:for me|please|for us|as well|too))+\s*([?.!]?)$", re.IGNORECASE)
DESCRIBED_TASKS = frozenset({"text-to-image", "text-to-video"})
"""Tasks that make a picture or a video from a description of it."""


def clean(text: str) -> str:
    """A clause's words as a task argument: politeness ("could you please") and trailing "for me" cut."""
    text = _POLITE_RE.sub("", text.strip()).strip(" ,;:")
    return _TRAILING_RE.sub(r"\1", text).strip(" ,;:")


@dataclass(frozen=True)
class Missing:
    """A task the request asks for that was left out: an input it needs is neither in the request
    nor an earlier task's output."""

    task: str
    words: str
    """The clause that asked for it."""
    argument: str
    """The argument that found no value ("image", "audio", "context", ...)."""
    modality: str
    after: str | None = None
    """When that input was to be the output of a task left out before it ("describe the photo,
    then translate the description", with no photo): that task."""
    given: tuple[tuple[str, str], ...] = ()
    """The request's files of other kinds, as (file, modality): "Transcribe this audio" given
    house.png is told that house.png is an image."""

    def note(self, name: Callable[[str], str] = str) -> str:
        """One line for the user: the task left out (``name`` gives a task type's name), why, and
        what to do."""
        task = name(self.task)
        if self.after is not None:
            return f"{task} works on the output of {name(self.after)}, which could not be planned ({self.words!r})"
        if self.modality == "text" and self.task in DESCRIBED_TASKS:
            made = "video" if "video" in self.task else "image"
            return (f"{task} needs a description of the {made} to make and the request gives none "
                    f"({self.words!r}); say what it should show (\"make {'a' if made == 'video' else 'an'} "
                    f"{made} of a lighthouse at night\")")
        if self.modality == "text":
            what = "a text" if self.argument == "text" else f"a {self.argument} text"
            return (f"{task} needs {what} and the request gives none "
                    f"({self.words!r}); quote the text in the request")
        needed = _KIND_NOUNS[self.modality]
        others = ", ".join(f"{file} is {_KIND_NOUNS.get(kind, kind)}" for file, kind in self.given)
        return (f"{task} needs {needed} and the request gives none "
                f"({self.words!r}{f': {others}, not {_KIND_NOUNS.get(self.modality)}' if others else ''}); "
                f"attach the {self.modality} file or name it in the request")


_KIND_NOUNS = {"image": "an image", "audio": "an audio file", "video": "a video", "table": "a table",
               "text": "a text file"}


def kinds_named(text: str) -> tuple[str, ...]:
    """The task types whose output ``text`` names by its kind ("the transcript": speech recognition)."""
    named = OUTPUT_KIND_RE.search(text)
    return OUTPUT_KINDS[named.group(1)] if named else ()


def refs(args: Mapping[str, str]) -> list[int]:
    """The tasks whose outputs ``args`` use (``<resource>-K``, whole or in a text), sorted."""
    return sorted({k for v in args.values() for k in reference_ids(v)})


def task_dict(name: str, task_id: int, args: dict[str, str]) -> dict[str, Any]:
    """A HuggingGPT task dict, its ``dep`` the tasks ``args`` use."""
    return {"task": name, "id": task_id, "dep": refs(args) or [-1], "args": args}


@dataclass
class PlanDraft:
    """The tasks planned so far, as HuggingGPT task dicts with their strengths and clauses, the
    request's resources they used, and the tasks left out; the primitives that find a task's inputs."""

    req: RequestText
    vocab: Vocabulary
    tasks: list[dict[str, Any]] = field(default_factory=list)
    strengths: list[float] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    missing: list[Missing] = field(default_factory=list)
    bridges: dict[str, str] = field(default_factory=lambda: dict(BRIDGES))
    clauses: list[Clause | None] = field(default_factory=list)
    _clause: Clause | None = field(default=None, init=False, repr=False)
    _reading: bool = field(default=False, init=False, repr=False)
    """Whether the task being added reads the next file its clause names (:meth:`_unread`)."""

    @property
    def feed_from_missing(self) -> bool:
        """Whether the plan is one that runs, over the registry (:attr:`Vocabulary.over_registry`),
        rather than one scored against a benchmark's tool graph. A text task whose text was to be
        the output of a task left out for want of input ("describe the photo, then translate the
        description", no photo) is then left out too, rather than given its clause's words (on a
        graph the task counts although it cannot run); texts are taken as a run needs them (an
        unquoted text without the instruction around it, :meth:`_object_text`; a quoted question as
        the text when no other is given); and the registry-only readings of this module apply."""
        return self.vocab.over_registry

    def produced(self) -> list[str]:
        """The modalities earlier tasks output, the latest task's main output last (a detector's
        image after its list of labels: "detect the objects in it and classify it" classifies an
        image, not the labels' sentiment)."""
        found = [m for t in self.tasks for m in sorted(
            self.vocab.outputs.get(t["task"], ())[::-1], key=lambda m: t["task"] in LABEL_TASKS and m != "text")]
        return list(dict.fromkeys(found[::-1]))[::-1]

    def _append(self, task: str, args: dict[str, str], strength: float) -> str:
        self.tasks.append(task_dict(task, len(self.tasks), args))
        self.strengths.append(strength)
        self.clauses.append(self._clause)
        return f"<resource>-{len(self.tasks) - 1}"

    def _take(self, indices: Sequence[int], modalities: Sequence[str], *, reuse: bool = False,
              question: bool | None = None) -> str | None:
        """The first resource among ``indices`` of one of ``modalities`` (unused unless ``reuse``);
        ``question`` limits quotes to questions (True) or to other texts (False)."""
        for m in modalities:
            for i in indices:
                r = self.req.resources[i]
                if r.modality != m or (i in self.consumed and not reuse):
                    continue
                if question is not None and (r.kind == "quote" and is_question(r.value) != question
                                             or question and r.kind != "quote"):
                    continue  # a file is a text to read, never the question asked about it
                self.consumed.add(i)
                return r.value
        return None

    def _latest_output(self, modalities: Sequence[str], *, primary: bool = True, prose: bool = False,
                       skip: str | None = None) -> str | None:
        """The latest task's output of one of ``modalities`` (its main one, if ``primary``); with
        ``prose``, no list of labels (:data:`LABEL_TASKS`); never ``skip``."""
        for k in range(len(self.tasks) - 1, -1, -1):
            outputs = self.vocab.outputs.get(self.tasks[k]["task"], ())
            if set(outputs[:1] if primary else outputs) & set(modalities) and not (
                    prose and self.tasks[k]["task"] in LABEL_TASKS) and f"<resource>-{k}" != skip:
                return f"<resource>-{k}"
        return None

    def _wants_prose(self, task: str, clause: Clause | None) -> bool:
        """Whether the task reads a text that labels are no stand-in for ("transcribe it, find the
        names in it, then tell me its sentiment": the transcript's, not the names'; over the
        registry also a summary: "what emotion does the speaker in call.wav show, and what is the
        call about?" summarizes the call's words), unless the clause names the labels ("translate
        the labels")."""
        reads_prose = task in READS_PROSE or self.feed_from_missing and task == "summarization"
        return reads_prose and not (clause and _NAMES_LABELS_RE.search(clause.lower))

    def _all(self) -> list[int]:
        return list(range(len(self.req.resources)))

    def _bridge(self, indices: Sequence[int], strength: float, heard: bool = False) -> str | None:
        """An image-to-text or speech-recognition step over an unused image or audio resource (with
        ``heard``, over a recording or video a task already used: its words, beside its labels)."""
        for i in indices:
            r = self.req.resources[i]
            bridge = self.bridges.get(r.modality)
            if heard and r.modality not in ("audio", "video"):
                continue
            if bridge and bridge in self.vocab.outputs and (i not in self.consumed or heard):
                self.consumed.add(i)
                return self._append(bridge, {TASK_TYPES[bridge].args[0].name: r.value}, strength)
        return None

    def _clause_text(self, clause: Clause) -> str:
        return clean(self.req.unmask(clause.masked, quotes=False))

    def _refers_back(self, clause: Clause) -> bool:
        words = _TO_MAKE_RE.sub(" ", clause.lower)
        return bool(ANAPHORA.search(words)) and not ORIGINAL.search(words)

    def _words_without_media(self, clause: Clause, masked: str | None = None) -> str:
        """The clause's words (or ``masked``, a part of them) without its mentions of files ("in
        the photo example.jpg")."""
        text = _MEDIA_MENTION_RE.sub(
            lambda m: "" if self.req.resources[int(m.group(1))].modality != "text" else m.group(),
            clause.masked if masked is None else masked)
        return clean(self.req.unmask(text, quotes=False))

    def _fuller(self, found: str | None, clause: Clause) -> str | None:
        """Over the registry, for a question or a judgement of a text, the text a summary was made of
        rather than the summary ``found``, unless the clause names the summary: "Summarize email.txt
        and tell me who sent it" asks email.txt, which the summary may have left the sender out of.
        Likewise the text an earlier question was answered from rather than its answer: "Who wrote
        email.txt? What does it ask for?" asks email.txt again."""
        k = reference_id(found) if found is not None and self.feed_from_missing else None
        if k is not None and self.tasks[k]["task"] == "question-answering" and not _ANSWER_NAMED_RE.search(clause.lower):
            return self.tasks[k]["args"].get("context") or found
        if k is None or self.tasks[k]["task"] != "summarization":
            return found
        source = self.tasks[k]["args"].get("text")
        if reference_id(source) is None and source and "summarization" not in kinds_named(clause.lower):
            return source
        return found

    def _readable(self, clause: Clause) -> Sequence[int]:
        """The files a clause's text task may read, one task each: those it names, else, when it
        speaks of them in the plural ("read them both out loud"), the request's own."""
        return clause.resources or (range(self.req.own) if PLURAL_RE.search(clause.lower) else [])

    def _main_inputs(self, cand: Candidate) -> set[int]:
        """The clause's resources that could be the candidate's main (first) input; when it names
        none but speaks of several ("caption these photos", "transcribe both"), the given files
        that no clause names."""
        wanted = self.vocab.modalities(cand.task)
        named = {i for i in cand.clause.resources if self.req.resources[i].modality in wanted}
        return named or self._several_given(cand.clause, wanted)

    def _several_given(self, clause: Clause, modalities: Sequence[str]) -> set[int]:
        """The given files of ``modalities`` that no clause names, or that only a clause asking
        nothing names ("Given images A: a.jpg, B: b.jpg, C: c.jpg, how many zebras are in these
        pictures?"), when there are several and ``clause`` speaks of several inputs ("caption these
        photos"), else none."""
        if not _SEVERAL_INPUTS_RE.search(clause.lower):
            return set()
        tasked = {i for c in self.clauses if c is not None for i in c.resources}
        # "these pictures", "describe both" (of day.jpg and night.jpg named before), not "them"
        named = bool(_THESE_FILES_RE.search(clause.lower) or _BOTH_RE.search(clause.lower))
        given = {i for i, r in enumerate(self.req.resources) if r.modality in modalities
                 and (not r.mentioned or named and r.kind == "file" and i < self.req.own and i not in tasked)}
        return given if len(given) > 1 else set()


__all__ = ["BRIDGES", "CONVERTERS", "DESCRIBED_TASKS", "MAPS", "OUTPUT_KINDS", "OUTPUT_KIND_RE", "PLURAL_RE",
           "READS_PROSE", "TEXT_RESULT_RE", "Missing", "PlanDraft", "clean", "kinds_named", "refs", "task_dict"]
