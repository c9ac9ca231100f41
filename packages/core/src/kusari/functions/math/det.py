"""``det`` and ``batch_det``: matrix determinants."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.math.inv import _check_square


class BatchDet(FunctionNode):
    """Determinant of each matrix over the last two axes."""

    @property
    def label(self):
        return "det"

    def forward(self, inputs):
        a, = inputs
        self.retain_inputs((0,))
        self.retain_outputs((0,))
        return utils.force_array(utils._xp(a).linalg.det(a), a.dtype),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.array.broadcast import broadcast_to
        from kusari.functions.array.reshape import reshape
        from kusari.functions.array.transpose import transpose
        from kusari.functions.math.inv import BatchInv

        a, = self.get_retained_inputs()
        y, = self.get_retained_outputs()
        gy, = grad_outputs
        # Jacobi's formula: d det(A) / dA = det(A) A^-T.  Through the
        # differentiable inverse so the gradient has a gradient too; like
        # Chainer, this needs A to be non-singular.
        a_inv, = BatchInv().apply((a,))
        scale = broadcast_to(reshape(gy * y, tuple(y.shape) + (1, 1)), a.shape)
        axes = tuple(range(a.ndim - 2)) + (a.ndim - 1, a.ndim - 2)
        return scale * transpose(a_inv, axes),


def det(a):
    """Determinant of the square matrix ``a`` (a 0-d result).

    The gradient needs ``a`` to be non-singular.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.det import det
        >>> y = det(np.array([[1, 2], [3, 4]], np.float32))
        >>> y.shape, y.dtype, round(float(y.array), 4)
        ((), dtype('float32'), -2.0)
    """
    _check_square("det", a, 2)
    y, = BatchDet().apply((a,))
    return y


def batch_det(a):
    """Determinant of each square matrix in the batch ``a`` of shape ``(B, n, n)``.

    The gradient needs every matrix to be non-singular.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.det import batch_det
        >>> batch_det(np.array([np.eye(2) * 2, np.eye(2) * 3], np.float32)).array.round(4)
        array([4., 9.], dtype=float32)
    """
    _check_square("batch_det", a, 3)
    y, = BatchDet().apply((a,))
    return y
