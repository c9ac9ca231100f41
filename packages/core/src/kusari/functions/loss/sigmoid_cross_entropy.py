"""``sigmoid_cross_entropy``: binary cross-entropy of ``sigmoid(x)`` against 0/1 labels (Chainer v7 semantics)."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.functions.activation.sigmoid import sigmoid
from kusari.utils import type_check
from kusari.variable import as_array

_FN = "sigmoid_cross_entropy"


class SigmoidCrossEntropy(FunctionNode):
    """Inputs ``(x, t)``; ``t`` holds integer labels 0/1 or ``ignore_label``."""

    def __init__(self, normalize=True, reduce="mean", ignore_label=-1):
        self.normalize = normalize
        self.reduce = reduce
        self.ignore_label = ignore_label

    def forward(self, inputs):
        self.retain_inputs((0,))
        x, t = inputs
        xp = utils._xp(x)
        valid = t != self.ignore_label
        # -(t log s(x) + (1 - t) log(1 - s(x))) rewritten as
        # log1p(exp(-|x|)) - x * (t - [x >= 0]), which never overflows.
        self._t = t.astype(x.dtype)
        elems = xp.log1p(xp.exp(-abs(x)))
        # (t - [x >= 0]) in x's dtype: int32 labels would promote to float64.
        elems -= x * (self._t - (x >= 0))
        # where() rather than a product with the mask, so an ignored entry is
        # exactly 0 whatever its logit.
        elems = xp.where(valid, elems, 0).astype(x.dtype, copy=False)
        self._mask = valid.astype(x.dtype)
        if self.reduce == "no":
            self._coeff = None
            return utils.force_array(elems, x.dtype),
        count = int(valid.sum()) if self.normalize else len(x)
        self._coeff = 1.0 / max(count, 1)
        return utils.force_array(elems.sum() * self._coeff, x.dtype),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        gy, = grad_outputs
        # Built from differentiable functions, so the gradient can be
        # differentiated again (d/dx = sigmoid(x) - t on used entries).
        scale = self._mask if self._coeff is None else self._mask * x.dtype.type(self._coeff)
        gx = (sigmoid(x) - self._t) * scale * gy
        return tuple([gx if i == 0 else None for i in indexes])


def sigmoid_cross_entropy(x, t, normalize=True, reduce="mean"):
    """Cross-entropy of ``sigmoid(x)`` against binary labels ``t``.

    Each element contributes ``-(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x)))``,
    computed stably for large ``|x|``.  Labels equal to -1 are ignored
    (contribute 0 and are not counted).

    Args:
        x: float scores (pre-sigmoid) of any shape with at least one axis.
        t: integer labels of ``x``'s shape: 0, 1 or -1 (ignored).
        normalize: with ``reduce='mean'``, divide the summed loss by the count
            of non-ignored labels (True) or by the batch size ``len(x)``
            (False).  An all-ignored batch gives 0, not NaN.
        reduce: ``'mean'`` for a scalar, ``'no'`` for the per-element loss
            (ignored entries are 0).

    Returns:
        Variable of ``x``'s dtype: 0-d with ``reduce='mean'``, else ``x``'s shape.

    Raises:
        InvalidType: ``x`` not float, ``t`` not integer, or their shapes differ.
        ValueError: an unknown ``reduce``.

    Example:
        >>> import numpy as np
        >>> import kusari
        >>> from kusari.functions.loss.sigmoid_cross_entropy import sigmoid_cross_entropy
        >>> x = kusari.Variable(np.array([[2.0, -1.0], [0.0, 3.0]], np.float32))
        >>> t = np.array([[1, 0], [-1, 0]], np.int32)
        >>> loss = sigmoid_cross_entropy(x, t)
        >>> loss.array
        array(1.1629257, dtype=float32)
        >>> loss.backward()
        >>> x.grad.round(3)
        array([[-0.04 ,  0.09 ],
               [ 0.   ,  0.318]], dtype=float32)
    """
    if reduce not in ("mean", "no"):
        raise ValueError(f"{_FN}: argument 'reduce' expected 'mean' or 'no', got {reduce!r}")
    x_array, t = as_array(x), as_array(t)
    type_check.expect_float(_FN, "x", x_array)
    type_check.expect_min_ndim(_FN, "x", x_array, 1)
    type_check.expect_int(_FN, "t", t)
    type_check.expect_shape(_FN, "t", t, x_array.shape, "(the shape of 'x')")
    loss, = SigmoidCrossEntropy(normalize, reduce).apply((x, t))
    return loss

