"""Rewrite the candidate files, in this process or in worker processes when that pays.

Everything here returns data (``FileResult``); nothing is written to disk. The rewrite is Python's own
``ast`` and text edits (``transform``), imported only inside the functions that parse.
"""

from __future__ import annotations

import os
from collections import namedtuple

from infractl.findings import Severity
from infractl.fix_datetime.analyse.rules import RULE
from infractl.fix_datetime.progress import ProgressBar
from infractl.fix_datetime.rules import FILE_CANNOT_BE_READ, FILE_DOES_NOT_PARSE, REWRITE_FAILED

DEFAULT_LINE_LENGTH = 88  # black's and ruff's; the command passes the project's (linewrap.project_line_length)

# When a process pool pays: it costs ~30-100 ms to start, and each worker imports the rewrite (and, for new
# text, black) again, while in-process a forked child shares the files and wraps the long lines beside the
# analysis (secondcore.py). Measured cost of the transform on this project's 2-core machine (the 100 generated
# modules of benchmarks/fix_datetime.py, 1,000 rewrites): ~1 ms per file plus ~0.8 us per byte (~0.5-0.7
# us since the ast port). Default runs, before the shared child: google-auth 2.17.3 (16 files, 0.33 s
# estimated) 20% faster in-process; celery 5.2.7 (28 files, 0.46 s) ~10% faster with the pool.
SECONDS_PER_FILE = 0.001
SECONDS_PER_BYTE = 0.8e-6
POOL_MIN_SECONDS = 0.4
POOL_MIN_FILES = 4
# Below this much estimated work a --check run analyses alone: a fork and the child's imports cost more.
SHARE_MIN_SECONDS = 0.05
# On two CPUs a run up to this much work is shared with one child rather than given to a pool of two: the
# same two processes, without the pool's start and each worker's imports (celery 5.2.7, 28 files, 0.46 s
# estimated, --diff: ~0.59 s with the pool, ~0.45 s shared). Above it the pool's batches bound the memory.
SHARE_MAX_SECONDS = 5.0
# Batches per worker: enough to balance uneven file sizes, few enough to keep IPC cheap.
BATCHES_PER_WORKER = 8


_FILE_RESULT_FIELDS = "path new_data calls_fixed refs_fixed findings failed skipped findings_before open_groups"


class FileResult(namedtuple("FileResult", _FILE_RESULT_FIELDS, defaults=(0, 0, (), False, "", (), ()))):
    """What became of one file. ``new_data``: the rewritten bytes, None when unchanged or not processed;
    ``calls_fixed``/``refs_fixed``: counts; ``findings``: a tuple of Findings; ``failed``: it could not be
    processed (parse/decode error) and was left untouched; ``skipped``: why it was not processed although
    it was found ("too large", "link to x.py", ...); ``findings_before``: the same findings at their
    places in the input, for --check/--diff (nothing is written there), where each pending rewrite
    (DT010/DT011) is an error, while a write run reports it as info; ``open_groups``: (line, column) in
    the input of each group --verify may try aware. A named tuple, as ``Finding`` (findings.py says why)."""

    __slots__ = ()

    @property
    def hazards(self) -> int:
        # the DT1xx warnings about the code; a skipped file's warning (DT004, DT006) is not a hazard
        return sum(1 for f in self.findings if f.severity is Severity.WARNING and f.rule.startswith("DT1"))


def fix_source(path: str, data: bytes, mode: str, target_version: str | None,
               line_length: int = DEFAULT_LINE_LENGTH, project_helpers: dict | None = None,
               stubbed: str = "", held: frozenset[str] = frozenset(), verdicts: dict | None = None) -> FileResult:
    """Rewrite one file's bytes; every failure becomes an error finding instead of an exception.
    ``held``: rewrite rules (DT010/DT011) not selected: their sites are left as they are. ``line_length``
    0: nobody sees the new text (``--check``: the findings at their places in the input, and whether the
    file would change), so long lines are not wrapped (black's import and formatting cost ~0.3 s)."""
    rewritten = rewrite_source(path, data, mode, target_version, project_helpers, stubbed, held, verdicts)
    if isinstance(rewritten, FileResult):
        return rewritten
    return finish_source(rewritten, line_length)


