"""tests/support/emitted.py: the session-wide check that every finding's id and severity are declared."""

from __future__ import annotations

from support import emitted

from infractl.findings import Finding, Severity


def _emit_from_product_code(rule: str, severity: Severity) -> Finding:
    # Findings built in a test file are not recorded (render tests use made-up ids), so build this one
    # through a code object whose file name is outside tests/, as product code's are.
    code = compile("Finding('a.py', 1, 1, rule, severity, 'm')", "/src/infractl/probe.py", "eval")
    return eval(code, {"Finding": Finding, "rule": rule, "severity": severity})


def test_an_undeclared_id_and_a_wrong_severity_are_reported():
    before = dict(emitted.EMITTED)
    try:
        _emit_from_product_code("ZZ999", Severity.ERROR)
        _emit_from_product_code("DT101", Severity.INFO)  # declared as a warning
        _emit_from_product_code("DT010", Severity.INFO)  # declared error, but its severity varies
        problems = emitted.undeclared()
        assert any(p.startswith("ZZ999 (error) is emitted") for p in problems)
        assert any(p.startswith("DT101 is emitted as info") and "declares warning" in p for p in problems)
        assert not any(p.startswith("DT010") for p in problems)
    finally:
        emitted.EMITTED.clear()
        emitted.EMITTED.update(before)
