"""``lstm``: one step of the LSTM cell, Chainer's ``F.lstm``.

The pre-activation ``x`` of shape ``(B, 4H, ...)`` is read as ``(B, H, 4, ...)``:
the four gates are interleaved per unit in the order ``a, i, f, o``::

    a = tanh(x[:, 0::4])   i = sigmoid(x[:, 1::4])
    f = sigmoid(x[:, 2::4])  o = sigmoid(x[:, 3::4])
    c = a * i + f * c_prev      h = o * tanh(c)

``x`` may have fewer rows than ``c_prev`` (a shrinking, length-sorted batch):
the rows of ``c_prev`` past ``len(x)`` pass through to ``c`` unchanged and
``h`` has ``len(x)`` rows.

Backward has two paths.  The plain one (double backprop off, the common case)
is fused NumPy arithmetic on the gate activations kept from the forward.  With
double backprop on, the gradient is built from differentiable kusari
functions, so it can be differentiated again (to any order).
"""
from __future__ import annotations

from kusari import _config
from kusari.function_node import FunctionNode
from kusari.utils import _xp, type_check
from kusari.variable import _wrap

_config_obj = _config.config


def _sigmoid_(y):
    """``sigmoid`` of the array ``y``'s values, computed in place as 0.5 tanh(y/2) + 0.5."""
    y *= 0.5
    xp = _xp(y)
    xp.tanh(y, out=y)
    y *= 0.5
    y += 0.5
    return y


