"""Which files of a tree are worth a closer look: ``worth_a_look``, the one test, and its batch form.

Changing what counts as a candidate file means editing ``worth_a_look`` (and ``WORDS`` below it, the
literal words its tests need): the batch scan (``scan``), the head start in a forked child
(``infractl.discover.scanner``) and ``candidates.read_candidates`` all take its answer, none repeats its tests.

Reading every file and scanning its bytes is the whole cost of a clean tree. So the files' bytes are
joined in batches (a NUL between two files: no searched word holds one) and each word that
``worth_a_look`` needs is searched once in the batch; only the files that hold one get the per-file
test. Ten searches of a file that holds none of the words cost ~7 us a file; a search of the batch
costs next to nothing per file. Two cores: ``infractl.discover.scanner`` runs ``scan`` from both ends of the list.
"""

from __future__ import annotations

from bisect import bisect_right

from infractl.fix_datetime.select.awareprobe import AWARE_WORDS, aware_meets_naive_text
from infractl.fix_datetime.select.prefilter import DATETIME_QUOTE, may_install_stub, mentions_utc_attribute

BATCH_BYTES = 8 << 20

# Why a file is worth a look; UNREAD: it could not be read (the caller reads it again and reports it)
UNREAD, UTC, AWARE, STUB = 0, 1, 2, 3


def worth_a_look(data: bytes) -> int | None:
    """Why a file is worth a closer look, or None (most files of a tree, never looked at again):
    UTC: utcnow-like attribute text (``prefilter``); AWARE: an aware value that may meet a naive one
    (``awareprobe``, hazards of a second run); STUB: a clock stub put in place of a module's datetime (a
    test that puts in a fake defined in another file need not name utcnow)."""
    if mentions_utc_attribute(data):
        return UTC
    if aware_meets_naive_text(data):
        return AWARE
    if may_install_stub(data):
        return STUB
    return None


# A file with none of these words, and no DATETIME_QUOTE match, fails every test of ``worth_a_look``:
# UTC needs ``utcnow``/``utcfromtimestamp``, AWARE an aware call's ``utc)`` or ``UTC)``, STUB a quote after
# ``datetime``. Each word is one search of the whole batch (~0.6 ms a MB, the scan's main cost), so the
# words are few: ``utc`` stands for the three lower-case ones (a file holding it gets the per-file test),
# and the aware test's partner words (``datetime(``, ``.max``: in a third of Django's files) are left to it.
WORDS = (b"utc", b"UTC)")
assert all(any(word in needed for word in WORDS) for needed in (b"utcnow", b"utcfromtimestamp", *AWARE_WORDS))


def scan(paths: list[str], indices: range, read) -> list[int]:
    """``index * 4 + why`` for each flagged index of ``indices`` (``why``: ``worth_a_look``'s answer, or
    UNREAD), in order. ``read(path)``: the file's bytes (the scanner's, which keeps them for the run)."""
    found: list[int] = []
    batch: list[bytes] = []
    batch_indices: list[int] = []
    size = 0
    for index in indices:
        try:
            data = read(paths[index])
        except OSError:
            found.append(index * 4 + UNREAD)  # read again by the caller, who turns the error into a finding
            continue
        batch.append(data)
        batch_indices.append(index)
        size += len(data) + 1
        if size >= BATCH_BYTES:
            found += (batch_indices[i] * 4 + why for i, why in _flag_batch(batch))
            batch, batch_indices, size = [], [], 0
    found += (batch_indices[i] * 4 + why for i, why in _flag_batch(batch))
    return sorted(found)


def worth_a_look_in_batch(datas: list[bytes]) -> list[tuple[int, int]]:
    """``[(i, why) for i, data in enumerate(datas) if (why := worth_a_look(data))]``, each word searched once."""
    return sorted(_flag_batch(datas))


def _flag_batch(datas: list[bytes]) -> list[tuple[int, int]]:
    if not datas:
        return []
    joined = b"\0".join(datas)
    starts = [0]
    for data in datas[:-1]:
        starts.append(starts[-1] + len(data) + 1)
    holding = set()
    for word in WORDS:
        holding |= _files_where(starts, lambda start, word=word: joined.find(word, start))
    # one literal-prefixed regex search of the batch, the cost of one more word
    holding |= _files_where(starts, lambda start: match.start() if (match := DATETIME_QUOTE(joined, start)) else -1)
    return [(i, why) for i in holding if (why := worth_a_look(datas[i]))]


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
