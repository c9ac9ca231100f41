"""``gumbel_softmax``: a differentiable, relaxed sample from a categorical distribution."""
from __future__ import annotations

from kusari import utils
from kusari.functions.activation.softmax import softmax
from kusari.utils import type_check
from kusari.variable import Variable, as_array, as_variable

_FN = "gumbel_softmax"


def gumbel_softmax(log_pi, tau=0.1, axis=1):
    """``softmax((log_pi + g) / tau, axis)`` with Gumbel(0, 1) noise ``g``.

    Samples whatever ``kusari.config.train`` says (as Chainer), drawing ``g``
    from the array module's global RNG.  A 0-d ``log_pi`` gives ``1``.

    Args:
        log_pi: float Variable or array of unnormalised log probabilities.
        tau: the temperature (a positive number or a Variable/array
            broadcastable to ``log_pi``): small values approach one-hot samples.
        axis: the axis holding the categories.

    Returns:
        Variable of ``log_pi``'s shape and dtype; each slice along ``axis`` sums to 1.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.noise.gumbel_softmax import gumbel_softmax
        >>> np.random.seed(0)
        >>> y = gumbel_softmax(np.log(np.full((2, 3), 1 / 3, np.float32)), tau=0.5)
        >>> y.shape, y.dtype, bool(np.allclose(y.array.sum(axis=1), 1))
        ((2, 3), dtype('float32'), True)
    """
    type_check.expect_float(_FN, "log_pi", log_pi)
    data = as_array(log_pi)
    xp = utils._xp(data)
    if data.ndim < 1:
        return Variable(xp.ones((), data.dtype))
    if not isinstance(axis, int) or isinstance(axis, bool) or not -data.ndim <= axis < data.ndim:
        type_check.fail(_FN, "axis", f"an int in [{-data.ndim}, {data.ndim})", repr(axis))
    g = xp.random.gumbel(size=data.shape).astype(data.dtype, copy=False)
    return softmax((as_variable(log_pi) + g) / tau, axis=axis)
