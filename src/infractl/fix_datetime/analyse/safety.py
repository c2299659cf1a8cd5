"""Which sites become aware, which keep their naive value, and what is reported: the safety model.

- ``auto`` (default): a group of values (flow.py) becomes aware only when nothing in its flow needs a
  naive value; otherwise it gets the behaviour-preserving form and each of its sites an info finding
  (DT012) with the reason and the line of the naive partner. References (``default=datetime.utcnow``)
  always keep naive values here: what they produce leaves the module.
- ``aware``: everything becomes aware; every reason auto had to keep a value naive is a hazard warning
  where it happens (DT101-DT109, DT106 for naive columns).
- ``naive``: everything keeps its naive value.
In every mode: hazards of values already aware in the code (``now(timezone.utc)`` meeting a naive value),
so a second run still shows them; and one finding per rewrite (DT010 utcnow, DT011 utcfromtimestamp) that
``# noqa: DT010`` / ``# noqa: DTZ003`` (or a bare ``# noqa``) on the line turns off, with the rewrite.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from infractl.fix_datetime.analyse.analysis import LOCAL_FACTORIES, FileFacts, Site
from infractl.fix_datetime.analyse.cstshape import positional_args
from infractl.fix_datetime.analyse.flow import Flow, Problem
from infractl.fix_datetime.analyse.hazards import column_call, column_hazards
from infractl.fix_datetime.analyse.origins import AWARE
from infractl.fix_datetime.analyse.rules import (
    AWARE_DEFAULT_NAIVE_COLUMN,
    CLOCK_STUB_NOT_REWRITTEN,
    KEPT_NAIVE,
    REWRITE_RULE,
    RULE,
    VALUE_LEAVES_ANALYSIS,
)
from infractl.fix_datetime.verify.rules import UNDECIDED, VERIFIED_AWARE

# (rule, message template with {line} for the partner's line, fix, severity, partner node or None)
Note = tuple[str, str, str, str, "ast.AST | None"]  # becomes a plan.Anchor


def note(rule, message: str, fix: str | None = None, partner: ast.AST | None = None) -> Note:
    """A finding to be, of ``rule`` (an analyse.rules object) and at its declared severity."""
    return rule.id, message, rule.fix if fix is None else fix, rule.severity.value, partner


@dataclass(eq=False)
class Plan:
    calls: list[Site]
    refs: list[Site]
    ref_mode: str  # the helper references get: "aware" | "naive"
    anchors: list[tuple[ast.AST, Note]] = field(default_factory=list)
    before: dict[ast.AST, tuple[int, int]] = field(default_factory=dict)  # positions in the input
    ref_findings: dict[Site, list[tuple[ast.AST, Note]]] = field(default_factory=dict)
    # groups auto keeps naive only because it cannot follow them: (line, column) of their first site
    # (line, column) of their first site; (line, column, "held") of a site a clock stub holds (_HeldSites)
    open_groups: list[tuple] = field(default_factory=list)

    def ref_anchors(self, refs: list[Site]) -> list[tuple[ast.AST, Note]]:
        return [anchor for site in refs for anchor in self.ref_findings.get(site, [])]


def plan_sites(positions, facts: FileFacts, names_of: Callable, scopes, calls: list[Site], refs: list[Site],
               mode: str, stubbed: str = "", held: frozenset[str] = frozenset(), verdicts: dict | None = None) -> Plan:
    """``positions``: the code's cstshape.Positions (its text and spans). ``held``: rewrite rules not
    selected; like ``# noqa: DT010`` on each of their lines. ``verdicts``: what ``--verify`` decided for
    this file's open groups, by the (line, column) of their first site."""
    lines = positions.code.splitlines()
    before = places(positions, (site_node(s) for s in facts.sites))
    calls = [s for s in calls if REWRITE_RULE[s.kind].id not in held and not _noqa(s, before, lines)]
    held_sites = _HeldSites(before, verdicts if mode == "auto" else None, mode == "auto")
    if stubbed.startswith("keep:") and mode != "aware":
        # a test stubs this module's utcnow in a way that cannot follow (stubs.py): rewriting would break it
        where = stubbed.removeprefix("keep:")
        calls = held_sites.hold(calls, f"left as it is: the clock stub at {where} cannot follow the rewrite")
        stubbed = ""  # what is left was released by --verify: rewritten as if no stub held it
    refs = [s for s in refs if REWRITE_RULE[s.kind].id not in held and not _noqa(s, before, lines)]
    if stubbed.startswith("frozen"):  # freezegun with tz_offset (stubs/freezers.py): utcnow() cannot follow
        kind, _, where = stubbed.partition(":")
        stubbed = "naive" if kind == "frozen+naive" else ""
        if mode != "aware":
            reason = (f"left as it is: a test freezes the clock with freezegun's tz_offset at {where}, and "
                      "there now(timezone.utc) adds the offset while utcnow() does not")
            frozen = held_sites.hold([s for s in (*calls, *refs) if s.kind == "utcnow"], reason)
            calls = [s for s in calls if s.kind != "utcnow" or s in frozen]
            refs = [s for s in refs if s.kind != "utcnow" or s in frozen]
    flow = Flow(facts, names_of, scopes, calls, positions.source)
    plan = Plan(calls, refs, "aware" if mode == "aware" else "naive", anchors=held_sites.kept,
                open_groups=held_sites.open)
    plan.anchors.extend(held_sites.released_notes())
    for group in flow.site_groups():
        if stubbed:  # tests patch this module's datetime: their rewritten stubs expect the naive form
            group.problems.insert(0, Problem(CLOCK_STUB_NOT_REWRITTEN.id, "tests stub this module's datetime (patch('...datetime'))",
                                             group.sites[0].call))
        verdict = None
        if mode == "auto" and group.problems and not stubbed and not any(p.definite for p in group.problems):
            key = before.get(site_node(group.sites[0]))  # no naive partner is known: it cannot be followed
            verdict = (verdicts or {}).get(key)
            if verdict is None and key is not None:
                plan.open_groups.append(key)
        aware_by_test = verdict is not None and verdict[0] == "aware"
        keep_naive = mode == "naive" or (mode == "auto" and bool(group.problems) and not aware_by_test)
        for site in group.sites:
            site.naive = keep_naive
            plan.anchors.append((site_node(site), _rewrite_finding(site)))
            if aware_by_test:
                plan.anchors.append((site_node(site), note(VERIFIED_AWARE, f"made aware: {verdict[1]}")))
            elif keep_naive and mode == "auto":
                plan.anchors.extend((site_node(site), kept) for kept in _kept_naive_notes(group.problems[0], verdict))
        if mode == "aware":  # one hazard per place and rule: the first reason found
            first = {(p.anchor, p.rule): p for p in reversed([*group.problems, *group.notes]) if p.anchor}
            plan.anchors.extend((p.anchor, _hazard(p)) for p in reversed(first.values()))
    sources = [c for c in facts.calls if _already_aware(c, names_of)]
    plan.anchors.extend((p.anchor, _hazard(p)) for p in flow.existing_problems(sources) if p.anchor)
    aware_refs = {s.attr for s in refs} if mode == "aware" else set()

    def is_aware_default(value) -> bool:
        if value in aware_refs:
            return True
        if not isinstance(value, ast.Lambda):
            return False
        kinds = [k.naive if isinstance(k, Site) else k for k, _ in flow.origins(value.body, 0)]
        return bool(kinds) and all(k in (AWARE, False) for k in kinds)

    columns = list(column_hazards(facts, names_of, is_aware_default))
    plan.anchors.extend((anchor, _hazard(Problem(AWARE_DEFAULT_NAIVE_COLUMN.id, "", anchor))) for anchor in columns)
    for site in refs:
        found = [(site.attr, _rewrite_finding(site))]
        if mode == "auto":
            leaves = "a reference: the values it makes leave the analysis"
            found.append((site.attr, _kept_naive(Problem(VALUE_LEAVES_ANALYSIS.id, leaves, site.attr))))
        elif mode == "aware" and not column_call(_called_with(facts.parents, site.attr)):
            found.append((site.attr, _hazard(Problem(VALUE_LEAVES_ANALYSIS.id, "", site.attr))))
        plan.ref_findings[site] = found
    partners = [f[4] for _, f in plan.anchors if f[4] is not None]
    plan.before = before | places(positions, [a for a, _ in plan.anchors] + partners + [s.attr for s in refs])
    return plan


