"""Planning, HuggingGPT's first stage: a request (with files and chat history) -> a validated Plan.

* :class:`LLMPlanner` prompts any LangChain chat model with the task registry, demonstrations
  and the chat history, and re-asks once with the validation problems when its answer is invalid.
* :class:`OfflinePlanner` needs no LLM: cue rules over the request, in milliseconds.
* :class:`AutoPlanner` keeps the offline plan when it is confident and asks the LLM otherwise.
* :func:`extract_task_list` reads a task list out of an LLM's free-form answer.
"""

from __future__ import annotations

from .auto import AutoPlanner
from .base import Planner
from .llm import LLMPlanner
from .offline import OfflinePlanner
from .parsing import extract_task_list

__all__ = ["AutoPlanner", "LLMPlanner", "OfflinePlanner", "Planner", "extract_task_list"]
