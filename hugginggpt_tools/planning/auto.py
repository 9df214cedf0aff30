"""The auto planner: the offline plan when it is confident, the LLM's plan otherwise.

Most requests name their tasks plainly, and the offline planner answers them in milliseconds
with no LLM call; the rest (a low offline confidence, or an empty offline plan) go to the LLM
planner, whose plan is checked and repaired against the same registry and tool graph. When the
LLM's plan is still invalid after its re-ask, or the LLM's call fails (the provider is down, a
timeout, a rate limit: any error it raises), the offline plan is kept if it has any task; a failed
call is then also one of the plan's ``warnings``, naming the error. With no offline task, the
error is raised.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Sequence

from ..errors import ConfigError, PlanError
from ..schemas import Plan
from ..toolgraph import ToolGraph
from .base import Planner
from .llm import LLMPlanner
from .offline import OfflinePlanner

if TYPE_CHECKING:  # annotations only: langchain_core.language_models takes about 0.3 s to import
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.75
"""Offline confidence from which the auto planner keeps the offline plan."""


def keeps_offline(plan: Plan, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Whether the auto planner keeps this offline plan: it has tasks and its confidence reaches
    ``threshold`` (else the LLM is asked)."""
    return bool(plan.tasks) and (plan.confidence or 0.0) >= threshold


_PROGRAMMING_ERRORS = (TypeError, AttributeError, NameError, KeyError, IndexError, AssertionError)
"""Errors of code, not of a provider: the auto planner raises them rather than keep its offline plan."""


class AutoPlanner(Planner):
    """Offline first; the LLM when the offline confidence is below ``threshold``.

    Args:
        llm: any LangChain chat model, for the requests the offline planner is unsure of.
        threshold: the offline confidence (0 to 1) from which the offline plan is kept.
        tools: a tool graph both planners plan with (default: the task registry).
        offline: the offline planner to use (default: ``OfflinePlanner(tools)``).
        llm_planner: the LLM planner to use (default: ``LLMPlanner(llm, tools=tools)``).

    ``offline_count`` and ``llm_count`` count the plans each side made.
    """

    name = "auto"

    def __init__(
        self, llm: BaseChatModel | None = None, threshold: float = DEFAULT_THRESHOLD, *,
        tools: ToolGraph | None = None, offline: OfflinePlanner | None = None,
        llm_planner: LLMPlanner | None = None,
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ConfigError(f"threshold must be between 0 and 1, got {threshold}; 0 always keeps the offline "
                              "plan, 1 asks the LLM unless the offline plan is certain.")
        if llm is None and llm_planner is None:
            raise ConfigError("AutoPlanner needs an llm (or llm_planner) for the requests the offline planner is "
                              "unsure of; pass llm=init_chat_model('provider:model'), or use OfflinePlanner().")
        self.threshold = threshold
        self.offline = offline or OfflinePlanner(tools)
        self.llm_planner = llm_planner or LLMPlanner(llm, tools=tools)  # type: ignore[arg-type]
        self.offline_count = 0
        self.llm_count = 0

    def _confident(self, plan: Plan) -> bool:
        return keeps_offline(plan, self.threshold)

    def _keep_offline(self, plan: Plan) -> Plan:
        self.offline_count += 1
        note = f"auto: offline confidence {plan.confidence} >= {self.threshold}, no LLM call"
        return plan.model_copy(update={"notes": [*plan.notes, note]})

    def _fallback(self, offline: Plan, error: PlanError) -> Plan:
        """The offline plan when the LLM's plan failed; the error when there is none."""
        if not offline.tasks:
            raise error
        logger.warning("LLM plan failed (%s); keeping the offline plan", error)
        self.offline_count += 1
        note = f"auto: the LLM's plan failed its check ({error}); kept the offline plan"
        return offline.model_copy(update={"notes": [*offline.notes, note]})

    def _unreached(self, offline: Plan, error: Exception) -> Plan:
        """The offline plan when the LLM's call raised ``error``, with a warning naming it; the
        error itself when the offline plan has no task or when it is an error of code
        (:data:`_PROGRAMMING_ERRORS`: a TypeError while reading the LLM's reply), not of a provider."""
        if not offline.tasks or isinstance(error, _PROGRAMMING_ERRORS):
            raise error  # a bug in the planner's own code is no outage to hide behind the offline plan
        from ..response import llm_failure  # local: response imports langchain_core.language_models (0.3 s)

        failure = llm_failure(error)
        # one line: a provider's outage is no bug, and the traceback is for debugging only
        logger.warning("LLM planner failed (%s); keeping the offline plan", failure)
        logger.debug("the LLM planner's error", exc_info=error)
        self.offline_count += 1
        note = f"auto: the LLM's call failed ({failure}); kept the offline plan"
        warning = (f"the LLM planner could not be reached ({failure}), so this is the offline planner's plan, made "
                   f"with confidence {offline.confidence} (below {self.threshold}): check it, and ask again once "
                   "the LLM provider answers")
        return offline.model_copy(update={"notes": [*offline.notes, note], "warnings": [*offline.warnings, warning]})

    def _noted(self, plan: Plan, offline: Plan) -> Plan:
        self.llm_count += 1
        note = f"auto: offline confidence {offline.confidence} < {self.threshold}, asked the LLM"
        return plan.model_copy(update={"notes": [*plan.notes, note]})

    def plan(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> Plan:
        offline = self.offline.plan(request, files=files, chat_history=chat_history)
        if self._confident(offline):
            return self._keep_offline(offline)
        try:
            return self._noted(self.llm_planner.plan(request, files=files, chat_history=chat_history), offline)
        except PlanError as exc:
            return self._fallback(offline, exc)
        except Exception as exc:  # noqa: BLE001 - any provider error: the offline plan, when it has tasks
            return self._unreached(offline, exc)

    async def aplan(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> Plan:
        # in a worker thread: the offline planner embeds the request (and loads its model once)
        offline = await self.offline.aplan(request, files=files, chat_history=chat_history)
        if self._confident(offline):
            return self._keep_offline(offline)
        try:
            llm_plan = await self.llm_planner.aplan(request, files=files, chat_history=chat_history)
        except PlanError as exc:
            return self._fallback(offline, exc)
        except Exception as exc:  # noqa: BLE001 - any provider error: the offline plan, when it has tasks
            return self._unreached(offline, exc)
        return self._noted(llm_plan, offline)


__all__ = ["DEFAULT_THRESHOLD", "AutoPlanner", "keeps_offline"]
