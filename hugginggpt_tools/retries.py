"""Retries with backoff for transient remote failures.

A failure is transient when trying again may help: a backend says so by raising
:class:`~hugginggpt_tools.errors.TransientBackendError`; a foreign exception (a provider SDK's,
a socket's) is transient when it is a connection error or timeout, when its class is one of the
rate-limit / overload / connection errors the common SDKs raise, or when it carries an HTTP
status 429, 502, 503 or 504. Other errors of this package are never transient: a backend that
already retried raises a plain :class:`~hugginggpt_tools.errors.BackendError` when it gives up.

:func:`call_with_retries` is the one synchronous retry loop for HTTP clients: the hf-inference
backend (with ``Settings.task_retries`` / ``retry_backoff_s``, so its failures are not retried
again by the executor) and the Hub client use it. It waits what a ``Retry-After`` header asks
(:func:`retry_after`: seconds or an HTTP date), else the policy's backoff, at most
``max_backoff_s`` (:func:`retry_delay`, which the executor's async retries of backend calls
use too).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from .errors import HuggingGPTError, TransientBackendError

logger = logging.getLogger(__name__)
T = TypeVar("T")

TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
"""HTTP statuses worth retrying: rate limited, bad gateway, unavailable, gateway timeout."""

TRANSIENT_NAMES = frozenset({
    "RateLimitError", "APIConnectionError", "APITimeoutError", "ServiceUnavailableError", "OverloadedError",
    "InternalServerError", "ConnectError", "ConnectTimeout", "ReadError", "ReadTimeout", "RemoteProtocolError",
    "ServerDisconnectedError", "ClientConnectionError",
})
"""Exception class names (OpenAI, Anthropic, httpx, aiohttp, ...) that mean "try again later"."""


def http_status(exc: BaseException) -> int | None:
    """The HTTP status an exception carries (on itself or its ``response``), or None."""
    for holder in (exc, getattr(exc, "response", None)):
        status = getattr(holder, "status_code", None) or getattr(holder, "status", None)
        if isinstance(status, int):
            return status
    return None


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a failure that may pass when the same call is tried again."""
    if isinstance(exc, TransientBackendError):
        return True
    if isinstance(exc, HuggingGPTError):
        return False
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    if any(cls.__name__ in TRANSIENT_NAMES for cls in type(exc).__mro__):
        return True
    return http_status(exc) in TRANSIENT_STATUSES


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before trying a transient failure again.

    Args:
        retries: tries after the first one.
        backoff_s: delay before the first retry, doubled each retry.
        max_backoff_s: longest delay.
        jitter: fraction of each delay added at random (0 to ``jitter``), so many clients that
            failed together do not retry together.
    """

    retries: int = 2
    backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    jitter: float = 0.1

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed try number ``attempt`` (0 = the first try)."""
        base = min(self.backoff_s * 2 ** attempt, self.max_backoff_s)
        return base * (1 + (rng or random).random() * self.jitter) if self.jitter else base


def retry_after(headers: Any) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (a number or an HTTP date), or None."""
    get = getattr(headers, "get", None)
    value = str((get("Retry-After") or get("retry-after") or "") if get else "").strip()
    for parse in (float, lambda v: parsedate_to_datetime(v).timestamp() - time.time()):
        try:
            return max(0.0, parse(value))
        except (TypeError, ValueError):
            pass
    return None


def retry_delay(exc: BaseException, policy: RetryPolicy, attempt: int) -> float:
    """Seconds to wait after failed try number ``attempt``: what the failure's ``Retry-After``
    header asks (on ``exc.response.headers``, or on the error it was raised from, as a backend
    wraps a provider SDK's rate-limit error), else ``policy.delay(attempt)``; never more than
    ``policy.max_backoff_s``."""
    cause: BaseException | None = exc
    while cause is not None:
        wanted = retry_after(getattr(getattr(cause, "response", None), "headers", None))
        if wanted is not None:
            return min(wanted, policy.max_backoff_s)
        cause = cause.__cause__ if cause.__cause__ is not cause else None
    return policy.delay(attempt)


def call_with_retries(
    fn: Callable[[], T], policy: RetryPolicy, *, what: str, retryable: Callable[[Exception], bool],
    give_up: Callable[[Exception, int], Exception], sleep: Callable[[float], None] = time.sleep,
    log_level: int = logging.INFO,
) -> T:
    """``fn()``, tried again up to ``policy.retries`` times after a failure that ``retryable`` accepts.

    Each wait is :func:`retry_delay`: the failure's ``Retry-After`` when it has one. A failure
    ``retryable`` refuses is raised as it is, at once; when the retries are spent,
    ``give_up(exc, retries_made)`` is raised from the last failure. ``what`` names the call in logs.
    """
    attempt = 0
    while True:
        try:
            return fn()
        except Exception as exc:
            if not retryable(exc):
                raise
            if attempt >= policy.retries:
                raise give_up(exc, attempt) from exc
            delay = retry_delay(exc, policy, attempt)
            status = http_status(exc)
            logger.log(log_level, "%s failed (%s); retrying in %.1f s (%d/%d)", what,
                       f"HTTP {status}" if status else type(exc).__name__, delay, attempt + 1, policy.retries)
            sleep(delay)
            attempt += 1


__all__ = ["TRANSIENT_NAMES", "TRANSIENT_STATUSES", "RetryPolicy", "call_with_retries", "http_status",
           "is_transient", "retry_after", "retry_delay"]
