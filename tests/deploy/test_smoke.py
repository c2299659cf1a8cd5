"""Smoke checks against a small local HTTP server: status, header, JSON path, body regex, repeat, HMAC."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from infractl.deploy.plan import DeployOptions, Plan, SecretValues, StepFailed
from infractl.deploy.settings import DeploySettings, SmokeCheck
from infractl.deploy.smoke import run_smoke

SECRET = "whsec_smoke_unit"


class Handler(BaseHTTPRequestHandler):
    hits = 0

    def log_message(self, *args):
        pass

    def do_GET(self):
        Handler.hits += 1
        code = 429 if Handler.hits > 3 else 200
        body = json.dumps({"status": "ok", "items": [{"id": 7}]}).encode()
        self.send_response(code)
        self.send_header("X-Version", "1.2.3")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        data = self.rfile.read(int(self.headers["Content-Length"]))
        parts = dict(p.split("=", 1) for p in self.headers["Sig"].split(","))
        expected = hmac.new(SECRET.encode(), f"{parts['t']}.".encode() + data, hashlib.sha256).hexdigest()
        self.send_response(202 if hmac.compare_digest(expected, parts["v1"]) else 400)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def server():
    Handler.hits = 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def plan_with(checks) -> Plan:
    settings = DeploySettings(env="staging", kind="compose", root=Path("."), image="x", build=None, secrets=(),
                              smoke=tuple(checks))
    return Plan(settings=settings, options=DeployOptions(), secrets=SecretValues({"WEBHOOK_SECRET": SECRET}))


def test_expectations_pass(server, tmp_path):
    (tmp_path / "body.json").write_text('{"id": "evt_1"}')
    plan = plan_with([
        SmokeCheck(name="json", url=server + "/", json_path="items.0.id", json_value=7, header="X-Version: 1.2"),
        SmokeCheck(name="regex", url=server + "/", body_regex=r'"status": "ok"'),
        SmokeCheck(name="signed", url=server + "/hook", method="POST", body_file=tmp_path / "body.json",
                   status=202, hmac={"secret": "WEBHOOK_SECRET", "header": "Sig"}),
        SmokeCheck(name="limit", url=server + "/", repeat=3, status=429),
    ])
    assert run_smoke(plan, None) == "4 checks passed"
    assert plan.smoke[-1]["statuses"] == {"200": 1, "429": 2}


def test_failures_are_listed(server):
    plan = plan_with([SmokeCheck(name="wrong value", url=server + "/", json_path="status", json_value="down"),
                      SmokeCheck(name="missing header", url=server + "/", header="X-Nope"),
                      SmokeCheck(name="nothing there", url="http://127.0.0.1:9/", timeout=2)])
    with pytest.raises(StepFailed) as caught:
        run_smoke(plan, None)
    assert str(caught.value) == "3 of 3 smoke checks failed"
    assert caught.value.details[0] == "wrong value: status is 'ok', expected 'down'"
    assert caught.value.details[1] == "missing header: header 'X-Nope' missing (got None)"
    assert caught.value.details[2].startswith("nothing there: no answer from the service")