class Rewritten(namedtuple("Rewritten", "path data source result code after_drop")):
    """One file analysed and rewritten, its long lines not yet wrapped: ``code`` is the new text,
    ``after_drop`` maps the transform's lines to ``code``'s."""

    __slots__ = ()

    def wrap_plan(self, line_length: int):
        """linewrap's plan for the statements the rewrite made too long, or None (no black needed)."""
        if not line_length or self.result.code == self.source.text:
            return None
        from infractl.fix_datetime.rewrite.linewrap import plan_wraps

        return plan_wraps(self.source.text, self.code, line_length)

    def wrap(self, line_length: int):
        from infractl.fix_datetime.rewrite.linewrap import Wrapped, wrap_long_lines

        if not line_length or self.result.code == self.source.text:
            return Wrapped(self.code, [])
        return wrap_long_lines(self.source.text, self.code, line_length)


def rewrite_source(path: str, data: bytes, mode: str, target_version: str | None, project_helpers: dict | None = None,
                   stubbed: str = "", held: frozenset[str] = frozenset(),
                   verdicts: dict | None = None, parsed=None) -> Rewritten | FileResult:
    """The analysis and the rewrite, without the line wrapping; a failure is its FileResult. ``parsed``:
    ``ast.parse(data)`` if the prefilter made it; used when the text is those very bytes (no coding cookie
    or byte-order mark between them), so the parse is the same."""
    from infractl.fix_datetime.rewrite.helperconfig import drop_imports_made_unused
    from infractl.fix_datetime.rewrite.linemap import line_mapper
    from infractl.fix_datetime.rewrite.transform import transform_source
    from infractl.fix_datetime.sourcefile import decode_source
    from infractl.load import LoadError
    from infractl.load.pysource import MAX_SOURCE_BYTES

    def rewrite() -> Rewritten:
        source = decode_source(data)
        if len(source.text) > MAX_SOURCE_BYTES:
            raise LoadError(f"larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB: not parsed")
        same = parsed is not None and not source.bom and source.text.encode("utf-8") == data
        result = transform_source(source.text, mode=mode, target_version=target_version,
                                  project_helpers=project_helpers, stubbed=stubbed, held=held, verdicts=verdicts,
                                  parsed=parsed if same else None)
        code = result.code
        if project_helpers and result.refs_fixed:
            code = drop_imports_made_unused(source.text, code)  # a reference may have been its only use
        # hazard lines point into the transform's code; a dropped import moves what follows it
        after_drop = line_mapper(code, result.code) if code != result.code else (lambda line: line)
        return Rewritten(path, data, source, result, code, after_drop)

    return _failing_as_finding(path, rewrite)


def finish_source(rewritten: Rewritten, line_length: int, wrapped=None) -> FileResult:
    """``rewritten`` with its long lines wrapped (``wrapped``: a linewrap.Wrapped made elsewhere, else made
    here), as a FileResult."""
    from infractl.fix_datetime.sourcefile import encode_source

    path, data, result = rewritten.path, rewritten.data, rewritten.result

    def finish() -> bytes:
        nonlocal wrapped
        wrapped = rewritten.wrap(line_length) if wrapped is None else wrapped
        return encode_source(rewritten.source, wrapped.text)

    new_data = _failing_as_finding(path, finish)
    if isinstance(new_data, FileResult):
        return new_data
    after, before = [], []
    for h in result.hazards:
        line, same_line = wrapped.line(rewritten.after_drop(h.line))  # a wrapped statement moved what follows it
        severity = Severity(h.severity)
        written = Severity.INFO if severity is Severity.ERROR else severity  # a done rewrite is news, not an error
        message = h.message.replace("deprecated", "rewritten", 1) if written is not severity else h.message
        rule = RULE[h.rule]  # its declared severity, or one its ``varies`` allows
        after.append(rule.finding(path, line, h.column if same_line else None, message, h.fix, written))
        old_line, old_column = h.before or (h.line, h.column)
        before.append(rule.finding(path, old_line, old_column, h.before_message or h.message, h.fix, severity))
    return FileResult(
        path=path,
        new_data=new_data if new_data != data else None,
        calls_fixed=result.calls_fixed,
        refs_fixed=result.refs_fixed,
        findings=tuple(after),
        findings_before=tuple(before),
        open_groups=result.open_groups,
    )


