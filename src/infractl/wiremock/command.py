"""``infractl wiremock validate`` (flags to mappings/validate.py's ``collect``, then its report printed) and
``ci-snippet``; the lifecycle is in lifecycle.py."""

from __future__ import annotations

import shlex
from pathlib import Path

from infractl.config import load_config
from infractl.errors import EXIT_FINDINGS, EXIT_OK
from infractl.findings import fails
from infractl.render import print_report
from infractl.rulebook.selection import RuleSelection, resolve_selection
from infractl.wiremock.mappings.validate import collect
from infractl.wiremock.settings import SECTION, WHERE, settings


def lint_selection(config, select=None, ignore=None) -> RuleSelection:
    """What the project wants of the WireMock rules: ``select``/``ignore`` of [tool.infractl.wiremock], else
    of [tool.infractl] (flags first)."""
    return resolve_selection(config.section(SECTION), config.data, select, ignore, WHERE)


def run_validate(dir: Path | None, fmt: str, strict: bool, config_path: Path | None, select=None, ignore=None,
                 global_templating: bool = False, fix=None) -> int:
    """``fix``: ``fixing.FixOptions`` for ``--fix`` (None: report only)."""
    config = load_config(start=dir, explicit=config_path)
    chosen = settings(config, dir=dir, global_templating=global_templating or None)
    # None when neither the flag nor the table switch templating on: a Dockerfile or Compose file beside the
    # mappings may (collect looks)
    templating = chosen.global_response_templating or None
    selection = lint_selection(config, select, ignore)
    report = collect(chosen.dir, templating, selection)
    if fix is not None:
        from infractl.fixing.outcome import report_with_fixes

        return report_with_fixes(report, chosen.dir, lambda copy: collect(copy, templating, selection).findings,
                                 fix, fmt, strict)
    print_report(report, fmt)
    return EXIT_FINDINGS if fails(report.findings, strict) else EXIT_OK


def ci_snippet(dir: Path | None, config_path: Path | None, port: int | None) -> str:
    config = load_config(start=dir, explicit=config_path)
    chosen = settings(config, dir=dir, port=port)
    directory = shlex.quote(_in_checkout(chosen.dir, config.root))
    templating = " --global-response-templating" if chosen.global_response_templating else ""
    return f"""\
      # WireMock, started and proven the same way as on a laptop (infractl wiremock up)
      - name: Start WireMock
        env:
          # where your infractl comes from, e.g. "infractl @ git+https://<your git host>/<org>/infractl"
          # (a repository variable; the name 'infractl' on PyPI is an unrelated project)
          INFRACTL_PIP_SPEC: ${{{{ vars.INFRACTL_PIP_SPEC }}}}
        run: |
          pip install "$INFRACTL_PIP_SPEC"
          docker pull {chosen.image}
          infractl wiremock up {directory} --runtime docker --image {chosen.image} --port {chosen.port} \\
            --name {chosen.name}{templating}
      # ... your test steps, pointed at http://127.0.0.1:{chosen.port} ...
      - name: WireMock saw only expected requests
        run: infractl wiremock verify --name {chosen.name}
      - name: Stop WireMock
        if: always()
        run: infractl wiremock down --name {chosen.name}
"""


def _in_checkout(directory: Path, root: Path) -> str:
    """The directory as the workflow's checkout sees it: relative to the project root (where the config
    is, else the current directory), since the CI machine has its own absolute path."""
    try:
        return directory.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return directory.as_posix()
