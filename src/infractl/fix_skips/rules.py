"""fix-skips' rules, one object each, beside command.py that makes their findings through them (light:
the rule objects import nothing heavy; the codemod lives in transform.py)."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.rulebook import Rule

COMMAND = "fix-skips"
_ABOUT_WRITING = "about writing the file (it changed meanwhile, is read-only, a link leads outside): " \
         "tests/fix_skips/test_fix_skips.py provokes each on disk"

SKIPPED_EVERYWHERE = Rule(
    id="FS001", name="service-test-skipped-everywhere", severity=Severity.ERROR, command=COMMAND,
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
    varies="info once fix-skips gated the test (a write run reports what it did)",
    fix_safety="safe")  # fix-skips' own rewrite: without the variable the test is skipped as before
SKIP_WITHOUT_SERVICE = Rule(
    id="FS002", name="skip-without-service", severity=Severity.WARNING, command=COMMAND,
    summary="a test is skipped unconditionally for a reason that names no service; left alone",
    rationale="A 'flaky' skip gated on a variable would still hide the problem; fix-skips reports it "
              "instead of rewriting it.",
    fix="fix the test and remove the skip, or mark it xfail(strict=False) with an issue link",
    bad='import pytest\n\n\n@pytest.mark.skip(reason="flaky")\ndef test_retry():\n    pass\n')
DOES_NOT_PARSE = Rule(
    id="FS003", name="file-does-not-parse", severity=Severity.ERROR, command=COMMAND,
    summary="the test file is not valid Python; it was left untouched",
    rationale="A file that does not parse cannot be rewritten safely.",
    fix="fix the syntax error",
    invalid=("import pytest\n\n\n@pytest.mark.skip(reason='needs the API')\ndef test_api(:\n    pass\n",))
NOT_WRITTEN = Rule(
    id="FS004", name="not-written", severity=Severity.ERROR, command=COMMAND,
    summary="the rewrite was not written: the file changed, went away, is read-only, is hard-linked, "
            "or would change owner",
    rationale="Just before replacing a file, fix-skips checks it is still the file it read (same inode, "
              "size, mtime and bytes): an edit made meanwhile is not overwritten, a deleted file is not "
              "recreated. A rewrite that would give the file to another owner, override a read-only "
              "file (root included: no write bit at all means read-only) or split a hard link is "
              "refused too. The file stays as it was and its FS001 findings stand.",
    fix="see the message: run again once nothing else edits the file, fix its permissions or owner, "
        "or give a hard-linked name its own copy", no_cases=_ABOUT_WRITING)
LINK_OUTSIDE = Rule(
    id="FS005", name="link-outside-paths", severity=Severity.WARNING, command=COMMAND,
    summary="a symlink inside the given paths leads to a file outside them; that file is not rewritten",
    rationale="fix-skips writes only below the paths it was given: a link to another checkout or a "
              "shared file would otherwise get that file rewritten behind the user's back.",
    fix="run fix-skips on the target's own path, or replace the link with a copy", no_cases=_ABOUT_WRITING)
NOT_READ = Rule(
    id="FS006", name="path-not-read", severity=Severity.WARNING, command=COMMAND,
    summary="a directory or link could not be walked (permissions, a symlink loop, a broken link); its "
            "tests were not looked at",
    rationale="What cannot be read cannot be checked or fixed: the run goes on with the rest and says what "
              "it missed, instead of reporting a clean tree.",
    fix="fix the directory's permissions, or the link",
    no_cases="about the file system, not a file's text: tests/adversarial/test_hostile_trees.py makes a "
             "directory unreadable")
RULES = (SKIPPED_EVERYWHERE, SKIP_WITHOUT_SERVICE, DOES_NOT_PARSE, NOT_WRITTEN, LINK_OUTSIDE, NOT_READ)
