"""``verify.search.decide``: delta debugging over groups, judged by a suite (here a function of the set)."""

from __future__ import annotations

import pytest

from infractl.fix_datetime.verify.search import Budget, Trial, decide


def judge(breaking=(), together=(), budget: Budget | None = None):
    """A suite that changes when a group of ``breaking`` is aware, or when all of ``together`` are; each
    run spends ``budget`` (as the driver's runs do)."""
    runs: list[frozenset] = []

    def trial(aware: frozenset) -> Trial:
        if budget is not None:
            budget.spend()
        runs.append(aware)
        changed = [f"test_{g}" for g in breaking if g in aware]
        if together and set(together) <= aware:
            changed.append("test_together")
        return Trial(not changed, tuple(changed))

    return trial, runs


def test_all_accepted_in_one_run():
    trial, runs = judge()
    decision = decide(list(range(8)), trial)
    assert decision.aware == frozenset(range(8)) and not decision.culprits and not decision.undecided
    assert decision.runs == 1 and runs == [frozenset(range(8))]


def test_one_culprit_among_eight_is_found_and_named():
    trial, runs = judge(breaking=[5])
    decision = decide(list(range(8)), trial)
    assert decision.aware == frozenset(range(8)) - {5}
    assert decision.culprits == {5: ("test_5",)}
    assert decision.runs <= 1 + 2 * 3  # a binary search: about two runs a level
    assert runs[-1] == decision.aware or decision.aware <= runs[-1] | decision.aware


def test_the_final_set_was_run_as_a_whole():
    trial, runs = judge(breaking=[1, 6])
    decision = decide(list(range(8)), trial)
    assert decision.culprits.keys() == {1, 6}
    assert decision.aware == frozenset(range(8)) - {1, 6}
    accepted_runs = [r for r in runs if not ({1, 6} & r)]
    assert decision.aware in accepted_runs  # the suite saw exactly this set pass


def test_two_groups_that_fail_only_together_keep_one_naive():
    trial, _ = judge(together=(2, 3))
    decision = decide(list(range(6)), trial)
    assert not {2, 3} <= decision.aware
    assert len(decision.culprits) == 1 and set(decision.culprits) <= {2, 3}
    assert decision.culprits[next(iter(decision.culprits))] == ("test_together",)


def test_what_the_budget_leaves_untried_is_undecided():
    trial, runs = judge(breaking=[0], budget=Budget(runs=2))
    decision = decide(list(range(8)), trial)
    assert decision.runs == 2 == len(runs)
    assert decision.undecided and not decision.undecided & decision.aware
    assert decision.aware | decision.undecided | set(decision.culprits) == set(range(8))
    assert 0 not in decision.aware


def test_no_candidates_no_run():
    trial, runs = judge()
    assert decide([], trial).runs == 0 and runs == []


@pytest.mark.parametrize("text, runs, seconds", [("40", 40, 1800.0), ("15m", 30, 900.0), ("40,90s", 40, 90.0),
                                                 ("1h,5", 5, 3600.0)])
def test_budget_forms(text, runs, seconds):
    budget = Budget.parse(text)
    assert (budget.runs, budget.seconds) == (runs, seconds)


@pytest.mark.parametrize("text", ["ten", "0", "-1m", "5x"])
def test_bad_budgets_are_refused(text):
    with pytest.raises(ValueError, match="--verify-budget"):
        Budget.parse(text)
