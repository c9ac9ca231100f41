"""What the normalization links with a per-unit scale and shift (LayerNormalization, GroupNormalization) share."""
from __future__ import annotations

from kusari import initializers
from kusari.link import Link
from kusari.variable import Parameter


class ScaleShiftLink(Link):
    """A link holding ``gamma`` (scale, default 1) and ``beta`` (shift, default 0), both of shape ``(size,)``.

    With ``size=None`` the parameters are created on the first call: the
    subclass's ``forward`` calls ``_initialize_params`` with the size it
    reads from the input.

    Example:
        >>> from kusari.links.normalization.layer_normalization import LayerNormalization
        >>> ln = LayerNormalization(3, initial_beta=0.5)
        >>> ln.gamma.array, ln.beta.array
        (array([1., 1., 1.], dtype=float32), array([0.5, 0.5, 0.5], dtype=float32))
    """

    def __init__(self, size, eps, initial_gamma, initial_beta):
        super().__init__()
        if initial_gamma is None:
            initial_gamma = 1
        if initial_beta is None:
            initial_beta = 0
        self.eps = eps
        with self.init_scope():
            self.gamma = Parameter(initializers._get_initializer(initial_gamma))
            self.beta = Parameter(initializers._get_initializer(initial_beta))
        if size is not None:
            self._initialize_params(size)

    def _initialize_params(self, size):
        self.gamma.initialize(size)
        self.beta.initialize(size)
