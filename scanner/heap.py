"""The cyclic garbage collector around checking: two process-level measures, one place.

Python's cyclic collector walks every live container object on each full collection.  A checking
process holds hundreds of thousands of long-lived objects (dictionaries, tables, models), and a big
document briefly holds millions more (one hit per value of a 100,000-row list).  Neither contains
reference cycles that need collecting, so:

* :func:`settle_heap` — once per long-lived process, after its checkers are built and warmed up —
  freezes what is loaded, so later collections see only per-request objects;
* :func:`collector_paused` — around the detection of one document — pauses automatic collections;
  reference counting still frees the garbage.  It is safe with several checking threads: the first
  thread in pauses, the last one out resumes, and a collector the process had switched off stays off.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0  # threads inside collector_paused()
_resume = False  # whether the last one out turns the collector back on


def settle_heap() -> None:
    """Move everything loaded so far out of the collector's sight (``gc.freeze``).

    Without it every full (gen-2) collection walks the loaded rule data, and the request that
    triggers one pays ≈ 80 ms: it was the p99 of the CMS check.
    """
    gc.collect()
    gc.freeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic cyclic collections paused for the duration (re-entrant, thread-safe)."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
