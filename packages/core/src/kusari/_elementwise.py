"""Run an in-place elementwise kernel over same-shaped arrays, block by block.

Optimizer updates are chains of elementwise operations over the parameter,
its gradient and the state (Adam: about a dozen).  Written as whole-array
NumPy expressions each step allocates parameter-sized temporaries and
streams every array through memory many times.  Here a kernel writes its
intermediates into a few small scratch buffers (``out=``) and runs over
blocks of ``BLOCK`` elements, so the temporaries stay in the CPU cache, no
memory is allocated per step, and the big arrays are read and written about
once each.  The Python loop is per block (64K elements), never per element.

Non-NumPy arrays (CuPy) and non-contiguous ones take one whole-array call
with freshly allocated temporaries: on a GPU that is the fast path anyway.

Example:
    >>> import numpy as np
    >>> from kusari._elementwise import run
    >>> def axpy(xp, y, x, tmp, a):       # y += a * x, one temporary
    ...     xp.multiply(x, a, out=tmp); y += tmp
    >>> y = np.ones(5, np.float32); x = np.arange(5, dtype=np.float32)
    >>> run(axpy, (y, x), 1, 2.0); y
    array([1., 3., 5., 7., 9.], dtype=float32)
"""
from __future__ import annotations

import threading

import numpy

from kusari import _parallel

__all__ = ["run", "BLOCK"]

#: Elements per block: 256 KiB per float32 temporary, so a kernel's
#: temporaries and its slices of the arrays fit in a typical L2 cache.
BLOCK = 1 << 16
#: Least blocks per thread when an update is split over cores (about 1 MiB
#: of float32 per array: the hand-off to a thread is then a small cost).
PARALLEL_BLOCKS = 4

_ndarray = numpy.ndarray
_local = threading.local()


def _scratch(dtype, count: int):
    """``count`` reusable BLOCK-sized buffers of ``dtype`` for this thread."""
    pool = getattr(_local, "pool", None)
    if pool is None:
        pool = _local.pool = {}
    buffers = pool.get(dtype)
    if buffers is None or len(buffers) < count:
        buffers = pool[dtype] = [numpy.empty(BLOCK, dtype) for _ in range(count)]
    return buffers


def run(kernel, arrays, n_temps: int, *consts) -> None:
    """Call ``kernel(xp, *arrays, *temps, *consts)``, blockwise when possible.

    Args:
        kernel: function updating its array arguments in place with ``xp``
            ufuncs (``out=``); it must be elementwise (block ``i`` of the
            output depends only on block ``i`` of the inputs).
        arrays: same-shaped arrays; None entries are passed through as None.
        n_temps: how many scratch arrays the kernel needs (dtype of ``arrays[0]``).
        consts: scalars passed after the temporaries.
    """
    first = arrays[0]
    if type(first) is _ndarray:
        size = first.size
        temps = _scratch(first.dtype, n_temps)
        if size <= BLOCK:
            # One block: whole arrays (any memory layout is fine elementwise),
            # scratch views shaped like them.
            shape = first.shape
            kernel(numpy, *arrays, *[t[:size].reshape(shape) for t in temps[:n_temps]], *consts)
            return
        if all(a is None or a.flags.c_contiguous for a in arrays):
            flat = [None if a is None else a.reshape(-1) for a in arrays]

            def elements_between(lo, hi):
                # Scratch is per thread, so ranges on other cores get their own.
                temps = _scratch(first.dtype, n_temps)[:n_temps]
                for start in range(lo, hi, BLOCK):
                    stop = min(start + BLOCK, hi)
                    n = stop - start
                    kernel(numpy, *[None if a is None else a[start:stop] for a in flat],
                           *[t[:n] for t in temps], *consts)

            # Large arrays are split over cores in whole blocks (see kusari._parallel).
            n_blocks = -(-size // BLOCK)
            _parallel.for_ranges(
                lambda lo, hi: elements_between(lo * BLOCK, min(hi * BLOCK, size)),
                n_blocks, grain=PARALLEL_BLOCKS)
            return
    from kusari import backend

    xp = backend.get_array_module(first)
    temps = [xp.empty(first.shape, first.dtype) for _ in range(n_temps)]
    kernel(xp, *arrays, *temps, *consts)
