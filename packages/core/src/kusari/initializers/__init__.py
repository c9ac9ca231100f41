"""Parameter initializers (Chainer's names and defaults).

Example:
    >>> import numpy as np
    >>> from kusari import initializers
    >>> w = initializers.generate_array(initializers.Constant(1.5), (2,), np)
    >>> w
    array([1.5, 1.5], dtype=float32)
"""
from __future__ import annotations

import numpy

from kusari.initializer import Initializer  # noqa: F401
from kusari.initializers.constant import Constant, NaN, One, Zero  # noqa: F401
from kusari.initializers.identity import Identity  # noqa: F401
from kusari.initializers.normal import GlorotNormal, HeNormal, LeCunNormal, Normal  # noqa: F401
from kusari.initializers.orthogonal import Orthogonal  # noqa: F401
from kusari.initializers.uniform import GlorotUniform, HeUniform, LeCunUniform, Uniform  # noqa: F401


def _get_initializer(initializer):
    """Turn None, a scalar or an array into an initializer (Chainer's helper)."""
    if initializer is None:
        from kusari.initializers.normal import LeCunNormal

        return LeCunNormal()
    if numpy.isscalar(initializer) or hasattr(initializer, "shape") and not callable(initializer):
        return Constant(initializer)
    if not callable(initializer):
        raise TypeError(
            f"initializer: expected None, a scalar, an array or a callable, got {type(initializer).__name__}")
    return initializer


def generate_array(initializer, shape, xp, dtype=None, device=None):
    """A new array of ``shape`` filled by ``initializer``.

    The dtype is, in order: ``dtype``, the initializer's own ``dtype``,
    ``kusari.config.dtype`` (float32 by default).

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> initializers.generate_array(initializers.One(), (2,), np, dtype=np.float64)
        array([1., 1.])
    """
    from kusari import _config

    if dtype is None:
        dtype = getattr(initializer, "dtype", None)
    dtype = numpy.dtype(_config.config.dtype if dtype is None else dtype)
    if isinstance(shape, int):
        shape = (shape,)
    array = numpy.empty(shape, dtype=dtype)
    initializer(array)
    if device is not None:
        array = device.send(array)
    elif xp is not numpy:
        array = xp.asarray(array)
    return array
