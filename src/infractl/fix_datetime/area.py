"""``check``'s datetime area: ``fix-datetime --check`` over the repository (areas.py says what an area is)."""

from __future__ import annotations

from pathlib import Path

from infractl.check.protocol import Area


def collect(root: Path, config, scanner):
    """Each pending rewrite (DT010/DT011) and every hazard, with the project's fix_datetime configuration;
    nothing is written. Its own command's ``collect``, with ``check=True`` and the run's ``scanner`` (which
    may have begun the walk and byte scan in a child already)."""
    from infractl.fix_datetime.command import collect as fix_datetime
    from infractl.render import Report

    # jobs as the project configures them for fix-datetime: the byte scan of a big tree on two cores,
    # and a worker process only when there are files to parse
    outcome = fix_datetime([root], check=True, config_path=config.source, scanner=scanner, new_text=False)
    if not outcome.scanned and not outcome.results:
        return None  # no Python file, and nothing the walk could not read (an unreadable directory is a finding)
    findings = [finding for result in outcome.results for finding in result.findings]
    candidates = sum(1 for result in outcome.results
                     if not result.skipped and (result.findings or result.new_data is not None))
    return Report("fix-datetime", findings,
                  headline=f"{outcome.scanned} Python files, {candidates} with deprecated datetime calls")


AREA = Area("datetime", "fix_datetime", "infractl.fix_datetime.command:CONFIG_KEYS", collect,
            looked_for="Python files (*.py)")
