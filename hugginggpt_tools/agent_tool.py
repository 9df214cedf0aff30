"""The whole agent as one tool for another agent: the answer text for the LLM, the Answer as artifact.

>>> from langchain.agents import create_agent
>>> from hugginggpt_tools import create_hugginggpt_agent
>>> from hugginggpt_tools.agent_tool import create_hugginggpt_tool
>>> tool = create_hugginggpt_tool(create_hugginggpt_agent())
>>> assistant = create_agent(llm, tools=[tool])          # doctest: +SKIP

LangChain's ``agent.as_tool()`` returns what ``invoke`` returns, the whole state dict
(``{"output": ..., "answer": Answer(...)}``), so the calling LLM reads kilobytes of Python
repr; this tool's ``ToolMessage`` holds the answer text as its content and the
:class:`~hugginggpt_tools.schemas.Answer` as its ``artifact`` (``response_format=
"content_and_artifact"``), as the toolkit's per-task tools do. Like them, it does not raise on a
bad call: an empty request, a folder among the files or a failing controller LLM is a
``ToolMessage(status="error")`` naming what was wrong and the fix, so the calling agent goes on.
Its description says what the agent can do here now (:func:`runnable_description`).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from langchain_core.runnables import Runnable, RunnableBinding, RunnableConfig
from langchain_core.tools import StructuredTool, ToolException
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .errors import ConfigError, HuggingGPTError
from .schemas import Answer
from .tools.base import validation_message

logger = logging.getLogger(__name__)

DEFAULT_NAME = "hugginggpt"
"""The tool's name unless one is given."""

_HEAD = ("Fulfils a request about images, audio, video or text by planning the tasks it needs and running "
         "Hugging Face models for them")
_TAIL = ("Give the whole request in plain language, naming its files, and the files' paths in 'files'. Returns the "
         "answer; files it writes are named in it.")

DEFAULT_DESCRIPTION = f"{_HEAD}. {_TAIL}"
"""The tool's description when what the agent can run here cannot be told (an agent that is not
:func:`~hugginggpt_tools.create_hugginggpt_agent`'s, or no model catalog): it promises no task."""


class HuggingGPTToolInput(BaseModel):
    """The tool's arguments: the request and the paths of its files (no chat history: the calling
    agent's conversation goes on in the session its config names). Another argument (``file``) is
    refused, not dropped, so the calling LLM learns its file was not passed."""

    model_config = ConfigDict(extra="forbid")

    input: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        description="The request in plain language, e.g. 'Read the text in invoice.png aloud'.")
    files: list[str] = Field(default_factory=list, description="Paths of the files the request is about.")

    @field_validator("files", mode="before")
    @classmethod
    def _one_path(cls, value: Any) -> Any:
        """One path alone is a list of one, as the agent takes it."""
        return [value] if isinstance(value, str) else value