def _failing_as_finding(path: str, step):
    """``step()``, or the FileResult of its failure: the file is left unchanged and the run goes on."""
    from infractl.fix_datetime.sourcefile import SourceDecodeError
    from infractl.load import LoadError

    def failure(rule, line: int | None, column: int | None, message: str, fix: str) -> FileResult:
        finding = rule.finding(path, line, column, message, fix)
        return FileResult(path, None, findings=(finding,), failed=True)

    try:
        return step()
    except SourceDecodeError as exc:
        return failure(FILE_CANNOT_BE_READ, exc.line, None, f"{exc}; file left unchanged", "fix the file's encoding")
    except LoadError as exc:
        return failure(FILE_DOES_NOT_PARSE, exc.line, None, f"{exc}; file left unchanged", "split the expression")
    except SyntaxError as exc:  # Python's own parser: its line and column, its words
        return failure(FILE_DOES_NOT_PARSE, exc.lineno, exc.offset or None, f"cannot parse: {exc.msg}; file left unchanged",
                       "fix the syntax error")
    except RecursionError:
        return failure(FILE_DOES_NOT_PARSE, None, None, "too deeply nested to parse; file left unchanged", "")
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the other rewrites
        message = f"rewrite failed ({type(exc).__name__}: {exc}); file left unchanged"
        return failure(REWRITE_FAILED, None, None, message, "report this as an infractl bug")


def fix_batch(items: list[tuple[str, bytes]], mode: str, target_version: str | None,
              line_length: int = DEFAULT_LINE_LENGTH, project_helpers: dict | None = None,
              stubbed: dict[str, str] | None = None, held: frozenset[str] = frozenset(),
              verdicts: dict | None = None) -> list[FileResult]:
    return [fix_source(path, data, mode, target_version, line_length, project_helpers, (stubbed or {}).get(path, ""),
                       held, (verdicts or {}).get(path)) for path, data in items]


def estimated_seconds(items: list[tuple[str, bytes]]) -> float:
    """The transform's measured cost of ``items`` (the constants above): what decides a pool, a share, a batch."""
    return len(items) * SECONDS_PER_FILE + sum(len(data) for _, data in items) * SECONDS_PER_BYTE


def worker_count(jobs: int | None, items: list[tuple[str, bytes]]) -> int:
    """How many processes to use: 1 (in-process, where a second core shares the work: secondcore.py) unless
    the work is big enough to pay for a pool of more."""
    available = jobs or _cpus()
    estimate = estimated_seconds(items)
    if available < 2 or len(items) < POOL_MIN_FILES or estimate < POOL_MIN_SECONDS:
        return 1
    if jobs is None and available == 2 and estimate < SHARE_MAX_SECONDS:
        return 1  # two processes either way: the shared run's child has its imports done already
    return min(available, len(items))


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):  # the CPUs this process may run on, not the machine's
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def fix_all(
    items: list[tuple[str, bytes]], mode: str, target_version: str | None, workers: int, progress: bool,
    line_length: int = DEFAULT_LINE_LENGTH, project_helpers: dict | None = None,
    stubbed: dict[str, str] | None = None, held: frozenset[str] = frozenset(), verdicts: dict | None = None,
    second_core: bool = False, trees: dict | None = None, helper=None,
) -> list[FileResult]:
    """Results in the order of ``items``; ``workers`` > 1 uses a process pool. ``stubbed``: ``stubbed_modules(items)``;
    ``verdicts``: --verify's, by path as in ``items``. ``second_core``: in-process, a forked child takes files
    from the back and wraps long lines (secondcore.py); ``helper``: such a child the caller started already
    (and ends). ``trees``: the prefilter's parses by path (in-process only: a pool's workers parse again)."""
    if workers > 1:
        if helper is not None:
            helper.close()  # the pool's workers do its work: its black import must not take their core
        return _fix_in_pool(items, mode, target_version, workers, progress, line_length, project_helpers, stubbed,
                            held, verdicts)
    stubbed, verdicts, trees = stubbed or {}, verdicts or {}, trees or {}
    # The biggest files at both ends, the smallest in the middle, where the two ends meet: neither then waits
    # long for the other's last file (google-auth 2.17.3: the child's one 32 KB test file was the last ~40 ms
    # of the run, this process idle beside it). This process, which starts first, gets the biggest.
    by_size = sorted(range(len(items)), key=lambda index: -len(items[index][1]))
    order = by_size[0::2] + by_size[1::2][::-1]
    queue = [items[index] for index in order]
    done: list[Rewritten | FileResult | None] = [None] * len(queue)
    plans: dict[int, object] = {}  # position in ``queue`` -> linewrap.WrapPlan of a file analysed here
    bar = ProgressBar(len(items), progress)  # its refresh thread: no fork while it runs (the child forks first)
    with _second_core(items, line_length, second_core and not bar.enabled, helper) as child:
        sharing = child is not None and len(queue) > 1 and child.share(
            queue, mode=mode, target_version=target_version, line_length=line_length,
            project_helpers=project_helpers, held=held, stubbed=stubbed, verdicts=verdicts)
        with bar as advance:
            for position, (path, data) in enumerate(queue):
                if sharing and not child.take(position):
                    break  # the rest is the child's
                rewritten = rewrite_source(path, data, mode, target_version, project_helpers, stubbed.get(path, ""),
                                           held, verdicts.get(path), trees.get(path))
                if isinstance(rewritten, Rewritten) and child is not None and (
                        plan := rewritten.wrap_plan(line_length)) is not None:
                    plans[position] = plan  # parsed and spliced here; black's part goes to the child at once
                    child.submit(plan.requests())
                done[position] = rewritten
                advance(1)
            files, formatted = child.results() if child is not None else ({}, {})
            advance(len(items) - sum(item is not None for item in done))
    results: list[FileResult | None] = [None] * len(items)
    for position, item in enumerate(done):
        if item is None:  # the child's, or done here when it gave none
            path, data = queue[position]
            item = files.get(position) or fix_source(path, data, mode, target_version, line_length, project_helpers,
                                                     stubbed.get(path, ""), held, verdicts.get(path))
        if not isinstance(item, FileResult):
            wrapped = plans[position].apply(formatted.__getitem__) if position in plans else None
            item = finish_source(item, line_length, wrapped)
        results[order[position]] = item
    return results


