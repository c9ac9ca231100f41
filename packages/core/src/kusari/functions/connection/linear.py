"""``linear``: ``y = x W^T + b``, the fully connected layer's function.

This is on the hot path of every MLP, so the wrapper does only a handful of
cheap shape/dtype comparisons before one ``x.dot(W.T)`` and an in-place bias
add.  The three backward products are small FunctionNodes of their own that
differentiate into each other, so double backprop costs nothing extra::

    LinearFunction   y  = x  W^T (+ b)   ->  gx = LinearGradData(W, gy), gW = LinearGradWeight(x, gy)
    LinearGradData   gx = gy W           ->  d/dW: LinearGradWeight(ggx, gy), d/dgy: linear(ggx, W)
    LinearGradWeight gW = gy^T x         ->  d/dx: LinearGradData(ggW, gy),  d/dgy: linear(x, ggW)
"""
from __future__ import annotations

import numpy

from kusari import _config
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import Variable, _wrap

_config_obj = _config.config
_from_array = _wrap
_ndarray = numpy.ndarray
_add_reduce = numpy.add.reduce


class LinearFunction(FunctionNode):
    @property
    def label(self):
        return "linear"

    # backward needs x and W; a class attribute saves a call per forward.
    _input_indexes_to_retain = (0, 1)

    def forward(self, inputs):
        x, W = inputs[0], inputs[1]
        y = x.dot(W.T)
        if len(inputs) == 3:
            y += inputs[2]  # y is a fresh array: add the bias in place
        return y,

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        if not _config_obj.enable_backprop:
            # Plain backward (no double backprop): the nodes below would record
            # nothing anyway, so compute the three products on the arrays.
            nodes = self.inputs
            g = gy._data
            ret = []
            for i in indexes:
                if i == 0:
                    ret.append(_from_array(g.dot(nodes[1].data), False))
                elif i == 1:
                    ret.append(_from_array(g.T.dot(nodes[0].data), False))
                else:
                    gb = _add_reduce(g, 0) if type(g) is _ndarray else g.sum(axis=0)
                    ret.append(_from_array(gb, False))
            return ret
        x, W = self.get_retained_inputs()
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(LinearGradData().apply((W, gy))[0])
            elif i == 1:
                ret.append(LinearGradWeight().apply((x, gy))[0])
            else:
                from kusari.functions.math.sum import Sum

                ret.append(Sum((0,), False).apply((gy,))[0])
        return ret


class LinearGradData(FunctionNode):
    """``gx = gy @ W`` from inputs ``(W, gy)``."""

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        W, gy = inputs
        return gy.dot(W),

    def backward(self, indexes, grad_outputs):
        W, gy = self.get_retained_inputs()
        ggx, = grad_outputs
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(LinearGradWeight().apply((ggx, gy))[0])
            else:
                ret.append(LinearFunction().apply((ggx, W))[0])
        return ret


class LinearGradWeight(FunctionNode):
    """``gW = gy^T @ x`` from inputs ``(x, gy)``."""

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x, gy = inputs
        return gy.T.dot(x),

    def backward(self, indexes, grad_outputs):
        x, gy = self.get_retained_inputs()
        ggW, = grad_outputs
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(LinearGradData().apply((ggW, gy))[0])
            else:
                ret.append(LinearFunction().apply((x, ggW))[0])
        return ret


