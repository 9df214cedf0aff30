"""The fixes of a tool's errors worded for its caller: an LLM, or Python code, calling the tool with
arguments, not a user of the command line or of the agent's Python input.

A file error names its fix as the command line and the agent take files ("Give it with the request
(--file PATH on the command line, files=[...] in Python)", :data:`~hugginggpt_tools.policy.GIVE_FILE_FIX`);
a tool takes a file as one of its own arguments (``image``, ``audio``; the agent's tool: ``files``),
which :func:`tool_fixes` names instead, as the server words the same fixes for its clients
(``server_fixes``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..policy import GIVE_FILE_FIX

_GIVE = re.escape(GIVE_FILE_FIX)
_NOT_FOUND_RE = re.compile(_GIVE + r" or give its full path\.")
_REFUSED_RE = re.compile(_GIVE + r", copy it into the working folder, or add its folder to HUGGINGGPT_ALLOWED_DIRS "
                         r"\(Settings\.allowed_dirs\)\.")
_CLI_RUN_RE = re.compile(r'`hugginggpt run "Read the text in ([^"`]+)" --file [^`]+`')


def file_argument(text: str, args: Mapping[str, Any], file_args: list[str]) -> str:
    """The argument an error ``text`` of a tool called with ``args`` is about: the one whose value it
    quotes, else the tool's first file argument (of ``file_args``)."""
    quoted = [name for name, value in args.items() if isinstance(value, str) and repr(value.strip()) in text]
    return (quoted or [n for n in file_args if n in args] or file_args or list(args) or ["file"])[0]


def tool_fixes(text: str, tool: str, argument: str, *, task_tool: bool = True, ids: bool = True) -> str:
    """``text`` (an error of the tool named ``tool``) with each fix worded for the command line or the
    agent's Python input worded for the tool's caller: pass the file as the tool's ``argument``. A
    task tool (``task_tool``) takes a ``pathlib.Path`` from Python wherever it lies, and in a file
    argument (``ids``) the artifact id of an earlier tool's file; the agent's tool reads any file
    given in its ``files``."""
    if "--file" not in text:
        return text
    named = f"{tool}'s {argument!r} argument"
    if task_tool:
        found = f"Pass the file's full path as {named}" + (
            " (or the artifact id of a file an earlier tool made)." if ids else ".")
        refused = (f"Copy it into the working folder and pass that path as {named}, or add its folder to "
                   "HUGGINGGPT_ALLOWED_DIRS (Settings.allowed_dirs); from Python, a pathlib.Path passed as "
                   f"{argument!r} is read wherever it lies.")
    else:
        found = f"Pass the file's path in {named} or give its full path."
        refused = (f"Pass it in {named} (a file given there is read wherever it lies), copy it into the working "
                   "folder, or add its folder to HUGGINGGPT_ALLOWED_DIRS (Settings.allowed_dirs).")
    text = _REFUSED_RE.sub(refused, _NOT_FOUND_RE.sub(found, text))
    text = re.sub(_GIVE, f"Pass it in {named}", text)
    # the scanned-PDF advice (:func:`~hugginggpt_tools.documents._pages_as_images`): read the page images
    asked = "the image_to_text tool with image={!r}" if task_tool else f"{tool} with 'Read the text in {{0}}' and files=[{{0!r}}]"
    return _CLI_RUN_RE.sub(lambda m: asked.format(m.group(1)), text)


__all__ = ["file_argument", "tool_fixes"]
