"""``swapaxes``, ``moveaxis`` and ``rollaxis``: axis permutations expressed as one ``transpose``."""
from __future__ import annotations

import numpy

from kusari.functions.array._axis import check_axis
from kusari.functions.array.transpose import transpose
from kusari.utils import type_check


def swapaxes(x, axis1, axis2):
    """Exchange two axes of ``x``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.moveaxis import swapaxes
        >>> swapaxes(np.zeros((2, 3, 4), np.float32), 0, 2).shape
        (4, 3, 2)
    """
    ndim = x.ndim
    axis1 = check_axis("swapaxes", "axis1", axis1, ndim)
    axis2 = check_axis("swapaxes", "axis2", axis2, ndim)
    axes = list(range(ndim))
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return transpose(x, tuple(axes))


def _axes_arg(func, arg, value, ndim):
    items = value if isinstance(value, (tuple, list)) else (value,)
    axes = tuple(check_axis(func, arg, a, ndim) for a in items)
    if len(set(axes)) != len(axes):
        type_check.fail(func, arg, "distinct axes", repr(value))
    return axes


def moveaxis(x, source, destination):
    """Move the axes ``source`` to the positions ``destination``; the other axes keep their order.

    Args:
        x: a Variable or array.
        source: an int or a tuple of distinct ints.
        destination: an int or a tuple of distinct ints, as many as ``source``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.moveaxis import moveaxis
        >>> moveaxis(np.zeros((2, 3, 4), np.float32), 0, -1).shape
        (3, 4, 2)
        >>> moveaxis(np.zeros((2, 3, 4), np.float32), (0, 1), (2, 0)).shape
        (3, 4, 2)
    """
    ndim = x.ndim
    src = _axes_arg("moveaxis", "source", source, ndim)
    dst = _axes_arg("moveaxis", "destination", destination, ndim)
    if len(src) != len(dst):
        type_check.fail("moveaxis", "destination", f"{len(src)} axes (as many as source)", str(len(dst)))
    rest = [a for a in range(ndim) if a not in src]
    axes = [None] * ndim
    for s, d in zip(src, dst):
        axes[d] = s
    remaining = iter(rest)
    axes = tuple(a if a is not None else next(remaining) for a in axes)
    return transpose(x, axes)


def rollaxis(x, axis, start=0):
    """Move ``axis`` so that it comes just before the axis now at ``start`` (NumPy's ``rollaxis``).

    Args:
        x: a Variable or array.
        axis: the axis to move.
        start: in ``[-ndim, ndim]``; ``ndim`` moves ``axis`` to the end.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.moveaxis import rollaxis
        >>> rollaxis(np.zeros((2, 3, 4), np.float32), 2).shape
        (4, 2, 3)
        >>> rollaxis(np.zeros((2, 3, 4), np.float32), 0, 3).shape
        (3, 4, 2)
    """
    ndim = x.ndim
    axis = check_axis("rollaxis", "axis", axis, ndim)
    if not isinstance(start, (int, numpy.integer)) or isinstance(start, bool):
        type_check.fail("rollaxis", "start", "an int", repr(start))
    if not -ndim <= start <= ndim:
        type_check.fail("rollaxis", "start", f"a position in [{-ndim}, {ndim}] for a {ndim}-dimensional input",
                        str(start))
    start = int(start)
    if start < 0:
        start += ndim
    axes = [a for a in range(ndim) if a != axis]
    # Inserting before the axis now at ``start``: past ``axis`` that index shifts down by one.
    axes.insert(start - 1 if start > axis else start, axis)
    return transpose(x, tuple(axes))
