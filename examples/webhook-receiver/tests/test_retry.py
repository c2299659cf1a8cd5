from datetime import datetime, timedelta

import pytest

from webhook_receiver.retry import AttemptLog, RetryPolicy


def test_delay_doubles_and_is_capped():
    policy = RetryPolicy(jitter=0)
    assert [policy.delay(n) for n in (1, 2, 3)] == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert policy.delay(20) == timedelta(hours=6)


def test_gives_up_after_max_attempts():
    assert RetryPolicy(max_attempts=3).next_attempt(3) is None


def test_next_attempt_from_a_fixed_clock():
    now = datetime(2024, 5, 1, 12, 0)
    assert RetryPolicy(jitter=0).next_attempt(2, now=now) == datetime(2024, 5, 1, 12, 1)


def test_attempt_log_records_duration():
    attempt = AttemptLog(delivery_id=7)
    attempt.finish(status_code=204)
    assert attempt.ok and attempt.duration >= timedelta(0)


@pytest.mark.skip(reason="flaky")
def test_next_attempt_is_in_the_future():
    assert RetryPolicy().next_attempt(1) > datetime.utcnow()
