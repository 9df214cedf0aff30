"""Checks of what the agent is made and invoked with, where the developer gives it: an argument of
the wrong type is a :class:`~hugginggpt_tools.errors.ConfigError` when the agent is made (else it
surfaced as a bare ``AttributeError`` inside a LangGraph node), a folder given as a file an
:class:`~hugginggpt_tools.errors.AgentInputError` when it is invoked. Each names the value and the fix."""

from __future__ import annotations

import itertools
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
    fix = "give one path per file in it"
    if listing:
        inside = [str(Path(shown, p.name)) for p in folder_files(path)]
        named = ", ".join(repr(f) for f in inside[:3]) + (", ..." if len(inside) > 3 else "")
        fix += f", e.g. files=[{named}]" if inside else " (it holds no files)"
    raise AgentInputError(f"'files' names the folder {shown!r}, not a file; {fix}.")


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


def _type_of(value: Any) -> str:
    """A value as an error message names it: its type, and the value itself when short."""
    shown = repr(value)
    return f"{type(value).__name__} {shown}" if len(shown) <= 60 else f"a {type(value).__name__}"


__all__ = ["check_components", "checked_llm", "folder_files", "refuse_folder"]
