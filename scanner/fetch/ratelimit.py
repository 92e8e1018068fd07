"""A per-host request rate shared by every worker: Redis when configured, in-process otherwise.

Both keep, per host, the earliest time the next request may start; a caller
reserves a slot atomically and sleeps until it.  ``CUOMIN_RATE`` (requests per
second per host, default 20) sets the pace; robots.txt's Crawl-delay slows it further.
"""

from __future__ import annotations

import os
import threading
import time

DEFAULT_RATE = float(os.environ.get("CUOMIN_RATE", "20"))

_RESERVE = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
redis.call('SET', KEYS[1], tostring(slot + interval), 'PX', math.ceil(interval * 1000) + 60000)
return tostring(slot)
"""


class LocalRateLimiter:
    def __init__(self, rate: float = DEFAULT_RATE):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, interval: float) -> float:
        with self._lock:
            now = time.time()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + interval
            return slot

    def wait(self, host: str, delay: float | None = None) -> float:
        """Block until ``host`` may be requested again; returns the seconds waited."""
        interval = max(self.interval, delay or 0.0)
        if interval <= 0:
            return 0.0
        slot = self.reserve(host, interval)
        pause = slot - time.time()
        if pause > 0:
            time.sleep(pause)
        return max(pause, 0.0)


class RedisRateLimiter(LocalRateLimiter):
    """The same pacing kept in Redis (key ``cuomin:rate:<host>``), so all processes and machines share it."""

    def __init__(self, redis_client, rate: float = DEFAULT_RATE):
        super().__init__(rate)
        self.redis = redis_client
        self._script = redis_client.register_script(_RESERVE)

    def reserve(self, host: str, interval: float) -> float:
        return float(self._script(keys=[f"cuomin:rate:{host}"], args=[repr(time.time()), repr(interval)]))


def limiter_from_env(rate: float | None = None) -> LocalRateLimiter:
    url = os.environ.get("CUOMIN_REDIS_URL") or (os.environ.get("CUOMIN_BROKER", "")
                                                 if os.environ.get("CUOMIN_BROKER", "").startswith("redis") else "")
    rate = DEFAULT_RATE if rate is None else rate
    if url:
        import redis

        return RedisRateLimiter(redis.Redis.from_url(url), rate)
    return LocalRateLimiter(rate)
