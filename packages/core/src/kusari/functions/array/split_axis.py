"""``split_axis``: cut an array into pieces along one axis (the inverse of ``concat``)."""
from __future__ import annotations

import operator

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class SplitAxis(FunctionNode):
    """Pieces ``x[..., start:stop, ...]`` between consecutive ``indices`` (numpy.split's rule)."""

    def __init__(self, indices, axis):
        self._indices = indices
        self._axis = axis

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        self._dtype = x.dtype
        xp = utils._xp(x)
        ys = tuple(xp.split(x, self._indices, self._axis))
        self._out_shapes = [y.shape for y in ys]
        return ys

    def _bounds(self):
        """(start, stop) of each piece along the axis, as Python slicing resolves them."""
        size = self._in_shape[self._axis]
        edges = [0] + list(self._indices) + [size]
        bounds = []
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            start, stop, _ = slice(lo, hi).indices(size)
            bounds.append((start, max(start, stop)))  # a backwards slice is empty
        return bounds

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.concat import Concat

        xp = utils._xp(*[g._data for g in grad_outputs if g is not None])
        axis = self._axis
        bounds = self._bounds()
        tiled = all(b[0] == a[1] for a, b in zip(bounds[:-1], bounds[1:], strict=True))
        if tiled:
            # The usual case: the pieces tile x in order, so the gradient is
            # the output gradients put back together (zeros for missing ones).
            gys = [xp.zeros(shape, self._dtype) if g is None else g
                   for g, shape in zip(grad_outputs, self._out_shapes, strict=True)]
            return Concat(axis).apply(gys)
        # Indices that go backwards (numpy.split allows them) make pieces
        # overlap or skip: add each piece's gradient into its place.
        from kusari.functions.array.get_item import GetItemGrad

        gx = None
        lead = (slice(None),) * axis
        for g, (start, stop) in zip(grad_outputs, bounds, strict=True):
            if g is None or start >= stop:
                continue
            g, = GetItemGrad(lead + (slice(start, stop),), self._in_shape).apply((g,))
            gx = g if gx is None else gx + g
        if gx is None:
            gx = xp.zeros(self._in_shape, self._dtype)
        return gx,


def split_axis(x, indices_or_sections, axis, force_tuple=True):
    """Split ``x`` along ``axis`` into equal sections or at the given indices.

    Args:
        x: a Variable or array.
        indices_or_sections: an int ``n`` (``n`` equal pieces; the axis size
            must be divisible by it) or a sequence of split points, as
            ``numpy.split`` takes them.
        axis: the axis to split.
        force_tuple: when False and there is only one piece, return it
            alone instead of a 1-tuple.

    Returns:
        A tuple of Variables (or one Variable, see ``force_tuple``).

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> x = np.arange(10, dtype=np.float32).reshape(2, 5)
        >>> a, b = F.split_axis(x, [2], axis=1)
        >>> a.shape, b.shape
        ((2, 2), (2, 3))
        >>> [y.shape for y in F.split_axis(x, 2, axis=0)]
        [(1, 5), (1, 5)]
    """
    ndim = x.ndim
    if not isinstance(axis, (int, numpy.integer)) or isinstance(axis, bool):
        type_check.fail("split_axis", "axis", "an int", repr(axis))
    if not -ndim <= axis < ndim:
        type_check.fail("split_axis", "axis", f"an axis in [{-ndim}, {ndim - 1}] for a {ndim}-dimensional input",
                        str(axis))
    axis = int(axis) % ndim
    size = x.shape[axis]
    if isinstance(indices_or_sections, (int, numpy.integer)) and not isinstance(indices_or_sections, bool):
        sections = int(indices_or_sections)
        if sections <= 0:
            type_check.fail("split_axis", "indices_or_sections", "a positive number of sections", str(sections))
        if size % sections:
            type_check.fail("split_axis", "indices_or_sections",
                            f"a number of sections that divides x.shape[{axis}] = {size}", str(sections))
        step = size // sections
        indices = [step * i for i in range(1, sections)]
    else:
        if hasattr(indices_or_sections, "tolist"):  # numpy / cupy index arrays
            indices_or_sections = indices_or_sections.tolist()
        indices = None
        if isinstance(indices_or_sections, (list, tuple, range)):
            try:
                indices = [operator.index(i) for i in indices_or_sections if not isinstance(i, bool)]
            except TypeError:
                pass
        if indices is None or len(indices) != len(indices_or_sections):
            type_check.fail("split_axis", "indices_or_sections", "an int or a sequence of ints",
                            repr(indices_or_sections))
        if indices and max(indices) > size:
            type_check.fail("split_axis", "indices_or_sections",
                            f"split points at most x.shape[{axis}] = {size}", repr(indices))
    ys = SplitAxis(tuple(indices), axis).apply((x,))
    if not force_tuple and len(ys) == 1:
        return ys[0]
    return ys
