"""A small client for the payment provider's REST API (events, charges, refunds)."""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.request
import uuid

API_BASE = os.environ.get("PAYMENTS_API_URL", "https://api.paysafe.example/v1")
API_KEY = os.environ.get("PAYMENTS_API_KEY", "")


def _request(method: str, path: str, body: dict | None = None) -> dict:
    headers = {"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
        headers["Idempotency-Key"] = str(uuid.uuid4())
    request = urllib.request.Request(API_BASE + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def fetch_event(event_id: str) -> dict:
    """Re-read an event from the provider: the only trustworthy copy when a signature looks odd."""
    return _request("GET", f"/events/{event_id}")


def fetch_charge(charge_id: str) -> dict:
    return _request("GET", f"/charges/{charge_id}")


def create_refund(charge_id: str, amount: int, reason: str) -> dict:
    return _request("POST", "/refunds", {
        "charge": charge_id,
        "amount": amount,
        "reason": reason,
        "requested_at": dt.datetime.utcnow().isoformat() + "Z",
    })


def event_created(event: dict) -> dt.datetime:
    """The provider's ``created`` field is a Unix timestamp."""
    return dt.datetime.utcfromtimestamp(event["created"])
