"""Uniform initializers: ``Uniform``, ``LeCunUniform``, ``GlorotUniform``, ``HeUniform``."""
from __future__ import annotations

import math

from kusari.initializer import get_fans
from kusari.initializers._random import ScaledRandom


class Uniform(ScaledRandom):
    """Draw each element from U[-``scale``, ``scale``).

    Args:
        scale: half the width of the interval.
        dtype: the dtype of arrays it fills (None: any).
        rng: a ``numpy.random.RandomState``-like generator; None uses
            ``numpy.random`` (so ``numpy.random.seed`` reproduces it).

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((100, 100), np.float32)
        >>> initializers.Uniform(0.2)(a)
        >>> bool(abs(a).max() <= 0.2)
        True
    """

    draw = "uniform"

    def __init__(self, scale=0.05, dtype=None, *, rng=None):
        super().__init__(scale, dtype, rng=rng)


class LeCunUniform(ScaledRandom):
    """U[-s, s) with ``s = scale * sqrt(3 / fan_in)``.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((100, 300), np.float32)   # s = sqrt(3 / 300) = 0.1
        >>> initializers.LeCunUniform()(a)
        >>> bool(abs(a).max() <= 0.1)
        True
    """

    draw = "uniform"

    def spread(self, shape):
        fan_in, _ = get_fans(shape)
        return self.scale * math.sqrt(3.0 / fan_in)


class GlorotUniform(ScaledRandom):
    """U[-s, s) with ``s = scale * sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((100, 500), np.float32)   # s = sqrt(6 / 600) = 0.1
        >>> initializers.GlorotUniform()(a)
        >>> bool(abs(a).max() <= 0.1)
        True
    """

    draw = "uniform"

    def spread(self, shape):
        fan_in, fan_out = get_fans(shape)
        return self.scale * math.sqrt(6.0 / (fan_in + fan_out))


class HeUniform(ScaledRandom):
    """U[-s, s) with ``s = scale * sqrt(6 / fan_in)``.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((100, 600), np.float32)   # s = sqrt(6 / 600) = 0.1
        >>> initializers.HeUniform()(a)
        >>> bool(abs(a).max() <= 0.1)
        True
    """

    draw = "uniform"

    def spread(self, shape):
        fan_in, _ = get_fans(shape)
        return self.scale * math.sqrt(6.0 / fan_in)
