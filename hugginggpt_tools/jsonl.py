"""Reading JSON Lines files with errors that name the file, the line and the problem."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import HuggingGPTError, InputError


def read_jsonl(path: str | Path, error: type[HuggingGPTError] = InputError, fix: str = "") -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` for each non-blank line of ``path``.

    An unreadable file or a line that is not JSON raises ``error`` naming ``path:line`` and
    ending with ``fix``.
    """
    suffix = f" {fix}" if fix else ""
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError as exc:
        raise error(f"Cannot read {str(path)!r}: {exc.strerror or exc}.{suffix}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except ValueError as exc:
            raise error(f"{path}:{number}: not a JSON line ({getattr(exc, 'msg', exc)}).{suffix}") from exc


__all__ = ["read_jsonl"]
