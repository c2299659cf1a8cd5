"""WSGI application: POST /webhooks/payments receives provider events, GET /healthz is the probe.

Run locally with ``python -m webhook_receiver.app``; in production gunicorn serves ``application``.
"""

from __future__ import annotations

import json
import logging
import os
from wsgiref.simple_server import make_server

from webhook_receiver import metrics, ratelimit, signing

log = logging.getLogger(__name__)

WEBHOOK_SECRET = os.environ.get("WEBHOOK_SECRET", "whsec_dev_only")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+psycopg://webhooks:webhooks-dev-pw@localhost:5432/webhooks")
DELIVERY_TARGET_URL = os.environ.get("DELIVERY_TARGET_URL", "http://localhost:9000/hooks/payments")
MAX_BODY = 256 * 1024
limiter = ratelimit.RateLimiter(ratelimit.configured_rpm())

_sessions = None


def sessions():
    """The session factory, created on first use so that importing the app needs no database."""
    global _sessions
    if _sessions is None:
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        _sessions = sessionmaker(create_engine(DATABASE_URL, pool_pre_ping=True))
    return _sessions


def health() -> dict:
    from datetime import datetime

    return {"status": "ok", "time": datetime.utcnow().isoformat() + "Z"}


def receive(environ) -> tuple[str, dict]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > MAX_BODY:
        return "413 Payload Too Large", {"error": "body too large"}
    body = environ["wsgi.input"].read(length)
    try:
        timestamp = signing.verify(WEBHOOK_SECRET, environ.get("HTTP_PAYSAFE_SIGNATURE", ""), body)
    except signing.SignatureError as exc:
        log.warning("rejected webhook: %s", exc)
        return "400 Bad Request", {"error": str(exc)}
    event = json.loads(body)
    log.info("event %s (%s) signed at %s", event["id"], event["type"], signing.signed_at(timestamp))

    from sqlalchemy.exc import SQLAlchemyError

    from webhook_receiver import store

    try:
        with sessions()() as session:
            stored = store.record_event(session, event, signature_valid=True)
            store.schedule_delivery(session, stored, DELIVERY_TARGET_URL)
            session.commit()
    except SQLAlchemyError:
        metrics.database_errors.inc()  # the 5xx ratio says requests fail; this says the database is why
        raise
    return "202 Accepted", {"received": event["id"]}


ROUTES = ("/webhooks/payments", "/healthz", "/metrics")


def application(environ, start_response):
    def counted(status, headers):
        metrics.http_responses.labels(code=status.split(" ", 1)[0]).inc()
        return start_response(status, headers)

    path = environ.get("PATH_INFO", "/")
    # a fixed set of route labels: one per requested path would let any client create series without end
    with metrics.request_seconds.labels(path=path if path in ROUTES else "other").time():
        return _route(environ, counted)


def _route(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/")
    client = environ.get("REMOTE_ADDR", "unknown")
    if not limiter.allow(client, path):
        data = json.dumps({"error": "rate limit exceeded"}).encode()
        start_response("429 Too Many Requests", [("Content-Type", "application/json"),
                                                 ("Content-Length", str(len(data))),
                                                 ("Retry-After", str(limiter.retry_after(client)))])
        return [data]
    if method == "GET" and path == "/metrics":
        data = metrics.metrics_text()
        start_response("200 OK", [("Content-Type", "text/plain; version=0.0.4"), ("Content-Length", str(len(data)))])
        return [data]
    if method == "GET" and path == "/healthz":
        status, body = "200 OK", health()
    elif method == "POST" and path == "/webhooks/payments":
        status, body = receive(environ)
    else:
        status, body = "404 Not Found", {"error": "not found"}
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    make_server("0.0.0.0", int(os.environ.get("PORT", "8000")), application).serve_forever()
