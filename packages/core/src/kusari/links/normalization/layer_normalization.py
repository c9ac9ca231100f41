"""``LayerNormalization``: the link holding ``gamma``/``beta`` for ``layer_normalization``."""
from __future__ import annotations

from kusari.functions.normalization.layer_normalization import layer_normalization
from kusari.links.normalization._gamma_beta import ScaleShiftLink


class LayerNormalization(ScaleShiftLink):
    """Layer normalization of ``(batch_size, unit_size)`` inputs (e.g. a Linear's output).

    Args:
        size: the number of units; None defers creating ``gamma``/``beta``
            to the first call (the size is then ``x[0].size``).
        eps: added to the variance.  The default is ``1e-6``, as in
            Chainer's link (the function's default is ``1e-5``).
        initial_gamma: initializer, array or scalar for ``gamma`` (default 1).
        initial_beta: initializer, array or scalar for ``beta`` (default 0).

    Attributes:
        gamma: the scale Parameter, shape ``(size,)``.
        beta: the shift Parameter, shape ``(size,)``.
        eps: the epsilon.

    Example:
        >>> import numpy as np
        >>> from kusari.links.normalization.layer_normalization import LayerNormalization
        >>> ln = LayerNormalization()            # size found on the first call
        >>> ln.gamma.array is None
        True
        >>> y = ln(np.array([[1, 2, 3]], np.float32))
        >>> ln.gamma.shape, np.round(y.array, 3)
        ((3,), array([[-1.225,  0.   ,  1.225]], dtype=float32))
    """

    def __init__(self, size=None, eps=1e-6, initial_gamma=None, initial_beta=None):
        super().__init__(size, eps, initial_gamma, initial_beta)

    def forward(self, x):
        """Normalize ``x`` of shape ``(batch_size, unit_size)``."""
        if self.gamma.array is None:
            size = 1
            for s in x.shape[1:]:
                size *= s
            self._initialize_params(size)
        return layer_normalization(x, self.gamma, self.beta, self.eps)
