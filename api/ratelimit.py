"""Per-key rate limits: a token bucket per key, in process memory.

Each uvicorn worker keeps its own buckets; with N workers a key gets at most N
times its rate, which is what the limit is sized for (it protects the checker
from one runaway CMS, not a billing meter).
"""

from __future__ import annotations

import threading
import time


class RateLimiter:
    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _level(self, key: str, per_minute: int, burst: int | None) -> tuple[float, float, float]:
        """(tokens now, refill rate per second, now) for ``key``'s bucket; call under the lock."""
        rate = per_minute / 60.0
        cap = float(burst or max(1, per_minute // 6))
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (cap, now))
        return min(cap, tokens + (now - last) * rate), rate, now

    def allow(self, key: str, per_minute: int, burst: int | None = None) -> tuple[bool, float]:
        """(allowed, seconds until the next token) for one request under ``key``."""
        if per_minute <= 0:
            return True, 0.0
        with self._lock:
            tokens, rate, now = self._level(key, per_minute, burst)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return True, 0.0
            self._buckets[key] = (tokens, now)
            return False, (1.0 - tokens) / rate

    def exhausted(self, key: str, per_minute: int, burst: int | None = None) -> float:
        """Seconds until ``key`` may try again (0 when it may), without using a token."""
        if per_minute <= 0:
            return 0.0
        with self._lock:
            tokens, rate, _ = self._level(key, per_minute, burst)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / rate