def _fail(x, W, b, n_batch_axes):
    """Raise ``InvalidType`` naming what is wrong with the arguments of ``linear`` (the slow path)."""
    if W.ndim != 2:
        type_check.fail("linear", "W", "2 dimensions (out_size, in_size)",
                        f"{W.ndim} (shape {tuple(W.shape)})")
    type_check.expect_float("linear", "x", x)
    type_check.expect_same_dtype("linear", "W", W, "x", x)
    in_size = W.shape[1]
    x_shape = tuple(x.shape)
    features = 1
    for s in x_shape[n_batch_axes:]:
        features *= s
    if features != in_size:
        if len(x_shape) == n_batch_axes + 1:
            expected = "(" + ", ".join(["N"] * n_batch_axes + [str(in_size)]) + ")"
        else:
            expected = f"{x_shape[:n_batch_axes]} + feature axes holding {in_size} elements"
        type_check.fail("linear", "x", f"shape {expected} (in_size of W)", str(x_shape))
    if b is not None:
        type_check.expect_same_dtype("linear", "b", b, "x", x)
        if tuple(b.shape) != (W.shape[0],):
            type_check.fail("linear", "b", f"shape ({W.shape[0]},) (out_size of W)", str(tuple(b.shape)))
    raise AssertionError("linear: _fail found nothing wrong")  # pragma: no cover


def linear(x, W, b=None, n_batch_axes=1):
    """Affine map ``y = x W^T + b`` over the last axes of ``x``.

    Args:
        x: input of shape ``(N, in_size)``.  With more dimensions, the first
            ``n_batch_axes`` axes are batch axes and the rest are flattened
            into ``in_size`` (so ``(N, C, H, W)`` works, as in Chainer).
        W: weight of shape ``(out_size, in_size)``, ``x``'s dtype.
        b: optional bias of shape ``(out_size,)``.
        n_batch_axes: how many leading axes of ``x`` are batch axes.

    Returns:
        A Variable of shape ``x.shape[:n_batch_axes] + (out_size,)``.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> x = np.array([[1, 2, 3]], np.float32)
        >>> W = np.array([[1, 0, 0], [0, 1, 1]], np.float32)
        >>> F.linear(x, W, np.array([0.5, -1], np.float32)).array
        array([[1.5, 4. ]], dtype=float32)
        >>> F.linear(np.ones((4, 2, 3), np.float32), W, n_batch_axes=2).shape
        (4, 2, 2)
    """
    xd = x._data if isinstance(x, Variable) else x
    Wd = W._data if isinstance(W, Variable) else W
    x_shape = xd.shape
    W_shape = Wd.shape
    if n_batch_axes != 1 or len(x_shape) != 2:
        return _linear_batched(x, W, b, n_batch_axes)
    dtype = xd.dtype
    # A few plain comparisons on the arrays keep the common, valid call cheap;
    # _fail works out which argument is wrong.
    if len(W_shape) != 2 or x_shape[1] != W_shape[1] or Wd.dtype != dtype or dtype.kind != "f":
        _fail(xd, Wd, b, n_batch_axes)
    if b is None:
        y, = LinearFunction().apply((x, W))
        return y
    bd = b._data if isinstance(b, Variable) else b
    if bd.shape != (W_shape[0],) or bd.dtype != dtype:
        _fail(xd, Wd, bd, n_batch_axes)
    y, = LinearFunction().apply((x, W, b))
    return y


def _linear_batched(x, W, b, n_batch_axes):
    """``linear`` for ``x`` with several batch axes or more than one feature axis."""
    from kusari.functions.array.reshape import reshape

    x_shape = tuple(x.shape)
    if type(n_batch_axes) is not int or n_batch_axes < 1:
        type_check.fail("linear", "n_batch_axes", "a positive int", repr(n_batch_axes))
    if len(x_shape) <= n_batch_axes:
        type_check.fail("linear", "x", f"at least {n_batch_axes + 1} dimensions "
                        f"(n_batch_axes={n_batch_axes} plus feature axes)",
                        f"{len(x_shape)} (shape {x_shape})")
    batch_shape = x_shape[:n_batch_axes]
    batch = features = 1
    for s in batch_shape:
        batch *= s
    for s in x_shape[n_batch_axes:]:
        features *= s
    if len(W.shape) != 2 or features != W.shape[1]:
        _fail(x, W, b, n_batch_axes)
    y = linear(reshape(x, (batch, features)), W, b)
    return y if n_batch_axes == 1 else reshape(y, batch_shape + (W.shape[0],))
