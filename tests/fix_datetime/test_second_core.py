"""The default run's speed paths change nothing but speed: a forked child that takes files from the back
and wraps long lines with black (secondcore.py) while the parent analyses from the front, linewrap's
cheaper tree comparison and statement walk, and the prefilter's parse reused by the rewrite."""

from __future__ import annotations

import ast
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from infractl.fix_datetime.rewrite import linewrap
from infractl.fix_datetime.rewrite.linewrap import plan_wraps, same_tree, wrap_long_lines
from infractl.fix_datetime.secondcore import SecondCore
from infractl.fix_datetime.select.candidates import read_candidates
from infractl.fix_datetime.select.prescan import worth_a_look
from infractl.fix_datetime.workers import fix_all, rewrite_source

CASES = sorted((Path(linewrap.__file__).parents[1] / "cases").glob("*.py"))
LONG_CALL = ("    record = build_record(name=request.name, created=datetime.utcnow(), owner=request.user.ident, "
             "n={n})\n")


def _module(count: int) -> str:
    body = "".join(LONG_CALL.format(n=n) for n in range(count))
    return f"from datetime import datetime\n\n\ndef handler(request):\n{body}    return record\n"


def _rewritten(text: str) -> tuple[str, str]:
    done = rewrite_source("app.py", text.encode(), "auto", None)
    return done.source.text, done.code


PROBE = '''
import sys
from infractl.fix_datetime.command import collect
jobs = None if sys.argv[2] == "default" else 1
outcome = collect([sys.argv[1]], diff=True, jobs=jobs)
changed = sorted(r.new_data.decode() for r in outcome.results if r.new_data is not None)
findings = sorted(f"{f.path}:{f.rule}:{f.line}:{f.column}:{f.message}" for r in outcome.results for f in r.findings)
print(repr(("black" in sys.modules, changed, findings)))
'''


def _collect(tree: Path, jobs: str):
    done = subprocess.run([sys.executable, "-c", PROBE, str(tree), jobs], capture_output=True, text=True, check=True)
    return ast.literal_eval(done.stdout.strip())


def test_a_diff_run_wraps_in_a_child_with_the_same_text_and_findings(tmp_path):
    for n in range(3):
        (tmp_path / f"app{n}.py").write_text(_module(n + 1))
    black_in_parent, changed, findings = _collect(tmp_path, "default")
    black_one_process, changed_alone, findings_alone = _collect(tmp_path, "one")
    assert (changed, findings) == (changed_alone, findings_alone)
    assert all(len(line) <= 88 for text in changed for line in text.splitlines()) and len(changed) == 3
    assert black_one_process  # -j 1: one process, black imported there
    # with a second CPU the parent never imports black (~65 ms): the child does, while the parent analyses
    assert black_in_parent is (len(os.sched_getaffinity(0)) < 2)


def test_a_child_is_forked_only_when_a_line_became_too_long(monkeypatch):
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    short = [("short.py", b"from datetime import datetime\n\nstamp = datetime.utcnow()\n")]
    (done,) = fix_all(short, "auto", None, 1, False, second_core=True)
    assert done.new_data and not forks  # rewritten, nothing too long: no child, no black
    long = [("long.py", _module(1).encode())]
    (done,) = fix_all(long, "auto", None, 1, False, second_core=True)
    assert forks == [1] and all(len(line) <= 88 for line in done.new_data.decode().splitlines())


def _items() -> list[tuple[str, bytes]]:
    """Files of every size with sites: long lines to wrap, and the case files' forms."""
    made = [(f"m{n}.py", _module(n % 4 + 1).encode()) for n in range(8)]
    return made + [(str(p), p.read_bytes()) for p in CASES if b"utcnow" in p.read_bytes()][:12]


def _slowly(monkeypatch, seconds: float) -> None:
    """Each file's analysis takes ``seconds`` longer (in the child too: it is forked after this), so that
    both ends surely take some."""
    import time

    from infractl.fix_datetime import workers

    real = workers.rewrite_source
    monkeypatch.setattr(workers, "rewrite_source", lambda *a, **k: time.sleep(seconds) or real(*a, **k))


