"""``GroupNormalization``: the link holding ``gamma``/``beta`` for ``group_normalization``."""
from __future__ import annotations

from kusari.functions.normalization.group_normalization import group_normalization
from kusari.links.normalization._gamma_beta import ScaleShiftLink


class GroupNormalization(ScaleShiftLink):
    """Group normalization of ``(N, C, ...)`` inputs (e.g. a convolution's output).

    Args:
        groups: the number of channel groups; must divide the channel count.
        size: the number of channels ``C``; None defers creating
            ``gamma``/``beta`` to the first call (then ``x.shape[1]``).
        eps: added to the variance.
        initial_gamma: initializer, array or scalar for ``gamma`` (default 1).
        initial_beta: initializer, array or scalar for ``beta`` (default 0).

    Attributes:
        groups: the number of channel groups.
        gamma: the per-channel scale Parameter, shape ``(C,)``.
        beta: the per-channel shift Parameter, shape ``(C,)``.
        eps: the epsilon.

    Example:
        >>> import numpy as np
        >>> from kusari.links.normalization.group_normalization import GroupNormalization
        >>> gn = GroupNormalization(2)           # channels found on the first call
        >>> y = gn(np.arange(16, dtype=np.float32).reshape(2, 4, 2))
        >>> gn.gamma.shape, y.shape
        ((4,), (2, 4, 2))
        >>> np.round(y.array[0, :2], 3)          # channels 0 and 1 form one group
        array([[-1.342, -0.447],
               [ 0.447,  1.342]], dtype=float32)
    """

    def __init__(self, groups, size=None, eps=1e-5, initial_gamma=None, initial_beta=None):
        super().__init__(size, eps, initial_gamma, initial_beta)
        self.groups = groups

    def forward(self, x):
        """Normalize ``x`` of shape ``(N, C, ...)``."""
        if self.gamma.array is None:
            if x.ndim < 2:
                raise ValueError("GroupNormalization: argument 'x' expected at least 2 dimensions "
                                 f"(N, C, ...) to infer the channel count, got {x.ndim} "
                                 f"(shape {tuple(x.shape)})")
            self._initialize_params(x.shape[1])
        return group_normalization(x, self.groups, self.gamma, self.beta, self.eps)
