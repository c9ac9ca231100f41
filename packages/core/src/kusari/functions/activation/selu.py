"""``selu``: the scaled exponential linear unit, ``scale * elu(x, alpha)``."""
from __future__ import annotations

from kusari.functions.activation.elu import ELU
from kusari.utils import type_check

# The fixed point constants of the self-normalizing networks paper
# (Klambauer et al., 2017), as Chainer's defaults.
_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


def selu(x, alpha=_ALPHA, scale=_SCALE):
    """Scaled ELU: ``scale * x`` if ``x > 0`` else ``scale * alpha * (exp(x) - 1)``.

    Args:
        x: a float Variable or array.
        alpha: the scale of the negative part inside the ELU.
        scale: the overall scale.

    Returns:
        Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation.selu import selu
        >>> selu(np.array([-1.0, 0.0, 1.0], np.float32)).array
        array([-1.1113307,  0.       ,  1.050701 ], dtype=float32)
    """
    type_check.expect_float("selu", "x", x)
    y, = ELU(float(alpha)).apply((x,))
    return y * y.dtype.type(scale)