def test_a_shared_run_gives_what_one_process_gives(monkeypatch):
    items = _items()
    alone = fix_all(items, "auto", None, 1, False)  # no second core
    assert sum(1 for r in alone if r.new_data) >= 10
    _slowly(monkeypatch, 0.05)
    with SecondCore() as helper:
        shared = fix_all(items, "auto", None, 1, False, second_core=True, helper=helper)
        taken = sorted(helper.files)
    assert shared == alone
    assert taken and taken == list(range(len(items) - len(taken), len(items)))  # the child's end: the back


def test_a_child_that_dies_while_sharing_leaves_its_files_to_the_parent(monkeypatch):
    items = _items()
    alone = fix_all(items, "auto", None, 1, False)
    _slowly(monkeypatch, 0.02)
    with SecondCore() as helper:
        from infractl.fix_datetime import workers

        real, parent = workers.rewrite_source, os.getpid()

        def kill_at_the_third(path, *args, **kwargs):
            if path == items[2][0] and os.getpid() == parent and helper.pid:  # never in the child itself
                os.kill(helper.pid, signal.SIGKILL)
            return real(path, *args, **kwargs)

        monkeypatch.setattr(workers, "rewrite_source", kill_at_the_third)
        shared = fix_all(items, "auto", None, 1, False, second_core=True, helper=helper)
    assert shared == alone


def test_a_child_that_dies_leaves_the_work_to_the_parent():
    jobs = {n: _rewritten(_module(n + 1)) for n in range(4)}
    expected = {n: wrap_long_lines(old, new, 88) for n, (old, new) in jobs.items()}
    plans = {n: plan_wraps(old, new, 88) for n, (old, new) in jobs.items()}
    for kill_after in (0, 2):
        with SecondCore() as child:
            for n, plan in plans.items():
                child.submit(plan.requests())  # the first job forks the child
                if n == kill_after:
                    assert child.pid
                    os.kill(child.pid, signal.SIGKILL)
            _, formatted = child.results()
        got = {n: plan.apply(formatted.__getitem__) for n, plan in plans.items()}
        assert {n: (w.text, w.edits) for n, w in got.items()} == {n: (w.text, w.edits) for n, w in expected.items()}
        assert any(w.edits for w in got.values())


def test_a_statement_black_would_change_is_left_long(monkeypatch):
    """Each wrapped statement must parse to the statement it replaces (the module's ``ast`` is then the
    same): a black that changed one (here: a name) leaves that line as it was, and the others wrapped."""
    import black

    old, new = _rewritten(_module(3))
    real = black.format_str
    monkeypatch.setattr(black, "format_str", lambda source, mode: real(source, mode=mode).replace("n=1", "n=9"))
    linewrap.format_statement.cache_clear()
    try:
        wrapped = wrap_long_lines(old, new, 88)
    finally:
        linewrap.format_statement.cache_clear()
    assert len(wrapped.edits) == 2 and "n=9" not in wrapped.text
    assert [line for line in wrapped.text.splitlines() if len(line) > 88] == [line for line in new.splitlines()
                                                                          if "n=1)" in line]
    assert same_tree(ast.parse(wrapped.text), ast.parse(new))


def test_wrapping_keeps_the_module_ast_of_every_case_file():
    """The statement-by-statement check is the whole module's: on every case file rewritten and wrapped at
    widths that make many lines too long, the wrapped module has the unwrapped module's ``ast``."""
    wrapped_any = 0
    for path in CASES:
        done = rewrite_source(str(path), path.read_bytes(), "auto", None)
        if not hasattr(done, "code") or done.code == done.source.text:
            continue
        for width in (30, 50, 88):
            wrapped = wrap_long_lines(done.source.text, done.code, width)
            assert same_tree(ast.parse(wrapped.text), ast.parse(done.code)), (path, width)
            wrapped_any += bool(wrapped.edits)
    assert wrapped_any > 20


def test_same_tree_is_ast_dump_equality():
    rng = random.Random(16)
    for path in CASES:
        tree, other = ast.parse(path.read_text()), ast.parse(path.read_text())
        assert same_tree(tree, other)
        constants = [n for n in ast.walk(other) if isinstance(n, ast.Constant)]
        for value in (1, 1.0, True, "1", -0.0, 0.0, None, b"1", ...):
            if constants:
                node = rng.choice(constants)
                old, node.value = node.value, value
                assert same_tree(tree, other) == (ast.dump(tree) == ast.dump(other))
                node.value = old
        names = [n for n in ast.walk(other) if isinstance(n, ast.Name)]
        if names:
            rng.choice(names).ctx = ast.Del()
            assert not same_tree(tree, other) and ast.dump(tree) != ast.dump(other)


