"""Which files of a tree are worth a closer look: the byte tests of ``worth_a_look``, fast.

Reading every file and scanning its bytes is the whole cost of a clean tree, and ruff, the
yardstick, uses every core. Two things make it cheap:

- Batches: the files' bytes are joined (a NUL between two files: no searched word holds one) and
  each word that ``worth_a_look`` needs is searched once in the batch; only the files that hold one
  get the per-file test. Ten searches of a file that holds none of the words cost ~7 us a file; a
  search of the batch costs next to nothing per file.
- Two cores: past ``PARALLEL_MIN_FILES`` a forked child takes the second half of the list and sends
  back the indices of the files it flags; this process does the first half meanwhile.

``candidates`` then reads and judges the flagged files exactly as it would have (``worth_a_look`` is
the test, per file), so the outcome cannot differ, only the time.

A child that fails sends nothing usable: its half is scanned here instead. No fork without
``os.fork``, with one CPU, or while other threads run (a terminal's progress spinner): see ``forked``;
those runs are interactive, where ~20 ms is not seen.
"""

from __future__ import annotations

from bisect import bisect_right

from infractl.files import read_bytes
from infractl.fix_datetime.select.awareprobe import PARTNER_WORDS, aware_meets_naive_text
from infractl.fix_datetime.select.prefilter import DATETIME_QUOTE, may_install_stub, mentions_utc_attribute
from infractl.forked import Forked, can_fork

PARALLEL_MIN_FILES = 1500  # below this, a fork (~1 ms) and the pipe do not pay
BATCH_BYTES = 8 << 20
# ``mentions_utc_attribute`` needs one of these, ``aware_meets_naive_text`` one of PARTNER_WORDS
_NAME_WORDS = (b"utcnow", b"utcfromtimestamp")


def worth_a_look(data: bytes) -> bool:
    """The byte tests ``candidates.read_candidates`` starts with: utcnow-like text, an aware value that
    may meet a naive one, or a clock stub put in place of a module's datetime (a test that puts in a fake
    defined in another file need not name utcnow). Most files of a tree fail all three, and are never
    looked at again."""
    return _names_or_meets(data) or may_install_stub(data)


def _names_or_meets(data: bytes) -> bool:
    return mentions_utc_attribute(data) or aware_meets_naive_text(data)


class Flagged(list):
    """The flagged paths, in order; ``stub_only``: those flagged only as clock-stub installers (they fail
    the first two tests of ``worth_a_look``, so ``read_candidates`` need not judge them again)."""

    def __init__(self, paths: list[str], stub_only: set[str]) -> None:
        super().__init__(paths)
        self.stub_only = stub_only


def flagged(paths: list[str], parallel: bool = True) -> Flagged:
    """The paths whose bytes ``worth_a_look`` accepts, in order, plus those that cannot be read (the
    caller reports them)."""
    if not (parallel and len(paths) >= PARALLEL_MIN_FILES and can_fork()):
        return decoded(paths, scan(paths, range(len(paths))))
    half = len(paths) // 2
    child = Forked(lambda: "".join(f"{index}\n" for index in scan(paths, range(half, len(paths)))).encode())
    try:
        mine = scan(paths, range(half))
        answer = child.result()
    finally:
        child.stop()
    theirs = [int(line) for line in answer.split()] if answer is not None else scan(paths, range(half, len(paths)))
    return decoded(paths, [*mine, *theirs])


def decoded(paths: list[str], found: list[int]) -> Flagged:
    """``scan``'s answer: an index, or ``~index`` for a file flagged only as a stub installer."""
    return Flagged([paths[file_index(i)] for i in found], {paths[~i] for i in found if i < 0})


def file_index(flag: int) -> int:
    """The file a flag stands for: ``index`` or ``~index`` (flagged only as a stub installer)."""
    return flag if flag >= 0 else ~flag


def scan(paths: list[str], indices: range) -> list[int]:
    """The flagged indices (of ``indices``), in order; ``~index`` for a file flagged only as a stub installer."""
    found: list[int] = []
    batch: list[bytes] = []
    batch_indices: list[int] = []
    size = 0
    for index in indices:
        try:
            data = read_bytes(paths[index])
        except OSError:
            found.append(index)  # read again by the caller, who turns the error into a finding
            continue
        batch.append(data)
        batch_indices.append(index)
        size += len(data) + 1
        if size >= BATCH_BYTES:
            found += (batch_indices[i] if i >= 0 else ~batch_indices[~i] for i in _flag_batch(batch))
            batch, batch_indices, size = [], [], 0
    found += (batch_indices[i] if i >= 0 else ~batch_indices[~i] for i in _flag_batch(batch))
    return sorted(found, key=file_index)


def worth_a_look_in_batch(datas: list[bytes]) -> list[int]:
    """``[i for i, data in enumerate(datas) if worth_a_look(data)]``, with each word searched once."""
    return sorted(map(file_index, _flag_batch(datas)))


def _flag_batch(datas: list[bytes]) -> list[int]:
    """The flagged indices; ``~i`` for a file flagged only by the stub test."""
    if not datas:
        return []
    joined = b"\0".join(datas)
    starts = [0]
    for data in datas[:-1]:
        starts.append(starts[-1] + len(data) + 1)
    holding = set()
    for word in _NAME_WORDS + PARTNER_WORDS:
        holding |= _files_where(starts, lambda start, word=word: joined.find(word, start))
    # ``may_install_stub`` needs ``datetime`` then a quote or ``=``: one literal-prefixed regex search of
    # the batch, the cost of one more word
    quoting = _files_where(starts, lambda start: match.start() if (match := DATETIME_QUOTE(joined, start)) else -1)
    # a file without those words fails the first two tests of ``worth_a_look``, one not quoting the last
    found = [i for i in holding if _names_or_meets(datas[i])]
    judged = set(found)
    return found + [~i for i in quoting if i not in judged and may_install_stub(datas[i])]


def _files_where(starts: list[int], find) -> set[int]:
    """The indices of the files (starting at ``starts`` in the joined batch) where ``find(start)``, the
    position of the next match at or after ``start`` or -1, finds something: once a file has a match the
    search goes on from the next file."""
    found: set[int] = set()
    ends = len(starts)
    position = find(0)
    while position != -1:
        index = bisect_right(starts, position) - 1
        found.add(index)
        if index + 1 == ends:
            break
        position = find(starts[index + 1])
    return found
