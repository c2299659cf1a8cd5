"""``--check`` without ``--diff`` shows no new text, so it neither wraps long lines nor imports black; what
it reports is the same as with the wrapped text."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SOURCE = '''from datetime import datetime


def handler(request):
    record = build_record(name=request.name, created=datetime.utcnow(), owner=request.user.ident)
    return record
'''
LONG = ("    record = build_record(name=request.name, created=datetime.now(timezone.utc).replace(tzinfo=None), "
        "owner=request.user.ident)")

PROBE = '''
import sys
from infractl.fix_datetime.command import collect
outcome = collect([sys.argv[1]], check=True, new_text=sys.argv[2] == "text", jobs=1)
changed = [r.new_data.decode() for r in outcome.results if r.new_data is not None]
findings = sorted(f"{f.rule}:{f.line}:{f.column}:{f.severity.value}:{f.message}" for r in outcome.results
                  for f in r.findings)
print(repr(("black" in sys.modules, changed, findings)))
'''


def _collect(tree: Path, wanted: str):
    import ast

    done = subprocess.run([sys.executable, "-c", PROBE, str(tree), wanted], capture_output=True, text=True,
                          check=True)
    return ast.literal_eval(done.stdout.strip())


def test_check_without_new_text_skips_black_and_reports_the_same(tmp_path):
    (tmp_path / "app.py").write_text(SOURCE)
    black_with_text, (wrapped,), findings_with_text = _collect(tmp_path, "text")
    black_without, (unwrapped,), findings_without = _collect(tmp_path, "none")
    assert black_with_text and LONG not in wrapped.splitlines()  # the text the user sees is wrapped
    assert not black_without and LONG in unwrapped.splitlines()
    assert findings_without == findings_with_text and findings_without
