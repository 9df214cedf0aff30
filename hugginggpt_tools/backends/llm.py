"""The ``llm`` backend: text tasks done by the controller LLM, as HuggingGPT does.

Each supported task type has a prompt template ``prompts/llm_<task>.txt`` whose placeholders
are the task type's argument names (``$text``, ``$context``, ``$target_language``, ...) plus
``$request``, the user's request. Any LangChain chat model works.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import BackendError, HuggingGPTError, TransientBackendError
from ..llms import invoke_within
from ..prompting import render_prompt
from ..retries import is_transient
from ..schemas import ModelCard
from ..tasks import get_task
from ._inputs import optional_text, text_input
from .base import Backend, RunContext, TaskOutput

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel

logger = logging.getLogger(__name__)

LLM_TEMPLATES: dict[str, str] = {
    "summarization": "llm_summarization",
    "translation": "llm_translation",
    "question-answering": "llm_question_answering",
    "conversational": "llm_conversational",
    "text-generation": "llm_text_generation",
    "text2text-generation": "llm_text2text_generation",
}
"""Prompt template (in ``hugginggpt_tools/prompts``) of each task type the LLM backend runs."""

_OPTIONAL_DEFAULTS: dict[str, str] = {
    "target_language": "the language the user's request asks for (English if it names none)",
    "source_language": "the language of the text (detect it)",
}
_THINKING = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)


class LLMBackend(Backend):
    """Runs text tasks by prompting a LangChain chat model."""

    name: ClassVar[str] = "llm"

    def __init__(self, llm: BaseChatModel) -> None:
        self.llm = llm

    def availability(self, card: ModelCard) -> str | None:
        if "llm" not in card.backends:
            return f"card {card.id!r} does not name the llm backend"
        if card.task not in LLM_TEMPLATES:
            return f"the llm backend does not run {card.task!r}; it runs {', '.join(LLM_TEMPLATES)}"
        return None

    def prompt(self, task: str, inputs: dict[str, str], ctx: RunContext) -> str:
        """The rendered prompt for ``task`` on ``inputs``."""
        template = LLM_TEMPLATES.get(task)
        if template is None:
            raise BackendError(f"The llm backend does not run {task!r}; it runs {', '.join(LLM_TEMPLATES)}.")
        values: dict[str, str] = {"request": ctx.request.strip() or "(not given)"}
        for arg in get_task(task).args:
            if arg.required:
                values[arg.name] = text_input(inputs, arg.name, task)
            else:
                default = _OPTIONAL_DEFAULTS.get(arg.name, "(not given)")
                values[arg.name] = optional_text(inputs, arg.name) or default
        return render_prompt(template, **values)

    def run(self, card: ModelCard, task: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        from langchain_core.messages import HumanMessage

        prompt = self.prompt(task, inputs, ctx)
        try:
            reply = invoke_within(self.llm, [HumanMessage(content=prompt)], ctx.settings.llm_timeout_s,
                                  what=f"on task {task!r}")
        except HuggingGPTError:
            raise
        except Exception as exc:  # provider errors of every kind; rate limits and outages are retried
            kind = TransientBackendError if is_transient(exc) else BackendError
            raise kind(f"The LLM failed on task {task!r}: {type(exc).__name__}: {exc}") from exc
        text = _THINKING.sub("", _reply_text(reply)).strip()
        if not text:
            raise BackendError(f"The LLM returned an empty answer for task {task!r}.")
        data: dict[str, Any] = {"generated_text": text}
        usage = getattr(reply, "usage_metadata", None)
        if usage:
            data["usage"] = dict(usage)
        return TaskOutput(text=text, data=data)


def _reply_text(reply: Any) -> str:
    text = getattr(reply, "text", None)
    if isinstance(text, str):
        return text
    return str(getattr(reply, "content", reply))


__all__ = ["LLMBackend", "LLM_TEMPLATES"]
