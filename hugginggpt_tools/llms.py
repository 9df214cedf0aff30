"""Chat models named by a spec: ``'provider:model'`` (``openai:gpt-4o-mini``) made into a LangChain
chat model, for the library (``create_hugginggpt_agent(llm='openai:gpt-4o-mini')``) and the command
line's ``--llm``. LangChain loads only when a spec is given."""

from __future__ import annotations

from typing import Any

from .errors import ConfigError


def load_llm(spec: str | None) -> Any:
    """A chat model from an ``init_chat_model`` spec such as ``openai:gpt-4o-mini``; None for no
    spec; :class:`ConfigError` naming the spec and the fix when the provider cannot make it."""
    if not spec:
        return None
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(spec)
    except Exception as exc:  # noqa: BLE001 - a provider's own error (no API key: OpenAIError) is a setup error too
        raise ConfigError(
            f"Cannot create the chat model {spec!r}: {type(exc).__name__}: {exc}. Use 'provider:model' "
            "(e.g. openai:gpt-4o-mini), install the provider's langchain package and set its API key "
            "(OPENAI_API_KEY, ANTHROPIC_API_KEY, ...); OpenAI-compatible servers read OPENAI_BASE_URL and OPENAI_API_KEY."
        ) from exc


__all__ = ["load_llm"]
