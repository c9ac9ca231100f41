"""Gaussian initializers: ``Normal``, ``LeCunNormal``, ``GlorotNormal``, ``HeNormal``."""
from __future__ import annotations

import math

from kusari.initializer import get_fans
from kusari.initializers._random import ScaledRandom


class Normal(ScaledRandom):
    """Draw each element from N(0, ``scale``²).

    Args:
        scale: the standard deviation.
        dtype: the dtype of arrays it fills (None: any).
        rng: a ``numpy.random.RandomState``-like generator; None uses
            ``numpy.random`` (so ``numpy.random.seed`` reproduces it).

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((1000, 100), np.float32)
        >>> initializers.Normal(0.5)(a)
        >>> round(float(a.std()), 1), a.dtype
        (0.5, dtype('float32'))
    """

    draw = "normal"

    def __init__(self, scale=0.05, dtype=None, *, rng=None):
        super().__init__(scale, dtype, rng=rng)


class LeCunNormal(ScaledRandom):
    """N(0, s²) with ``s = scale * sqrt(1 / fan_in)`` (LeCun 98); Linear's default.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((400, 100), np.float32)   # fan_in 100
        >>> initializers.LeCunNormal()(a)
        >>> round(float(a.std()), 2)
        0.1
    """

    draw = "normal"

    def spread(self, shape):
        fan_in, _ = get_fans(shape)
        return self.scale * math.sqrt(1.0 / fan_in)


class GlorotNormal(ScaledRandom):
    """N(0, s²) with ``s = scale * sqrt(2 / (fan_in + fan_out))`` (Glorot & Bengio 2010).

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((300, 500), np.float32)   # fan_in 500, fan_out 300
        >>> initializers.GlorotNormal()(a)
        >>> round(float(a.std()), 3)
        0.05
    """

    draw = "normal"

    def spread(self, shape):
        fan_in, fan_out = get_fans(shape)
        return self.scale * math.sqrt(2.0 / (fan_in + fan_out))


class HeNormal(ScaledRandom):
    """N(0, s²) with ``s = scale * sqrt(2 / fan)`` (He et al. 2015).

    Args:
        fan_option: ``'fan_in'`` (default) or ``'fan_out'``: which fan is used.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((500, 200), np.float32)
        >>> initializers.HeNormal()(a)
        >>> round(float(a.std()), 2)   # sqrt(2 / 200)
        0.1
    """

    draw = "normal"

    def __init__(self, scale=1.0, dtype=None, fan_option="fan_in", *, rng=None):
        if fan_option not in ("fan_in", "fan_out"):
            raise ValueError(
                f"HeNormal: argument 'fan_option' expected 'fan_in' or 'fan_out', got {fan_option!r}")
        super().__init__(scale, dtype, rng=rng)
        self.fan_option = fan_option

    def spread(self, shape):
        fan_in, fan_out = get_fans(shape)
        fan = fan_in if self.fan_option == "fan_in" else fan_out
        return self.scale * math.sqrt(2.0 / fan)

    def __repr__(self):
        return f"HeNormal(scale={self.scale}, fan_option={self.fan_option!r})"
