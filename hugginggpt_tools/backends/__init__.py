"""Backends run a model card for a task: bundled models, local transformers models, the LLM.

Importing this package is light: torch, transformers and the bundled models' runtimes load
only when a model runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import Settings, get_settings
from .base import Backend, Backends, RunContext, TaskOutput, missing_packages, require
from .bundled import BUNDLED_MODELS, BundledBackend, BundledModel
from .hf_inference import HFInferenceBackend
from .llm import LLM_TEMPLATES, LLMBackend
from .transformers import TransformersBackend, local_model_dir

if TYPE_CHECKING:  # pragma: no cover
    from langchain_core.language_models import BaseChatModel


def default_backends(settings: Settings | None = None, llm: BaseChatModel | None = None) -> Backends:
    """The bundled, transformers and hf-inference backends, plus the llm backend when ``llm`` is given.

    hf-inference runs only when a token (``HF_TOKEN``) or an endpoint (``HUGGINGGPT_HF_BASE_URL``)
    is configured; otherwise its cards are reported as unavailable with that fix.
    """
    settings = settings or get_settings()
    backends: list[Backend] = [BundledBackend(settings), TransformersBackend(settings), HFInferenceBackend(settings)]
    if llm is not None:
        backends.append(LLMBackend(llm))
    return Backends(backends)


__all__ = [
    "BUNDLED_MODELS",
    "LLM_TEMPLATES",
    "Backend",
    "Backends",
    "BundledBackend",
    "BundledModel",
    "HFInferenceBackend",
    "LLMBackend",
    "RunContext",
    "TaskOutput",
    "TransformersBackend",
    "default_backends",
    "local_model_dir",
    "missing_packages",
    "require",
]