def _gates(x):
    """``(a, ifo)``: tanh of the cell input and the sigmoids of the i, f, o gates (``(B, H, 3, ...)``)."""
    xp = _xp(x)
    r = x.reshape((x.shape[0], x.shape[1] // 4, 4) + x.shape[2:])
    a = xp.tanh(r[:, :, 0])
    ifo = _sigmoid_(r[:, :, 1:].copy())
    return a, ifo


class LSTM(FunctionNode):
    """``(c, h) = lstm(c_prev, x)``; see the module docstring for the layout."""

    @property
    def label(self):
        return "lstm"

    def forward(self, inputs):
        c_prev, x = inputs
        xp = _xp(x)
        batch = x.shape[0]
        a, ifo = _gates(x)
        i, f, o = ifo[:, :, 0], ifo[:, :, 1], ifo[:, :, 2]
        c = xp.empty_like(c_prev)
        c_new = c[:batch]
        xp.multiply(a, i, out=c_new)
        c_new += f * c_prev[:batch]
        c[batch:] = c_prev[batch:]
        tanh_c = xp.tanh(c_new)
        h = o * tanh_c
        self.retain_inputs((0, 1))
        # Kept for the plain backward, which then needs no transcendental op.
        self._saved = (a, ifo, tanh_c)
        return c, h

    def backward(self, indexes, grad_outputs):
        gc, gh = grad_outputs
        c_prev, x = self.get_retained_inputs()
        if _config_obj.enable_backprop:
            gc_prev, gx = _lstm_grad_differentiable(c_prev, x, gc, gh)
            return [gc_prev if k == 0 else gx for k in indexes]
        gc_prev, gx = _lstm_grad_arrays(
            c_prev.array, x.shape, *self._saved,
            None if gc is None else gc.array, None if gh is None else gh.array)
        return [_wrap(gc_prev if k == 0 else gx) for k in indexes]


def _lstm_grad_arrays(c_prev, x_shape, a, ifo, tanh_c, gc, gh):
    """``(gc_prev, gx)`` on arrays from the saved activations."""
    xp = _xp(c_prev)
    batch = a.shape[0]
    i, f, o = ifo[:, :, 0], ifo[:, :, 1], ifo[:, :, 2]
    # gradient reaching the new cell state: directly and through h = o tanh(c)
    if gh is None:
        gc_total = xp.zeros_like(a) if gc is None else gc[:batch].copy()
    else:
        gc_total = gh * o
        gc_total *= 1 - tanh_c * tanh_c
        if gc is not None:
            gc_total += gc[:batch]
    gx = xp.empty((batch, a.shape[1], 4) + a.shape[2:], dtype=a.dtype)
    gx[:, :, 0] = gc_total * i * (1 - a * a)
    gate_slope = ifo * (1 - ifo)  # sigmoid' of i, f, o at once
    gx[:, :, 1] = gc_total * a * gate_slope[:, :, 0]
    gx[:, :, 2] = gc_total * c_prev[:batch] * gate_slope[:, :, 1]
    if gh is None:
        gx[:, :, 3] = 0
    else:
        gx[:, :, 3] = gh * tanh_c * gate_slope[:, :, 2]
    gc_prev = xp.empty_like(c_prev)
    xp.multiply(gc_total, f, out=gc_prev[:batch])
    if gc is None:
        gc_prev[batch:] = 0
    else:
        gc_prev[batch:] = gc[batch:]
    return gc_prev, gx.reshape(x_shape)


def _split_gates(x, n_gates=4):
    """The ``n_gates`` interleaved pre-activations of the Variable ``x`` as Variables shaped like ``c``."""
    import kusari.functions as F

    units = x.shape[1] // n_gates
    r = F.reshape(x, (x.shape[0], units, n_gates) + x.shape[2:])
    return [F.get_item(r, (slice(None), slice(None), k)) for k in range(n_gates)]


def _join_gates(gates, x_shape):
    """Inverse of ``_split_gates``: interleave the per-gate gradients into ``x``'s layout."""
    import kusari.functions as F

    return F.reshape(F.stack(gates, axis=2), x_shape)


def _lstm_grad_differentiable(c_prev, x, gc, gh):
    """``(gc_prev, gx)`` built from differentiable functions (for double backprop)."""
    import kusari.functions as F

    batch = x.shape[0]
    rows = c_prev.shape[0]
    a_in, i_in, f_in, o_in = _split_gates(x)
    a, i, f, o = F.tanh(a_in), F.sigmoid(i_in), F.sigmoid(f_in), F.sigmoid(o_in)
    c_head = c_prev if batch == rows else F.get_item(c_prev, slice(0, batch))
    tanh_c = F.tanh(a * i + f * c_head)
    gc_head = None
    if gc is not None:
        gc_head = gc if batch == rows else F.get_item(gc, slice(0, batch))
    if gh is None:
        gc_total = gc_head if gc_head is not None else c_head * 0
        go = o * 0
    else:
        gc_total = gh * o * (1 - tanh_c * tanh_c)
        if gc_head is not None:
            gc_total = gc_total + gc_head
        go = gh * tanh_c * o * (1 - o)
    ga = gc_total * i * (1 - a * a)
    gi = gc_total * a * i * (1 - i)
    gf = gc_total * c_head * f * (1 - f)
    gx = _join_gates([ga, gi, gf, go], x.shape)
    gc_prev = gc_total * f
    if batch < rows:
        if gc is None:
            rest = F.get_item(c_prev, slice(batch, None)) * 0
        else:
            rest = F.get_item(gc, slice(batch, None))
        gc_prev = F.concat((gc_prev, rest), axis=0)
    return gc_prev, gx


def _check(c_prev, x):
    type_check.expect_float("lstm", "c_prev", c_prev)
    type_check.expect_same_dtype("lstm", "x", x, "c_prev", c_prev)
    type_check.expect_min_ndim("lstm", "c_prev", c_prev, 2)
    c_shape, x_shape = tuple(c_prev.shape), tuple(x.shape)
    if len(x_shape) != len(c_shape):
        type_check.fail("lstm", "x", f"{len(c_shape)} dimensions (as 'c_prev')",
                        f"{len(x_shape)} (shape {x_shape})")
    if x_shape[1] != 4 * c_shape[1] or x_shape[2:] != c_shape[2:]:
        expected = (x_shape[0], 4 * c_shape[1]) + c_shape[2:]
        type_check.fail("lstm", "x", f"shape {expected} (4 gates per unit of 'c_prev' {c_shape})",
                        str(x_shape))
    if x_shape[0] > c_shape[0]:
        type_check.fail("lstm", "x", f"at most {c_shape[0]} rows (the batch size of 'c_prev')",
                        f"{x_shape[0]} (shape {x_shape})")


def lstm(c_prev, x):
    """One step of the LSTM cell (Chainer's ``F.lstm``).

    Args:
        c_prev: the previous cell state, shape ``(B, H, ...)``.
        x: the gate pre-activations, shape ``(b, 4H, ...)`` with ``b <= B``,
            read as ``(b, H, 4, ...)``: per unit the gates ``a`` (cell input,
            tanh), ``i``, ``f``, ``o`` (sigmoid), interleaved.

    Returns:
        ``(c, h)``: the new cell state, shape ``(B, H, ...)`` (rows past ``b``
        are ``c_prev``'s, unchanged), and the output ``h = o * tanh(c)``,
        shape ``(b, H, ...)``.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.functions.lstm import lstm
        >>> c_prev = np.zeros((3, 2), np.float32)
        >>> x = np.zeros((2, 8), np.float32)
        >>> x[:, 0::4] = 1.0          # cell input a
        >>> x[:, 1::4] = 100.0        # input gate fully open
        >>> c, h = lstm(c_prev, x)
        >>> c.shape, h.shape
        ((3, 2), (2, 2))
        >>> np.round(c.array[0], 4)
        array([0.7616, 0.7616], dtype=float32)
    """
    _check(c_prev, x)
    c, h = LSTM().apply((c_prev, x))
    return c, h
