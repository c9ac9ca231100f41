"""``inv`` and ``batch_inv``: matrix inverses."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


class BatchInv(FunctionNode):
    """Inverse of each matrix over the last two axes."""

    @property
    def label(self):
        return "inv"

    def forward(self, inputs):
        a, = inputs
        self.retain_outputs((0,))
        xp = utils._xp(a)
        try:
            y = xp.linalg.inv(a)
        except xp.linalg.LinAlgError as error:
            raise ValueError("inv: the input has singular matrices") from error
        return utils.force_array(y, a.dtype),

    def backward(self, indexes, grad_outputs):
        from kusari.functions.math.matmul import matmul

        y, = self.get_retained_outputs()
        gy, = grad_outputs
        # d(A^-1) = -A^-1 dA A^-1, so gA = -A^-T gy A^-T, built from the output
        # (a Variable) so the gradient is differentiable again.
        return -matmul(matmul(y, gy, transa=True), y, transb=True),


def _check_square(func, a, ndim):
    type_check.expect_float(func, "a", a)
    type_check.expect_ndim(func, "a", a, ndim)
    if a.shape[-1] != a.shape[-2]:
        type_check.fail(func, "a", "square matrices (the last two axes equal)", f"shape {tuple(a.shape)}")


def inv(a):
    """Inverse of the square matrix ``a``.

    Raises ``ValueError`` when ``a`` is singular (on NumPy; CuPy returns
    non-finite values instead).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.inv import inv
        >>> inv(np.array([[2, 0], [0, 4]], np.float32)).array
        array([[0.5 , 0.  ],
               [0.  , 0.25]], dtype=float32)
    """
    _check_square("inv", a, 2)
    y, = BatchInv().apply((a,))
    return y


def batch_inv(a):
    """Inverse of each square matrix in the batch ``a`` of shape ``(B, n, n)``.

    Raises ``ValueError`` when a matrix is singular (on NumPy).

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.inv import batch_inv
        >>> batch_inv(np.array([[[2.]], [[-4.]]], np.float32)).array.ravel()
        array([ 0.5 , -0.25], dtype=float32)
    """
    _check_square("batch_inv", a, 3)
    y, = BatchInv().apply((a,))
    return y
