"""Helpers shared by the CLI commands."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError


def load_llm(spec: str | None) -> Any:
    """A chat model from an ``init_chat_model`` spec such as ``openai:gpt-4o-mini``."""
    if not spec:
        return None
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(spec)
    except Exception as exc:  # noqa: BLE001 - a provider's own error (no API key: OpenAIError) is a setup error too
        raise ConfigError(
            f"Cannot create the chat model {spec!r}: {type(exc).__name__}: {exc}. Use 'provider:model' "
            "(e.g. openai:gpt-4o-mini), install the provider's langchain package and set its API key "
            "(OPENAI_API_KEY, ANTHROPIC_API_KEY, ...); OpenAI-compatible servers read OPENAI_BASE_URL and OPENAI_API_KEY."
        ) from exc


def check_files(files: Sequence[str]) -> list[str]:
    for f in files:
        if not Path(f).is_file():
            raise InputError(f"--file {f!r}: no such file (relative paths start at {Path.cwd()}).")
    return [str(Path(f)) for f in files]
