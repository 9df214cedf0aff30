"""Checkpointing the agent's state with LangGraph: the package's types registered with its serializer.

LangGraph's checkpointers store a graph's state with ``JsonPlusSerializer``, which rebuilds a
pydantic model from a checkpoint only when its type is allowed: without an allowlist it logs
"Deserializing unregistered type hugginggpt_tools.schemas.Answer ..." once per type, and with
``LANGGRAPH_STRICT_MSGPACK=true`` it gives back a plain dict for a type its graph's state schema
does not declare (a parent graph's ``answer: Any``). :func:`checkpoint_serde` is a serializer
that allows the package's types, :data:`CHECKPOINT_TYPES`, by name:

>>> from langgraph.checkpoint.memory import InMemorySaver
>>> from hugginggpt_tools.checkpointing import checkpoint_serde
>>> saver = InMemorySaver(serde=checkpoint_serde())           # a parent graph's, or create_agent's
>>> agent = create_hugginggpt_agent().copy(update={"checkpointer": saver})   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from .schemas import (
    Answer,
    Artifact,
    Candidate,
    ModelCard,
    ModelChoice,
    Plan,
    Ref,
    StageTiming,
    Task,
    TaskResult,
    TextTemplate,
    Trace,
)

CHECKPOINT_TYPES: tuple[type, ...] = (Answer, Artifact, Candidate, ModelCard, ModelChoice, Plan, Ref, StageTiming,
                                      Task, TaskResult, TextTemplate, Trace)
"""The package's types a graph state may hold (the agent's own: ``plan``, ``choices``, ``results``,
``timings``, ``answer``; a parent graph's: any of them), for LangGraph's ``allowed_msgpack_modules``."""


def checkpoint_serde(*extra_types: type | tuple[str, str], pickle_fallback: bool = False) -> Any:
    """A LangGraph ``JsonPlusSerializer`` that rebuilds :data:`CHECKPOINT_TYPES` and ``extra_types``
    (your own state's classes, or ``(module, name)`` pairs) from a checkpoint, with no warning,
    in LangGraph's strict mode too; LangChain messages and LangGraph's own types are always allowed.
    Any other type is not rebuilt (it comes back as a dict, with LangGraph's warning naming it):
    add it to ``extra_types``. Pass it as a checkpointer's ``serde``:
    ``InMemorySaver(serde=checkpoint_serde())``."""
    from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

    return JsonPlusSerializer(pickle_fallback=pickle_fallback,
                              allowed_msgpack_modules=(*CHECKPOINT_TYPES, *extra_types))


__all__ = ["CHECKPOINT_TYPES", "checkpoint_serde"]
