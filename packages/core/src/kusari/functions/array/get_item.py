"""``get_item``: NumPy indexing (``x[slices]``) as a differentiable function.

Basic indexing (ints, slices, ``None``, ``Ellipsis``) and advanced indexing
(integer arrays, lists, boolean masks) are both supported.  The gradient is
scattered back with ``xp.add.at``, so an element picked several times gets
the sum of its gradients.

As in Chainer, a list that is not a flat list of ints is read as a tuple of
indices (``x[[0, slice(None)]]`` means ``x[0, :]``), the rule NumPy itself
followed before 1.23; a flat list of ints (or bools) is one index array.
"""
from __future__ import annotations

import numpy

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check
from kusari.variable import Variable

_BASIC = (int, slice, type(None), type(Ellipsis))


class IndexInvalidType(type_check.InvalidType, IndexError):
    """A bad index: an ``InvalidType`` in kusari's format that is also an ``IndexError``."""


def _is_basic(slices) -> bool:
    # bool is an int subclass but indexes like a mask, so it is not basic.
    return all(isinstance(s, _BASIC) and not isinstance(s, bool) for s in slices)


class GetItem(FunctionNode):
    def __init__(self, slices):
        self._slices = slices

    @property
    def label(self):
        return "get_item"

    def forward(self, inputs):
        x, = inputs
        self._in_shape = x.shape
        return utils.force_array(x[self._slices]),

    def backward(self, indexes, grad_outputs):
        y, = GetItemGrad(self._slices, self._in_shape).apply(grad_outputs)
        return y,


class GetItemGrad(FunctionNode):
    """Scatter ``gy`` into zeros of ``in_shape`` at ``slices`` (adding up repeats)."""

    def __init__(self, slices, in_shape):
        self._slices = slices
        self._in_shape = in_shape

    def forward(self, inputs):
        gy, = inputs
        xp = utils._xp(gy)
        gx = xp.zeros(self._in_shape, gy.dtype)
        slices = self._slices
        if _is_basic(slices):
            gx[slices] = gy  # a basic index never repeats an element
        else:
            xp.add.at(gx, slices, gy)
        return gx,

    def backward(self, indexes, grad_outputs):
        y, = GetItem(self._slices).apply(grad_outputs)
        return y,


def _normalize(slices):
    """``slices`` as a tuple of plain indices (Variables unwrapped, Chainer's list rule)."""
    if isinstance(slices, list):
        if all(isinstance(s, (int, numpy.integer, numpy.bool_)) for s in slices):
            slices = (slices,)  # NumPy reads a list inside a tuple as an index array
        else:
            slices = tuple(slices)
    elif not isinstance(slices, tuple):
        slices = (slices,)
    return tuple([s._data if isinstance(s, Variable) else s for s in slices])


def get_item(x, slices):
    """``x[slices]`` with a gradient.

    Args:
        x: a Variable or array.
        slices: anything NumPy accepts as an index: ints, slices, ``None``,
            ``Ellipsis``, integer arrays or lists, boolean masks, or a tuple
            of them.

    Raises:
        IndexInvalidType: (an ``IndexError`` and ``InvalidType``) for an index
            out of range or of a type NumPy does not accept.

    Example:
        >>> import numpy as np
        >>> import kusari, kusari.functions as F
        >>> x = kusari.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
        >>> F.get_item(x, (Ellipsis, 1)).array
        array([1., 4.], dtype=float32)
        >>> y = F.get_item(x, [0, 0])   # row 0 twice
        >>> F.sum(y).backward(); x.grad
        array([[2., 2., 2.],
               [0., 0., 0.]], dtype=float32)
    """
    slices = _normalize(slices)
    try:
        y, = GetItem(slices).apply((x,))
    except IndexError as error:
        # Out-of-range indices and unusable index types surface here, from the
        # single indexing operation; checking them up front would index twice.
        raise IndexInvalidType(
            f"get_item: argument 'slices' expected a valid index for an array of shape {tuple(x.shape)}, "
            f"got {_describe(slices)} ({error})") from None
    return y


def _describe(slices):
    parts = []
    for s in slices:
        if hasattr(s, "shape") and hasattr(s, "dtype"):
            parts.append(f"{type(s).__name__}(shape={tuple(s.shape)}, dtype={s.dtype})")
        else:
            parts.append(repr(s))
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
