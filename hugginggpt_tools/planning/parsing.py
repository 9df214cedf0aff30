"""Tolerant extraction of a task list from an LLM's text answer.

LLMs wrap the JSON in code fences and prose, answer with one object instead of a list, wrap the
list as ``{"tasks": [...]}``, leave trailing commas, use smart quotes or Python literals
(single quotes, ``True``/``None``), or give several blocks. :func:`extract_task_list` accepts
all of these and returns the first block that is a task list; it does not validate the tasks
(that is :func:`hugginggpt_tools.dag.check_plan`'s job). Pure functions, no I/O.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any, Iterator

from ..errors import PlanParseError

EXPECTED_FORMAT = (
    'a JSON list of tasks such as [{"task": "image-to-text", "id": 0, "dep": [-1], '
    '"args": {"image": "photo.jpg"}}, {"task": "text-to-speech", "id": 1, "dep": [0], '
    '"args": {"text": "<resource>-0"}}], or [] when the request needs no task'
)
"""What a planner must answer, quoted in parse errors."""

LIST_KEYS = ("tasks", "task_nodes", "plan", "task_list")
"""Keys under which an object may wrap the task list."""

_FENCE_RE = re.compile(r"```[ \t]*[\w-]*[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_THINK_RE = re.compile(r"<think(?:ing)?>.*?</think(?:ing)?>", re.DOTALL | re.IGNORECASE)
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_NAMES = {"true": True, "false": False, "null": None, "none": None}
_OPENERS = {"[": "]", "{": "}"}
_QUOTE_CHARS = "\"'"
_SEPARATOR_RE = re.compile(r"[\s,]*")


def _literal(node: ast.AST) -> Any:
    """Evaluate a Python/JSON literal tree; names true/false/null/None are constants."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise ValueError("dict unpacking is not a literal")
        return {_literal(k): _literal(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Name) and node.id.lower() in _NAMES:
        return _NAMES[node.id.lower()]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
    raise ValueError(f"not a literal: {ast.dump(node)[:60]}")


_ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
_PYTHON_ESCAPES = frozenset("\\'\"abfnrtvx01234567NuU\n")


def _plain_escapes(text: str) -> str:
    """``text`` with each backslash that starts no Python escape ('\\e' in an LLM's string) doubled:
    the same value, without the warning Python gives for it (catching warnings is not thread-safe)."""
    return _ESCAPE_RE.sub(lambda m: m.group() if m.group(1) in _PYTHON_ESCAPES else "\\" + m.group(), text)


def loads_lenient(text: str) -> Any:
    """Parse JSON, else a Python-style literal (single quotes, True/None, trailing commas).

    Smart quotes are straightened as a last resort. Raises ``ValueError`` naming the first
    error when no reading works.
    """
    first_error: Exception | None = None
    for variant in dict.fromkeys((text, text.translate(_SMART_QUOTES))):
        try:
            return json.loads(variant, strict=False)
        except (ValueError, RecursionError) as exc:  # RecursionError: brackets nested thousands deep
            first_error = first_error or exc
        try:
            return _literal(ast.parse(_plain_escapes(variant.strip()), mode="eval").body)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            pass
    raise ValueError(str(first_error))


def _is_task(value: Any) -> bool:
    return isinstance(value, dict) and "task" in value


def as_task_list(value: Any) -> list[dict[str, Any]] | None:
    """``value`` as a list of task dicts, or None when it is not a task list.

    Accepts a list of task dicts (or an empty list), one task dict, and an object holding the
    list under one of :data:`LIST_KEYS`.
    """
    if isinstance(value, list):
        return list(value) if all(_is_task(v) for v in value) else None
    if _is_task(value):
        return [value]
    if isinstance(value, dict):
        for key in LIST_KEYS:
            if key in value:
                return as_task_list(value[key])
    return None


def _block_end(text: str, start: int) -> int | None:
    """Index just past the bracket closing the one at ``start``, skipping strings; None if open."""
    stack: list[str] = []
    quote = ""
    i = start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in _QUOTE_CHARS:
            quote = ch
        elif ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif ch in "]}":
            if not stack or stack.pop() != ch:
                return None
            if not stack:
                return i + 1
        i += 1
    return None


def _looks_structured(text: str, start: int) -> bool:
    """Whether the bracket at ``start`` opens JSON-like data rather than prose."""
    rest = text[start + 1:].lstrip()
    return bool(rest) and (rest[0] in "[{]}\"'“‘" or (text[start] == "{" and rest[0] == "}"))


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the outermost bracketed blocks of ``text``, in order.

    A block that is never closed but looks like JSON hides the blocks inside it, so a
    truncated list is not mistaken for its first complete task.
    """
    i = 0
    while i < len(text):
        if text[i] not in _OPENERS:
            i += 1
            continue
        end = _block_end(text, i)
        if end is not None:
            yield i, end
            i = end
        elif _looks_structured(text, i):
            yield i, len(text)
            return
        else:
            i += 1


def _parse_block(text: str) -> Any:
    try:
        return loads_lenient(text)
    except ValueError:
        return None


def _consecutive_tasks(text: str, spans: list[tuple[int, int]], k: int) -> list[dict[str, Any]]:
    """Task objects written one after another (JSON lines) from ``spans[k]`` on, as one list."""
    tasks: list[dict[str, Any]] = []
    prev_end = spans[k][0]
    for start, end in spans[k:]:
        value = _parse_block(text[start:end])
        gap = text[prev_end:start]
        if not _is_task(value) or (tasks and not _SEPARATOR_RE.fullmatch(gap)):
            break
        tasks.append(value)
        prev_end = end
    return tasks


def _task_list_in(text: str) -> list[dict[str, Any]] | None:
    """The first task list found in ``text``: the whole text, else its bracketed blocks."""
    whole = as_task_list(_parse_block(text.strip())) if text.strip() else None
    if whole is not None:
        return whole
    spans = list(_blocks(text))
    for k, (start, end) in enumerate(spans):
        value = _parse_block(text[start:end])
        if _is_task(value):
            return _consecutive_tasks(text, spans, k)
        found = as_task_list(value)
        if found is not None:
            return found
    return None


def _shorten(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


def _parse_failure(text: str) -> PlanParseError:
    blocks = [text[s:e] for s, e in _blocks(text)]
    detail = "it holds no JSON list or object"
    if blocks:
        try:
            loads_lenient(blocks[0])
            detail = "its JSON is not a list of tasks (each task needs a 'task' field)"
        except ValueError as exc:
            detail = f"its first JSON block does not parse ({exc})"
    problem = (
        f"Could not read a task list from the planner's answer {_shorten(text)!r}: {detail}. "
        f"Answer with {EXPECTED_FORMAT}, and nothing else."
    )
    return PlanParseError(problem, [problem])


def unreadable_answer(detail: str) -> PlanParseError:
    """The error of an answer whose text is unknown, only why it could not be read (``detail``, such
    as structured output's validation errors), with the expected format."""
    problem = (f"Could not read a task list from the planner's answer: {_shorten(detail, 300)}. "
               f"Answer with {EXPECTED_FORMAT}, and nothing else.")
    return PlanParseError(problem, [problem])


def extract_task_list(text: str) -> list[dict[str, Any]]:
    """The task list in an LLM's answer, as a list of raw task dicts (not validated).

    Tries the code-fenced blocks first, then the whole answer; in each, the whole text, then
    each bracketed block in order. Raises :class:`~hugginggpt_tools.errors.PlanParseError`
    quoting the start of the answer and the expected format when no task list is found.
    """
    if not isinstance(text, str):
        raise PlanParseError(f"The planner's answer must be text, got {type(text).__name__}.")
    cleaned = _THINK_RE.sub("", text)
    for segment in _segments(cleaned):
        found = _task_list_in(segment)
        if found is not None:
            return found
    raise _parse_failure(cleaned if cleaned.strip() else text)


def _segments(cleaned: str) -> list[str]:
    """Where to look in an answer (thinking blocks already dropped): its code-fenced blocks, then all of it."""
    return [m.group(1) for m in _FENCE_RE.finditer(cleaned)] + [cleaned]


def first_json_object(text: str) -> dict[str, Any] | None:
    """The first object in an LLM's answer, read as :func:`extract_task_list` reads plans (thinking
    blocks dropped, code fences first, JSON or a Python-style literal, prose around it ignored);
    None when there is none."""
    for segment in _segments(_THINK_RE.sub("", text or "")):
        for start, end in _blocks(segment):
            value = _parse_block(segment[start:end])
            if isinstance(value, dict):
                return value
    return None


__all__ = ["EXPECTED_FORMAT", "LIST_KEYS", "as_task_list", "extract_task_list", "first_json_object", "loads_lenient",
           "unreadable_answer"]
