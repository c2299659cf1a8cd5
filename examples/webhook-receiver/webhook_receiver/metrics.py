"""The service's Prometheus metrics, served on GET /metrics (one registry per process).

Every pod is scraped on its own (manifests/staging/monitoring/prometheus.yml discovers the pods): a Service
address would give one replica's counters per scrape, a different one each time.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, push_to_gateway

registry = CollectorRegistry()
http_responses = Counter("webhook_http_responses", "HTTP responses by status code.", ["code"], registry=registry)
rate_limit_exceeded = Counter(
    "webhook_rate_limit_exceeded", "Requests refused with HTTP 429 by the per-client rate limit.",
    ["path"], registry=registry,
)
request_seconds = Histogram(
    "webhook_request_duration_seconds", "Time to answer a request, by route.", ["path"], registry=registry,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
database_errors = Counter(
    "webhook_database_errors", "Requests that failed on the database (connection, pool or statement).",
    registry=registry,
)

# The retention CronJob is a batch process that ends before any scrape: it pushes its count to a
# Pushgateway (PUSHGATEWAY_URL), as batch jobs do, and Prometheus scrapes that.
retention_registry = CollectorRegistry()
retention_deleted = Counter(
    "webhook_retention_deleted_events", "Stored events deleted by the retention job.", registry=retention_registry,
)


def metrics_text() -> bytes:
    return generate_latest(registry)


def push_retention(deleted: int) -> bool:
    """Push the retention run's count when PUSHGATEWAY_URL is set; False when it is not."""
    gateway = os.environ.get("PUSHGATEWAY_URL")
    if not gateway:
        return False
    retention_deleted.inc(deleted)
    push_to_gateway(gateway, job="webhook-receiver-retention", registry=retention_registry)
    return True
