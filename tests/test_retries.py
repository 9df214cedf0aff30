"""Retries with backoff for transient remote errors: classification, the executor, hf-inference, the llm backend."""

from __future__ import annotations

import random
import socket
import time
from email.utils import formatdate
from pathlib import Path
from types import SimpleNamespace

import pytest

from hugginggpt_tools.artifacts import ArtifactStore
from hugginggpt_tools.backends.base import Backends, RunContext
from hugginggpt_tools.backends.hf_inference import HFInferenceBackend
from hugginggpt_tools.backends.llm import LLMBackend
from hugginggpt_tools.config import Settings
from hugginggpt_tools.errors import BackendError, TaskTimeoutError, TransientBackendError
from hugginggpt_tools.execution import Executor
from hugginggpt_tools.retries import RetryPolicy, call_with_retries, is_transient, retry_after
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
    # the package's own error says what happened without its class name; a library's keeps it
    assert alone.status == "failed" and alone.error == (
        "m/a: m/a is overloaded (HTTP 503, call 2 fails on purpose) (still failing after 1 retry)")

    def reset(inputs, ctx):
        raise ConnectionResetError("connection reset by peer")

    dropped = _run(FakeBackend(handlers={"summarization": reset}), tmp_path, ["m/a"], task_retries=2)
    assert dropped.error == "m/a: ConnectionResetError: connection reset by peer (still failing after 2 retries)"


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


def _refused_url(monkeypatch: pytest.MonkeyPatch) -> str:
    """A loopback URL nothing listens on, with huggingface_hub allowed online."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_hf_inference_retries_refused_connections(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    waits: list[float] = []
    backend = HFInferenceBackend(Settings(), base_url=_refused_url(monkeypatch), timeout_s=2, max_retries=2,
                                 backoff_s=0.5, sleep=waits.append)
    card = ModelCard(id="some/model", task="text-classification", backends=["hf-inference"])
    ctx = RunContext(store=ArtifactStore(tmp_path), settings=Settings(), task="text-classification")
    with pytest.raises(BackendError, match="connection failed after 2 retries") as info:
        backend.run(card, "text-classification", {"text": "x"}, ctx)
    assert waits == [0.5, 1.0] and not isinstance(info.value, TransientBackendError)  # the executor won't retry again


def test_hf_inference_retries_follow_settings_and_are_not_retried_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HUGGINGGPT_TASK_RETRIES", "4")
    monkeypatch.setenv("HUGGINGGPT_RETRY_BACKOFF", "0.2")
    assert HFInferenceBackend().retry == RetryPolicy(retries=4, backoff_s=0.2, max_backoff_s=30.0, jitter=0.0)
    assert HFInferenceBackend(max_retries=0, backoff_s=3.0).retry.retries == 0
    settings = Settings(output_dir=tmp_path, task_retries=1, retry_backoff_s=0.25)
    waits: list[float] = []
    backend = HFInferenceBackend(settings, base_url=_refused_url(monkeypatch), timeout_s=2, sleep=waits.append)
    executor = Executor(Backends([backend]), ArtifactStore(tmp_path, "s"), settings)
    plan = Plan(tasks=[Task(id=0, task="text-classification", args={"text": "x"})])
    result = executor.run(plan, [fake_choice(0, "text-classification", ["some/model"], backend="hf-inference")])[0]
    assert result.status == "failed" and "connection failed after 1 retries" in result.error
    assert waits == [0.25]  # the backend's one retry; the executor does not retry its BackendError


class _HTTPFailure(Exception):
    def __init__(self, status: int = 503, retry_after: str | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.response = SimpleNamespace(status_code=status, headers={"Retry-After": retry_after} if retry_after else {})


def _call(failures: list[Exception], waits: list[float], calls: list[int], retries: int = 3) -> str:
    """``call_with_retries`` over a function that raises ``failures`` in turn, then answers "ok"."""
    def fn() -> str:
        calls.append(1)
        if len(calls) <= len(failures):
            raise failures[len(calls) - 1]
        return "ok"

    return call_with_retries(fn, RetryPolicy(retries=retries, backoff_s=0.5, max_backoff_s=5.0, jitter=0.0),
                             what="thing", retryable=lambda exc: isinstance(exc, _HTTPFailure),
                             give_up=lambda exc, n: RuntimeError(f"gave up after {n} retries"), sleep=waits.append)


def test_call_with_retries_waits_retry_after_else_backoff_capped() -> None:
    soon = formatdate(time.time() + 3, usegmt=True)
    waits: list[float] = []
    calls: list[int] = []
    assert _call([_HTTPFailure(429, soon), _HTTPFailure(503), _HTTPFailure(503, "100")], waits, calls) == "ok"
    assert 1.5 < waits[0] <= 3.0 and waits[1:] == [1.0, 5.0] and len(calls) == 4


def test_call_with_retries_gives_up_with_the_callers_error() -> None:
    waits: list[float] = []
    calls: list[int] = []
    with pytest.raises(RuntimeError, match="gave up after 3 retries") as info:
        _call([_HTTPFailure(502)] * 9, waits, calls)
    assert waits == [0.5, 1.0, 2.0] and len(calls) == 4 and isinstance(info.value.__cause__, _HTTPFailure)
    with pytest.raises(RuntimeError, match="gave up after 0 retries"):
        _call([_HTTPFailure(502)], waits, [], retries=0)


def test_call_with_retries_raises_other_failures_at_once() -> None:
    waits: list[float] = []
    calls: list[int] = []
    with pytest.raises(ValueError, match="bad input"):
        _call([ValueError("bad input")], waits, calls)
    assert waits == [] and len(calls) == 1
    with pytest.raises(KeyError):
        _call([_HTTPFailure(503), KeyError("x")], waits, calls := [])
    assert waits == [0.5] and len(calls) == 2


def test_retry_after_reads_seconds_and_http_dates() -> None:
    import httpx

    assert retry_after(httpx.Headers({"retry-after": "0.25"})) == 0.25 and retry_after({"retry-after": "3"}) == 3.0
    assert 55 < retry_after({"Retry-After": formatdate(time.time() + 60, usegmt=True)}) <= 60  # type: ignore[operator]
    assert retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after(None) is None and retry_after({"Retry-After": "soon"}) is None


def test_executor_retries_wait_what_retry_after_asks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A backend's transient error raised from a provider's 429 waits its Retry-After, not the backoff."""
    import asyncio

    from hugginggpt_tools import execution

    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def sleep(delay: float) -> None:
        waits.append(delay)
        await real_sleep(0)

    monkeypatch.setattr(execution.asyncio, "sleep", sleep)
    failures = [_HTTPFailure(429, "0.75"), _HTTPFailure(503)]

    def summarize(inputs: dict[str, str], ctx: RunContext) -> str:
        if failures:
            try:
                raise failures.pop(0)
            except _HTTPFailure as exc:
                raise TransientBackendError(f"rate limited: {exc}") from exc
        return "short"

    executor = Executor(Backends([FakeBackend(handlers={"summarization": summarize})]), ArtifactStore(tmp_path, "s"),
                        Settings(output_dir=tmp_path, retry_backoff_s=0.25))
    result = executor.run(Plan(tasks=[Task(id=0, task="summarization", args={"text": "x"})]),
                          [fake_choice(0, "summarization", ["m/a"])])[0]
    assert result.status == "succeeded" and result.text == "short"
    assert waits[0] == 0.75 and 0.5 <= waits[1] <= 0.55  # then the backoff (0.25 doubled, with jitter)
