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
"content_and_artifact"``), as the toolkit's per-task tools do.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from .errors import ConfigError
from .schemas import Answer

DEFAULT_NAME = "hugginggpt"
"""The tool's name unless one is given."""

DEFAULT_DESCRIPTION = (
    "Fulfils a request about images, audio, video or text by planning the tasks it needs and running "
    "Hugging Face models for them (captioning, OCR, object detection, speech synthesis, transcription, "
    "translation, summarization, question answering, ...). Give the whole request in plain language, naming "
    "its files, and the files' paths in 'files'. Returns the answer; files it writes are named in it.")
"""The tool's description (what the calling LLM reads) unless one is given."""


class HuggingGPTToolInput(BaseModel):
    """The tool's arguments: the request and the paths of its files (no chat history: the calling
    agent's conversation goes on in the session its config names)."""

    input: str = Field(description="The request in plain language, e.g. 'Read the text in invoice.png aloud'.")
    files: list[str] = Field(default_factory=list, description="Paths of the files the request is about.")


def create_hugginggpt_tool(
    agent: Runnable | None = None, *, name: str = DEFAULT_NAME, description: str = DEFAULT_DESCRIPTION,
) -> StructuredTool:
    """A tool running ``agent`` (from :func:`~hugginggpt_tools.create_hugginggpt_agent`; None builds
    the default offline one) on a request, for another agent (``create_agent``,
    ``create_react_agent``, ``llm.bind_tools``).

    The tool's ``ToolMessage`` content is the answer text, its ``artifact`` the whole
    :class:`~hugginggpt_tools.schemas.Answer` (plan, results, files, trace). The run's config goes
    on to the agent, so a ``thread_id`` or ``session_id`` in it makes the calls one session (a
    later call's "read that aloud" reads an earlier call's text)."""
    if agent is None:
        from .pipeline import create_hugginggpt_agent

        agent = create_hugginggpt_agent()
    if not isinstance(agent, Runnable):
        raise ConfigError(f"create_hugginggpt_tool needs the agent create_hugginggpt_agent() returns, got "
                          f"{type(agent).__name__}; pass create_hugginggpt_tool(create_hugginggpt_agent(...)).")
    graph: Runnable = agent

    def run(input: str, files: list[str] | None = None, *, config: RunnableConfig) -> tuple[str, Answer]:
        return _content_and_artifact(graph.invoke({"input": input, "files": files or []}, config))

    async def arun(input: str, files: list[str] | None = None, *, config: RunnableConfig) -> tuple[str, Answer]:
        return _content_and_artifact(await graph.ainvoke({"input": input, "files": files or []}, config))

    return StructuredTool.from_function(
        func=run, coroutine=arun, name=name, description=description, args_schema=HuggingGPTToolInput,
        response_format="content_and_artifact")


def _content_and_artifact(state: dict[str, Any]) -> tuple[str, Answer]:
    """The agent's final state as the tool's (content, artifact): the answer text and the Answer."""
    return state["output"], state["answer"]


__all__ = ["DEFAULT_DESCRIPTION", "DEFAULT_NAME", "HuggingGPTToolInput", "create_hugginggpt_tool"]
