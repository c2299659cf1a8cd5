"""The ast pre-check for files that have no utcnow() left: only files where an aware value meets a naive one
(locally) pay for libcst; a clean file that merely uses now(timezone.utc) does not."""

from __future__ import annotations

import pytest

from infractl.fix_datetime.awareprobe import aware_meets_naive, aware_meets_naive_text

HEAD = "from datetime import datetime, timedelta, timezone, UTC\nimport pytz\n\n\ndef f(text, tz, other):\n"


@pytest.mark.parametrize(("body", "candidate"), [
    ("    return datetime.now(timezone.utc) > datetime.strptime(text, '%Y')\n", True),
    ("    x = datetime.now(timezone.utc) + timedelta(1)\n    y = datetime.fromisoformat(text)\n    return y < x\n", True),
    ("    return tz.localize(datetime.now(tz=timezone.utc))\n", True),
    ("    return datetime.now(timezone.utc) > other.replace(tzinfo=None)\n", True),
    # the probe sees these, but the byte prefilter in front of it only lets parsed or stripped text through
    # (a literal datetime(...) is too common to pay an ast parse for on every clean tree)
    ("    return datetime.now(UTC) - datetime(2020, 1, 1)\n", False),
    ("    return datetime.fromtimestamp(0, tz=timezone.utc) == datetime.min\n", False),
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