def create_hugginggpt_tool(
    agent: Runnable | None = None, *, name: str = DEFAULT_NAME, description: str | None = None,
) -> StructuredTool:
    """A tool running ``agent`` (from :func:`~hugginggpt_tools.create_hugginggpt_agent`; None builds
    the default offline one) on a request, for another agent (``create_agent``,
    ``create_react_agent``, ``llm.bind_tools``).

    The tool's ``ToolMessage`` content is the answer text, its ``artifact`` the whole
    :class:`~hugginggpt_tools.schemas.Answer` (plan, results, files, trace). The run's config goes
    on to the agent, so a ``thread_id`` or ``session_id`` in it makes the calls one session (a
    later call's "read that aloud" reads an earlier call's text). A call the agent refuses (an
    empty request, a folder in ``files``) or cannot plan (the controller LLM fails) gives a
    ``ToolMessage`` with ``status="error"`` and the reason and fix as content, as the toolkit's
    tools do. ``description`` defaults to one naming what the agent's models can do here now
    (:func:`runnable_description`)."""
    if agent is None:
        from .pipeline import create_hugginggpt_agent

        agent = create_hugginggpt_agent()
    if not isinstance(agent, Runnable):
        raise ConfigError(f"create_hugginggpt_tool needs the agent create_hugginggpt_agent() returns, got "
                          f"{type(agent).__name__}; pass create_hugginggpt_tool(create_hugginggpt_agent(...)).")
    graph: Runnable = agent

    def run(input: str, files: list[str] | None = None, *, config: RunnableConfig) -> tuple[str, Answer]:
        try:
            return _content_and_artifact(graph.invoke({"input": input, "files": files or []}, config), name)
        except HuggingGPTError as exc:
            raise ToolException(_tool_fixes(f"{name}: {exc}", name)) from exc

    async def arun(input: str, files: list[str] | None = None, *, config: RunnableConfig) -> tuple[str, Answer]:
        try:
            return _content_and_artifact(await graph.ainvoke({"input": input, "files": files or []}, config), name)
        except HuggingGPTError as exc:
            raise ToolException(_tool_fixes(f"{name}: {exc}", name)) from exc

    return StructuredTool.from_function(
        func=run, coroutine=arun, name=name, description=description or runnable_description(graph),
        args_schema=HuggingGPTToolInput, response_format="content_and_artifact", handle_tool_error=True,
        handle_validation_error=validation_message)


def runnable_description(agent: Runnable) -> str:
    """What the calling LLM reads about the tool: what ``agent``'s models can do here now, each in
    a few words (:func:`~hugginggpt_tools.tools.models.runnable_kinds`: "optical character
    recognition (OCR)", "speech recognition"), so it is not offered captions or translations that
    no model here can make. Read from the model cards and the backends' availability checks, as
    ``hugginggpt doctor`` reads them; no model and no index is loaded. :data:`DEFAULT_DESCRIPTION`
    when it cannot be told."""
    from .tools.models import runnable_kinds

    hg = _components(agent)
    if hg is None:
        return DEFAULT_DESCRIPTION
    try:
        cards = hg.cards()
        kinds = runnable_kinds(cards, hg.backends)
    except HuggingGPTError as exc:
        logger.warning("cannot tell what the agent can run now (%s); its tool's description names no task", exc)
        return DEFAULT_DESCRIPTION
    if not kinds:
        return f"{_HEAD}; no model can run here now, and a call returns how to enable one. {_TAIL}"
    return f"{_HEAD}. Here it can do: {', '.join(kinds)}; no other kind of task can run here now. {_TAIL}"


def _components(agent: Runnable) -> Any:
    """The :class:`~hugginggpt_tools.pipeline.HuggingGPT` behind ``agent`` (the graph
    :func:`~hugginggpt_tools.pipeline.build_graph` compiles, which keeps it as ``hugginggpt``, or a
    ``with_config`` of it). None for any other runnable."""
    from .pipeline import HuggingGPT

    while isinstance(agent, RunnableBinding):
        agent = agent.bound
    hg = getattr(agent, "hugginggpt", None)
    return hg if isinstance(hg, HuggingGPT) else None


def _content_and_artifact(state: dict[str, Any], name: str) -> tuple[str, Answer]:
    """The agent's final state as the tool's (content, artifact): the answer text, its fixes worded for
    the tool named ``name`` (:func:`_tool_fixes`), and the Answer."""
    return _tool_fixes(state["output"], name), state["answer"]


def _tool_fixes(text: str, name: str) -> str:
    """``text`` with a fix worded for the command line ("--file PATH on the command line, files=[...] in
    Python") naming the tool's own argument, ``files``, instead (:func:`~.tools.fixes.tool_fixes`)."""
    from .tools.fixes import tool_fixes

    return tool_fixes(text, name, "files", task_tool=False)


__all__ = ["DEFAULT_DESCRIPTION", "DEFAULT_NAME", "HuggingGPTToolInput", "create_hugginggpt_tool",
           "runnable_description"]
