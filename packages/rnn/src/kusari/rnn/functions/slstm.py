"""``slstm``: the S-LSTM cell, Chainer's ``F.slstm``, merging two LSTM states.

Both pre-activations ``x1`` and ``x2`` use ``lstm``'s interleaved layout
(``(B, 4H)`` read as ``(B, H, 4)``, gates ``a, i, f, o``).  Each child has its
own cell input, input gate and forget gate; the output gate sees their sum::

    c = tanh(a1) sig(i1) + tanh(a2) sig(i2) + sig(f1) c_prev1 + sig(f2) c_prev2
    h = sig(o1 + o2) tanh(c)

As in ``lstm``, the plain backward is fused array arithmetic and the double
backprop path is built from differentiable functions.
"""
from __future__ import annotations

from kusari import _config
from kusari.function_node import FunctionNode
from kusari.rnn.functions.lstm import _join_gates, _sigmoid_, _split_gates
from kusari.utils import _xp, type_check
from kusari.variable import _wrap

_config_obj = _config.config


def _gates(x):
    """``(a, i, f, o_in)``: activated a, i, f and the raw output-gate input of ``x``."""
    xp = _xp(x)
    r = x.reshape((x.shape[0], x.shape[1] // 4, 4) + x.shape[2:])
    a = xp.tanh(r[:, :, 0])
    i_f = _sigmoid_(r[:, :, 1:3].copy())
    return a, i_f[:, :, 0], i_f[:, :, 1], r[:, :, 3]


class SLSTM(FunctionNode):
    """``(c, h) = slstm(c_prev1, c_prev2, x1, x2)``."""

    @property
    def label(self):
        return "slstm"

    def forward(self, inputs):
        c_prev1, c_prev2, x1, x2 = inputs
        xp = _xp(x1)
        a1, i1, f1, o1 = _gates(x1)
        a2, i2, f2, o2 = _gates(x2)
        o = _sigmoid_(o1 + o2)
        c = a1 * i1
        c += a2 * i2
        c += f1 * c_prev1
        c += f2 * c_prev2
        tanh_c = xp.tanh(c)
        h = o * tanh_c
        self.retain_inputs((0, 1, 2, 3))
        self._saved = (a1, i1, f1, a2, i2, f2, o, tanh_c)
        return c, h

    def backward(self, indexes, grad_outputs):
        gc, gh = grad_outputs
        inputs = self.get_retained_inputs()
        if _config_obj.enable_backprop:
            grads = _slstm_grad_differentiable(*inputs, gc, gh)
            return [grads[k] for k in indexes]
        grads = _slstm_grad_arrays(
            inputs[0].array, inputs[1].array, inputs[2].shape, *self._saved,
            None if gc is None else gc.array, None if gh is None else gh.array)
        return [_wrap(grads[k]) for k in indexes]


def _slstm_grad_arrays(c_prev1, c_prev2, x_shape, a1, i1, f1, a2, i2, f2, o, tanh_c, gc, gh):
    """``(gc_prev1, gc_prev2, gx1, gx2)`` on arrays from the saved activations."""
    xp = _xp(c_prev1)
    if gh is None:
        gc_total = xp.zeros_like(c_prev1) if gc is None else gc
        go = xp.zeros_like(c_prev1)
    else:
        gc_total = gh * o
        gc_total *= 1 - tanh_c * tanh_c
        if gc is not None:
            gc_total += gc
        go = gh * tanh_c * o * (1 - o)
    grads_x = []
    for a, i, f, c_prev in ((a1, i1, f1, c_prev1), (a2, i2, f2, c_prev2)):
        gx = xp.empty((a.shape[0], a.shape[1], 4) + a.shape[2:], dtype=a.dtype)
        gx[:, :, 0] = gc_total * i * (1 - a * a)
        gx[:, :, 1] = gc_total * a * i * (1 - i)
        gx[:, :, 2] = gc_total * c_prev * f * (1 - f)
        gx[:, :, 3] = go  # o = sig(o1 + o2): the same gradient for both
        grads_x.append(gx.reshape(x_shape))
    return gc_total * f1, gc_total * f2, grads_x[0], grads_x[1]


def _slstm_grad_differentiable(c_prev1, c_prev2, x1, x2, gc, gh):
    """``(gc_prev1, gc_prev2, gx1, gx2)`` from differentiable functions (double backprop)."""
    import kusari.functions as F

    a1, i1, f1, o1 = _split_gates(x1)
    a2, i2, f2, o2 = _split_gates(x2)
    a1, i1, f1 = F.tanh(a1), F.sigmoid(i1), F.sigmoid(f1)
    a2, i2, f2 = F.tanh(a2), F.sigmoid(i2), F.sigmoid(f2)
    o = F.sigmoid(o1 + o2)
    tanh_c = F.tanh(a1 * i1 + a2 * i2 + f1 * c_prev1 + f2 * c_prev2)
    if gh is None:
        gc_total = gc if gc is not None else c_prev1 * 0
        go = c_prev1 * 0
    else:
        gc_total = gh * o * (1 - tanh_c * tanh_c)
        if gc is not None:
            gc_total = gc_total + gc
        go = gh * tanh_c * o * (1 - o)
    grads_x = []
    for a, i, f, c_prev, x in ((a1, i1, f1, c_prev1, x1), (a2, i2, f2, c_prev2, x2)):
        ga = gc_total * i * (1 - a * a)
        gi = gc_total * a * i * (1 - i)
        gf = gc_total * c_prev * f * (1 - f)
        grads_x.append(_join_gates([ga, gi, gf, go], x.shape))
    return gc_total * f1, gc_total * f2, grads_x[0], grads_x[1]


def _check(c_prev1, c_prev2, x1, x2):
    name = "slstm"
    type_check.expect_float(name, "c_prev1", c_prev1)
    for arg, value in (("c_prev2", c_prev2), ("x1", x1), ("x2", x2)):
        type_check.expect_same_dtype(name, arg, value, "c_prev1", c_prev1)
    type_check.expect_min_ndim(name, "c_prev1", c_prev1, 2)
    c_shape = tuple(c_prev1.shape)
    if tuple(c_prev2.shape) != c_shape:
        type_check.fail(name, "c_prev2", f"shape {c_shape} (the shape of 'c_prev1')", str(tuple(c_prev2.shape)))
    x_expected = (c_shape[0], 4 * c_shape[1]) + c_shape[2:]
    for arg, value in (("x1", x1), ("x2", x2)):
        if tuple(value.shape) != x_expected:
            type_check.fail(name, arg, f"shape {x_expected} (4 gates per unit of 'c_prev1' {c_shape})",
                            str(tuple(value.shape)))


def slstm(c_prev1, c_prev2, x1, x2):
    """S-LSTM cell (Chainer's ``F.slstm``): one LSTM step merging two children's states.

    Args:
        c_prev1, c_prev2: the children's cell states, shape ``(B, H, ...)``.
        x1, x2: their gate pre-activations, shape ``(B, 4H, ...)`` each, in
            ``lstm``'s interleaved layout (per unit ``a, i, f, o``).

    Returns:
        ``(c, h)``, both of shape ``(B, H, ...)``:
        ``c = tanh(a1) sig(i1) + tanh(a2) sig(i2) + sig(f1) c_prev1 + sig(f2) c_prev2``
        and ``h = sig(o1 + o2) tanh(c)``.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.functions.slstm import slstm
        >>> c1 = np.ones((1, 2), np.float32)
        >>> c2 = np.zeros((1, 2), np.float32)
        >>> x1 = np.zeros((1, 8), np.float32)
        >>> x1[:, 2::4] = 100.0       # child 1 forget gate fully open
        >>> x2 = np.zeros((1, 8), np.float32)
        >>> c, h = slstm(c1, c2, x1, x2)
        >>> c.array
        array([[1., 1.]], dtype=float32)
        >>> np.round(h.array, 4)      # sig(0) * tanh(1)
        array([[0.3808, 0.3808]], dtype=float32)
    """
    _check(c_prev1, c_prev2, x1, x2)
    c, h = SLSTM().apply((c_prev1, c_prev2, x1, x2))
    return c, h
