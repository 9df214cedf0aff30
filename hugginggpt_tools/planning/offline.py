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
4. fill each task's arguments from the clause, earlier outputs and the request (:mod:`.arguments`).

Given a :class:`~hugginggpt_tools.toolgraph.ToolGraph`, it plans only the graph's tasks and links
them by the graph's output types. Nothing matched means an empty plan with confidence 0.
"""

from __future__ import annotations

import logging
from typing import Sequence

from langchain_core.messages import BaseMessage

from .. import dag
from ..errors import PlanError
from ..schemas import Plan
from ..toolgraph import ToolGraph
from .arguments import PlanBuilder
from .base import Planner
from .clauses import read_request
from .intents import Vocabulary, asks_for_something, needs_matcher, order, score_clause
from .semantic import IntentMatcher

logger = logging.getLogger(__name__)

UNCOVERED_PENALTY = 0.15
"""Confidence lost per clause that asks for something the plan has no task for."""

DROPPED_FACTOR = 0.8
"""Confidence kept when some task the request asks for found no input and was left out."""


class OfflinePlanner(Planner):
    """Plans with rules and example phrasings: no LLM, deterministic, milliseconds per request.

    Args:
        tools: the tool graph to plan with (default: every registered task type).
        matcher: the semantic matcher for clauses no cue names a task in; ``None`` uses the
            package's (sentence embeddings of its example phrasings, loaded on first use),
            ``False`` plans with the cue rules only.

    The plan's ``confidence`` (0 to 1) reflects how strongly the cues matched and whether every
    clause that asks for something got a task; a request where nothing matched gets an empty
    plan with confidence 0.
    """

    name = "offline"

    def __init__(self, tools: ToolGraph | None = None, *, matcher: IntentMatcher | None | bool = None) -> None:
        self.tools = tools
        self.vocabulary = Vocabulary.from_graph(tools)
        if matcher is None or matcher is True:
            matcher = IntentMatcher.default()
        self.matcher: IntentMatcher | None = matcher or None

    def plan(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> Plan:
        req = read_request(request, files, chat_history)
        builder = PlanBuilder(req, self.vocabulary)
        uncovered = 0
        for clause in req.clauses:
            before = len(builder.tasks)
            candidates = score_clause(clause, req, builder.produced(), self.vocabulary, self.matcher)
            available = {*builder.produced(), *(r.modality for r in req.resources if r.kind != "quote")}
            builder.add_clause(order(candidates, self.vocabulary, available))
            if not candidates and asks_for_something(clause) and before == len(builder.tasks):
                uncovered += 1
        confidence = _confidence(builder, uncovered)
        try:
            return dag.check_plan(builder.tasks, files=files, planner=self.name, confidence=confidence)
        except PlanError as exc:
            logger.warning("Offline plan for %r failed its check: %s", request, exc)
            return Plan(planner=self.name, confidence=0.0, notes=[f"offline plan rejected: {exc}"])

    def prepare(self, requests: Sequence[str]) -> None:
        """Embed, in one batch, the clauses of ``requests`` that the semantic matcher will be asked
        about (those that ask for something no cue names), so planning them needs no model call."""
        if self.matcher is None:
            return
        texts = []
        for request in requests:
            req = read_request(request)
            texts += [req.unmask(c.masked, quotes=False) for c in req.clauses if needs_matcher(c)]
        self.matcher.warm(texts)

    def plan_batch(self, requests: Sequence[str]) -> list[Plan]:
        """Plans for many requests, their semantic lookups embedded together (see :meth:`prepare`)."""
        self.prepare(requests)
        return [self.plan(r) for r in requests]


def _confidence(builder: PlanBuilder, uncovered: int) -> float:
    """The mean strength of the plan's tasks, lower when a task found no input or a clause that
    asks for something got no task."""
    if not builder.tasks:
        return 0.0
    mean = sum(builder.strengths) / len(builder.strengths)
    mean *= DROPPED_FACTOR if builder.dropped else 1.0
    return round(max(0.0, mean - UNCOVERED_PENALTY * uncovered), 3)


__all__ = ["OfflinePlanner"]
