"""``broadcast``: broadcast several inputs to their common shape (Chainer's multi-input ``F.broadcast``)."""
from __future__ import annotations

import numpy

from kusari.functions.array.broadcast import broadcast_to
from kusari.utils import type_check


def broadcast(*args):
    """Broadcast every argument to the shape they share under NumPy's rules.

    Returns a tuple of Variables, or a single Variable when given one
    argument (as Chainer does).  Each gradient is summed back to its
    input's shape.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.broadcast_all import broadcast
        >>> a, b = broadcast(np.zeros((2, 1), np.float32), np.ones(3, np.float32))
        >>> a.shape, b.shape
        ((2, 3), (2, 3))
        >>> broadcast(np.zeros(2, np.float32)).shape
        (2,)
    """
    if not args:
        type_check.fail("broadcast", "args", "at least one Variable or array", "none")
    shapes = [tuple(a.shape) for a in args]
    try:
        shape = numpy.broadcast_shapes(*shapes)
    except ValueError:
        type_check.fail("broadcast", "args", "shapes that broadcast together", ", ".join(map(str, shapes)))
    ys = tuple(broadcast_to(a, shape) for a in args)
    return ys[0] if len(ys) == 1 else ys
