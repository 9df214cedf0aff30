"""Planning, HuggingGPT's first stage: a request (with files and chat history) -> a validated Plan.

* :class:`LLMPlanner` prompts any LangChain chat model with the task registry, demonstrations
  and the chat history, and re-asks once with the validation problems when its answer is invalid.
* :class:`OfflinePlanner` needs no LLM: cue rules over the request, in milliseconds.
* :class:`AutoPlanner` keeps the offline plan when it is confident and asks the LLM otherwise.
* :func:`make_planner` picks one of them by name (``"offline"``, ``"llm"``, ``"auto"``).
* :func:`extract_task_list` reads a task list out of an LLM's free-form answer.

Importing this package loads neither LangGraph nor ``langchain_core.language_models``: the
planners take a chat model but only call it, so ``hugginggpt plan`` with the offline planner
starts without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ConfigError, close_hint
from .auto import AutoPlanner
from .base import Planner
from .llm import LLMPlanner
from .offline import OfflinePlanner
from .parsing import extract_task_list

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def make_planner(planner: Planner | str | None = None, llm: BaseChatModel | None = None,
                 timeout_s: float | None = None) -> Planner:
    """The planner ``planner`` names: a :class:`Planner` as it is; None the LLM planner when
    ``llm`` is given, else the offline one; ``"offline"``, ``"llm"`` or ``"auto"`` that planner
    (the last two need ``llm``), its LLM calls limited to ``timeout_s`` each (None:
    ``Settings.llm_timeout_s``). :class:`~hugginggpt_tools.errors.ConfigError` naming the fix
    when a planner needs an llm that is not given, or the name is unknown."""
    if isinstance(planner, Planner):
        return planner
    if planner is None:
        return LLMPlanner(llm, timeout_s=timeout_s) if llm is not None else OfflinePlanner()
    if planner == "offline":
        return OfflinePlanner()
    if planner == "llm":
        if llm is None:
            raise ConfigError("planner='llm' needs an llm: pass llm=init_chat_model('provider:model') "
                              "(on the command line: --llm provider:model).")
        return LLMPlanner(llm, timeout_s=timeout_s)
    if planner == "auto":
        if llm is None:
            raise ConfigError("planner='auto' needs an llm for the requests the offline planner is unsure of: "
                              "pass llm=init_chat_model('provider:model') (on the command line: --llm "
                              "provider:model), or use planner='offline' (--planner offline).")
        return AutoPlanner(llm, llm_planner=LLMPlanner(llm, timeout_s=timeout_s))
    raise ConfigError(f"Unknown planner {planner!r}{close_hint(planner, ('offline', 'llm', 'auto'))}. Use 'offline', "
                      "'llm', 'auto', or a Planner instance.")


__all__ = ["AutoPlanner", "LLMPlanner", "OfflinePlanner", "Planner", "extract_task_list", "make_planner"]
