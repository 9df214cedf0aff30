"""Retries with backoff for transient remote errors: classification, the executor, hf-inference, the llm backend."""

from __future__ import annotations

import random
import socket
from pathlib import Path

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends, RunContext
from hugginggpt_tools.backends.hf_inference import HFInferenceBackend
from hugginggpt_tools.backends.llm import LLMBackend
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError, TaskTimeoutError, TransientBackendError
from hugginggpt_tools.execution import Executor
from hugginggpt_tools.retries import RetryPolicy, is_transient
from hugginggpt_tools.schemas import ModelCard, Plan, Task
from hugginggpt_tools.testing import FakeBackend, fake_choice


class RateLimitError(Exception):
    """Shaped like the OpenAI / Anthropic SDK error of the same name."""


class _Response:
    status_code = 503


class ProviderHTTPError(Exception):
    response = _Response()


def test_what_counts_as_transient() -> None:
    assert is_transient(TransientBackendError("503")) and is_transient(ConnectionResetError())
    assert is_transient(TimeoutError()) and is_transient(RateLimitError()) and is_transient(ProviderHTTPError())
    assert not is_transient(BackendError("model crashed")) and not is_transient(TaskTimeoutError("slow"))
    assert not is_transient(ValueError("bad input")) and not is_transient(KeyError("choices"))


def test_backoff_doubles_up_to_a_cap_with_bounded_jitter() -> None:
    policy = RetryPolicy(retries=5, backoff_s=0.5, max_backoff_s=3.0, jitter=0.0)
    assert [policy.delay(a) for a in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    jittery = RetryPolicy(backoff_s=1.0, jitter=0.1)
    delays = [jittery.delay(0, random.Random(s)) for s in range(50)]
    assert all(1.0 <= d <= 1.1 for d in delays) and len(set(delays)) > 1


def _run(backend: FakeBackend, tmp_path: Path, models: list[str], **settings: object):
    executor = Executor(Backends([backend]), ArtifactStore(tmp_path, "s"),
                        Settings(output_dir=tmp_path, retry_backoff_s=0.01, **settings))
    return executor.run(Plan(tasks=[Task(id=0, task="summarization", args={"text": "x"})]),
                        [fake_choice(0, "summarization", models)])[0]


def test_transient_failures_are_retried_on_the_same_model(tmp_path: Path) -> None:
    backend = FakeBackend(flaky={"m/a": 2})
    result = _run(backend, tmp_path, ["m/a", "m/b"])
    assert result.status == "succeeded" and result.model_id == "m/a" and backend.calls_of("m/a") == 3
    assert result.attempts == ["m/a"] and backend.calls_of("m/b") == 0


def test_after_the_retries_the_next_model_is_tried(tmp_path: Path) -> None:
    backend = FakeBackend(flaky={"m/a": 5})
    result = _run(backend, tmp_path, ["m/a", "m/b"], task_retries=1)
    assert result.status == "succeeded" and result.model_id == "m/b" and backend.calls_of("m/a") == 2
    alone = _run(FakeBackend(flaky={"m/a": 5}), tmp_path, ["m/a"], task_retries=1)
    assert alone.status == "failed" and "TransientBackendError" in alone.error
    assert "still failing after 1 retries" in alone.error


def test_lasting_failures_are_not_retried(tmp_path: Path) -> None:
    backend = FakeBackend(failing={"m/a"})
    result = _run(backend, tmp_path, ["m/a", "m/b"])
    assert result.model_id == "m/b" and backend.calls_of("m/a") == 1
    none = _run(FakeBackend(flaky={"m/a": 1}), tmp_path, ["m/a"], task_retries=0)
    assert none.status == "failed" and "still failing" not in none.error


def test_llm_provider_outages_become_transient(tmp_path: Path) -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class Overloaded(FakeListChatModel):
        def _call(self, *args: object, **kwargs: object) -> str:
            raise RateLimitError("429 Too Many Requests")

    backend = LLMBackend(Overloaded(responses=["x"]))
    card = ModelCard(id="controller-llm", task="summarization", backends=["llm"])
    ctx = RunContext(store=ArtifactStore(tmp_path), settings=Settings())
    with pytest.raises(TransientBackendError, match="RateLimitError"):
        backend.run(card, "summarization", {"text": "hello"}, ctx)


def test_hf_inference_retries_refused_connections(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    with socket.socket() as s:  # a port nothing listens on, on loopback only
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    waits: list[float] = []
    backend = HFInferenceBackend(Settings(), base_url=f"http://127.0.0.1:{port}", timeout_s=2, max_retries=2,
                                 backoff_s=0.5, sleep=waits.append)
    card = ModelCard(id="some/model", task="text-classification", backends=["hf-inference"])
    ctx = RunContext(store=ArtifactStore(tmp_path), settings=Settings(), task="text-classification")
    with pytest.raises(BackendError, match="connection failed after 2 retries") as info:
        backend.run(card, "text-classification", {"text": "x"}, ctx)
    assert waits == [0.5, 1.0] and not isinstance(info.value, TransientBackendError)  # the executor won't retry again
