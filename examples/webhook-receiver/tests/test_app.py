import io
import json
import time

import pytest

pytest.skip("needs the docker-compose PostgreSQL; run in CI only", allow_module_level=True)

from webhook_receiver import app, signing  # noqa: E402


def call(method, path, body=b"", headers=None):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body), **(headers or {})}
    seen = {}
    data = b"".join(app.application(environ, lambda status, _: seen.setdefault("status", status)))
    return seen["status"], json.loads(data)


def test_healthz():
    status, body = call("GET", "/healthz")
    assert status == "200 OK" and body["status"] == "ok"


def test_signed_event_is_stored_once():
    body = json.dumps({"id": "evt_test_1", "type": "charge.succeeded", "created": int(time.time())}).encode()
    timestamp = int(time.time())
    headers = {"HTTP_PAYSAFE_SIGNATURE": f"t={timestamp},v1={signing.sign(app.WEBHOOK_SECRET, timestamp, body)}"}
    assert call("POST", "/webhooks/payments", body, headers)[0] == "202 Accepted"
    assert call("POST", "/webhooks/payments", body, headers)[0] == "202 Accepted"