def places(positions, nodes) -> dict[ast.AST, tuple[int, int]]:
    """(line, column), both 1-based, where each node starts in the input (None left out)."""
    return {node: positions.place(node) for node in nodes if node is not None}


_FACTORY_NAMES = frozenset(name.rsplit(".", 1)[1] for name in LOCAL_FACTORIES)
HELD = "held"  # the third part of a held site's key: (line, column, "held")


class _HeldSites:
    """Sites a clock stub holds (DT107). With --verify each is an open group of its own, keyed
    ``(line, column, "held")``: the trial rewrites it as if no stub held it, in the form auto gives it.
    A site the suite accepted is released (rewritten, DT020 saying so); one it did not stays held, its DT107
    naming the tests that changed."""

    def __init__(self, before: dict, verdicts: dict | None, auto: bool) -> None:
        self.before, self.verdicts, self.auto = before, verdicts or {}, auto
        self.kept: list[tuple[ast.AST, Note]] = []
        self.open: list[tuple] = []
        self.released: list[tuple[Site, str]] = []

    def hold(self, sites: list[Site], reason: str) -> list[Site]:
        """Hold ``sites``; return those --verify released."""
        stub = CLOCK_STUB_NOT_REWRITTEN
        released = []
        for site in sites:
            key = (*self.before.get(site_node(site), (0, 0)), HELD)
            status, detail = self.verdicts.get(key, ("", ""))
            if status == "aware":
                released.append(site)
                self.released.append((site, detail))
                continue
            why = f"{reason}; rewritten, it changes {detail} (--verify)" if status == "naive" else reason
            self.kept.append((site_node(site), note(stub, f"{stub.summary} ({why})")))
            if status == "undecided":
                self.kept.append((site_node(site), note(UNDECIDED, UNDECIDED.summary)))
            elif not status and self.auto and key[0]:
                self.open.append(key)
        return released

    def released_notes(self) -> list[tuple[ast.AST, Note]]:
        return [(site_node(site), note(VERIFIED_AWARE, f"rewritten although a clock stub held it: {why}"))
                for site, why in self.released]