def _second_core(items: list, line_length: int, allowed: bool, started=None):
    """The child that shares the work (secondcore.py): ``started`` (the caller's, which it ends), else one of
    our own when a second CPU may be used and there is new text to wrap or enough work to share."""
    from contextlib import nullcontext

    if not allowed or _cpus() < 2:
        return nullcontext()
    if started is not None:
        return nullcontext(started)
    estimate = estimated_seconds(items)
    if not line_length and (len(items) < 2 or estimate < SHARE_MIN_SECONDS):
        return nullcontext()
    from infractl.fix_datetime.secondcore import SecondCore  # pickle and its pipes: only when it pays

    return SecondCore(wraps=bool(line_length))


def _fix_in_pool(items, mode, target_version, workers, progress, line_length, project_helpers,
                 stubbed=None, held: frozenset[str] = frozenset(), verdicts=None) -> list[FileResult]:
    """A multiprocessing pool, because Ctrl-C must end the run within a second: the workers ignore
    SIGINT (a terminal sends it to the whole process group; they must not die mid-batch printing
    tracebacks) and the parent terminates them at once on KeyboardInterrupt, SIGTERM's ``Terminated``
    included. concurrent.futures' executor would wait for the running batches, which took ~20 s on a
    big tree."""
    import multiprocessing

    batches = _batches(items, workers * BATCHES_PER_WORKER)
    by_path: dict[str, FileResult] = {}
    # Start the workers before the progress bar starts its refresh thread: forking a process that
    # runs threads is unsafe.
    pool = multiprocessing.get_context().Pool(workers, initializer=_worker_signals, initargs=(os.getpid(),))
    try:
        jobs = [(batch, mode, target_version, line_length, project_helpers, stubbed, held, verdicts) for batch in batches]
        done = pool.imap_unordered(_fix_packed, jobs)
        with ProgressBar(len(items), progress) as advance:
            for results in done:
                for result in results:
                    by_path[result.path] = result
                advance(len(results))
        pool.close()
    except BaseException:
        pool.terminate()  # SIGTERM to every worker, now: nothing of theirs is written anyway
        raise
    finally:
        pool.join()
    return [by_path[path] for path, _ in items]


def _worker_signals(parent: int) -> None:
    """In a worker: ignore Ctrl-C (the parent ends the pool); die quietly on SIGTERM (the parent's
    ``pool.terminate()``; the handler it inherits from ``guard`` would raise in the worker and print a
    traceback); and die with the parent (PDEATHSIG): a SIGKILLed parent must not leave workers that
    rewrite on, then fail on its closed pipes with a BrokenPipeError traceback each."""
    import signal

    from infractl.process.tools import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)


def _fix_packed(job: tuple) -> list[FileResult]:
    return fix_batch(*job)


def _batches(items: list[tuple[str, bytes]], count: int) -> list[list[tuple[str, bytes]]]:
    """Split into ``count`` batches of similar estimated cost (costliest files first, greedy)."""
    batches: list[list[tuple[str, bytes]]] = [[] for _ in range(min(count, len(items)))]
    costs = [0.0] * len(batches)
    for item in sorted(items, key=lambda it: len(it[1]), reverse=True):
        cheapest = costs.index(min(costs))
        batches[cheapest].append(item)
        costs[cheapest] += estimated_seconds([item])
    return [batch for batch in batches if batch]
