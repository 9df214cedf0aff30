"""Retries with backoff for transient remote failures.

A failure is transient when trying again may help: a backend says so by raising
:class:`~hugginggpt_tools.errors.TransientBackendError`; a foreign exception (a provider SDK's,
a socket's) is transient when it is a connection error or timeout, when its class is one of the
rate-limit / overload / connection errors the common SDKs raise, or when it carries an HTTP
status 429, 502, 503 or 504. Other errors of this package are never transient: a backend that
already retried (hf-inference honours ``Retry-After`` itself) raises a plain
:class:`~hugginggpt_tools.errors.BackendError` when it gives up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .errors import HuggingGPTError, TransientBackendError

TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})
"""HTTP statuses worth retrying: rate limited, bad gateway, unavailable, gateway timeout."""

TRANSIENT_NAMES = frozenset({
    "RateLimitError", "APIConnectionError", "APITimeoutError", "ServiceUnavailableError", "OverloadedError",
    "InternalServerError", "ConnectError", "ConnectTimeout", "ReadError", "ReadTimeout", "RemoteProtocolError",
    "ServerDisconnectedError", "ClientConnectionError",
})
"""Exception class names (OpenAI, Anthropic, httpx, aiohttp, ...) that mean "try again later"."""


def _status(exc: BaseException) -> int | None:
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
    return _status(exc) in TRANSIENT_STATUSES


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


__all__ = ["TRANSIENT_NAMES", "TRANSIENT_STATUSES", "RetryPolicy", "is_transient"]
