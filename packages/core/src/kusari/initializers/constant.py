"""Constant initializers: ``Constant``, ``Zero``, ``One``, ``NaN``."""
from __future__ import annotations

import numpy

from kusari.initializer import Initializer


class Constant(Initializer):
    """Fill with a scalar, or with an array broadcast to the target shape.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((2, 2), np.float32); initializers.Constant(3)(a); a
        array([[3., 3.],
               [3., 3.]], dtype=float32)
        >>> import kusari.links as L
        >>> L.Linear(3, 2, initialW=np.ones((2, 3))).W.dtype   # float64 values, float32 parameter
        dtype('float32')
    """

    def __init__(self, fill_value, dtype=None):
        # Like Chainer, an array's own dtype does not decide the parameter's:
        # Linear(3, 2, initialW=np.ones((2, 3))) holds float32 (config.dtype).
        super().__init__(dtype)
        self.fill_value = fill_value

    def __call__(self, array):
        if self.dtype is not None and array.dtype != self.dtype:
            raise ValueError(
                f"Constant: argument 'array' expected dtype {self.dtype}, got {array.dtype}")
        value = self.fill_value
        if hasattr(value, "shape"):
            from kusari import backend

            value = backend.get_device_from_array(array).send(value)
        array[...] = value

    def __repr__(self):
        return f"Constant({self.fill_value!r})"


class Zero(Constant):
    """Fill with 0.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.ones(2, np.float32); initializers.Zero()(a); a
        array([0., 0.], dtype=float32)
    """

    def __init__(self, dtype=None):
        super().__init__(0.0, dtype)


class One(Constant):
    """Fill with 1.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.zeros(2, np.float32); initializers.One()(a); a
        array([1., 1.], dtype=float32)
    """

    def __init__(self, dtype=None):
        super().__init__(1.0, dtype)


class NaN(Constant):
    """Fill with NaN (marks "not initialised yet").

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.zeros(1, np.float32); initializers.NaN()(a); a
        array([nan], dtype=float32)
    """

    def __init__(self, dtype=None):
        super().__init__(numpy.nan, dtype)
