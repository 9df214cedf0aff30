"""The llm backend (text tasks by prompting the controller LLM) and default_backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import recording_chat
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends import (
    LLM_TEMPLATES,
    BundledBackend,
    LLMBackend,
    TransformersBackend,
    default_backends,
)
from hugginggpt_tools.backends.base import RunContext
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError, InputError
from hugginggpt_tools.schemas import ModelCard
from hugginggpt_tools.tasks import get_task


class FailingChatModel(FakeListChatModel):
    def _call(self, *args: Any, **kwargs: Any) -> str:
        raise RuntimeError("rate limited")


@pytest.fixture()
def ctx(tmp_path: Path) -> RunContext:
    return RunContext(store=ArtifactStore(tmp_path), settings=Settings(), task_id=1,
                      request="Translate my notes into German and summarize them")


def _card(task: str) -> ModelCard:
    return ModelCard(id="llm/controller", task=task, backends=["llm"], source="llm")


def _inputs(task: str) -> dict[str, str]:
    return {arg.name: f"<{arg.name} value>" for arg in get_task(task).args if arg.required}


def test_every_template_renders_with_the_task_arguments(ctx: RunContext) -> None:
    backend = LLMBackend(recording_chat("ok"))
    for task in LLM_TEMPLATES:
        prompt = backend.prompt(task, _inputs(task), ctx)
        assert "$" not in prompt
        assert (ctx.request in prompt) == (task != "question-answering")
        for value in _inputs(task).values():
            assert value in prompt


def test_translation_prompt_carries_the_languages(ctx: RunContext) -> None:
    llm = recording_chat("Das Treffen ist am Freitag.")
    backend = LLMBackend(llm)
    out = backend.run(_card("translation"), "translation",
                      {"text": "The meeting is on Friday.", "target_language": "German"}, ctx)
    assert out.text == "Das Treffen ist am Freitag." and out.data["generated_text"] == out.text
    (prompt,) = llm.received
    assert "The meeting is on Friday." in prompt and "Target language: German" in prompt
    assert "Source language: the language of the text (detect it)" in prompt
    backend.run(_card("translation"), "translation", {"text": "Hallo"}, ctx)
    assert "Target language: the language the user's request asks for (English if it names none)" in llm.received[1]


def test_question_answering_prompt_has_question_and_context(ctx: RunContext) -> None:
    llm = recording_chat("Paris")
    inputs = {"text": "What is the capital of France?", "context": "Paris is the capital of France."}
    out = LLMBackend(llm).run(_card("question-answering"), "question-answering", inputs, ctx)
    assert out.text == "Paris"
    assert "Question: What is the capital of France?" in llm.received[0]
    assert "<context>\nParis is the capital of France.\n</context>" in llm.received[0]


def test_missing_required_argument(ctx: RunContext) -> None:
    with pytest.raises(InputError, match="'context'"):
        LLMBackend(recording_chat("x")).run(
            _card("question-answering"), "question-answering", {"text": "why?"}, ctx)


def test_reply_is_cleaned_and_usage_kept(ctx: RunContext) -> None:
    usage = {"input_tokens": 12, "output_tokens": 3, "total_tokens": 15}
    reply = AIMessage(content="<think>short it is</think>\n  A short summary.  ", usage_metadata=usage)
    llm = GenericFakeChatModel(messages=iter([reply]))
    out = LLMBackend(llm).run(_card("summarization"), "summarization", {"text": "A long text."}, ctx)
    assert out.text == "A short summary." and out.data["usage"] == usage


def test_llm_failures_are_backend_errors(ctx: RunContext) -> None:
    with pytest.raises(BackendError, match="rate limited"):
        LLMBackend(FailingChatModel(responses=["x"])).run(_card("summarization"), "summarization", {"text": "t"}, ctx)
    with pytest.raises(BackendError, match="empty answer"):
        LLMBackend(recording_chat("   ")).run(_card("text-generation"), "text-generation",
                                                               {"text": "t"}, ctx)
    with pytest.raises(BackendError, match="does not run 'image-to-text'"):
        LLMBackend(recording_chat("x")).run(
            _card("image-to-text"), "image-to-text", {"image": "x"}, ctx)


def test_availability_of_the_catalogs_llm_cards() -> None:
    from hugginggpt_tools.model_index.catalog import llm_cards

    backend = LLMBackend(recording_chat("x"))
    assert {c.task for c in llm_cards()} == set(LLM_TEMPLATES)
    assert [backend.availability(c) for c in llm_cards()] == [None] * len(LLM_TEMPLATES)
    assert "does not name the llm backend" in backend.availability(
        ModelCard(id="x/y", task="summarization", backends=["transformers"]))
    assert "does not run 'object-detection'" in backend.availability(_card("object-detection"))


def test_default_backends() -> None:
    settings = Settings()
    plain = default_backends(settings)
    assert list(plain) == ["bundled", "transformers", "hf-inference"]
    assert isinstance(plain["bundled"], BundledBackend) and isinstance(plain["transformers"], TransformersBackend)
    llm = recording_chat("x")
    with_llm = default_backends(settings, llm=llm)
    assert list(with_llm) == ["bundled", "transformers", "hf-inference", "llm"] and with_llm["llm"].llm is llm
    assert with_llm.runnable_backend(_card("summarization")) == "llm"
    assert plain.runnable_backend(_card("summarization")) is None
