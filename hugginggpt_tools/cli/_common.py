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


def no_such_file_fix() -> str:
    """Where a relative path is looked for, and what to do about a file that is not there."""
    return f"relative paths start at {Path.cwd()}; check the name, or give the file's full path"


def _folder_fix(folder: Path) -> str:
    """What to give instead of a folder: one ``--file`` per file in it, the first shown."""
    try:
        inside = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    except OSError:
        inside = []
    if not inside:
        return "give one --file per file in it (it holds none)"
    return f"give one --file per file in it, e.g. --file {inside[0]}"


def check_files(files: Sequence[str]) -> list[str]:
    """The ``--file`` paths; :class:`InputError` (exit 2) naming one that is not a file, and the fix
    (a folder: one ``--file`` per file in it)."""
    for f in files:
        if Path(f).is_dir():
            raise InputError(f"--file {f!r} is a folder, not a file; {_folder_fix(Path(f))}.")
        if not Path(f).is_file():
            what = "not a file" if Path(f).exists() else "no such file"
            raise InputError(f"--file {f!r}: {what} ({no_such_file_fix()}).")
    return [str(Path(f)) for f in files]
