"""Checks of what the agent is made and invoked with, where the developer gives it: an argument of
the wrong type is a :class:`~hugginggpt_tools.errors.ConfigError` when the agent is made (else it
surfaced as a bare ``AttributeError`` inside a LangGraph node), a folder given as a file an
:class:`~hugginggpt_tools.errors.AgentInputError` when it is invoked. Each names the value and the fix."""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path
from typing import Any

from .backends.base import Backends
from .config import Settings
from .errors import AgentInputError, ConfigError
from .llms import load_llm
from .model_index.index import ModelIndex

LISTED = 200
"""Most entries of a folder looked at when a fix names the files in it (:func:`folder_files`)."""


def folder_files(path: Path) -> list[Path]:
    """The files in the folder ``path`` to name in a fix, sorted: of its first :data:`LISTED` entries,
    those that are files and not hidden; none when it cannot be read."""
    try:
        return sorted(p for p in itertools.islice(path.iterdir(), LISTED) if p.is_file() and not p.name.startswith("."))
    except OSError:
        return []


def refuse_folder(path: Path, shown: str, listing: bool) -> None:
    """:class:`AgentInputError` when ``path`` (``shown`` as the input gave it) is a folder, naming
    it and the fix: one path per file, the first few files in it shown when ``listing``."""
    if not path.is_dir():
        return
    fix = folder_fix(path, shown) if listing else "give one path per file in it"
    raise AgentInputError(f"'files' names the folder {shown!r}, not a file; {fix}.")


def folder_fix(path: Path, shown: str) -> str:
    """The fix for the folder at ``path`` (``shown`` as the input gave it) given as a file: one path per
    file, its first few files shown."""
    inside = [str(Path(shown, p.name)) for p in folder_files(path)]
    named = ", ".join(repr(f) for f in inside[:3]) + (", ..." if len(inside) > 3 else "")
    return "give one path per file in it" + (f", e.g. files=[{named}]" if inside else " (it holds no files)")


def checked_llm(llm: Any) -> Any:
    """``llm`` as the chat model to use: None, a LangChain runnable (a chat model, or one wrapped by
    ``with_retry``/``bind``) as it is, a ``'provider:model'`` spec made into a chat model as the
    command line's ``--llm`` does; :class:`ConfigError` naming anything else and the fix."""
    from langchain_core.runnables import Runnable

    if llm is None or isinstance(llm, Runnable):
        return llm
    if isinstance(llm, str) and llm.strip():
        try:
            return load_llm(llm)
        except ConfigError as exc:
            raise ConfigError(f"llm={llm!r}: {exc}") from exc.__cause__
    raise ConfigError(f"llm must be a LangChain chat model or a 'provider:model' string, got {_type_of(llm)}; "
                      "pass llm=init_chat_model('openai:gpt-4o-mini') (from langchain.chat_models), "
                      "llm='openai:gpt-4o-mini', or leave it out for the offline planner.")


_FIXES = {
    "settings": (Settings, "pass settings=Settings(top_k=3) or get_settings(top_k=3) (from hugginggpt_tools), "
                           "or leave it out to read the environment"),
    "index": (ModelIndex, "pass index=ModelIndex.load('indexes/default') (from hugginggpt_tools.model_index.index), "
                          "set Settings(index_dir=...) for another saved index, or leave it out for the shipped one"),
    "backends": (Backends, "pass backends=Backends([backend, ...]) (from hugginggpt_tools.backends.base), "
                           "or leave it out for the default backends"),
}


def check_components(**given: Any) -> None:
    """:class:`ConfigError` naming the first of the agent's arguments ``given`` that has the wrong
    type, the type it has and the fix (else the error surfaces as an AttributeError inside a node)."""
    for name, (kind, fix) in _FIXES.items():
        value = given[name]
        if value is not None and not isinstance(value, kind):
            raise ConfigError(f"{name} must be a {kind.__name__} or None, got {_type_of(value)}; {fix}.")
    if not isinstance(given["choose_model"], bool):
        raise ConfigError(f"choose_model must be True or False, got {_type_of(given['choose_model'])}.")


INPUT_FORMS = ("invoke the agent with {'input': 'your request', 'files': ['photo.jpg'], 'chat_history': [...]} (only "
               "'input' is required) or the request string alone: agent.invoke('Read the text in photo.jpg')")
"""The forms of the agent's input, for the errors of an input it cannot read."""


def no_input_error(value: Any) -> AgentInputError:
    """The error of an input LangGraph found empty (``None`` with no checkpointed run to resume, an
    empty ``Command``), naming it and the forms the agent takes."""
    what = "None" if value is None else f"{value!r:.80}"
    return AgentInputError(f"The agent was invoked with {what}, which holds no request (None alone only resumes a "
                           f"run checkpointed in the config's thread, and there is none to resume): {INPUT_FORMS}.")


@cache
def _graph_class(base: type) -> type:
    """``base`` (LangGraph's compiled graph class) whose ``stream`` and ``astream`` (so ``invoke``,
    ``batch``, ``astream_events``...) raise :func:`no_input_error` in place of LangGraph's bare
    ``EmptyInputError: Received no input for __start__``, and run each invocation's stages in one
    :func:`~hugginggpt_tools.llms.llm_run` block: a chat model that did not answer the plan within
    its limit is not waited for again by the answer."""
    from contextlib import aclosing

    from langgraph.errors import EmptyInputError

    from .llms import llm_run

    def stream(self: Any, input: Any, config: Any = None, **kwargs: Any) -> Any:
        try:
            with llm_run():
                yield from base.stream(self, input, config, **kwargs)
        except EmptyInputError as exc:
            raise no_input_error(input) from exc

    async def astream(self: Any, input: Any, config: Any = None, **kwargs: Any) -> Any:
        try:
            with llm_run():
                async with aclosing(base.astream(self, input, config, **kwargs)) as chunks:
                    async for chunk in chunks:
                        yield chunk
        except EmptyInputError as exc:
            raise no_input_error(input) from exc

    return type(base.__name__, (base,), {"stream": stream, "astream": astream, "__module__": base.__module__,
                                          "__doc__": base.__doc__})


def refuse_empty_input(graph: Any) -> Any:
    """``graph`` (the agent's compiled graph), changed so that an input with no request (``None``)
    is an :class:`AgentInputError` naming it and the input forms (:func:`no_input_error`), and
    each invocation's LLM calls share one :class:`~hugginggpt_tools.llms.LLMRun` (:func:`_graph_class`)."""
    graph.__class__ = _graph_class(type(graph))
    return graph


def _type_of(value: Any) -> str:
    """A value as an error message names it: its type, and the value itself when short."""
    shown = repr(value)
    return f"{type(value).__name__} {shown}" if len(shown) <= 60 else f"a {type(value).__name__}"


__all__ = ["INPUT_FORMS", "check_components", "checked_llm", "folder_files", "folder_fix", "no_input_error", "refuse_empty_input",
           "refuse_folder"]
