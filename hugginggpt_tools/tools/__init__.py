"""Every HuggingGPT task type as a LangChain tool.

:data:`TOOL_CLASSES` holds one :class:`HuggingGPTTool` subclass per task type of the registry,
named by its snake_case pipeline tag (``image_to_text``, ``object_detection``, ...), with an
args schema made from the task's arguments and ``response_format="content_and_artifact"``.

>>> from hugginggpt_tools.tools import make_tool
>>> tool = make_tool("automatic-speech-recognition")          # model chosen from the index
>>> tool.invoke({"audio": "examples/speech.wav"})              # doctest: +SKIP
"""

from __future__ import annotations

from .base import TOOL_CLASSES, HuggingGPTTool, make_tool, make_tool_class, tool_content, tool_description
from .schemas import FileArg, args_schema_for, field_description

__all__ = [
    "TOOL_CLASSES",
    "FileArg",
    "HuggingGPTTool",
    "args_schema_for",
    "field_description",
    "make_tool",
    "make_tool_class",
    "tool_content",
    "tool_description",
]
