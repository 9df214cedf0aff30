"""Prompts are package data (``hugginggpt_tools/prompts/*.txt``) rendered strictly.

Templates use ``$name`` placeholders (:class:`string.Template`), so JSON braces need no
escaping, and rendering fails on a missing variable instead of sending a broken prompt.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from string import Template

from .errors import ConfigError


@lru_cache(maxsize=None)
def load_prompt(name: str) -> str:
    """The text of ``prompts/<name>.txt``."""
    try:
        return resources.files("hugginggpt_tools").joinpath("prompts", f"{name}.txt").read_text("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"No prompt named {name!r} in hugginggpt_tools/prompts.") from exc


def render_prompt(name: str, **values: object) -> str:
    """``prompts/<name>.txt`` with ``values`` substituted; every placeholder must be given."""
    try:
        return Template(load_prompt(name)).substitute({k: str(v) for k, v in values.items()})
    except KeyError as exc:
        raise ConfigError(f"Prompt {name!r} needs the variable {exc.args[0]!r}, which was not given.") from exc


__all__ = ["load_prompt", "render_prompt"]
