"""Hypothesis strategies for testing differentiable functions.

Requires the hypothesis package (``pip install kusari-core[testing]``).
Every array strategy draws *bounded, finite* float64 values by default:
gradient checks need smooth, well-scaled inputs, and float64 keeps finite
differences accurate.  Keep arrays small (``max_side`` 4, ``max_dims`` 3):
hypothesis shines on many small cases, not on a few large ones.

Example:
    >>> from hypothesis import given
    >>> from kusari.testing import strategies as kst
    >>> @given(kst.arrays(shape=(2, 3), lo=-1, hi=1))
    ... def test_bounded(x):
    ...     assert x.shape == (2, 3) and abs(x).max() <= 1
    >>> test_bounded()
"""
from __future__ import annotations

import numpy

try:
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as error:  # pragma: no cover - exercised only without hypothesis
    raise ImportError(
        "kusari.testing.strategies needs hypothesis: pip install kusari-core[testing]"
    ) from error


def shapes(*, min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4):
    """Array shapes with small sides.

    Example:
        >>> from kusari.testing import strategies as kst
        >>> kst.shapes(min_dims=2, max_dims=2).example().__len__()
        2
    """
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side)


def arrays(*, shape, dtype=numpy.float64, lo: float = -2.0, hi: float = 2.0,
           min_magnitude: float = 0.0, unique: bool = False):
    """Arrays of ``shape`` (a tuple or a strategy) with finite values in ``[lo, hi]``.

    ``min_magnitude`` keeps values away from zero (``|x| >= min_magnitude``),
    for functions with a kink or pole there (``abs``, ``relu``, ``1/x``).

    Example:
        >>> from kusari.testing import strategies as kst
        >>> x = kst.arrays(shape=(3,), lo=-1, hi=1, min_magnitude=0.1).example()
        >>> bool((abs(x) >= 0.1).all())
        True
    """
    dtype = numpy.dtype(dtype)
    if dtype.kind in "iu":
        elements = st.integers(int(lo), int(hi))
    else:
        width = 64 if dtype == numpy.float64 else 32
        elements = st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=width)
        if min_magnitude > 0:
            elements = elements.filter(lambda v: abs(v) >= min_magnitude)
    return hnp.arrays(dtype, shape, elements=elements, unique=unique)


def broadcastable_pairs(*, max_dims: int = 3, max_side: int = 4):
    """Pairs of shapes that broadcast together (``(2, 1, 3)`` with ``(4, 3)``).

    Example:
        >>> import numpy as np
        >>> from kusari.testing import strategies as kst
        >>> a, b = kst.broadcastable_pairs().example()
        >>> np.broadcast_shapes(a, b) is not None
        True
    """
    return hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=max_dims, max_side=max_side).map(
        lambda r: r.input_shapes)


def reduction_axes(ndim: int):
    """None, one axis, or a tuple of distinct axes of an ``ndim``-dimensional array.

    Example:
        >>> from kusari.testing import strategies as kst
        >>> ax = kst.reduction_axes(3).example()
        >>> ax is None or isinstance(ax, (int, tuple))
        True
    """
    if ndim == 0:
        return st.none()
    return st.one_of(st.none(), st.integers(-ndim, ndim - 1), hnp.valid_tuple_axes(ndim, min_size=1))


def shape_and_axis(*, min_dims: int = 1, max_dims: int = 3, max_side: int = 4):
    """A shape together with one valid axis of it.

    Example:
        >>> from kusari.testing import strategies as kst
        >>> shape, axis = kst.shape_and_axis().example()
        >>> -len(shape) <= axis < len(shape)
        True
    """
    return shapes(min_dims=min_dims, max_dims=max_dims, max_side=max_side).flatmap(
        lambda s: st.tuples(st.just(s), st.integers(-len(s), len(s) - 1)))
