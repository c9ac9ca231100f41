"""``depth2space`` / ``space2depth``: move channel blocks into ``r x r`` spatial blocks and back."""
from __future__ import annotations

import numpy

from kusari.function_node import FunctionNode
from kusari.utils import type_check


def _to_space(x, r):
    # Chainer's layout: channels split as (r, r, C), the first r going down, the second across.
    n, crr, h, w = x.shape
    c = crr // (r * r)
    return x.reshape(n, r, r, c, h, w).transpose(0, 3, 4, 1, 5, 2).reshape(n, c, h * r, w * r)


def _to_depth(x, r):
    n, c, hr, wr = x.shape
    h, w = hr // r, wr // r
    return x.reshape(n, c, h, r, w, r).transpose(0, 3, 5, 1, 2, 4).reshape(n, r * r * c, h, w)


class Depth2Space(FunctionNode):
    def __init__(self, r):
        self._r = r

    def forward(self, inputs):
        return _to_space(inputs[0], self._r),

    def backward(self, indexes, grad_outputs):
        return Space2Depth(self._r).apply(grad_outputs)


class Space2Depth(FunctionNode):
    def __init__(self, r):
        self._r = r

    def forward(self, inputs):
        return _to_depth(inputs[0], self._r),

    def backward(self, indexes, grad_outputs):
        return Depth2Space(self._r).apply(grad_outputs)


def _check_r(name, r):
    if not isinstance(r, (int, numpy.integer)) or isinstance(r, bool) or r < 1:
        type_check.fail(name, "r", "a positive int", repr(r))


def depth2space(X, r):
    """Rearrange ``(N, C*r*r, H, W)`` into ``(N, C, H*r, W*r)`` (sub-pixel upsampling).

    Channel ``(i*r + j)*C + c`` becomes pixel ``(i, j)`` of each ``r x r``
    block of output channel ``c``, Chainer's layout.

    Args:
        X: a Variable or array of shape ``(N, C*r*r, H, W)``.
        r: the block size.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.depth2space import depth2space
        >>> x = np.arange(4, dtype=np.float32).reshape(1, 4, 1, 1)
        >>> depth2space(x, 2).array
        array([[[[0., 1.],
                 [2., 3.]]]], dtype=float32)
    """
    name = "depth2space"
    _check_r(name, r)
    type_check.expect_ndim(name, "X", X, 4)
    if X.shape[1] % (r * r):
        type_check.fail(name, "X", f"a channel count divisible by r*r = {r * r}", str(tuple(X.shape)))
    y, = Depth2Space(int(r)).apply((X,))
    return y


def space2depth(X, r):
    """Rearrange ``(N, C, H*r, W*r)`` into ``(N, C*r*r, H, W)``; the inverse of :func:`depth2space`.

    Args:
        X: a Variable or array of shape ``(N, C, H*r, W*r)``.
        r: the block size.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.depth2space import space2depth
        >>> x = np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
        >>> space2depth(x, 2).array.ravel()
        array([0., 1., 2., 3.], dtype=float32)
    """
    name = "space2depth"
    _check_r(name, r)
    type_check.expect_ndim(name, "X", X, 4)
    if X.shape[2] % r or X.shape[3] % r:
        type_check.fail(name, "X", f"height and width divisible by r = {r}", str(tuple(X.shape)))
    y, = Space2Depth(int(r)).apply((X,))
    return y
