"""Per-key rate limiting with token buckets (for the server; pure code, no I/O).

Each key (an API key's fingerprint, or a client address) has a bucket holding up to ``burst``
tokens, refilled at ``per_minute / 60`` tokens a second. A request takes one token; with none
left it is refused and told how long to wait (HTTP 429 with ``Retry-After``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from .errors import ConfigError


@dataclass
class TokenBucket:
    """``tokens`` out of ``capacity``, refilled at ``rate`` tokens a second since ``updated``."""

    capacity: float
    rate: float
    tokens: float
    updated: float

    def take(self, now: float) -> float:
        """Take a token at time ``now``: 0.0 when taken, else the seconds until one is there."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class RateLimiter:
    """Token buckets by key; the least recently seen keys beyond ``max_keys`` are forgotten.

    Args:
        per_minute: sustained requests a minute per key (> 0).
        burst: requests a key may make at once (bucket size, >= 1).
        max_keys: buckets kept (a forgotten key starts again with a full bucket).
        clock: monotonic seconds (tests pass a fake).
    """

    def __init__(self, per_minute: float, burst: int, *, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0 or burst < 1:
            raise ConfigError(f"Rate limit needs per_minute > 0 and burst >= 1, got {per_minute} and {burst}; "
                              "set HUGGINGGPT_RATE_LIMIT=0 to turn limiting off instead.")
        self.per_minute, self.burst, self.max_keys = float(per_minute), int(burst), max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when allowed, else the seconds to wait."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(self.burst, self.per_minute / 60.0, self.burst, now)
            self._buckets.move_to_end(key)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return bucket.take(now)

    def __len__(self) -> int:
        with self._lock:
            return len(self._buckets)


def retry_after(seconds: float) -> str:
    """The ``Retry-After`` header value (whole seconds, at least 1)."""
    return str(max(1, math.ceil(seconds)))


__all__ = ["RateLimiter", "TokenBucket", "retry_after"]
