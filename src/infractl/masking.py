"""Keep credentials out of everything infractl prints."""

from __future__ import annotations

import re

# scheme://user:password@host -> scheme://user:***@host
_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?P<tail>@)")
# libpq keyword style: password=secret  /  PGPASSWORD=secret
_KEYWORD_PASSWORD = re.compile(r"(?i)(?P<head>\b(?:pg)?password\s*=\s*)(?P<pw>'[^']*'|\S+)")

MASK = "***"


def mask_url(url: str) -> str:
    """Replace the password in a URL (if any) with ``***``."""
    return _URL_PASSWORD.sub(lambda m: m.group("head") + MASK + m.group("tail"), url)


def mask_text(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """Mask URL passwords, ``password=...`` pairs and any literal secret in free text."""
    text = mask_url(text)
    text = _KEYWORD_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, MASK)
    return text
