"""Filling the offline planner's tasks: each argument from the request or an earlier task.

A media argument (image, audio, video, table) takes a resource of its clause, else the latest
earlier output of its modality (unless the clause says "the original"), else a resource from
elsewhere in the request. A text argument takes a quote of its clause, else an earlier output
when the clause refers back ("it", "the caption") or the task transforms text (a summary, a
translation), else a quote from elsewhere, else the clause's own words; a text task given only an
image or an audio file gets an image-to-text or speech-recognition step in front of it.
Questions, contexts, prompts and editing instructions each have their own reading; one that only
names an earlier result ("use the label as the edit") takes it. Once every clause is read, outputs
nobody uses feed the tasks whose input was only a guess (:meth:`PlanBuilder.link_unused_outputs`).

:class:`PlanBuilder` puts together the plan so far and its input-finding primitives
(:class:`~.draft.PlanDraft`), the readings of a task's text (:class:`~.texts.TextArguments`) and
of its question and context (:class:`~.questions.QuestionArguments`), and the links made at the end
(:class:`~.linking.OutputLinking`); this module reads media arguments, editing instructions,
languages and second texts, and adds each clause's tasks.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Sequence

from ..asking import JUDGED_TASKS, judgements_asked
from ..dag import MAX_TASKS, reference_id
from ..filekinds import any_os_path
from ..schemas import TEXTS_SEPARATOR
from ..tasks import TASK_TYPES, ArgSpec
from .clauses import Clause, RequestText, is_question
from .draft import MAPS, OUTPUT_KIND_RE, OUTPUT_KINDS, PLURAL_RE, Missing, refs
from .intents import Candidate
from .lexicon import (
    INSTRUCTED,
    LANGUAGE_SOURCE,
    ORIGINAL,
    PROMPT_TASKS,
    QUESTION_TASKS,
    RESULT_PHRASE,
    target_languages,
)
from .linking import OutputLinking
from .questions import QuestionArguments, split_questions, without_file
from .texts import TextArguments

logger = logging.getLogger(__name__)

_FIRST_TAIL_RE = re.compile(r"[\s,]+(?:first|beforehand|before anything else)[.!]?$", re.IGNORECASE)
"""The words by which an instruction asks to come first ("remove the background first")."""
_IMPROVERS = frozenset({"image-to-image", "audio-to-audio"})
"""Tasks whose output is their input made better or changed, which a next task of their clause takes."""
_COMPARES_RE = re.compile(r"(?<!\w)(?:which|whichever|compare|compared|comparing|between|both|differ\w*|difference|"
                          r"same|similar|alike|common|share|shared|each other|together|more|less|fewer|than|most|least|better|worse)(?!\w)",
                          re.IGNORECASE)
"""Words of a question that compares the files it names: asked of each, it is still asked whole."""
_EACH_RE = re.compile(r"(?<!\w)(?:each|every|per|respectively|apiece)(?!\w)")
"""Words that ask for one task per output even where :data:`_TOGETHER_RE` matches ("write a poem about each of them")."""
_READS_APART = frozenset({"summarization", "question-answering"})
"""Tasks whose backends read several texts joined by :data:`TEXTS_SEPARATOR` one by one."""
_TOGETHER_RE = re.compile(r"(?<!\w)(?:together|combin(?:e|es|ed|ing)|merg(?:e|es|ed|ing)|jointly|as a whole|"
                          r"(?:one|a single) (?:\w+ )?(?:summary|story|text|paragraph|report|answer)|"
                          r"into an? (?:\w+ )?(?:poem|story|song|essay|paragraph|script|report|letter|speech)|"
                          r"(?:write|compose|create|make|draw|generate|paint) (?:me )?(?:a|an|one) (?:\w+ ){0,2}(?:poem|story|"
                          r"song|essay|paragraph|script|letter|picture|image|drawing|painting|video|clip))(?!\w)")
"""Words that ask for one task over several outputs ("summarize them together") rather than one each."""
_UNKNOWN_TARGET_RE = re.compile(r"\btranslat\w*\b.*?\binto\s+(?:the\s+)?([a-z][\w'-]+)(?:\s+language)?[\s.!?]*$",
                                re.IGNORECASE)
_NO_LANGUAGE = frozenset("text texts words speech audio writing it them this that something plain simple everyday "
                         "other another more less language languages lowercase uppercase capitals caps emoji emojis "
                         "code json csv table list bullets numbers digits".split())
"""Words that end "translate ... into" and name no language ("into text", "into plain words")."""


def earlier_outputs_named(req: RequestText) -> set[str]:
    """The task types whose earlier-turn outputs the request names by kind ("find the names in the
    translation", after a turn that translated): the request means that output, not a new task."""
    made = {task for task, _ in req.earlier_outputs}
    return {task for m in OUTPUT_KIND_RE.finditer(req.lower) for task in OUTPUT_KINDS[m.group(1)] if task in made}


def _language(pattern: re.Pattern[str], *texts: str) -> str | None:
    for text in texts:
        m = pattern.search(text)
        if m:
            return m.group(1).capitalize()
    return None


@dataclass
class PlanBuilder(TextArguments, QuestionArguments, OutputLinking):
    """Turns ordered candidates into HuggingGPT task dicts, filling their arguments (:meth:`add_clause`),
    then links and orders them (:meth:`link_unused_outputs`)."""

    def _media(self, spec: ArgSpec, clause: Clause, task: str) -> str | None:
        """An image/audio/video/table argument: from the clause, an earlier task, or the request."""
        mods = self.vocab.modalities(task, spec)
        found = self._take(clause.resources, mods)
        latest = self._latest_output(mods)
        made_by = self.tasks[reference_id(latest)]["task"] if latest is not None else None
        if found is None and self.feed_from_missing and (not self._refers_back(clause) or made_by in MAPS) \
                and not RESULT_PHRASE.search(clause.lower) and made_by not in (None, *_IMPROVERS):
            # over the registry, "a depth map and a segmentation of room.jpg": both of the photo
            # (but "denoise and transcribe memo.wav" transcribes the denoised recording); "segment
            # kitchen.jpg and estimate its depth": "its" is the photo's, not the mask's
            found = self._take(clause.resources, mods, reuse=True)
            if found is None and made_by in MAPS:
                # "segment the person in portrait.jpg and estimate the depth": of the photo, not the mask
                found = self._take(range(self.req.own), mods, reuse=True) or self._mapped(latest, mods)
        if found is None and not ORIGINAL.search(clause.lower):
            found = self._latest_output(mods)
        return (found or self._take(self._all(), mods) or self._take(clause.resources, mods, reuse=True)
                or self._take(self._all(), mods, reuse=True) or self._latest_output(mods, primary=False))

    def _mapped(self, ref: str | None, modalities: Sequence[str]) -> str | None:
        """The input the map that ``ref`` names was made of, when of ``modalities``: "generate an image
        of a city, estimate its depth, and segment it" segments the generated image, not its depth map."""
        k = reference_id(ref) if ref is not None else None
        if k is None:
            return None
        task = self.tasks[k]
        source = task["args"].get(TASK_TYPES[task["task"]].args[0].name)
        if source is None:
            return None
        j = reference_id(source)
        if j is not None:
            made = self.vocab.outputs.get(self.tasks[j]["task"], ())
            return source if set(made) & set(modalities) else None
        return source if any(r.value == source and r.modality in modalities for r in self.req.resources) else None

    def _second_text(self, cand: Candidate, first: str | None) -> str | None:
        """Sentence similarity's second text: another quote, or an earlier text output than the first."""
        clause = cand.clause
        # "caption a.jpg and b.jpg and compare them": the other caption
        # "compare the captions of a.jpg and b.jpg": b.jpg's caption
        return (self._take(clause.resources, ["text"]) or self._take(self._all(), ["text"])
                or self._bridge(clause.resources, cand.strength) or self._latest_output(["text"], skip=first))

    def _instruction(self, cand: Candidate) -> str | None:
        """An editing instruction: a quoted one, else the clause without the image's mention."""
        if cand.intent not in INSTRUCTED or not self.vocab.instructed_edit:
            return None
        clause = cand.clause
        found = self._take(clause.resources, ["text"]) or self._earlier_text(cand)
        if found:
            return found
        words = self._words_without_media(clause)
        if clause.first:  # "remove the background first": the order is the plan's, not the edit's
            words = _FIRST_TAIL_RE.sub("", words)
        return words or None

    def arguments(self, cand: Candidate) -> dict[str, str] | None:
        """The candidate's arguments, or None when a required one cannot be filled."""
        args: dict[str, str] = {}
        for spec in TASK_TYPES[cand.task].args:
            value = self._argument(cand, spec, args)
            if value is None and spec.required:
                # an open question ("Who wrote Hamlet?") lacks no input: it is one for a chat model
                if cand.named or spec.name != "context":
                    after = self.missing[-1].task if spec.name == "text" and self.missing else None
                    words = self._clause_text(cand.clause) or cand.clause.masked
                    given = () if spec.modality == "text" else tuple(
                        (any_os_path(r.value).name, r.modality)
                        for r in self.req.resources[:self.req.own] if r.kind == "file" and r.modality not in spec.modalities)
                    self.missing.append(Missing(cand.task, words, spec.name, spec.modality, after, given))
                return None
            if value is not None:
                args[spec.name] = value
        return args

    def _argument(self, cand: Candidate, spec: ArgSpec, args: dict[str, str]) -> str | None:
        clause, task = cand.clause, cand.task
        if spec.name == "target_language":
            return next(iter(self._target_languages(clause)), None)
        if spec.name == "source_language":
            return _language(LANGUAGE_SOURCE, clause.masked)
        if spec.modality != "text":
            return self._media(spec, clause, task)
        if self._reading and (spec.name == "context" or spec.name == "text" and task not in QUESTION_TASKS):
            # the next picture or recording of the clause to read the words of (:meth:`_unread`)
            return self._bridge(self._readable(clause), cand.strength)
        if task == "image-to-image":
            return self._instruction(cand)
        if task in QUESTION_TASKS and spec.name == "text":
            return self._question(cand)
        if spec.name == "context":
            return self._context(cand)
        if spec.name == "text2":
            return self._second_text(cand, args.get("text"))
        return self._text(cand)

    def _repeats(self, cand: Candidate) -> bool:
        """Whether the task type is already planned and the clause names no new input for it (nor a
        new file to read its text from: :meth:`_unread`). Over
        the registry, a clause of its own that describes something new to make is no repeat ("draw
        a cat, then draw a dog": two pictures), unless it refers back ("then draw it again"); nor is
        a question of its own ("What is in photo.jpg? Where was it taken?": two questions). (A
        classification asked for a judgement the planned ones are not is no repeat either: :meth:`add`.)"""
        planned = [k for k, t in enumerate(self.tasks) if t["task"] == cand.task]
        if planned and self.feed_from_missing and all(self.clauses[k] is not cand.clause for k in planned) and (
                cand.task in PROMPT_TASKS and not self._refers_back(cand.clause)
                or cand.task in QUESTION_TASKS and is_question(cand.clause.masked)):
            return False
        return bool(planned) and not (self._main_inputs(cand) - self.consumed) and not self._reading

    def _judged(self, task: str, clause: Clause | None) -> frozenset[str]:
        """Over the registry, the kinds of judgement (a language, a sentiment:
        :func:`~hugginggpt_tools.asking.judgements_asked`) ``clause`` asks a classification ``task`` for;
        none for other tasks. One classifier gives one kind of label: the same text classified for
        another kind is another task."""
        if task not in JUDGED_TASKS or clause is None or not self.feed_from_missing:
            return frozenset()
        return judgements_asked(self.req.unmask(clause.masked))

    def _judges_anew(self, cand: Candidate) -> bool:
        """Whether the candidate's clause asks for a kind of judgement (:meth:`_judged`) no task of its
        type planned so far was asked for ("what language is review.txt in, and is the reviewer happy?")."""
        asked = self._judged(cand.task, cand.clause)
        return bool(asked) and not asked <= {kind for t, clause in zip(self.tasks, self.clauses)
                                             if t["task"] == cand.task for kind in self._judged(cand.task, clause)}

    def _judged_again(self, cand: Candidate, each: list[dict[str, str]]) -> list[dict[str, str]]:
        """For a judgement asked anew by a clause that names no input of its own ("what language are
        a.txt and b.txt in, and are they positive?"), ``each`` over every input the earlier judgements of
        its type read, in their order."""
        wanted = self.vocab.modalities(cand.task)
        if any(self.req.resources[i].modality in wanted for i in cand.clause.resources):
            return each
        main = TASK_TYPES[cand.task].args[0].name
        read = list(dict.fromkeys(t["args"][main] for t in self.tasks if t["task"] == cand.task and main in t["args"]))
        return [{**one, main: value} for one in each for value in read] or each

    def add(self, cand: Candidate) -> bool:
        """Add the candidate's task; True when it used a new resource of its clause as main input.
        Past :data:`~hugginggpt_tools.dag.MAX_TASKS` tasks nothing more is added: the plan is too
        long to run, and each further task costs more ("read a.png and a.png and ..." 600 times)."""
        anew = self._judges_anew(cand)
        if not anew and self._repeats(cand) or len(self.tasks) > MAX_TASKS:
            return False
        before = set(self.consumed)
        args = self.arguments(cand)
        if args is None:
            logger.debug("Offline planner: no input for %s in %r", cand.task, cand.clause.masked)
            return False
        each = [one for some in self._for_each_sibling(cand, args) for one in self._each_question(cand, some)]
        each = self._judged_again(cand, each) if anew else each
        asked = self._judged(cand.task, cand.clause)
        for one in [*each, *(more for one in each for more in self._further_targets(cand, one))]:
            # the same task on the same inputs asked for the same kind of answer is planned once
            if not any(t["task"] == cand.task and t["args"] == one and self._judged(cand.task, clause) == asked
                       for t, clause in zip(self.tasks, self.clauses)):
                self._append(cand.task, one, cand.strength)
        return bool(self._main_inputs(cand) & (self.consumed - before))

    def _each_question(self, cand: Candidate, args: dict[str, str]) -> list[dict[str, str]]:
        """Over the registry, one question answering task per question of two joined by "and" ("Who
        sent email.txt and when was it sent?", "tell me who sent it and when": an extractive answer
        holds one passage, so one task answered only the first)."""
        question = args.get("text")
        if not self.feed_from_missing or cand.task not in QUESTION_TASKS or not isinstance(question, str):
            return [args]
        question = self._own_file(question, args)
        for name in {v for k, v in args.items() if k != "text" and any(r.value == v for r in self.req.resources)}:
            question = without_file(question, name)
        return [{**args, "text": one} for one in split_questions(question)]

    def _own_file(self, question: str, args: dict[str, str]) -> str:
        """The question asked of one of several files it names together, naming that file alone
        ("What is in receipt.png and agenda.png?" asked of agenda.png: "What is in agenda.png?");
        a question that compares them ("which of a.jpg and b.jpg has more people?") is left whole."""
        names = [self.req.resources[i].value for i in self._clause.resources] if self._clause is not None else []
        # the file itself, or the file an earlier step read for it (a recording's transcript)
        read = [self.tasks[k]["args"].get(TASK_TYPES[self.tasks[k]["task"]].args[0].name)
                for v in args.values() if (k := reference_id(v)) is not None]
        own = next((v for v in [*args.values(), *read] if v in names), None)
        if own is None or _COMPARES_RE.search(question):
            return question
        listed = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
        together = re.search(rf"(?:{listed})(?:(?:\s*,\s*|\s*,?\s+(?:and|&|or)\s+)(?:{listed}))+", question)
        if together is None or own not in together.group():
            return question
        return question[:together.start()] + own + question[together.end():]

    def _for_each_sibling(self, cand: Candidate, args: dict[str, str]) -> list[dict[str, str]]:
        """``args``, and when the clause names a group of outputs in the plural ("translate it
        into French and German, then read them aloud": one reading per translation) the same
        arguments over each output of the group (the tasks of one earlier clause and type as the
        output the task takes), in the group's order."""
        linked = [(name, k) for name, value in args.items() if (k := reference_id(value)) is not None]
        if len(linked) != 1:
            return [args]
        name, k = linked[0]
        # "read the text in a.png and b.png aloud", "... in each image aloud": the clause made the group
        if not PLURAL_RE.search(cand.clause.lower) and self.clauses[k] is not cand.clause:
            return [args]
        group = [j for j, t in enumerate(self.tasks) if t["task"] == self.tasks[k]["task"]
                 and self.clauses[j] is not None and self.clauses[j] is self.clauses[k]]
        if k not in group:
            return [args]
        if _TOGETHER_RE.search(cand.clause.lower) and not _EACH_RE.search(cand.clause.lower) \
                and TASK_TYPES[cand.task].arg(name).modality == "text":
            # "summarize them together": one task on the outputs' texts one after another
            # (apart for a summary or an answer, which must tell the texts apart; one prompt else)
            sep = TEXTS_SEPARATOR if cand.task in _READS_APART else "\n\n"
            return [{**args, name: sep.join(f"<resource>-{j}" for j in group)}]
        return [{**args, name: f"<resource>-{j}"} for j in group]

    def _further_targets(self, cand: Candidate, args: dict[str, str]) -> list[dict[str, str]]:
        """The arguments of one more translation per further language the clause lists ("into
        French, German and Italian": German and Italian), each of the same text."""
        if "target_language" not in args:
            return []
        return [{**args, "target_language": language} for language in self._target_languages(cand.clause)
                if language != args["target_language"]]

    def _target_languages(self, clause: Clause) -> list[str]:
        """The languages the clause asks for (:func:`target_languages`), else the request: never
        one named inside a quote ("translate 'the film is in English' into French"). Over the
        registry, a word no language is known by that ends a translation's clause after "into" is
        the target still ("into klingon"), for selection to say no model translates into it."""
        known = target_languages(clause.masked) or target_languages(" ".join(c.masked for c in self.req.clauses))
        unknown = _UNKNOWN_TARGET_RE.search(clause.masked) if not known and self.feed_from_missing else None
        return known or ([unknown.group(1).capitalize()] if unknown and unknown.group(1).lower() not in _NO_LANGUAGE
                         else [])

    def add_clause(self, candidates: Sequence[Candidate]) -> None:
        """Add a clause's tasks; a task repeats for each further input the clause names
        ("caption a.jpg and b.jpg")."""
        for cand in candidates:
            self._clause = cand.clause
            if self.add(cand):
                for _ in range(MAX_TASKS):  # a file named 600 times is one input, not 600 passes
                    if not (self._main_inputs(cand) - self.consumed and self.add(cand)):
                        break
            # "read sign.png and invoice.png aloud": speech of each picture's text, each read first
            while self._unread(cand):
                before = len(self.tasks)
                self.add(cand)
                if len(self.tasks) == before:
                    break
        self._clause = None

    def _unread(self, cand: Candidate) -> bool:
        """Over the registry, whether a text task's clause names another file its words are to be read
        from (its bridge: a picture's text, a recording's words; :meth:`_readable`) that no task used
        yet, after the task read one such file; the next :meth:`add` reads it (:attr:`_reading`)."""
        self._reading = False
        if not self.feed_from_missing or "text" not in self.vocab.modalities(cand.task)[:1] or not self.tasks:
            return False
        last = self.tasks[-1]
        bridged = [j for j in refs(last["args"]) if self.tasks[j]["task"] in self.bridges.values()
                   and self.clauses[j] is cand.clause]
        unread = [i for i in self._readable(cand.clause) if i not in self.consumed
                  and self.req.resources[i].kind == "file" and self.req.resources[i].modality in self.bridges]
        self._reading = bool(bridged and unread and last["task"] == cand.task)
        return self._reading


__all__ = ["PlanBuilder", "earlier_outputs_named"]
