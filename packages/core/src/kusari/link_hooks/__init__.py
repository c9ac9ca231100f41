"""Ready-made link hooks (Chainer's ``chainer.link_hooks``).

* :class:`TimerHook`: time spent in each link's forward.
* :class:`SpectralNormalization`: divides a link's weight by its largest
  singular value on every call (Miyato et al., 2018).
* :class:`WeightStandardization`: standardises a link's weight per output
  unit on every call (Qiao et al., 2019).

Example:
    >>> import numpy as np, kusari.links as L
    >>> from kusari import link_hooks
    >>> with link_hooks.TimerHook() as hook:
    ...     y = L.Linear(3, 2)(np.ones((1, 3), np.float32))
    >>> [name for name, _ in hook.call_history]
    ['Linear']
"""
from kusari.link_hooks.spectral_normalization import SpectralNormalization  # noqa: F401
from kusari.link_hooks.timer import TimerHook  # noqa: F401
from kusari.link_hooks.weight_standardization import WeightStandardization  # noqa: F401

__all__ = ["SpectralNormalization", "TimerHook", "WeightStandardization"]
