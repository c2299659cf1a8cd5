"""The ast pre-check for files that have no utcnow() left: only files where an aware value meets a naive one
(locally) pay for libcst; a clean file that merely uses now(timezone.utc) does not."""

from __future__ import annotations

import pytest

from infractl.fix_datetime.select.awareprobe import aware_meets_naive, aware_meets_naive_text

HEAD = "from datetime import datetime, timedelta, timezone, UTC\nimport pytz\n\n\ndef f(text, tz, other):\n"


@pytest.mark.parametrize(("body", "candidate"), [
    ("    return datetime.now(timezone.utc) > datetime.strptime(text, '%Y')\n", True),
    ("    x = datetime.now(timezone.utc) + timedelta(1)\n    y = datetime.fromisoformat(text)\n    return y < x\n", True),
    ("    return tz.localize(datetime.now(tz=timezone.utc))\n", True),
    ("    return datetime.now(timezone.utc) > other.replace(tzinfo=None)\n", True),
    # literal naive values too (issue 6: a second run must still show them), and names assigned only those
    ("    return datetime.now(UTC) - datetime(2020, 1, 1)\n", True),
    ("    return datetime.fromtimestamp(0, tz=timezone.utc) == datetime.min\n", True),
    ("    return datetime.now(timezone.utc) > datetime.now()\n", True),
    ("    start = datetime(2020, 1, 1)\n    return datetime.now(timezone.utc) - start\n", True),
    ("    start = datetime.now()\n    end = datetime.now(tz=timezone.utc)\n    return end - start\n", True),
])
def test_aware_meeting_naive_is_worth_parsing(body, candidate):
    source = (HEAD + body).encode()
    assert aware_meets_naive(source)
    assert aware_meets_naive_text(source) is candidate


@pytest.mark.parametrize("body", [
    "    return datetime.now(timezone.utc) > other\n",
    "    return datetime.now(timezone.utc).isoformat(), datetime(2020, 1, 1)\n",
    "    return datetime.now(timezone.utc) - datetime(2020, 1, 1, tzinfo=timezone.utc)\n",
])
def test_clean_use_of_aware_values_is_skipped(body):
    source = (HEAD + body).encode()
    assert not aware_meets_naive(source) and not aware_meets_naive_text(source)
