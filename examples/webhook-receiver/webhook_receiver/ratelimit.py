"""Per-client rate limiting (the ``limits`` library, which slowapi uses too) and its Prometheus counter.

``RATE_LIMIT_RPM`` requests per minute per client address (default 100), in a moving window held in
this process's memory: run one worker process per container (threads are fine) so the limit is exact.
The health probe and /metrics are never limited.
"""

from __future__ import annotations

import os

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from webhook_receiver.metrics import rate_limit_exceeded

DEFAULT_RPM = 100
UNLIMITED_PATHS = ("/healthz", "/metrics")


def configured_rpm(environ=os.environ) -> int:
    value = environ.get("RATE_LIMIT_RPM", str(DEFAULT_RPM))
    rpm = int(value)
    if rpm < 1:
        raise ValueError(f"RATE_LIMIT_RPM must be at least 1, got {value!r}")
    return rpm


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.item = RateLimitItemPerMinute(per_minute)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def allow(self, client: str, path: str) -> bool:
        if path in UNLIMITED_PATHS:
            return True
        if self.limiter.hit(self.item, "client", client):
            return True
        rate_limit_exceeded.labels(path=path).inc()
        return False

    def retry_after(self, client: str) -> int:
        reset, _remaining = self.limiter.get_window_stats(self.item, "client", client)
        import time

        return max(1, int(reset - time.time()) + 1)

