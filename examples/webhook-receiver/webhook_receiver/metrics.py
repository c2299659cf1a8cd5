"""The service's Prometheus metrics, served on GET /metrics (one registry per process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, generate_latest

registry = CollectorRegistry()
http_responses = Counter("webhook_http_responses", "HTTP responses by status code.", ["code"], registry=registry)
rate_limit_exceeded = Counter(
    "webhook_rate_limit_exceeded", "Requests refused with HTTP 429 by the per-client rate limit.",
    ["path"], registry=registry,
)


def metrics_text() -> bytes:
    return generate_latest(registry)