def _spans_by_walking_everything(tree: ast.Module, numbers: list[int]) -> dict:
    """linewrap's statement spans as they were found before: ``ast.walk`` of the whole tree."""
    found = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or isinstance(node, ast.Match):
            continue
        end = node.end_lineno or node.lineno
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            end, candidate = body[0].lineno - 1, (node.lineno, body[0].lineno - 1, True)
        else:
            candidate = (node.lineno, end, False)
        for number in numbers:
            if node.lineno <= number <= end and (number not in found or candidate[0] >= found[number][0]):
                found[number] = candidate
    return found


def test_statement_spans_are_those_a_walk_of_the_whole_tree_finds(monkeypatch):
    rng = random.Random(4)
    seen = {}
    monkeypatch.setattr(linewrap, "_alone_on_its_lines", lambda *args: True)  # the spans themselves
    for path in CASES + [Path(linewrap.__file__), Path(ast.__file__)]:
        text = path.read_text()
        tree, lines = ast.parse(text), text.splitlines(keepends=True)
        for count in (1, 7, 60):
            numbers = rng.sample(range(1, len(lines) + 1), min(count, len(lines)))
            expected = _spans_by_walking_everything(tree, numbers)
            spans = linewrap._statement_spans(tree, numbers, lines)
            assert {n: s for n, s in spans.items() if s is not None} == expected, (path, numbers)
            seen.update(expected)
    assert any(header for _, _, header in seen.values()) and len(seen) > 100


def test_the_prefilter_parse_is_reused_only_where_it_is_the_texts(tmp_path, monkeypatch):
    import infractl.load.pyast

    # calls on a name the prefilter must parse to judge (not the plain spelling its byte test passes)
    plain = "from datetime import datetime as D\n\nstamp = D.utcnow()\n"
    latin = "# -*- coding: latin-1 -*-\nfrom datetime import datetime as D\n\nname = 'caf\xe9'\nstamp = D.utcnow()\n"
    (tmp_path / "plain.py").write_text(plain)
    (tmp_path / "latin.py").write_bytes(latin.encode("latin-1"))
    paths = [str(tmp_path / name) for name in ("plain.py", "latin.py")]
    flagged = [(p, why) for p in paths if (why := worth_a_look(Path(p).read_bytes())) is not None]
    found = read_candidates(flagged, 0, lambda p: Path(p).read_bytes())
    assert sorted(found.trees) == sorted(p for p, _ in found.items) == sorted(paths)
    expected = fix_all(found.items, "auto", None, 1, False)  # each file parsed by the rewrite itself
    parsed = []
    real = infractl.load.pyast.parse_module
    monkeypatch.setattr(infractl.load.pyast, "parse_module", lambda text: parsed.append(text) or real(text))
    reused = fix_all(found.items, "auto", None, 1, False, trees=found.trees)
    assert reused == expected and all(r.new_data for r in reused)
    assert parsed == [latin]  # the latin-1 bytes are not the text's UTF-8: parsed again; plain.py is not


def test_the_prefilter_parses_kept_are_bounded_by_their_source(tmp_path, monkeypatch):
    """A syntax tree takes ~10-20x its text: past the bound the rewrite parses again (as a pool's workers do)."""
    from infractl.fix_datetime.select import candidates

    text = "from datetime import datetime as D\n\nstamp = D.utcnow()\n"
    for index in range(6):
        (tmp_path / f"m{index}.py").write_text(text)
    monkeypatch.setattr(candidates, "TREES_UP_TO_BYTES", 2 * len(text))
    paths = sorted(str(p) for p in tmp_path.glob("*.py"))
    found = read_candidates([(p, worth_a_look(Path(p).read_bytes())) for p in paths], 0,
                            lambda p: Path(p).read_bytes())
    assert len(found.items) == 6 and len(found.trees) == 2


def test_parameters_that_cannot_travel_leave_every_file_to_the_parent():
    items = _items()[:6]
    alone = fix_all(items, "auto", None, 1, False)
    with SecondCore() as helper:
        assert helper.share(items, unpicklable=lambda: None) is False  # a lambda does not pickle
        assert helper.pid  # the child lives on, for the long lines
        shared = fix_all(items, "auto", None, 1, False, second_core=True, helper=helper)
    assert shared == alone
