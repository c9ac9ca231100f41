"""``permutate``: reorder an array along one axis by a permutation."""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import Variable


def _inverse(xp, indices):
    inv = xp.empty_like(indices)
    inv[indices] = xp.arange(len(indices), dtype=indices.dtype)
    return inv


class Permutate(FunctionNode):
    def __init__(self, indices, axis, inv):
        self._indices = indices
        self._axis = axis
        self._inv = inv

    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        indices = _inverse(xp, self._indices) if self._inv else self._indices
        return xp.take(x, indices, axis=self._axis),

    def backward(self, indexes, grad_outputs):
        gx, = Permutate(self._indices, self._axis, not self._inv).apply(grad_outputs)
        return gx,


def permutate(x, indices, axis=0, inv=False):
    """Permute ``x`` along ``axis``: ``y[..., i, ...] = x[..., indices[i], ...]``.

    Args:
        x: a Variable or array.
        indices: a 1-D integer array (or Variable) holding a permutation of
            ``range(x.shape[axis])``.
        axis: the axis to permute.
        inv: apply the inverse permutation instead
            (``y[..., indices[i], ...] = x[..., i, ...]``).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.permutate import permutate
        >>> x = np.array([10., 20., 30.], np.float32)
        >>> permutate(x, np.array([2, 0, 1], np.int32)).array
        array([30., 10., 20.], dtype=float32)
        >>> permutate(x, np.array([2, 0, 1], np.int32), inv=True).array
        array([20., 30., 10.], dtype=float32)
    """
    name = "permutate"
    if isinstance(indices, Variable):
        indices = indices.array
    if not hasattr(indices, "dtype"):
        type_check.fail(name, "indices", "an integer array", type(indices).__name__)
    type_check.expect_int(name, "indices", indices)
    type_check.expect_ndim(name, "indices", indices, 1)
    ndim = x.ndim
    if not isinstance(axis, (int, numpy.integer)) or isinstance(axis, bool) or not -ndim <= axis < ndim:
        type_check.fail(name, "axis", f"an int in [{-ndim}, {ndim - 1}] for a {ndim}-dimensional input",
                        repr(axis))
    axis = int(axis) % ndim
    size = x.shape[axis]
    xp = utils._xp(indices)
    if len(indices) != size or not bool(xp.all(xp.sort(indices) == xp.arange(size))):
        type_check.fail(name, "indices", f"a permutation of range({size}) (x.shape[{axis}])",
                        str(indices.tolist()))
    y, = Permutate(indices, axis, bool(inv)).apply((x,))
    return y
