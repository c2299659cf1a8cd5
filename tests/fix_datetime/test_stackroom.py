"""stackroom.call: recursion that keeps crossing the edge of one of CPython 3.11's 16 KiB frame-stack
chunks maps and frees a chunk at every crossing (a page fault each); from stackroom's frame it does not."""

from __future__ import annotations

import resource

from infractl.fix_datetime import stackroom

CALLS = 400


def _faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def _leaf():  # a frame larger than one _descend frame, so at some depth it never fits what is left
    a = b = c = d = e = f = g = h = i = j = k = m = n = o = p = q = r = s = t = u = v = w = x = y = z = 0
    return a + b + c + d + e + f + g + h + i + j + k + m + n + o + p + q + r + s + t + u + v + w + x + y + z


def _descend(depth: int) -> int:
    """Call the leaf CALLS times, ``depth`` frames below here; the page faults that cost."""
    if depth:
        return _descend(depth - 1)
    before = _faults()
    for _ in range(CALLS):
        _leaf()
    return _faults() - before


def _worst(run) -> int:
    return max(run(depth) for depth in range(400))  # more than one chunk's worth of _descend frames


def test_recursion_at_a_chunk_edge_maps_a_chunk_per_call_outside_and_none_inside():
    assert _worst(_descend) >= CALLS // 2  # the cost stackroom exists for (CPython 3.11)
    assert _worst(lambda depth: stackroom.call(_descend, depth)) < CALLS // 20


def test_call_passes_arguments_and_result():
    assert stackroom.call(divmod, 17, 5) == (3, 2)
