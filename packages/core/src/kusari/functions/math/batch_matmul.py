"""``batch_matmul``: Chainer's deprecated batched matrix product, kept for old code."""
from __future__ import annotations

from kusari.utils import type_check


def _as_batch_of_matrices(x):
    """A 2-d ``(B, n)`` input is a batch of column vectors ``(B, n, 1)``."""
    if x.ndim == 2:
        from kusari.functions.array.reshape import reshape
        return reshape(x, tuple(x.shape) + (1,))
    return x


def batch_matmul(a, b, transa=False, transb=False):
    """Matrix products of matching batch entries, ``op(a[i]) @ op(b[i])``.

    Chainer v7's deprecated alias semantics: each input is either 3-d
    ``(B, m, n)`` or 2-d ``(B, n)``, the latter read as a batch of column
    vectors ``(B, n, 1)``; the result is always 3-d.  ``transa``/``transb``
    swap the last two axes of the (3-d) input.  New code should use
    ``matmul``, which broadcasts batch axes.

    Args:
        a, b: Variables or arrays of one floating-point dtype and one batch size.
        transa, transb: transpose each matrix of ``a`` / ``b`` first.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.batch_matmul import batch_matmul
        >>> a = np.arange(6, dtype=np.float32).reshape(2, 3)
        >>> batch_matmul(a, a, transa=True).array  # per-row dot products
        array([[[ 5.]],
        <BLANKLINE>
               [[50.]]], dtype=float32)
        >>> batch_matmul(np.ones((2, 3, 4), np.float32), np.ones((2, 5, 4), np.float32), transb=True).shape
        (2, 3, 5)
    """
    from kusari.functions.math.matmul import matmul

    for name, x in (("a", a), ("b", b)):
        if x.ndim not in (2, 3):
            type_check.fail("batch_matmul", name, "2 or 3 dimensions", f"{x.ndim} (shape {tuple(x.shape)})")
        type_check.expect_float("batch_matmul", name, x)
    type_check.expect_same_dtype("batch_matmul", "b", b, "a", a)
    if a.shape[0] != b.shape[0]:
        type_check.fail("batch_matmul", "b", f"batch size {a.shape[0]} (a.shape[0])",
                        f"shape {tuple(b.shape)}")
    a, b = _as_batch_of_matrices(a), _as_batch_of_matrices(b)
    inner_a = a.shape[1] if transa else a.shape[2]
    inner_b = b.shape[2] if transb else b.shape[1]
    if inner_a != inner_b:
        type_check.fail("batch_matmul", "b", f"contracted size {inner_a} (from a{', transa' if transa else ''})",
                        f"{inner_b}{' (transb)' if transb else ''}")
    return matmul(a, b, transa=bool(transa), transb=bool(transb))
