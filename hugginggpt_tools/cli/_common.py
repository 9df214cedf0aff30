"""Helpers shared by the CLI commands."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..llms import load_llm as load_llm  # the commands' --llm SPEC, made by the library
from ..schemas import TEXTS_SEPARATOR_RE


def argv_text(value: str, what: str = "the request") -> str:
    """A command-line argument ``value`` as text: unchanged when the terminal sent it as UTF-8; else
    each byte that is not UTF-8 (which Python keeps as a lone surrogate, ``surrogateescape``, and no
    model reads) read as Windows-1252 (its five unassigned bytes as Latin-1's), as a text file's are
    (:func:`~hugginggpt_tools.charsets.decoded`), with a warning on stderr naming the first such
    byte, what it was read as and the fix (a terminal that sends UTF-8). Not for file names: a name
    that is not UTF-8 is a real file's."""
    at = next((i for i, c in enumerate(value) if "\udc80" <= c <= "\udcff"), None)
    if at is None:
        return value
    from ..charsets import windows_1252

    text = "".join(windows_1252(ord(c) - 0xDC00) if "\udc80" <= c <= "\udcff" else c for c in value)
    around = " ".join(text[max(0, at - 20):at + 20].split())
    print(f"warning: {what} holds the byte 0x{ord(value[at]) - 0xDC00:02x} at character {at + 1}, which is not "
          f"UTF-8; read it as Windows-1252, where it is {text[at]!r}: \"{around}\". If that reads wrong, set the "
          "terminal to UTF-8 (LANG=C.UTF-8) and type it again.", file=sys.stderr)
    return text


def _without_separators(value: Any) -> Any:
    """``value`` (JSON data) with each record separator in its strings
    (:data:`~hugginggpt_tools.schemas.TEXTS_SEPARATOR_RE`) written as the blank line it stands for."""
    if isinstance(value, str):
        return TEXTS_SEPARATOR_RE.sub("\n\n", value) if "\x1e" in value else value
    if isinstance(value, list):
        return [_without_separators(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_separators(v) for k, v in value.items()}
    return value


def json_text(value: Any, indent: int | None = None, ensure_ascii: bool = False) -> str:
    """``value`` (a pydantic model, such as an Answer or a Plan, or JSON data) as the JSON the commands
    print, with no internal separator in its texts: the record separator that joins the texts of
    "summarize them together" (it showed as ``\u001e``) is the blank line it stands for."""
    data = json.loads(value.model_dump_json()) if hasattr(value, "model_dump_json") else value  # inf: null
    return json.dumps(_without_separators(data), indent=indent, ensure_ascii=ensure_ascii)


def no_such_file_fix() -> str:
    """Where a relative path is looked for, and what to do about a file that is not there."""
    return f"relative paths start at {Path.cwd()}; check the name, or give the file's full path"


_NEEDS = (("audio", r"transcri\w*|speech|spoken|recording|audio|voice|listen\w*|what is said|hear\w*"),
          ("video", r"video\w*|movie|footage"),
          ("image", r"photo\w*|pictures?|images?|captions?|describe|scan\w*|faces?|detect\w*|read the text|ocr"),
          ("text", r"summar\w*|translat\w*|documents?|articles?|notes|text file|emails?"))
"""What kind of file a request needs, by its words, first match first: "transcribe it" needs audio."""


def _needed_kind(request: str) -> str | None:
    """The kind of input file ``request`` needs (:data:`_NEEDS`), or None when its words do not tell."""

    return next((kind for kind, words in _NEEDS if re.search(rf"\b(?:{words})\b", request, re.IGNORECASE)), None)


def _folder_fix(folder: Path, request: str = "") -> str:
    """What to give instead of a folder: one ``--file`` per file in it, the first shown of the kind
    ``request`` needs when its words tell (audio for "transcribe it", :func:`_needed_kind`), with a
    few of their names; else the first few files in it."""
    from ..agent_checks import folder_files  # local: it imports the library's heavier modules
    from ..filekinds import file_modality

    inside = folder_files(folder)
    if not inside:
        return "give one --file per file in it (it holds none)"
    kind = _needed_kind(request)
    fitting = [p for p in inside if file_modality(p) == kind] if kind else []
    shown = fitting or inside
    names = ", ".join(p.name for p in shown[:4]) + (", ..." if len(shown) > 4 else "")
    if fitting:
        return f"give one --file per file in it, e.g. --file {fitting[0]} (its {kind} files: {names})"
    if kind:
        return f"it holds no {kind} file, only {names}; give the {kind} file's path with --file"
    return f"give one --file per file in it, e.g. --file {shown[0]} (it holds {names})"


def check_files(files: Sequence[str], request: str = "") -> list[str]:
    """The ``--file`` paths; :class:`InputError` (exit 2) naming one that is not a file, or a folder the
    ``request`` names with none of its files given (:func:`~hugginggpt_tools.inputs.named_folders`), and
    the fix (a folder: one ``--file`` per file in it, of the kind ``request`` needs, :func:`_folder_fix`)."""
    for f in files:
        if Path(f).is_dir():
            raise InputError(f"--file {f!r} is a folder, not a file; {_folder_fix(Path(f), request)}.")
        if not Path(f).is_file():
            what = "not a file" if Path(f).exists() else "no such file"
            raise InputError(f"--file {f!r}: {what} ({no_such_file_fix()}).")
    from ..inputs import named_folders

    folders = named_folders(request, files)  # "describe the photos in ./photos/": no file to plan on
    if folders:
        raise InputError(f"The request names the folder {folders[0]!r}, not a file, and tasks read files; "
                         f"{_folder_fix(Path(folders[0]), request)}.")
    return [str(Path(f)) for f in files]
