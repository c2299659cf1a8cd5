"""Verify the payment provider's signature header.

The provider sends ``Paysafe-Signature: t=1714564800,v1=<hex>``, where the HMAC-SHA256 covers
``"{t}.{raw body}"``. Requests signed too long ago are rejected so a captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone

TOLERANCE = timedelta(minutes=5)


class SignatureError(ValueError):
    """The request was not signed by the provider, or it was signed too long ago."""


def parse_header(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise SignatureError("malformed signature header")
    return timestamp, signatures


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_at(timestamp: int) -> datetime:
    """When the provider signed the request, for the logs."""
    return datetime.utcfromtimestamp(timestamp).replace(tzinfo=timezone.utc)


def verify(secret: str, header: str, body: bytes, now: datetime | None = None) -> int:
    """Return the signature's timestamp, or raise SignatureError. ``now`` is for tests (naive UTC)."""
    timestamp, signatures = parse_header(header)
    expected = sign(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise SignatureError("signature mismatch")
    sent = datetime.utcfromtimestamp(timestamp)
    current = now or datetime.utcnow()
    if abs(current - sent) > TOLERANCE:
        raise SignatureError(f"timestamp outside tolerance ({TOLERANCE})")
    return timestamp
