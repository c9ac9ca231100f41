"""``tensordot``: sum of products over chosen axes of two arrays (as ``numpy.tensordot``)."""
from __future__ import annotations

import numpy

from kusari.utils import type_check


def _is_int(v) -> bool:
    return isinstance(v, (int, numpy.integer)) and not isinstance(v, bool)


def _contracted_axes(a, b, axes):
    """``axes`` as two equally long tuples of non-negative axes of ``a`` and ``b``."""
    if _is_int(axes):
        n = int(axes)
        if not 0 <= n <= min(a.ndim, b.ndim):
            type_check.fail("tensordot", "axes", f"an int in [0, {min(a.ndim, b.ndim)}] "
                            f"(a is {a.ndim}-d, b is {b.ndim}-d)", repr(axes))
        return tuple(range(a.ndim - n, a.ndim)), tuple(range(n))
    what = "an int or a pair (axes of a, axes of b), each an int or a sequence of ints"
    if not (isinstance(axes, (tuple, list)) and len(axes) == 2):
        type_check.fail("tensordot", "axes", what, repr(axes))
    pair = []
    for side, x in zip(axes, (a, b), strict=True):
        side = (side,) if _is_int(side) else side
        if not (isinstance(side, (tuple, list)) and all(_is_int(v) for v in side)):
            type_check.fail("tensordot", "axes", what, repr(axes))
        if not all(-x.ndim <= v < x.ndim for v in side):
            type_check.fail("tensordot", "axes", "axes within the dimensions of a and b", repr(axes))
        side = tuple(int(v) % x.ndim for v in side)
        if len(set(side)) != len(side):
            type_check.fail("tensordot", "axes", "no axis repeated on one side", repr(axes))
        pair.append(side)
    if len(pair[0]) != len(pair[1]):
        type_check.fail("tensordot", "axes", "as many axes of a as of b", repr(axes))
    return pair[0], pair[1]


def tensordot(a, b, axes=2):
    """Sum of products of ``a`` and ``b`` over the given pairs of axes.

    Args:
        a, b: Variables or arrays of one floating-point dtype.
        axes: an int ``n`` (the last ``n`` axes of ``a`` with the first ``n``
            of ``b``) or a pair ``(axes_of_a, axes_of_b)`` of ints or
            sequences of ints, matched in order.

    Returns:
        The free axes of ``a`` followed by those of ``b``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.tensordot import tensordot
        >>> a = np.arange(6, dtype=np.float32).reshape(2, 3)
        >>> tensordot(a, a, axes=([1], [1])).array
        array([[ 5., 14.],
               [14., 50.]], dtype=float32)
        >>> tensordot(np.ones((2, 3, 4), np.float32), np.ones((3, 4, 5), np.float32)).shape
        (2, 5)
    """
    from kusari.functions.array.reshape import reshape
    from kusari.functions.array.transpose import transpose
    from kusari.functions.math.matmul import matmul

    type_check.expect_float("tensordot", "a", a)
    type_check.expect_float("tensordot", "b", b)
    type_check.expect_same_dtype("tensordot", "b", b, "a", a)
    axes_a, axes_b = _contracted_axes(a, b, axes)
    for i, j in zip(axes_a, axes_b, strict=True):
        if a.shape[i] != b.shape[j]:
            type_check.fail("tensordot", "b", f"b.shape[{j}] == {a.shape[i]} (a.shape[{i}], contracted with it)",
                            f"shape {tuple(b.shape)}")
    free_a = tuple(i for i in range(a.ndim) if i not in axes_a)
    free_b = tuple(j for j in range(b.ndim) if j not in axes_b)
    free_a_shape = tuple(a.shape[i] for i in free_a)
    free_b_shape = tuple(b.shape[j] for j in free_b)
    # One matrix product: (free of a, contracted) @ (contracted, free of b).
    # Sizes are spelled out (no -1) so that empty axes reshape too.
    contracted = int(numpy.prod([a.shape[i] for i in axes_a]))
    a2 = reshape(transpose(a, free_a + axes_a), (int(numpy.prod(free_a_shape)), contracted))
    b2 = reshape(transpose(b, axes_b + free_b), (contracted, int(numpy.prod(free_b_shape))))
    out_shape = free_a_shape + free_b_shape
    return reshape(matmul(a2, b2), out_shape)
