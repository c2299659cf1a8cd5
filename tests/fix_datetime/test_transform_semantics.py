"""Run the rewritten code: aware mode returns aware UTC values, naive mode returns exactly what it used to."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import pytest

from infractl.fix_datetime.rewrite.transform import transform_source

SOURCE = '''
import datetime as dt
from datetime import datetime


class timezone:  # a project's own name "timezone": must keep working after the rewrite
    label = "project"


def now():
    return datetime.utcnow()


def epoch():
    return datetime.utcfromtimestamp(0)


def module_style(ts):
    return dt.datetime.utcfromtimestamp(ts)


def already_aware():
    return datetime.utcnow().replace(tzinfo=dt.UTC)


clock = datetime.utcnow
from_ts = dt.datetime.utcfromtimestamp
'''


def load(code: str) -> dict:
    namespace: dict = {"__name__": "case"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # utcnow() warns on 3.12+: none may remain
        exec(compile(code, "case.py", "exec"), namespace)  # noqa: S102 - running the rewrite is the test
        namespace["_results"] = {
            name: namespace[name]() for name in ("now", "epoch", "already_aware", "clock")
        } | {"module_style": namespace["module_style"](86400), "from_ts": namespace["from_ts"](60)}
    return namespace


@pytest.fixture(scope="module")
def original():
    namespace: dict = {"__name__": "case"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        exec(compile(SOURCE, "case.py", "exec"), namespace)  # noqa: S102
        return {
            "now": namespace["now"](), "epoch": namespace["epoch"](),
            "already_aware": namespace["already_aware"](), "clock": namespace["clock"](),
            "module_style": namespace["module_style"](86400), "from_ts": namespace["from_ts"](60),
        }


def close(a: datetime, b: datetime) -> bool:
    return abs(a - b) < timedelta(seconds=30)


def test_aware_mode_returns_aware_utc_values(original):
    result = transform_source(SOURCE, mode="aware")
    assert (result.calls_fixed, result.refs_fixed) == (4, 2)
    namespace = load(result.code)
    values = namespace["_results"]
    for name, value in values.items():
        assert value.tzinfo is UTC, name
        assert close(value.replace(tzinfo=None), original[name].replace(tzinfo=None)), name
    assert values["epoch"] == datetime(1970, 1, 1, tzinfo=UTC)
    assert values["module_style"] == datetime(1970, 1, 2, tzinfo=UTC)
    assert namespace["timezone"].label == "project"


def test_naive_mode_keeps_every_value_as_it_was(original):
    result = transform_source(SOURCE, mode="naive", target_version="py311")
    namespace = load(result.code)
    values = namespace["_results"]
    for name, value in values.items():
        assert type(value) is datetime, name
        assert (value.tzinfo is None) == (original[name].tzinfo is None), name
        assert close(value, original[name]), name
    assert values["epoch"] == original["epoch"] == datetime(1970, 1, 1)
    assert values["from_ts"] == original["from_ts"] == datetime(1970, 1, 1, 0, 1)
    assert values["already_aware"].tzinfo is UTC  # it was aware before, so it stays aware
    assert namespace["timezone"].label == "project"
