"""The ``hf-inference`` backend: remote inference through ``huggingface_hub.InferenceClient``.

Three ways to reach a model, in this order:

* a card's own endpoint, ``card.runtime["base_url"]`` (an Inference Endpoint for that model);
* one self-hosted endpoint for every request, ``Settings.hf_base_url``
  (``HUGGINGGPT_HF_BASE_URL``): TGI, TEI, a transformers server;
* Hugging Face Inference Providers for the card's model id, with a token from the environment
  (``HF_TOKEN``) and ``Settings.hf_provider`` (``HUGGINGGPT_HF_PROVIDER``).

Every request has a time limit (``HUGGINGGPT_HF_TIMEOUT``). Answers 429 (rate limited), 502
and 504 (gateway errors) and 503 (model loading or overloaded), and dropped or refused
connections, are retried (:func:`~hugginggpt_tools.retries.call_with_retries`) after the
server's ``Retry-After`` or an exponential backoff, ``HUGGINGGPT_TASK_RETRIES`` times from
``HUGGINGGPT_RETRY_BACKOFF`` seconds on; when they are spent the backend raises a plain
``BackendError``, which the executor does not retry again. The backend is available when a
token or a base URL is configured and ``HF_HUB_OFFLINE`` is not set; it does not probe the
remote side. Its errors do not name the model: the executor puts the model's id in front of
them ("org/model: the server refused the token (HTTP 401): ..."), and the answer names the task.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from ..config import Settings, get_settings, hf_token
from ..errors import BackendError, HuggingGPTError
from ..retries import TRANSIENT_STATUSES, RetryPolicy, call_with_retries, http_status
from ..schemas import ModelCard
from ._hf_tasks import HF_TASKS, PROVIDER_ONLY_TASKS
from .base import Backend, RunContext, TaskOutput, missing_packages

RETRY_STATUSES = TRANSIENT_STATUSES
"""The statuses retried (the shared transient set of :mod:`..retries`)."""
TOKEN_FIX = ("set HF_TOKEN to a Hugging Face token (https://huggingface.co/settings/tokens), or "
             "HUGGINGGPT_HF_BASE_URL to a self-hosted endpoint")


def _offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


class HFInferenceBackend(Backend):
    """Runs cards on Hugging Face Inference Providers or a self-hosted endpoint.

    Args:
        settings: provider, base URL and timeout defaults (from the environment).
        token: Hugging Face token (default: ``HF_TOKEN`` / ``HUGGING_FACE_HUB_TOKEN``).
        provider: Inference Provider name (``"hf-inference"``, ``"auto"``, ...).
        base_url: an endpoint URL that serves every request (overrides model ids).
        timeout_s: time limit of one HTTP request.
        max_retries: retries after a 429/502/503/504 answer or a dropped connection
            (default: ``settings.task_retries``).
        backoff_s: first retry delay, doubled each retry, capped at ``max_backoff_s``, unless the
            server sends ``Retry-After`` (default: ``settings.retry_backoff_s``).
        sleep: the function that waits (tests pass a fake).
    """

    name: ClassVar[str] = "hf-inference"

    def __init__(
        self, settings: Settings | None = None, *, token: str | None = None, provider: str | None = None,
        base_url: str | None = None, timeout_s: float | None = None, max_retries: int | None = None,
        backoff_s: float | None = None, max_backoff_s: float = 30.0, sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        settings = settings or get_settings()
        self.token = token or hf_token()
        self.provider = provider or settings.hf_provider
        self.base_url = base_url or settings.hf_base_url
        self.timeout_s = timeout_s or settings.hf_timeout_s
        self.retry = RetryPolicy(retries=settings.task_retries if max_retries is None else max_retries,
                                 backoff_s=settings.retry_backoff_s if backoff_s is None else backoff_s,
                                 max_backoff_s=max_backoff_s, jitter=0.0)
        self._sleep = sleep
        self._client: Any = None
        self._lock = threading.Lock()

    @staticmethod
    def supported_tasks() -> list[str]:
        return list(HF_TASKS)

    def endpoint(self, card: ModelCard) -> str:
        """What the request names as the model: the card's endpoint, the base URL, or the model id."""
        return str(card.runtime.get("base_url") or self.base_url or card.id)

    def availability(self, card: ModelCard) -> str | None:
        if card.task not in HF_TASKS:
            return f"the hf-inference backend does not run {card.task!r}; it runs {', '.join(HF_TASKS)}"
        if missing_packages(["huggingface_hub"]):
            return "missing package huggingface_hub; install it with pip install hugginggpt-tools"
        if card.task in PROVIDER_ONLY_TASKS and self.endpoint(card).startswith(("http://", "https://")):
            return (f"{card.task} cannot be sent to a URL endpoint; use an Inference Provider that offers it: "
                    "unset HUGGINGGPT_HF_BASE_URL, set HF_TOKEN and HUGGINGGPT_HF_PROVIDER (e.g. fal-ai)")
        configured = bool(self.token or self.base_url or card.runtime.get("base_url"))
        if _offline() and not configured:
            return f"HF_HUB_OFFLINE=1 is set and no token or endpoint is configured; unset HF_HUB_OFFLINE and {TOKEN_FIX}"
        if _offline():
            return "HF_HUB_OFFLINE=1 blocks remote inference; unset HF_HUB_OFFLINE to use it"
        if not configured:
            return f"no token or endpoint configured; {TOKEN_FIX}"
        return None

    def client(self) -> Any:
        """The shared ``InferenceClient`` (created on first use)."""
        with self._lock:
            if self._client is None:
                from huggingface_hub import InferenceClient

                self._client = InferenceClient(provider=self.provider, token=self.token, timeout=self.timeout_s)
            return self._client

    def run(self, card: ModelCard, task: str, inputs: dict[str, str], ctx: RunContext) -> TaskOutput:
        call = HF_TASKS.get(task)
        reason = self.availability(card) if call is not None else f"it does not run {task!r}"
        if call is None or reason is not None:
            raise BackendError(f"cannot run on the hf-inference backend: {reason}.")
        model = self.endpoint(card)
        try:
            return self.with_retries(lambda: call(self.client(), model, inputs, ctx), f"{card.id} ({task})")
        except HuggingGPTError:
            raise
        except Exception as exc:  # huggingface_hub, httpx and PIL raise many kinds; the output folder's own
            raise (ctx.store.write_error(exc) or BackendError(
                f"remote inference failed: {type(exc).__name__}: {exc}")) from exc

    def with_retries(self, call: Callable[[], TaskOutput], what: str) -> TaskOutput:
        """``call()``, retried on 429/502/503/504 answers and dropped connections (``self.retry``);
        timeouts, other HTTP errors and spent retries become BackendError. ``what`` names the call
        in the log lines of the retries; the errors do not repeat it (the executor names the model)."""
        import httpx
        from huggingface_hub.errors import HfHubHTTPError, InferenceTimeoutError, OfflineModeIsEnabled

        def retryable(exc: Exception) -> bool:
            if isinstance(exc, HfHubHTTPError):
                return http_status(exc) in RETRY_STATUSES
            return isinstance(exc, (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError))

        def give_up(exc: Exception, retries: int) -> BackendError:
            if isinstance(exc, HfHubHTTPError):
                return BackendError(_http_message(http_status(exc), exc, retries))
            return BackendError(f"the connection failed after {retries} retries ({type(exc).__name__}: "
                                f"{exc}); check the endpoint or try again later.")

        try:
            return call_with_retries(call, self.retry, what=what, retryable=retryable, give_up=give_up,
                                     sleep=self._sleep)
        except HfHubHTTPError as exc:
            raise BackendError(_http_message(http_status(exc), exc, 0)) from exc
        except (InferenceTimeoutError, TimeoutError, httpx.TimeoutException) as exc:
            raise BackendError(f"the request timed out after {self.timeout_s:g} s; raise HUGGINGGPT_HF_TIMEOUT "
                               "or try again later.") from exc
        except OfflineModeIsEnabled as exc:
            raise BackendError("HF_HUB_OFFLINE=1 blocks remote inference; unset it.") from exc

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
            self._client = None


def _http_message(status: int | None, exc: Exception, attempt: int) -> str:
    """The error for an HTTP error answer, without the model's name (the executor puts it in front)."""
    detail = str(exc).splitlines()[0][:300]
    if status in RETRY_STATUSES:
        return f"the server still answered HTTP {status} after {attempt} retries ({detail}); try again later."
    if status in (401, 403):
        return f"the server refused the token (HTTP {status}): {detail}. Check HF_TOKEN and its permissions."
    if status == 404:
        return f"the server does not know the model (HTTP 404): {detail}. It may not be deployed on this provider."
    return f"the server answered HTTP {status}: {detail}"


__all__ = ["RETRY_STATUSES", "HFInferenceBackend"]
