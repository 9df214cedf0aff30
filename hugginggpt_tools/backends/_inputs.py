"""Reading a task's resolved inputs, with errors that name the missing argument and the fix."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError


def text_input(inputs: dict[str, str], name: str, task: str) -> str:
    """The non-empty text argument ``name``; :class:`InputError` when missing or blank."""
    value = inputs.get(name)
    if value is None or not str(value).strip():
        given = ", ".join(sorted(inputs)) or "none"
        raise InputError(
            f"Task {task!r} needs a non-empty text argument {name!r} (arguments given: {given})."
        )
    return str(value)


def optional_text(inputs: dict[str, str], name: str) -> str | None:
    """The text argument ``name`` when given and not blank, else None."""
    value = inputs.get(name)
    return str(value).strip() if value is not None and str(value).strip() else None


def file_input(inputs: dict[str, str], name: str, task: str) -> Path:
    """The existing local file given as argument ``name``; :class:`InputError` otherwise, and for an
    ``image`` with more pixels than Pillow's limit (:func:`._images.check_pixels`) or a PNG or JPEG cut
    short (:func:`._images.check_complete`), before any backend decodes or uploads it."""
    value = inputs.get(name)
    if not value:
        given = ", ".join(sorted(inputs)) or "none"
        raise InputError(f"Task {task!r} needs a file argument {name!r} (arguments given: {given}).")
    path = Path(str(value)).expanduser()
    if not path.is_file():
        raise InputError(
            f"The {name} file {str(value)!r} for task {task!r} does not exist. Give the path of a local file."
        )
    if name == "image":
        from ._images import check_complete, check_pixels  # local: Pillow, for image arguments only

        check_pixels(path)
        check_complete(path)
    return path.resolve()
