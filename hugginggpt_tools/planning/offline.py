"""The offline planner: a plan in milliseconds, deterministic, with no LLM.

How it reads a request:

1. find the resources (files, URLs, quoted text; plus the files passed in and the files named in
   earlier turns) and mask them, so separators or cue words inside them do not count;
2. split the request into clauses ("then", "after that", ";", sentence ends, ", and", "and
   <verb>", "and use the result to", ...) (:mod:`.clauses`);
3. score the intents of each clause with the cue lexicon (:mod:`.lexicon`), an ambiguous cue
   going to the task whose input the request provides; a clause that asks for something no cue
   names is matched against example phrasings with the package's sentence embeddings
   (:mod:`.semantic`); a clause's tasks are ordered producers first (:mod:`.intents`);
4. fill each task's arguments from the clause, earlier outputs and the request (:mod:`.arguments`);
5. ask the node model (:mod:`.nodemodel`) which intents the whole request needs, given its
   words, its embedding and what steps 3-4 found, and plan again: intents it doubts (probability
   under ``keep_threshold``) are left out, unless it believes in their family (the question
   answering tasks, the classification tasks) together and keeps none of them; intents it is
   sure of (its ``threshold``) that no cue named go into the clause whose words suggest them
   most; the model never empties a plan, and over the registry it never fills one the rules left
   empty (see ``fill_empty``), keeps a task a cue names outright unless it all but rules it out
   (:data:`STRONG_CUE`) and the question answering of a clause put as a question, adds nothing
   but a translation into a language the request names or a task in the place of one it left
   out (:func:`_named_addition`), and reads a file given to a text task
   for its words (caption, transcript) whatever the model's favourite converter; it reads the
   request with each file named by a stand-in of its kind (:func:`~.nodemodel.embedding_text`), so
   no file name sways it;
6. feed outputs nobody uses into tasks whose main input was only a guess, and order the tasks by
   their data flow.

Given a :class:`~hugginggpt_tools.toolgraph.ToolGraph`, it plans only the graph's tasks and links
them by the graph's output types. Nothing matched means an empty plan with confidence 0.

A request that is only another language ("and into German?") repeats the chat's last request that
asked for one; a request that names tasks but holds nothing to work on ("transcribe") plans
nothing and says what is missing.

A task whose input the request lacks ("classify this image" with no image) is left out and named,
with the fix, in ``Plan.missing``; over the registry, a text task that was to work on its output
("... then translate the description") is left out with it rather than run on its clause's words.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Sequence

from langchain_core.messages import BaseMessage

from .. import dag
from ..errors import ConfigError, PlanError
from ..schemas import Plan, Task
from ..toolgraph import ToolGraph
from .arguments import PlanBuilder, earlier_outputs_named
from .base import Planner
from .clauses import GIVEN, PLACEHOLDER_RE, READ_AS, RequestText, mask, read_request
from .draft import BRIDGES, CONVERTERS, clean
from .intents import (
    STRONG_SCORE,
    Candidate,
    Vocabulary,
    asks_for_something,
    cue_matches,
    needs_matcher,
    only_points_at_a_file,
    order,
    score_clause,
)
from .lexicon import (
    FAMILIES,
    FIGURES,
    INTENTS,
    LANGUAGES,
    QUESTION_TASKS,
    RECKON_VERBS,
    language_spans,
    target_languages,
    with_target_language,
)
from .nodemodel import NodeModel, embedding_text, request_features, text_features, words
from .resources import find_resources
from .semantic import IntentMatcher

logger = logging.getLogger(__name__)

UNCOVERED_PENALTY = 0.15
"""Confidence lost per clause that asks for something the plan has no task for."""

KEEP_THRESHOLD = 0.2
"""Lowest node-model probability at which an intent the cue rules found stays in the plan."""

DROPPED_FACTOR = 0.8
"""Confidence kept when some task the request asks for found no input and was left out."""

FOREIGN_FACTOR = 0.5
"""Confidence kept when the request is clearly not in English, the language of the cue lexicon and
the example phrasings (so :class:`~.auto.AutoPlanner` asks its LLM)."""


class OfflinePlanner(Planner):
    """Plans with rules and example phrasings: no LLM, deterministic, milliseconds per request.

    Args:
        tools: the tool graph to plan with (default: every registered task type).
        matcher: the semantic matcher for clauses no cue names a task in; ``None`` uses the
            package's (sentence embeddings of its example phrasings, loaded on first use),
            ``False`` plans with the cue rules only.
        node_model: the request-level model of step 5; ``None`` uses the package's (the one that
            reads the request's embedding when the matcher is the package's, else the words-only
            one), ``False`` plans with the rules alone.
        keep_threshold: the node-model probability under which an intent the rules found is left out.
        fill_empty: whether the node model may add intents to a request where the rules found none.
            ``None`` (the default) allows it when planning over a given tool graph, where every
            request is for the tools (TaskBench's "tell me a joke" is its Conversational tool), and
            not over the registry, where an empty plan means no task fits ("what's the weather
            like tomorrow") and the response, or AutoPlanner's LLM, handles the request.

    The plan's ``confidence`` (0 to 1): with a node model that knows every intent of the
    vocabulary (the package's does, for the registry and for TaskBench's graph), the least
    probable planned intent times one minus the most probable one left out; otherwise how
    strongly the cues matched. Either is lowered when a clause that asks for something got no
    task. A request where nothing matched gets an empty plan with confidence 0.
    """

    name = "offline"

    def __init__(self, tools: ToolGraph | None = None, *, matcher: IntentMatcher | None | bool = None,
                 node_model: NodeModel | None | bool = None, keep_threshold: float = KEEP_THRESHOLD,
                 fill_empty: bool | None = None) -> None:
        self.tools = tools
        self.vocabulary = Vocabulary.from_graph(tools)
        if matcher is None or matcher is True:
            matcher = IntentMatcher.default()
        self.matcher: IntentMatcher | None = matcher or None
        if node_model is None or node_model is True:
            # the model that reads embeddings was trained on the package encoder's vectors
            package_vectors = False
            if self.matcher is not None:
                from ..model_index.embedding import planning_embedder  # local: model_index imports numpy

                package_vectors = self.matcher.encoder is planning_embedder()
            node_model = NodeModel.default(embedding=package_vectors)
        if node_model and node_model.uses_embedding and self.matcher is None:
            raise ConfigError("This node model reads the request's embedding, which needs the semantic matcher; "
                              "drop matcher=False or pass NodeModel.default(embedding=False).")
        self.node_model: NodeModel | None = node_model or None
        self.keep_threshold = keep_threshold
        self.fill_empty = tools is not None if fill_empty is None else fill_empty

    def plan(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> Plan:
        req = read_request(request, files, chat_history)
        again = _same_again(req, chat_history) if _ELLIPSIS_RE.match(request.strip()) else None
        if again is not None:  # "same for memo.png", "what about memo.png?": the last request on it
            return _read_as(self.plan(again[0], files=[*files, *again[1]]), again[0])
        again = _in_another_language(request, chat_history)
        if again is not None:  # "and into German?" after "Translate 'good morning' into French"
            # (with the chat, when it translates the last reply: "now in Spanish" after a summary)
            history = chat_history if again.startswith(_TRANSLATE_THAT) else ()
            return _read_as(self.plan(again, files=files, chat_history=history), again)
        builder, uncovered = self._build(req, self.vocabulary)
        if not builder.tasks and not builder.missing:
            again = _same_again(req, chat_history)
            if again is not None:  # "and the other image memo.png too": the last request on it
                return _read_as(self.plan(again[0], files=[*files, *again[1]]), again[0])
        probs = None
        if self.node_model is not None:
            builder, uncovered, probs = self._rebuild(req, builder, uncovered)
        if not builder.tasks and not builder.missing and self.matcher is not None:
            # nothing planned: let the matcher read clauses that name a file without asking in
            # words it knows ("Trnscrbe the adio file speech.wav pls")
            lenient, lenient_uncovered = self._build(req, self.vocabulary, lenient=True)
            if lenient.tasks:
                builder, uncovered, probs = lenient, lenient_uncovered, None
        confidence = _confidence(builder, uncovered, probs)
        missing = list(dict.fromkeys(m.note(self._name) for m in builder.missing))
        warning = language_warning(req)
        warnings = [warning] if warning else []
        try:
            plan = dag.check_plan(_with_clauses(builder, req), files=files, planner=self.name, confidence=confidence)
        except PlanError as exc:
            logger.warning("Offline plan for %r failed its check: %s", request[:200], exc)
            return Plan(planner=self.name, confidence=0.0, notes=[f"offline plan rejected: {exc}"], missing=missing,
                        warnings=warnings)
        if warning:
            plan.confidence = round((plan.confidence or 0.0) * FOREIGN_FACTOR, 3)
        return plan.model_copy(update={"missing": missing, "warnings": warnings})

    def _name(self, task: str) -> str:
        """A task type's name in the plan's vocabulary: the tool graph's, else the type itself."""
        return self.tools.name_for(Task(id=0, task=task)) if self.tools is not None else task

    def rule_intents(self, request: str | RequestText) -> set[str]:
        """The intents the cue rules and the semantic matcher find in ``request`` (steps 1-4), before
        the node model weighs them: the ``rule:`` features the node model is trained and run with."""
        req = request if isinstance(request, RequestText) else read_request(request)
        return planned_intents(self._build(req, self.vocabulary)[0].tasks)

    def _build(self, req: RequestText, vocab: Vocabulary, extra: Mapping[int, list[Candidate]] | None = None,
               bridges: Mapping[str, str] | None = None, lenient: bool = False,
               semantic: frozenset[str] | None = None) -> tuple[PlanBuilder, int]:
        """The plan the clauses ask for under ``vocab``, with ``extra`` candidates per clause index
        (``lenient``, ``semantic``: see :func:`score_clause`)."""
        builder = PlanBuilder(req, vocab, bridges=dict(BRIDGES if bridges is None else bridges))
        uncovered = 0
        for clause in req.clauses:
            if len(builder.tasks) > dag.MAX_TASKS:
                break  # the plan is too long to run already (:meth:`PlanBuilder.add`): the rest adds nothing
            before = len(builder.tasks)
            # on a second pass only where the first asked too, so its embeddings are reused (over the
            # registry also where a cue named no task of the file at hand and the first asked:
            # "read notes.txt and summary.txt", whose cue is for a picture's words)
            matcher = self.matcher if vocab is self.vocabulary or needs_matcher(clause, lenient) or (
                vocab.over_registry and self.matcher is not None and self.matcher.knows(req.matcher_text(clause))) \
                else None
            candidates = score_clause(clause, req, builder.produced(), vocab, matcher, lenient, semantic)
            if extra and clause.index in extra:
                for added in extra[clause.index]:
                    same = next((c for c in candidates if c.task == added.task), None)
                    if same is None:
                        candidates.append(added)
                    elif same.intent != added.intent and vocab.over_registry:
                        # over the registry, another reading of the task the rules planned ("make the
                        # sky in beach.jpg look like sunset": an edit with an instruction, not a plain
                        # image-to-image; on TaskBench's graph the rules' reading scores better)
                        same.intent = added.intent
            available = {*builder.produced(), *(r.modality for r in req.resources if r.kind != "quote")}
            builder.add_clause(order(candidates, vocab, available))
            if not candidates and asks_for_something(clause) and before == len(builder.tasks):
                uncovered += 1
        builder.link_unused_outputs()
        return builder, uncovered

    def _rebuild(self, req: RequestText, first: PlanBuilder,
                 first_uncovered: int) -> tuple[PlanBuilder, int, dict[str, float] | None]:
        """Plan again with the intents the node model keeps: the cue rules' intents it doubts are
        left out, and intents it is sure of that no cue named are put in the clause that
        suggests them most. Returns the plan, its uncovered clauses and the model's probabilities
        (None under a vocabulary the model does not cover)."""
        model = self.node_model
        assert model is not None
        found = planned_intents(first.tasks)
        embedding = self.matcher.embed(embedding_text(req)) if model.uses_embedding and self.matcher is not None \
            else None
        probs = model.probabilities(request_features(req, mask(req.request, req.resources), found), embedding)
        # intents the model was not trained on stay as the cue rules find them
        keep = {i for i in self.vocabulary.intents if i not in probs or probs[i] >= self.keep_threshold}
        if self.tools is None:  # over the registry (on TaskBench's graph the model's pruning scores better)
            keep |= _strongly_named(first, probs) | _questions_asked(first)
            # a task left out for want of an input stays a candidate, so the steps after it in its
            # clause wait for it too ("read the text in this image aloud", no image: not "this image")
            left_out = {m.task for m in first.missing}
            keep |= {i for i in self.vocabulary.intents if INTENTS.get(i) in left_out}
        keep |= _family_supported(found, probs, self.keep_threshold)
        vocab = replace(self.vocabulary, intents=frozenset(keep))
        # choosing converters and adding intents needs a model that knows every intent the planner
        # may use: one trained without language identification reads "which language is this?"
        # as translation
        knows_all = self.vocabulary.intents <= set(probs)
        # over the registry a file given to a text task is read for its words (caption or text,
        # transcript), not its label: "tell me who called" asks the voicemail's transcript
        bridges = _bridges(probs, vocab) if knows_all and self.tools is not None else None
        # over the registry the matcher may not put in, for an intent the model left out, one that
        # neither it found nor the model would add: "tell me what is in photo.jpg" is no image
        # classification (0.27) once its caption (0.15) is left out
        semantic = frozenset(found | {i for i, p in probs.items() if p >= model.threshold}) \
            if self.tools is None else None
        builder, uncovered = self._build(req, vocab, bridges=bridges, semantic=semantic)
        feeders = _starved_feeders(builder, first, vocab.intents)
        if feeders:
            # the model pruned a step whose output a kept task takes ("paraphrase it and tell me how
            # similar the two versions are": no paraphrase leaves the similarity one text short)
            vocab = replace(vocab, intents=vocab.intents | feeders)
            builder, uncovered = self._build(req, vocab, bridges=bridges, semantic=semantic)
        planned = planned_intents(builder.tasks)
        earlier = {i for i in keep if INTENTS.get(i) in earlier_outputs_named(req)}
        to_add = [i for i in sorted(keep, key=lambda i: -probs.get(i, 0.0))
                  if knows_all and probs.get(i, 0.0) >= model.threshold and i not in planned and i not in earlier]
        if to_add and (first.tasks or self.fill_empty):
            # the clauses whose rules' tasks the model left out: its own choice may take their place
            emptied = {c.index for c in first.clauses if c is not None} - {c.index for c in builder.clauses if c is not None}
            extra: dict[int, list[Candidate]] = {}
            for intent in to_add:
                cand = self._placed(req, intent, probs[intent])
                if cand is not None and (self.tools is not None or cand.clause.index in emptied
                                         or _named_addition(intent, req, builder.tasks)):
                    extra.setdefault(cand.clause.index, []).append(cand)
            if extra:
                builder, uncovered = self._build(req, vocab, extra, bridges, semantic=semantic)
                unfed = _unfed_additions(to_add, builder, first)
                if unfed:
                    # the model's choice found no input to take ("find out who led the army according
                    # to the document" with notes.txt: no document question answering of an image
                    # the request lacks): the rules' choice in its family stands
                    vocab = replace(vocab, intents=vocab.intents | _family_mates(unfed, found))
                    extra = {i: kept for i, cands in extra.items()
                             if (kept := [c for c in cands if c.intent not in unfed])}
                    builder, uncovered = self._build(req, vocab, extra, bridges, semantic=semantic)
        # its probabilities say how sure the plan is only where the model knows every option
        known = probs if knows_all else None
        if not builder.tasks and first.tasks:
            return first, first_uncovered, known  # the model may prune the rules' plan, never to nothing
        # a task the rules found no input for is not a feature the model sees: it still asked for it
        have = {t["task"] for t in builder.tasks} | {m.task for m in builder.missing}
        builder.missing += [m for m in first.missing if m.task not in have]
        return builder, uncovered, known

    def _placed(self, req: RequestText, intent: str, probability: float) -> Candidate | None:
        """A candidate for ``intent`` in the clause whose words suggest it most, placed at its
        most suggestive word (a translation: at the language the clause names)."""
        model = self.node_model
        assert model is not None
        best: tuple[float, int, int, int] | None = None
        for clause in req.clauses:
            if only_points_at_a_file(clause) and len(req.clauses) > 1:
                continue  # "Look at zoo.png and write a poem about what you see": not "Look?"
            tokens = words(req, clause.masked)
            weight = sum(model.weight(f, intent) for f in text_features(tokens))
            word = max(tokens, key=lambda t: model.weight("w:" + t, intent), default=None)
            at = clause.lower.find(word) if word and not word.startswith("_") else -1
            start, end = (at, at + len(word)) if at >= 0 and word else (0, 0)
            if best is None or weight > best[0]:
                best = (weight, clause.index, start, end)
        if best is None:
            return None
        clause = req.clauses[best[1]]
        start, end = best[2], best[3]
        spans = language_spans(clause.masked) if intent == "translation" else []
        if spans:  # "a summary of paper.pdf in Spanish": translated where the language is named, after the summary
            start, end = max(spans)
        return Candidate(intent, STRONG_SCORE * probability, start, end, clause, named=True)

    def prepare(self, requests: Sequence[str]) -> None:
        """Embed, in one batch, the clauses of ``requests`` that the semantic matcher will be asked
        about (those that ask for something no cue names), and the requests themselves when the
        node model reads their embeddings, so planning them needs no model call."""
        if self.matcher is None:
            return
        texts = []
        whole = self.node_model is not None and self.node_model.uses_embedding
        for request in requests:
            req = read_request(request)
            texts += [req.matcher_text(c) for c in req.clauses if needs_matcher(c)]
            texts += [embedding_text(req)] if whole else []
        self.matcher.warm(texts)

    def plan_batch(self, requests: Sequence[str]) -> list[Plan]:
        """Plans for many requests, their semantic lookups embedded together (see :meth:`prepare`)."""
        self.prepare(requests)
        return [self.plan(r) for r in requests]


_SAME_AGAIN_RE = re.compile(r"(?<!\w)(?:too|as well|also|the same|same for|same with|likewise|what about|how about|"
                            r"and for|now for)(?!\w)|^and\s+[\w./\\-]+\.[A-Za-z0-9]{2,4}[\s?.!]*$", re.IGNORECASE)
"""Words of a request that asks for the last request again on other input ("and memo.png too")."""
_ELLIPSIS_RE = re.compile(r"^(?:(?:and|now|ok(?:ay)?|please)[\s,]+)*(?:(?:what|how) about|(?:do\s+)?(?:the\s+)?same\s+"
                          r"(?:for|with)|ditto)\b|"
                          r"^and\s+(?=[\w./\\-]+\.[A-Za-z0-9]{2,4}(?:\s+(?:too|as well|also))?[\s?.!]*$)", re.IGNORECASE)
"""A request that is only the last one again on other input, whatever it seems to ask ("What about
b.jpg?" is no question about b.jpg; "and news.txt?")."""
_STATEMENT_RE = re.compile(r"(?<!\w)(?:is|are|was|were|looks?|seems?|thanks|thank you|like|love|took|taken|have|has|"
                           r"had|don'?t|do not|not|never|no)(?!\w)", re.IGNORECASE)
"""Words of a remark rather than a request ("thanks, memo.png is nice too")."""



def _with_clauses(builder: PlanBuilder, req: RequestText) -> list[dict]:
    """The builder's tasks, each with the words of the clause it was planned for as its ``about``
    (selection reads the kind of answer a classifier is asked for there: "what language is
    review.txt in, and is the reviewer happy?" asks the first task for a language, the second for
    a sentiment)."""
    return [{**task, "about": clean(req.unmask(clause.masked))} if clause is not None else task
            for task, clause in zip(builder.tasks, builder.clauses)]

def _read_as(plan: Plan, request: str) -> Plan:
    """``plan``, noted as made for ``request`` (:attr:`Plan.read_as`) unless it was already read as another."""
    return plan if plan.read_as else plan.model_copy(update={"read_as": request})


def _same_again(req: RequestText, chat_history: Sequence[BaseMessage]) -> tuple[str, list[str]] | None:
    """The chat's last request on files of the kinds the request names, with those files swapped
    for the request's, when the request asks for nothing of its own but the same again ("and the
    other image memo.png too", "same for b.jpg", also after a "thanks!" turn), else None. Returned
    with the files to give it: none, or the request's when the last request's were given with it
    rather than named (:data:`GIVEN`: "read the sign" with sign.jpg, then "what about slide.png?")."""
    named = [r for r in req.resources[:req.own] if r.mentioned and r.kind == "file"]
    asked = [m for m in chat_history if m.type == "human" and m.text.strip()]
    if not named or not asked or not _SAME_AGAIN_RE.search(req.request) or _STATEMENT_RE.search(req.request) \
            or len(req.request.split()) > 12:
        return None
    kinds = {r.modality for r in named}
    for message in reversed(asked):  # the latest request on files of those kinds, past a "thanks!" turn
        # the request as its plan read it: "and notes.docx too" after a "what about story.txt?" turn
        last = str(message.additional_kwargs.get(READ_AS) or message.text)
        old = [r for r in find_resources(last) if r.kind == "file"]
        if any(r.modality in kinds for r in old):
            break
        given = message.additional_kwargs.get(GIVEN)
        if isinstance(given, list) and any(r.modality in kinds for r in find_resources("", [str(g) for g in given])):
            return last, [r.value for r in named]
    else:
        return None
    swap: dict[str, str] = {}
    for modality in kinds:
        olds = list(dict.fromkeys(r.value for r in old if r.modality == modality))
        news = [r.value for r in named if r.modality == modality]
        if not olds or len(olds) > len(news):
            return None  # nothing of that kind to swap, or which old file a new one replaces is unclear
        swap.update(zip(olds, news[:len(olds) - 1] + [" and ".join(news[len(olds) - 1:])]))
    swapped, at = [], 0
    for r in old:
        if r.value in swap:
            swapped += [last[at:r.start], swap[r.value]]
            at = r.end
    return ("".join(swapped) + last[at:], []) if swapped else None


_OTHER_LANGUAGE_RE = re.compile(
    rf"^(?:(?:and|now|ok(?:ay)?|also|then|please|what about|how about|same|the same|again|but)\b[\s,]*)*"
    rf"(?:(?:in|into|to)\s+)?((?:{'|'.join(LANGUAGES)})(?:\s*(?:,|and|&)\s*(?:{'|'.join(LANGUAGES)}))*)"
    rf"(?:[\s,]+(?:too|as well|also|please|again|instead))*[\s?.!]*$", re.IGNORECASE)
"""A request that only names other languages ("and into German?", "now Spanish", "what about Italian")."""


def _in_another_language(request: str, chat_history: Sequence[BaseMessage]) -> str | None:
    """The chat's latest request that asked for a language, asking for the request's languages
    instead, when the request names nothing but them ("and into German?"); else None."""
    wanted = _OTHER_LANGUAGE_RE.match(request.strip())
    if wanted is None:
        return None
    for message in reversed([m for m in chat_history if m.type == "human" and m.text.strip()]):
        again = with_target_language(message.text, wanted.group(1))
        if again is not None:
            return again
    # "now in Spanish" after a summary: the summary, translated (a bare "German" asks for nothing)
    replied = any(m.type == "ai" and m.text.strip() for m in chat_history)
    asked_in = re.search(r"\b(?:in|into|to)\b", request, re.IGNORECASE)
    return f"{_TRANSLATE_THAT} {wanted.group(1)}" if replied and asked_in else None


_TRANSLATE_THAT = "Translate that into"
"""How a request that only names a language asks for the last reply in it, when no earlier request asked for one."""


def language_warning(req: RequestText) -> str | None:
    """The warning, with the fix, for a request whose own words (files, URLs and quotes left out:
    "Translate 'Guten Morgen' into English" is English) are clearly not English; else None."""
    from ..textlang import foreign_language  # local: loads fastText on first use

    words = PLACEHOLDER_RE.sub(" ", mask(req.request, req.resources))
    found = foreign_language(words, {"en"})
    if found is None:
        return None
    return (f"the request looks written in {found}; the offline planner reads English only, so it may have "
            "missed or misread steps: write the request in English, or plan with an LLM "
            "(hugginggpt run --llm SPEC; create_hugginggpt_agent(llm=...))")


def planned_intents(tasks: Sequence[Mapping]) -> set[str]:
    """The intents of built tasks: ``image-editing`` for image-to-image with an instruction."""
    return {"image-editing" if t["task"] == "image-to-image" and "text" in t["args"] else t["task"] for t in tasks}


STRONG_CUE = 1.2
"""Weight of a cue that names its task outright ("that I
can listen to", "generate a text"), which, over the registry, keeps the task unless the node model
all but rules it out (on TaskBench's graph, whose requests are written around their tools, keeping
them scored lower: node F1 73.05 against 73.51 on its dev split)."""
STRONG_CUE_FLOOR = 0.05
"""Lowest node-model probability at which a strongly named intent stays (:data:`STRONG_CUE`)."""
STRONGEST_CUE, STRONGEST_CUE_FLOOR = 1.4, 0.01
"""A cue this strong ("tell me a joke", "summarize") keeps its task down to this probability: the
node model learnt from requests written around tools and all but ignores a joke asked for beside a
picture ("tell me a joke and make a picture of a dog": text generation 0.02)."""


def _strongly_named(builder: PlanBuilder, probs: Mapping[str, float]) -> set[str]:
    """The rules' intents that a cue of their own clause names outright (weight at least
    :data:`STRONG_CUE`, no fallback) and the node model does not all but rule out: "get a short
    text describing the scene that I can listen to" (text-to-speech 0.16)."""
    kept = set()
    for task, clause in zip(builder.tasks, builder.clauses):
        (intent,) = planned_intents([task])
        p = probs.get(intent, 1.0)
        if clause is None or p < STRONGEST_CUE_FLOOR:
            continue
        weight = max((cue.weight for cue, _, _ in cue_matches(clause.lower) if intent in cue.tasks and not cue.fallback),
                     default=0.0)
        if weight >= STRONGEST_CUE or weight >= STRONG_CUE and p >= STRONG_CUE_FLOOR:
            kept.add(intent)
    return kept


def _named_addition(intent: str, req: RequestText, tasks: Sequence[Mapping]) -> bool:
    """Over the registry, whether the node model may add ``intent`` that no cue named to a clause
    that has a task: only a translation into a language the request names ("I need subtitles for
    talk.wav in Spanish"), or another reading of a planned task (an image edit with an
    instruction for a plain image-to-image). (In a clause whose rules' tasks it left out, its
    choice takes their place: "Remove the background first" is an edit, not a segmentation.)
    The model learnt from requests written around TaskBench's tools, whose plans hold steps the
    request only implies; a user's plan holds what they ask for (it added image classification
    beside "tell me what animals are in zoo.png", a caption after "generate an image from
    note.txt", tabular classification for "the table in desk.jpg")."""
    if any(t["task"] == INTENTS[intent] for t in tasks):
        return True
    return intent == "translation" and bool(target_languages(" ".join(c.masked for c in req.clauses)))


_QUESTION_CLAUSE_RE = re.compile(
    r"^(?:(?:and|so|then|now|also|please|ok(?:ay)?)[\s,]+)*(?:(?:based on|using|from|with|according to|given) "
    r"[^,]{1,40},\s*)?(?:(?:can|could|would|will) you\s+)?(?:please\s+)?"
    r"(?:(?:find|figure|work) out (?=who|what|which|where|when|why|how|whether)|(?:determine|identify|establish) "
    r"(?=who|which|where|when|why|whether))?"
    r"(?:tell me|let me know|answer|what|what's|who|who's|whom|whose|where|when|which|why|how|is|are|does|do|did|was|"
    rf"were|(?:{RECKON_VERBS}) (?:the |its |my |our )?(?:{FIGURES}))\b",
    re.IGNORECASE)
"""A clause put as a question ("who called?", "tell me what colour the car is", "find out who
signed it", "based on that caption, tell me ...", "answer the question '...' using the caption", "add up the total")."""


def _questions_asked(builder: PlanBuilder) -> set[str]:
    """The rules' question answering intents whose clause is put as a question: the node model,
    fitted on requests written around TaskBench's tools, doubts question answering over a
    transcript ("Listen to voicemail.mp3 and tell me who called": 0.01) and takes "what colour is
    the car?" for image classification."""
    return {intent for task, clause in zip(builder.tasks, builder.clauses) for intent in planned_intents([task])
            if intent in QUESTION_TASKS and clause is not None and _QUESTION_CLAUSE_RE.match(clause.masked)}


def _family_supported(found: set[str], probs: Mapping[str, float], threshold: float) -> set[str]:
    """The rules' intents that the model doubts alone but believes in as a family, none of which
    it keeps: "answer the question 'How many people are there?' using the caption" after
    captioning a photo is some question answering task (question answering 0.18, visual question
    answering 0.17), and the rules' choice among them, by the input at hand, stands."""
    kept = set()
    for family in FAMILIES:
        chosen = [i for i in family if i in found]
        if chosen and all(probs.get(i, 0.0) < threshold for i in family) \
                and sum(probs.get(i, 0.0) for i in family) >= threshold:
            kept.add(max(chosen, key=lambda i: probs.get(i, 0.0)))
    return kept


def _starved_feeders(builder: PlanBuilder, first: PlanBuilder, kept: frozenset[str]) -> set[str]:
    """The rules' intents left out of ``kept`` whose outputs, in the rules' plan (``first``), fed
    a task that ``builder`` now leaves out for want of an input."""
    starved = _newly_missing(builder, first)
    tasks = {t["id"]: t for t in first.tasks}
    return {intent for t in first.tasks if t["task"] in starved
            for dep in t["dep"] if dep in tasks
            for intent in planned_intents([tasks[dep]]) if intent not in kept}


def _unfed_additions(added: Sequence[str], builder: PlanBuilder, first: PlanBuilder) -> set[str]:
    """The node model's additions that ``builder`` left out for want of an input the rules' plan
    (``first``) did not lack."""
    unfed = _newly_missing(builder, first)
    return {i for i in added if INTENTS.get(i) in unfed}


def _newly_missing(builder: PlanBuilder, first: PlanBuilder) -> set[str]:
    """The task types ``builder`` leaves out for want of an input that the rules' plan (``first``) did not."""
    return {m.task for m in builder.missing} - {m.task for m in first.missing}


def _family_mates(intents: set[str], found: set[str]) -> set[str]:
    """The rules' intents (``found``) in a family of ``intents``: the reading that a model's
    choice in the family would have replaced."""
    return {mate for family in FAMILIES for mate in family & found if family & intents}


def _bridges(probs: Mapping[str, float], vocab: Vocabulary) -> dict[str, str]:
    """For each of image and audio, the most probable intent that turns it into text."""
    found = {}
    for modality, options in CONVERTERS.items():
        usable = [o for o in options if o in vocab.outputs and "text" in vocab.outputs[o]]
        if usable:
            found[modality] = max(usable, key=lambda o: (probs.get(o, 0.0), -options.index(o)))
    return found


def _confidence(builder: PlanBuilder, uncovered: int, probs: Mapping[str, float] | None = None) -> float:
    """How sure the plan is, lower when a task found no input or a clause that asks for something
    got no task. With the node model's probabilities (under a vocabulary it covers: the
    registry's, or TaskBench's graph): the least sure planned intent times one minus the most
    probable intent left out, where an intent is as sure as the model's probability or the
    strength of the cue that named it, whichever is higher (the model, trained on other
    phrasings, gives "read ... aloud" 0.73 though "aloud" names text-to-speech; on TaskBench's
    dev split the 73 plans this puts at 0.75 or above score node F1 88.9, the rest 68.6); without
    them, the mean strength of the plan's tasks."""
    if not builder.tasks:
        return 0.0
    if probs is not None:
        sure: dict[str, float] = {}
        for task, strength in zip(builder.tasks, builder.strengths):
            (intent,) = planned_intents([task])
            sure[intent] = max(sure.get(intent, probs.get(intent, 0.0)), strength)
        left_out = max((p for i, p in probs.items() if i not in sure), default=0.0)
        base = min(sure.values()) * (1.0 - left_out)
    else:
        base = sum(builder.strengths) / len(builder.strengths)
    base *= DROPPED_FACTOR if builder.missing else 1.0
    return round(max(0.0, base - UNCOVERED_PENALTY * uncovered), 3)


__all__ = ["OfflinePlanner"]
