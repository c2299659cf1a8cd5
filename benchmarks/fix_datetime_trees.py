"""Issue 16's trees with hits for ``benchmarks/fix_datetime.py``: real sdists that still call
``datetime.utcnow()`` (downloaded once into ``.bench-cache/``) and a generated 2,000-line test file.

The sdists, with what ``fix-datetime --check`` found in each (2026-12, infractl's branch ``hitspeed``):
celery 5.2.7 (323 files, 28 candidates, 79 rewrites), sentry-sdk 1.39.2 (132 files, 22 utc lines),
google-auth 2.17.3 (109 files: its own ``_helpers.utcnow()`` called from the tests, 20 rewrites).
"""

from __future__ import annotations

from pathlib import Path

REAL_TREES = (("celery", "5.2.7"), ("sentry-sdk", "1.39.2"), ("google-auth", "2.17.3"))
REAL_TARGET = 10.0  # the default run within 10x of ruff's DTZ003/DTZ004
BIG_TEST_TARGET = 0.3  # seconds for the 2,000-line test file

_BIG_TEST_HEAD = '"""A big test module."""\nimport datetime\nfrom datetime import datetime as dt, timedelta\n\n'
_BIG_TEST_CASE = '''
def test_case_{index}(client):
    start = datetime.datetime.utcnow()
    resp = client.get("/items/{index}", params={{"since": start.isoformat()}})
    assert resp.status_code == 200
    body = resp.json()
    for item in body["items"]:
        assert item["id"] > {index}
        assert item["name"] == "n{index}"
    assert dt.utcnow() - start < timedelta(seconds=5)

'''


def big_test_file(root: Path, lines: int = 2000) -> Path:
    """``root/tests/test_big.py``: ``lines`` lines of tests, two utcnow() sites in each (the long assertion
    is over 88 characters once rewritten, so line wrapping runs too)."""
    (root / "tests").mkdir(parents=True)
    text, index = _BIG_TEST_HEAD, 0
    while text.count("\n") < lines:
        text += _BIG_TEST_CASE.format(index=index)
        index += 1
    (root / "tests" / "test_big.py").write_text(text)
    return root


def real_rows(scratch: Path, runs: int, tool, unpacked) -> list[tuple[str, float, float]]:
    """Issue 16's trees with hits: the real sdists (the default run's work, measured as ``--diff``: the
    default run writes, so a second round would find nothing) and a 2,000-line test file (``--check``).
    ``tool(name)``: an executable's path; ``unpacked(name, spec, into)``: the sdist's tree under ``into``."""
    from timing import interleaved, load_note

    ruff = ([tool("ruff"), "check", "--select", "DTZ003,DTZ004", "--no-cache", "."], None, None)
    targets = []
    print(f"\nreal trees with hits ({load_note()}):")
    for name, spec in REAL_TREES:
        tree = unpacked(name, spec, scratch / name)
        samples = interleaved({"ours": ([tool("infractl"), "fix-datetime", "--diff", "."], None, None),
                               "ruff": ruff}, tree, runs)
        print(f"  {name} {spec}: infractl fix-datetime --diff {samples['ours'].describe(samples['ruff'])}")
        print(f"  {' ' * len(name + spec)}  ruff check DTZ003,DTZ004   {samples['ruff'].describe()}")
        targets.append((f"fix-datetime on {name} {spec} <= {REAL_TARGET}x ruff",
                        samples["ours"].median() / samples["ruff"].median(), REAL_TARGET))
    tree = big_test_file(scratch / "bigtest")
    samples = interleaved({"ours": ([tool("infractl"), "fix-datetime", "--check", "."], None, 1), "ruff": ruff},
                          tree, runs)
    print(f"  2,000-line test file: infractl fix-datetime --check {samples['ours'].describe(samples['ruff'])}")
    targets.append((f"fix-datetime --check on a 2,000-line test file <= {BIG_TEST_TARGET} s (seconds, not a ratio)",
                    samples["ours"].median(), BIG_TEST_TARGET))
    return targets
