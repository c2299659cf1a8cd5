"""CI011: a CI health check that cannot fail (issue 18: a `curl` without `-f` let an HTTP 500 pass). On main
lint-ci said nothing about any of these steps."""

from __future__ import annotations

from pathlib import Path

from infractl.lint_ci.command import collect

WORKFLOW = """name: e2e
on: push
permissions: {}
jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - run: docker compose up -d --wait
      - name: Wait for the backend
        run: |
          for i in $(seq 1 30); do
            curl -s http://localhost:8000/api/v1/utils/health-check/ && break  # the defect
            sleep 1
          done
      - run: curl -sS "http://localhost:8000/readyz" > /dev/null
      - run: wget --spider -S http://localhost:8000/healthz || true
      - run: curl -fsS http://localhost:8000/api/v1/utils/health-check/
      - run: curl --silent --fail-with-body http://localhost:9090/-/ready
      - run: test "$(curl -s -o /dev/null -w '%{http_code}' http://localhost:8000/health)" = 200
      - run: curl -s http://localhost:8000/health | jq -e '.status == "ok"'
      - run: wget -q -O /dev/null http://localhost:8000/health
      - run: curl -sL https://install.python-poetry.org | python3 -
      - run: |
          curl -s \\
            -H 'Accept: application/json' \\
            http://localhost:8000/ping
"""


def test_health_checks_that_cannot_fail_are_ci011_and_real_ones_are_not(tmp_path):
    path = tmp_path / ".github" / "workflows" / "e2e.yml"
    path.parent.mkdir(parents=True)
    path.write_text(WORKFLOW)
    found = [(f.line, f.severity.value) for f in collect(tmp_path).findings if f.rule == "CI011"]
    assert found == [(12, "error"), (15, "error"), (16, "error"), (24, "error")]
    by_line = {f.line: f for f in collect(tmp_path).findings if f.rule == "CI011"}
    assert "curl without --fail" in by_line[12].message and "'|| true'" in by_line[16].message
    assert Path(by_line[24].path) == path
