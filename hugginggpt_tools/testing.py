"""Public fakes for testing apps built on hugginggpt-tools (and this package's own tests).

* :class:`FakeBackend`: a backend whose "models" are Python functions, with optional delays,
  failures and transient failures, recording every call with its start and end time.
* :class:`SubsetBackend`: a backend that can run only the model ids it is given (the others
  report a fix), for testing model selection.
* :func:`fake_card`: a model card for it.
* :func:`fake_choice`: a :class:`ModelChoice` over fake cards, for running the executor alone.
* :func:`scripted_chat_model`: a LangChain chat model that replies with the given texts in
  order (LangChain's ``FakeMessagesListChatModel``), for planner and responder tests.
* :func:`fake_tool_calling_model`: a chat model that follows a script of tool calls, for
  testing the toolkit inside ``create_agent`` or a LangGraph graph without an LLM.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .backends.base import Backend, RunContext, TaskOutput
from .errors import BackendError, TransientBackendError
from .schemas import Candidate, ModelCard, ModelChoice

Handler = Callable[[dict[str, str], RunContext], "TaskOutput | str"]


@dataclass
class FakeCall:
    """One call of a fake model."""

    model_id: str
    task: str
    inputs: dict[str, str]
    started: float
    finished: float = 0.0


def _echo(inputs: dict[str, str], ctx: RunContext) -> str:
    return " ".join(inputs.values())


@dataclass
class FakeBackend(Backend):
    """A backend running Python functions as models.

    Args:
        handlers: task type -> function ``(inputs, ctx) -> TaskOutput | str``; tasks without
            one echo their inputs.
        delays: model id -> seconds to sleep before answering (simulates inference).
        failing: model ids that raise :class:`BackendError`.
        flaky: model id -> how many of its first calls raise :class:`TransientBackendError`
            (a rate limit or overload that passes; the executor retries it).
        unavailable: model ids reported as not runnable now.
        backend_name: the name cards use to point at this backend.
    """

    handlers: dict[str, Handler] = field(default_factory=dict)
    delays: dict[str, float] = field(default_factory=dict)
    failing: set[str] = field(default_factory=set)
    unavailable: set[str] = field(default_factory=set)
    backend_name: str = "fake"
    calls: list[FakeCall] = field(default_factory=list)
    flaky: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._flaky_calls: dict[str, int] = {}

    def calls_of(self, model_id: str) -> int:
        """How many times ``model_id`` was called."""
        with self._lock:
            return sum(c.model_id == model_id for c in self.calls)

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.backend_name

    def availability(self, card: ModelCard) -> str | None:
        return "marked unavailable in the test" if card.id in self.unavailable else None

    def run(self, card: ModelCard, task: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        call = FakeCall(card.id, task, dict(inputs), time.perf_counter())
        with self._lock:
            self.calls.append(call)
        time.sleep(self.delays.get(card.id, 0.0))
        call.finished = time.perf_counter()
        if card.id in self.failing:
            raise BackendError(f"{card.id} failed on purpose")
        with self._lock:
            seen = self._flaky_calls[card.id] = self._flaky_calls.get(card.id, 0) + 1
        if seen <= self.flaky.get(card.id, 0):
            raise TransientBackendError(f"{card.id} is overloaded (HTTP 503, call {seen} fails on purpose)")
        out = self.handlers.get(task, _echo)(inputs, ctx)
        return out if isinstance(out, TaskOutput) else TaskOutput(text=str(out))


class SubsetBackend(Backend):
    """A backend that can run only the model ids in ``runnable``; every other card gets the
    reason "``fix`` of MODEL_ID". It never runs a model: it is for testing selection."""

    def __init__(self, runnable: set[str], name: str = "local", fix: str = "download the weights") -> None:
        self._name, self.runnable, self.fix = name, set(runnable), fix

    @property
    def name(self) -> str:  # type: ignore[override]
        return self._name

    def availability(self, card: ModelCard) -> str | None:
        return None if card.id in self.runnable else f"{self.fix} of {card.id}"

    def run(self, card: ModelCard, task: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        raise NotImplementedError("SubsetBackend is for testing selection; it runs no model")


def fake_card(task: str, model_id: str | None = None, backend: str = "fake", downloads: int = 0,
              description: str = "") -> ModelCard:
    """A model card served by :class:`FakeBackend`."""
    return ModelCard(id=model_id or f"fake/{task}", task=task, backends=[backend], downloads=downloads,
                     description=description or f"fake model for {task}", source="test")


def local_card(model_id: str, task: str, description: str = "", downloads: int = 10, *, tags: Sequence[str] = (),
               languages: Sequence[str] = ()) -> ModelCard:
    """A model card served by the ``local`` backend (what :class:`SubsetBackend` runs by default), for
    selection tests: its id, task, description, downloads, tags and languages."""
    return ModelCard(id=model_id, task=task, description=description, downloads=downloads, backends=["local"],
                     tags=list(tags), languages=list(languages))


def fake_choice(task_id: int, task: str, model_ids: Sequence[str] = (), backend: str = "fake") -> ModelChoice:
    """A choice of the first of ``model_ids`` (default one fake model) with the rest as fallbacks."""
    ids = list(model_ids) or [f"fake/{task}"]
    cands = [Candidate(model_id=m, backend=backend, score=1.0 - i / 10, card=fake_card(task, m, backend))
             for i, m in enumerate(ids)]
    return ModelChoice(task_id=task_id, task=task, model_id=ids[0], backend=backend,
                       reason="test choice", candidates=cands)


def scripted_chat_model(replies: Sequence[str], **kwargs: Any) -> Any:
    """A chat model answering ``replies`` in order (cycling), via LangChain's fake chat model."""
    from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
    from langchain_core.messages import AIMessage

    return FakeMessagesListChatModel(responses=[AIMessage(content=r) for r in replies], **kwargs)


Step = Any
"""A script step: an ``AIMessage``, or a function ``(messages) -> AIMessage``."""


def fake_tool_calling_model(steps: Sequence[Step]) -> Any:
    """A chat model that answers turn *n* of a conversation with ``steps[n]``.

    The turn number is the count of AI messages already in the conversation, so the model is
    stateless and can be reused. A step is an ``AIMessage`` (with ``tool_calls`` to call tools)
    or a function of the messages so far (to pass one tool's result to the next call).
    ``bind_tools`` returns the model itself, as ``create_agent`` requires.
    """
    from langchain_core.language_models import BaseChatModel
    from langchain_core.outputs import ChatGeneration, ChatResult

    script = list(steps)
    if not script:
        raise ValueError("fake_tool_calling_model needs at least one step")

    class FakeToolCallingModel(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "hugginggpt-fake-tool-calling"

        def bind_tools(self, tools: Any, **kwargs: Any) -> "FakeToolCallingModel":
            return self

        def _generate(self, messages: Any, stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
            turn = sum(1 for m in messages if m.type == "ai")
            step = script[min(turn, len(script) - 1)]
            message = step(messages) if callable(step) else step
            return ChatResult(generations=[ChatGeneration(message=message)])

    return FakeToolCallingModel()


__all__ = ["FakeBackend", "FakeCall", "SubsetBackend", "fake_card", "fake_choice", "local_card", "fake_tool_calling_model", "scripted_chat_model"]
