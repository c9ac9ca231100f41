"""The linear maps behind pooling, in adjoint pairs so every order of backward works.

* ``SumPool`` (small = sum of each window / denom) and ``Unpool`` (add each
  small value / denom into its window) are each other's adjoint: average
  pooling is ``SumPool``, unpooling is ``Unpool``.
* ``IndexScatter`` (put each small value at one chosen offset of its window)
  and ``IndexGather`` (read each window at its chosen offset) are the adjoint
  pair behind max pooling's backward and ``upsampling_2d``.
"""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode


def window_sum(xp, windows, x):
    padded = windows.pad(xp, x)
    first, *rest = windows.slices
    if not rest:
        return padded[first].copy()
    y = padded[first] + padded[rest[0]]
    for sl in rest[1:]:
        y += padded[sl]
    return y


def spread(xp, windows, y, dtype):
    buf = windows.new_big(xp, y.shape[:2], dtype, fully_written=True)
    for sl in windows.slices:
        if windows.overlap:
            buf[sl] += y
        else:
            buf[sl] = y
    return windows.crop(buf)


class SumPool(FunctionNode):
    """``y[i] = sum(window i of x) / denom`` (``denom`` None, a number, or an array of the pooled shape)."""

    def __init__(self, windows, denom=None):
        self._w, self._denom = windows, denom

    def forward(self, inputs):
        x, = inputs
        y = window_sum(utils._xp(x), self._w, x)
        if self._denom is not None:
            y /= self._denom
        return y,

    def backward(self, indexes, grad_outputs):
        return Unpool(self._w, self._denom).apply(grad_outputs)


class Unpool(FunctionNode):
    """Add ``x[i] / denom`` to every element of window ``i`` of a zero big array."""

    def __init__(self, windows, denom=None):
        self._w, self._denom = windows, denom

    def forward(self, inputs):
        x, = inputs
        if self._denom is not None:
            x = x / self._denom
        return spread(utils._xp(x), self._w, x, x.dtype),

    def backward(self, indexes, grad_outputs):
        return SumPool(self._w, self._denom).apply(grad_outputs)


class IndexScatter(FunctionNode):
    """Put ``x[i]`` at offset ``index[i]`` of window ``i`` of a zero big array (overlaps add)."""

    def __init__(self, windows, index):
        self._w, self._index = windows, index

    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        w, index = self._w, self._index
        buf = w.new_big(xp, x.shape[:2], x.dtype)
        if not w.overlap:
            # Distinct windows never share an element: one fancy assignment.
            buf.reshape(-1)[w.flat_positions(xp, index).reshape(-1)] = x.reshape(-1)
            return w.crop(buf),
        for offset, sl in enumerate(w.slices):
            # A select, not x * hit: an inf elsewhere in x must not become a NaN here.
            buf[sl] += xp.where(index == offset, x, 0)
        return w.crop(buf),

    def backward(self, indexes, grad_outputs):
        return IndexGather(self._w, self._index).apply(grad_outputs)


class IndexGather(FunctionNode):
    """``y[i]`` = the element of window ``i`` at offset ``index[i]``."""

    def __init__(self, windows, index):
        self._w, self._index = windows, index

    def forward(self, inputs):
        x, = inputs
        xp = utils._xp(x)
        padded = self._w.pad(xp, x)
        return padded.reshape(-1)[self._w.flat_positions(xp, self._index)],

    def backward(self, indexes, grad_outputs):
        return IndexScatter(self._w, self._index).apply(grad_outputs)
