"""Argument schemas of the task tools, built from the task registry's ArgSpecs.

The field descriptions are what the LLM reads when it calls a tool, so they say what to pass
and in which form. File arguments (images, audio, tables) take a path, an http(s) URL or the
artifact id of an earlier tool output; Python callers may also pass ``bytes`` or a ``Path``,
which the LLM-facing JSON schema does not show.

The tools of task types whose models each give only some of the kinds of answer the type
covers (:data:`ASKED_EXAMPLES`: a language identifier or a sentiment model for
text-classification) also take an optional ``request``: what the caller wants to know, which the
model is chosen for (as the pipeline chooses one for the words of the user's request).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, create_model

from ..tasks import ArgSpec, TaskType

FileArg = Annotated[Union[str, bytes, Path], WithJsonSchema({"type": "string"})]
"""A file argument: a path, URL or artifact id (str), or raw bytes / a Path from Python."""

REQUEST_ARG = "request"
"""The optional argument of the tools of :data:`ASKED_EXAMPLES`: what the caller wants from the task."""

ASKED_EXAMPLES: dict[str, tuple[str, str]] = {
    "text-classification": ("which language", "the sentiment"),
    "token-classification": ("the named entities", "the parts of speech"),
    "image-to-text": ("read the text", "a caption"),
    "audio-to-audio": ("remove the noise", "separate the voices"),
    "audio-classification": ("which language is spoken", "is anyone speaking"),
}
"""Task types whose model is chosen for what is asked (their models each give some of the kinds the
type covers: a language identifier, a sentiment model), with two examples of a ``request`` for each."""

_FILE_NOUNS = {"image": "image", "audio": "audio file", "video": "video", "table": "table (CSV file)"}


def is_file_arg(spec: ArgSpec) -> bool:
    """True when the argument takes a file (any modality but text)."""
    return spec.modality != "text"


def field_description(spec: ArgSpec) -> str:
    """What the LLM reads about one argument."""
    if not is_file_arg(spec):
        text = spec.description[0].upper() + spec.description[1:]
        return f"{text}, as plain text." if spec.required else f"{text}, as plain text (optional)."
    nouns = " or ".join(_FILE_NOUNS.get(m, m) for m in spec.modalities)
    return (f"The input {nouns}: a local file path, an http(s) URL, or the 12-character artifact id "
            "of a file an earlier tool produced.")


def request_description(task: TaskType) -> str:
    """What the LLM reads about the ``request`` argument of ``task``'s tool."""
    first, second = ASKED_EXAMPLES[task.name]
    return (f"What you want from it, e.g. {first!r} or {second!r} (optional): the model is chosen for it, "
            "so say it when the text or file alone does not.")


def _field(spec: ArgSpec) -> tuple[Any, Any]:
    annotation: Any = FileArg if is_file_arg(spec) else str
    if spec.required:
        return annotation, Field(description=field_description(spec), min_length=1 if annotation is str else None)
    return Optional[annotation], Field(default=None, description=field_description(spec))


def args_schema_for(task: TaskType) -> type[BaseModel]:
    """The pydantic model of ``task``'s arguments (one field per ArgSpec, required ones first)."""
    specs = sorted(task.args, key=lambda s: not s.required)
    fields = {spec.name: _field(spec) for spec in specs}
    if task.name in ASKED_EXAMPLES:
        fields[REQUEST_ARG] = (Optional[str], Field(default=None, description=request_description(task)))
    name = "".join(part.capitalize() for part in task.snake_name.split("_")) + "Input"
    model = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)  # type: ignore[call-overload]
    model.__doc__ = f"Arguments of the {task.snake_name} tool."
    return model


__all__ = ["ASKED_EXAMPLES", "REQUEST_ARG", "FileArg", "args_schema_for", "field_description", "is_file_arg",
           "request_description"]