def _called_with(parents: dict, node: ast.AST) -> ast.AST | None:
    """The call ``node`` is an argument of (``f(node)``, ``f(k=node)``, ``f(*node)``: libcst's Arg's parent)."""
    parent = parents.get(node)
    if isinstance(parent, (ast.keyword, ast.Starred)):
        parent = parents.get(parent)
    return parent if isinstance(parent, ast.Call) and parent.func is not node else None


def _noqa(site: Site, before, lines: list[str]) -> bool:
    from infractl.rulebook.selection import suppressed_by_noqa

    line = before.get(site_node(site), (0, 0))[0]
    return 0 < line <= len(lines) and "noqa" in lines[line - 1].lower() and suppressed_by_noqa(
        REWRITE_RULE[site.kind].id, lines[line - 1])


def site_node(site: Site) -> ast.AST:
    """What a site's findings point at: the call (with a redundant ``.replace(tzinfo=utc)``), or the reference."""
    if site.call is None:
        return site.attr
    return site.outer if site.outer is not None and site.outer_kind == "utc" else site.call


def _already_aware(call: ast.Call, names_of) -> bool:
    """``datetime.now(tz)``, ``fromtimestamp(t, tz=...)``: aware in the code as it stands."""
    func = call.func
    if func.__class__ is ast.Attribute:
        if func.attr not in _FACTORY_NAMES:  # a qualified name of an attribute ends in its own name
            return False
    elif func.__class__ is not ast.Name:
        return False
    names = names_of(func)
    if not names & LOCAL_FACTORIES:
        return False
    limit = 0 if names & {"datetime.datetime.now"} else 1
    return positional_args(call) > limit or any(k.arg == "tz" for k in call.keywords)


def _rewrite_finding(site: Site) -> Note:
    old = f"{site.kind}()" if site.call is not None else site.kind
    if site.call is None:
        new = "a module-level helper"
    elif site.kind == "utcnow":
        new = "now(timezone.utc)"
    else:
        new = "fromtimestamp(t, tz=timezone.utc)"
    form = " with .replace(tzinfo=None), keeping its naive value" if site.naive and site.call is not None else ""
    rule = REWRITE_RULE[site.kind]
    return note(rule, f"deprecated datetime.{old}: becomes {new}{form}",
                f"run infractl fix-datetime (or add # noqa: {rule.id})")


def _kept_naive_notes(problem: Problem, verdict) -> list[Note]:
    """DT012, with what --verify found: the tests that changed when the group was aware, or DT022 when
    its budget ended first."""
    if verdict is None:
        return [_kept_naive(problem)]
    status, detail = verdict
    if status == "naive":
        where = ", line {line}" if problem.partner is not None else ""
        return [note(KEPT_NAIVE, f"kept naive: {problem.reason}{where}; aware, it changes {detail} (--verify)",
                     "make the test's expectation aware, then run --verify again", problem.partner)]
    return [_kept_naive(problem), note(UNDECIDED, UNDECIDED.summary)]


def _kept_naive(problem: Problem) -> Note:
    where = ", line {line}" if problem.partner is not None else ""
    return note(KEPT_NAIVE, f"kept naive: {problem.reason}{where}",
                "make the other side aware, then run --mode aware on this file", problem.partner)


def _hazard(problem: Problem) -> Note:
    rule = RULE[problem.rule]
    message = rule.summary
    if problem.reason:
        message = f"{message} ({problem.reason}{', line {line}' if problem.partner is not None else ''})"
    return note(rule, message, partner=problem.partner)
