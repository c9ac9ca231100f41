"""``WeightStandardization``: a link's weight standardised per output unit.

Qiao et al., "Weight Standardization" (2019).  On every call the link
computes with ``(W - mean) / sqrt(var + eps)``, the statistics taken for each
output unit (the weight's first axis) over all its other axes; the gradient
flows through the statistics.  Done as group normalisation with one group,
treating the weight's first axis as the batch (as Chainer), so the weight
needs at least two dimensions (``Linear``, ``ConvolutionND``, ``EmbedID``).
The swap is the same as in ``SpectralNormalization``: the Variable goes into
the link's ``__dict__`` during forward, the Parameter back afterwards.
"""
from __future__ import annotations

from kusari.link_hooks._one_link import OneLinkWeightHook
from kusari.utils import type_check as _type_check


class WeightStandardization(OneLinkWeightHook):
    """Standardises a link's weight per output unit (zero mean, unit variance) on every call.

    Register it with ``link.add_hook(hook)``; not usable as a context
    manager (it belongs to one link).

    Args:
        eps (float): added to the variance.
        weight_name (str): the link's weight attribute.
        name (str or None): the hook's name (``'WeightStandardization'``).

    Example:
        >>> import numpy as np, kusari.links as L
        >>> from kusari.link_hooks import WeightStandardization
        >>> layer = L.Linear(4, 2, nobias=True).add_hook(WeightStandardization(eps=0.0))
        >>> layer.W.array = np.array([[1, 2, 3, 4], [0, 0, 5, 5]], np.float32)
        >>> w = layer(np.eye(4, dtype=np.float32)).array.T  # the weight it used
        >>> np.round(w.mean(axis=1), 5), np.round(w.std(axis=1), 5)
        (array([0., 0.], dtype=float32), array([1., 1.], dtype=float32))
        >>> float(layer.W.array[0, 0])  # the parameter itself is unchanged
        1.0
    """

    name = "WeightStandardization"
    _doing = "standardises"

    def __init__(self, *, eps=1e-5, weight_name="W", name=None):
        if not isinstance(weight_name, str):
            _type_check.fail("WeightStandardization", "weight_name", "a str",
                             type(weight_name).__name__)
        self.eps = eps
        self.weight_name = weight_name
        self._initialized = False
        if name is not None:
            self.name = name

    def added(self, link) -> None:
        super().added(link)
        if getattr(link, self.weight_name).array is not None:
            self._initialized = True

    def forward_preprocess(self, cb_args) -> None:
        link = cb_args.link
        weight = getattr(link, self.weight_name)
        if not self._initialized:
            if weight.array is None:
                if not cb_args.args:
                    raise ValueError("WeightStandardization: no input to initialise the weight from")
                link._initialize_params(cb_args.args[0].shape[1])
            self._initialized = True
        if weight.ndim < 2:
            _type_check.fail("WeightStandardization", self.weight_name,
                             "a weight of at least 2 dimensions", f"shape {weight.shape}")
        from kusari import functions as F

        xp = link.xp
        channels = weight.shape[1]
        gamma = xp.ones((channels,), dtype=weight.dtype)
        beta = xp.zeros((channels,), dtype=weight.dtype)
        self.original_weight = weight
        link.__dict__[self.weight_name] = F.group_normalization(
            weight, 1, gamma, beta, eps=self.eps)

    def forward_postprocess(self, cb_args) -> None:
        cb_args.link.__dict__[self.weight_name] = self.original_weight
