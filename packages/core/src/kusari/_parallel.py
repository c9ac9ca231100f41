"""Split a large NumPy pass into contiguous parts and run them on several cores.

NumPy releases the GIL inside ufunc loops and reductions, so Python threads
running them over disjoint slices of an array run truly in parallel.  The
matrix products already use every core (BLAS); this module lets the
elementwise passes between them do the same: the softmax of a large
classifier output, an optimizer update over millions of parameters.  Each
part is a contiguous range of rows (or elements), so the work and the
results are exactly those of the serial pass -- only who computes which rows
changes -- and a pass is parallel only when every part gets at least
``grain`` units of work, because handing work to a thread costs tens of
microseconds.

The number of threads is, in order: :func:`set_threads` (public as
``kusari.utils.set_num_threads``), the
``KUSARI_NUM_THREADS`` environment variable, ``OMP_NUM_THREADS`` (the usual
way to ask numerical libraries for fewer threads), the CPUs this process
may run on.  One thread means no pool at all.

A caution that applies to any program mixing BLAS and other threads:
OpenBLAS's idle worker threads keep spinning for a while after each matrix
product and compete with these threads; setting ``OPENBLAS_THREAD_TIMEOUT``
(e.g. to 4) before NumPy is imported makes them sleep at once.

Example:
    >>> import numpy as np
    >>> from kusari import _parallel
    >>> x = np.arange(12.0).reshape(6, 2)
    >>> sums = np.empty(6)
    >>> def row_sums(start, stop):
    ...     np.sum(x[start:stop], axis=1, out=sums[start:stop])
    >>> _parallel.for_ranges(row_sums, 6, grain=1)
    >>> sums
    array([ 1.,  5.,  9., 13., 17., 21.])
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

__all__ = ["threads", "set_threads", "for_ranges"]

_lock = threading.Lock()
_state = {"threads": None, "pool": None}
_local = threading.local()


def _positive_int(name: str):
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise ValueError(f"kusari: environment variable {name} expected a positive integer, got {value!r}")
    return n


def _default_threads() -> int:
    for name in ("KUSARI_NUM_THREADS", "OMP_NUM_THREADS"):
        n = _positive_int(name)
        if n is not None:
            return n
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads() -> int:
    """How many threads a large pass is split over (1: always serial).

    Example:
        >>> from kusari import _parallel
        >>> _parallel.threads() >= 1
        True
    """
    n = _state["threads"]
    if n is None:
        n = _state["threads"] = _default_threads()
    return n


def set_threads(n: int) -> None:
    """Use ``n`` threads for large passes from now on (1 turns the pool off).

    Example:
        >>> from kusari import _parallel
        >>> before = _parallel.threads()
        >>> _parallel.set_threads(1); _parallel.threads()
        1
        >>> _parallel.set_threads(before)
    """
    if type(n) is not int or n < 1:
        raise ValueError(f"set_threads: argument 'n' expected a positive int, got {n!r}")
    with _lock:
        old = _state["pool"]
        _state["threads"] = n
        _state["pool"] = None
    if old is not None:
        old.shutdown(wait=False)


def _forget_pool_after_fork() -> None:
    # A forked child has none of the parent's threads: the inherited pool
    # would accept work that no thread ever runs.  The child builds its own.
    _state["pool"] = None
    _local.inside = False


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool_after_fork)


def _pool(n: int) -> ThreadPoolExecutor:
    pool = _state["pool"]
    if pool is None or pool._max_workers < n - 1:
        with _lock:
            pool = _state["pool"]
            if pool is None or pool._max_workers < n - 1:
                pool = _state["pool"] = ThreadPoolExecutor(n - 1, thread_name_prefix="kusari-parallel")
    return pool


def _run_marked(fn, start, stop):
    # A pass started inside a part runs serially: waiting for the pool from
    # one of its own threads could wait forever.
    _local.inside = True
    try:
        fn(start, stop)
    finally:
        _local.inside = False


def for_ranges(fn, n: int, grain: int) -> None:
    """Call ``fn(start, stop)`` over contiguous ranges covering ``[0, n)``, in parallel when large.

    Args:
        fn: does the work for ``[start, stop)``; the ranges are disjoint,
            so ``fn`` may write its slice of a shared output.
        n: the number of rows (or elements) to cover.
        grain: the least ``n`` per range worth a thread of its own.

    The caller's thread takes the first range.  An exception raised by any
    range is re-raised here once every range has finished.

    Example:
        >>> import numpy as np
        >>> from kusari import _parallel
        >>> a = np.ones(10)
        >>> def double(start, stop):
        ...     a[start:stop] *= 2
        >>> _parallel.for_ranges(double, a.size, grain=4)
        >>> a.sum()
        np.float64(20.0)
    """
    parts = min(threads(), n // grain) if grain > 0 else threads()
    if parts <= 1 or getattr(_local, "inside", False):
        if n > 0:
            fn(0, n)
        return
    bounds = [n * k // parts for k in range(parts + 1)]
    pool = _pool(parts)
    futures = [pool.submit(_run_marked, fn, bounds[k], bounds[k + 1]) for k in range(1, parts)]
    error = None
    try:
        _run_marked(fn, bounds[0], bounds[1])
    except BaseException as exc:  # still wait for the other ranges before raising
        error = exc
    for future in futures:
        exc = future.exception()
        if exc is not None and error is None:
            error = exc
    if error is not None:
        raise error
