"""Planning, HuggingGPT's first stage: a request (with files and chat history) -> a validated Plan.

* :class:`LLMPlanner` prompts any LangChain chat model with the task registry, demonstrations
  and the chat history, and re-asks once with the validation problems when its answer is invalid.
* :class:`OfflinePlanner` needs no LLM: cue rules over the request, in milliseconds.
* :func:`extract_task_list` reads a task list out of an LLM's free-form answer.
"""

from __future__ import annotations

from .base import Planner
from .llm import LLMPlanner
from .offline import OfflinePlanner
from .parsing import extract_task_list

__all__ = ["LLMPlanner", "OfflinePlanner", "Planner", "extract_task_list"]
