"""``matmul``: matrix products with NumPy's broadcasting over leading (batch) axes.

Chainer v7 semantics: ``transa``/``transb`` swap the last two axes of an
input with two or more dimensions and are ignored for a 1-d input; a 1-d
``a`` is a row vector and a 1-d ``b`` a column vector whose added axis is
removed from the result (as ``numpy.matmul``).  Both inputs must share one
floating-point dtype (Chainer let NumPy promote mixed dtypes; kusari asks for
an explicit cast, as its arithmetic does).
"""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


def _swap(x):
    return x.swapaxes(-1, -2)


class MatMul(FunctionNode):
    """``op(a) @ op(b)`` for inputs of two or more dimensions."""

    def __init__(self, transa=False, transb=False):
        self._transa = transa
        self._transb = transb

    @property
    def label(self):
        return "matmul"

    def forward(self, inputs):
        a, b = inputs
        self.retain_inputs((0, 1))
        if self._transa:
            a = _swap(a)
        if self._transb:
            b = _swap(b)
        return utils.force_array(utils._xp(a).matmul(a, b)),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.broadcast import sum_to

        a, b = self.get_retained_inputs()
        gy, = grad_outputs
        ta, tb = self._transa, self._transb
        ret = []
        # With A = op(a), B = op(b): dA = gy B^T and dB = A^T gy, each
        # transposed back when its input was, and summed over broadcast axes.
        for i in indexes:
            if i == 0:
                g = _mm(b, gy, tb, True) if ta else _mm(gy, b, False, not tb)
                ret.append(sum_to(g, a.shape))
            else:
                g = _mm(gy, a, True, ta) if tb else _mm(a, gy, not ta, False)
                ret.append(sum_to(g, b.shape))
        return tuple(ret)


def _mm(a, b, transa, transb):
    y, = MatMul(transa, transb).apply((a, b))
    return y


def _batch_shape(func, a_shape, b_shape):
    sa, sb = a_shape[:-2], b_shape[:-2]
    for x, y in zip(sa[::-1], sb[::-1], strict=False):
        if x != y and x != 1 and y != 1:
            type_check.fail(func, "b", f"batch axes broadcastable with a.shape[:-2] = {sa}",
                            f"b.shape[:-2] = {sb}")


def matmul(a, b, transa=False, transb=False):
    """Matrix product ``op(a) @ op(b)`` where ``op`` transposes the last two axes on request.

    Args:
        a, b: Variables or arrays of one floating-point dtype, with at least
            one dimension.  Leading axes broadcast as in ``numpy.matmul``.
        transa, transb: transpose the last two axes of ``a`` / ``b`` first
            (ignored for a 1-d input).

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> a = np.arange(6, dtype=np.float32).reshape(2, 3)
        >>> F.matmul(a, a, transb=True).array
        array([[ 5., 14.],
               [14., 50.]], dtype=float32)
        >>> F.matmul(np.ones((4, 2, 3), np.float32), np.ones(3, np.float32)).shape
        (4, 2)
    """
    for name, x in (("a", a), ("b", b)):
        if x.ndim < 1:
            type_check.fail("matmul", name, "at least 1 dimension", f"0 (shape {tuple(x.shape)})")
        type_check.expect_float("matmul", name, x)
    type_check.expect_same_dtype("matmul", "b", b, "a", a)
    a_shape, b_shape = tuple(a.shape), tuple(b.shape)
    a_vec, b_vec = len(a_shape) == 1, len(b_shape) == 1
    if a_vec:
        transa = False
        a_shape = (1,) + a_shape
    elif transa:
        a_shape = a_shape[:-2] + (a_shape[-1], a_shape[-2])
    if b_vec:
        transb = False
        b_shape = b_shape + (1,)
    elif transb:
        b_shape = b_shape[:-2] + (b_shape[-1], b_shape[-2])
    if a_shape[-1] != b_shape[-2]:
        contracted = "b.shape[0]" if b_vec else "b.shape[-1] (transb)" if transb else "b.shape[-2]"
        type_check.fail("matmul", "b", f"{contracted} == {a_shape[-1]} (the contracted size of a, "
                        f"shape {tuple(a.shape)}{', transa' if transa else ''})",
                        f"shape {tuple(b.shape)}")
    _batch_shape("matmul", a_shape, b_shape)

    if not (a_vec or b_vec):
        return _mm(a, b, bool(transa), bool(transb))
    from kusari.functions.array.reshape import reshape

    if a_vec:
        a = reshape(a, a_shape)
    if b_vec:
        b = reshape(b, b_shape)
    y = _mm(a, b, bool(transa), bool(transb))
    out = y.shape
    # Drop the axes that stood for the vectors (numpy.matmul does the same).
    if b_vec:
        out = out[:-1]
    if a_vec:
        out = out[:-2] + out[-1:] if not b_vec else out[:-1]
    return reshape(y, out)
