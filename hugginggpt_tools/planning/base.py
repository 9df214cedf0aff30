"""The planner interface: a request (with its files and chat history) in, a validated Plan out."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import Sequence

from langchain_core.messages import BaseMessage

from ..schemas import Plan


class Planner(ABC):
    """Turns a user request into a :class:`~hugginggpt_tools.schemas.Plan` (HuggingGPT stage 1).

    ``files`` are the paths of the files the user gave with the request; ``chat_history`` the
    earlier turns' messages, which may mention resources the request refers to ("it", "the
    photo"). Implementations return a plan already checked by
    :func:`hugginggpt_tools.dag.check_plan`, or raise a
    :class:`~hugginggpt_tools.errors.PlanError`.

    ``name`` is what the planner writes into ``Plan.planner``.
    """

    name: str = "planner"

    @abstractmethod
    def plan(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> Plan:
        """The validated plan for ``request``."""

    async def aplan(
        self, request: str, *, files: Sequence[str] = (), chat_history: Sequence[BaseMessage] = ()
    ) -> Plan:
        """Async :meth:`plan`; by default runs :meth:`plan` in a worker thread."""
        return await asyncio.to_thread(self.plan, request, files=files, chat_history=chat_history)


__all__ = ["Planner"]
