"""Uniform initializers: ``Uniform``, ``LeCunUniform``, ``GlorotUniform``, ``HeUniform``."""
from __future__ import annotations

import math

from kusari.initializer import Initializer, get_fans
from kusari.initializers._random import check_dtype, fill


class Uniform(Initializer):
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

    def __init__(self, scale=0.05, dtype=None, *, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def __call__(self, array):
        check_dtype("Uniform", self, array)
        fill(array, self.rng, "uniform", low=-self.scale, high=self.scale)

    def __repr__(self):
        return f"Uniform(scale={self.scale})"


class LeCunUniform(Initializer):
    """U[-s, s) with ``s = scale * sqrt(3 / fan_in)``.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((100, 300), np.float32)   # s = sqrt(3 / 300) = 0.1
        >>> initializers.LeCunUniform()(a)
        >>> bool(abs(a).max() <= 0.1)
        True
    """

    def __init__(self, scale=1.0, dtype=None, *, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def __call__(self, array):
        check_dtype("LeCunUniform", self, array)
        fan_in, _ = get_fans(array.shape)
        s = self.scale * math.sqrt(3.0 / fan_in)
        fill(array, self.rng, "uniform", low=-s, high=s)

    def __repr__(self):
        return f"LeCunUniform(scale={self.scale})"


class GlorotUniform(Initializer):
    """U[-s, s) with ``s = scale * sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((100, 500), np.float32)   # s = sqrt(6 / 600) = 0.1
        >>> initializers.GlorotUniform()(a)
        >>> bool(abs(a).max() <= 0.1)
        True
    """

    def __init__(self, scale=1.0, dtype=None, *, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def __call__(self, array):
        check_dtype("GlorotUniform", self, array)
        fan_in, fan_out = get_fans(array.shape)
        s = self.scale * math.sqrt(6.0 / (fan_in + fan_out))
        fill(array, self.rng, "uniform", low=-s, high=s)

    def __repr__(self):
        return f"GlorotUniform(scale={self.scale})"


class HeUniform(Initializer):
    """U[-s, s) with ``s = scale * sqrt(6 / fan_in)``.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((100, 600), np.float32)   # s = sqrt(6 / 600) = 0.1
        >>> initializers.HeUniform()(a)
        >>> bool(abs(a).max() <= 0.1)
        True
    """

    def __init__(self, scale=1.0, dtype=None, *, rng=None):
        super().__init__(dtype)
        self.scale = scale
        self.rng = rng

    def __call__(self, array):
        check_dtype("HeUniform", self, array)
        fan_in, _ = get_fans(array.shape)
        s = self.scale * math.sqrt(6.0 / fan_in)
        fill(array, self.rng, "uniform", low=-s, high=s)

    def __repr__(self):
        return f"HeUniform(scale={self.scale})"
