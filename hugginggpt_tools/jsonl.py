"""Reading JSON Lines files with errors that name the file, the line and the problem."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import HuggingGPTError, InputError


def read_jsonl(path: str | Path, error: type[HuggingGPTError] = InputError, fix: str = "", *,
               keep_going: bool = False) -> Iterator[tuple[int, Any]]:
    """``(line number, value)`` for each non-blank line of ``path``.

    An unreadable file or a line that is not JSON raises ``error`` naming ``path:line`` and
    ending with ``fix``; with ``keep_going``, a line that is not JSON yields that error as its
    value instead, and the lines after it are still read (a batch that reports each bad row).
    """
    suffix = f" {fix}" if fix else ""
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError as exc:
        raise error(f"Cannot read {str(path)!r}: {exc.strerror or exc}.{suffix}") from exc
    except UnicodeDecodeError as exc:  # a binary file, or text saved in another encoding
        line = exc.object[:exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x}; a binary file, or text "
                    f"saved in another encoding). JSON Lines files are UTF-8: save it as UTF-8.{suffix}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as exc:
            bad = error(f"{path}:{number}: not a JSON line ({getattr(exc, 'msg', exc)}).{suffix}")
            if not keep_going:
                raise bad from exc
            value = bad
        yield number, value


__all__ = ["read_jsonl"]
