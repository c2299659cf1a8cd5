"""fix-skips' rules."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import RuleDoc

COMMAND = "fix-skips"

RULES = (
    RuleDoc(id="FS001", name="service-test-skipped-everywhere", severity=Severity.ERROR, command=COMMAND,
            summary="a test that needs a running service is skipped unconditionally; fix-skips gates it on an "
                    "environment variable",
            rationale="The skip was meant for machines without the service, but it also turns the test off in "
                      "the CI job that has it. Gating it on a variable (RUN_E2E_TESTS by default) keeps local "
                      "runs quiet and lets CI run it.",
            fix="infractl fix-skips (or set the condition by hand)",
            bad='import pytest\n\n\n@pytest.mark.skip(reason="needs the docker-compose PostgreSQL")\n'
                'def test_store():\n    pass\n',
            good='import os\n\nimport pytest\n\n\n@pytest.mark.skipif(not os.environ.get("RUN_E2E_TESTS"), '
                 'reason="needs the docker-compose PostgreSQL")\ndef test_store():\n    pass\n',
            varies="info once fix-skips gated the test (a write run reports what it did)"),
    RuleDoc(id="FS002", name="skip-without-service", severity=Severity.WARNING, command=COMMAND,
            summary="a test is skipped unconditionally for a reason that names no service; left alone",
            rationale="A 'flaky' skip gated on a variable would still hide the problem; fix-skips reports it "
                      "instead of rewriting it.",
            fix="fix the test and remove the skip, or mark it xfail(strict=False) with an issue link",
            bad='import pytest\n\n\n@pytest.mark.skip(reason="flaky")\ndef test_retry():\n    pass\n'),
    RuleDoc(id="FS003", name="file-does-not-parse", severity=Severity.ERROR, command=COMMAND,
            summary="the test file is not valid Python; it was left untouched",
            rationale="A file that does not parse cannot be rewritten safely.",
            fix="fix the syntax error"),
)
