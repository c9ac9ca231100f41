"""``SpectralNormalization``: a link's weight divided by its largest singular value.

Miyato et al., "Spectral Normalization for Generative Adversarial Networks"
(2018).  On every call the hook reshapes the weight ``W`` to a matrix (the
output axis first), refines an estimate ``u`` of its first left singular
vector with ``n_power_iteration`` steps of the power method, and lets the
link compute with ``W / sigma`` where ``sigma = u^T W v`` (the gradient flows
through ``sigma`` too; ``u`` and ``v`` are constants).  ``u`` lives on the
link as the persistent value ``<weight_name>_u`` so it is saved with the
model, and is only updated while ``config.train`` is True.

How the swap is done: the normalised Variable is written straight into the
link's ``__dict__`` for the duration of forward and the Parameter put back
afterwards, which leaves the link's parameter registry untouched (assigning
a non-Parameter through ``setattr`` would unregister it).
"""
from __future__ import annotations

import numbers

import numpy

from kusari import _config
from kusari.link_hooks._one_link import OneLinkWeightHook
from kusari.utils import type_check as _type_check


def _l2_normalize(xp, v, eps):
    return v / (xp.linalg.norm(v) + eps)


class SpectralNormalization(OneLinkWeightHook):
    """Divides a link's weight by its spectral norm (largest singular value) on every call.

    Meant for ``Linear``, ``EmbedID``, ``Convolution2D``/``ND`` and
    ``Deconvolution2D``/``ND`` (whose output axis is 1); other links work
    with ``weight_name``.  Register it with ``link.add_hook(hook)``, before
    ``optimizer.setup`` when ``use_gamma`` adds the parameter ``gamma``.
    Not usable as a context manager (it belongs to one link).

    Args:
        n_power_iteration (int): power-method steps per call (positive).
        eps (float): added to norms in the power method.
        use_gamma (bool): learn a scale ``gamma`` (a 0-dim parameter on the
            link, initialised to the weight's first singular value):
            the link then uses ``gamma * W / sigma``.
        factor (float or None): divide ``sigma`` by this (so the weight's
            spectral norm becomes ``factor``).
        weight_name (str): the link's weight attribute.
        name (str or None): the hook's name (``'SpectralNormalization'``).

    Attributes:
        vector_name (str): ``weight_name + '_u'``, the link's attribute
            holding ``u``.
        axis (int): the weight's output axis.

    Example:
        >>> import numpy as np, kusari.links as L
        >>> from kusari.link_hooks import SpectralNormalization
        >>> layer = L.Linear(3, 3)
        >>> hook = SpectralNormalization(n_power_iteration=50)
        >>> _ = layer.add_hook(hook)
        >>> getattr(layer, hook.vector_name).shape
        (3,)
        >>> layer.W.array = np.diag([4.0, 2.0, 1.0]).astype(np.float32)
        >>> layer.b.array[:] = 0
        >>> y = layer(np.eye(3, dtype=np.float32))  # W / 4, transposed
        >>> np.round(y.array, 3)
        array([[1.  , 0.  , 0.  ],
               [0.  , 0.5 , 0.  ],
               [0.  , 0.  , 0.25]], dtype=float32)
        >>> layer.delete_hook(hook.name)
    """

    name = "SpectralNormalization"
    _doing = "normalises"

    def __init__(self, n_power_iteration=1, eps=1e-6, use_gamma=False, factor=None,
                 weight_name="W", name=None):
        func = "SpectralNormalization"
        if (not isinstance(n_power_iteration, numbers.Integral)
                or isinstance(n_power_iteration, bool) or n_power_iteration < 1):
            _type_check.fail(func, "n_power_iteration", "a positive int", repr(n_power_iteration))
        if not isinstance(weight_name, str):
            _type_check.fail(func, "weight_name", "a str", type(weight_name).__name__)
        self.n_power_iteration = int(n_power_iteration)
        self.eps = eps
        self.use_gamma = use_gamma
        self.factor = factor
        self.weight_name = weight_name
        self.vector_name = weight_name + "_u"
        self.axis = 0
        self._initialized = False
        if name is not None:
            self.name = name

    def added(self, link) -> None:
        super().added(link)
        from kusari.links.connection.deconvolution_2d import Deconvolution2D
        from kusari.links.connection.deconvolution_nd import DeconvolutionND

        if isinstance(link, (Deconvolution2D, DeconvolutionND)):
            self.axis = 1  # their weight is (in, out, k...)
        if getattr(link, self.weight_name).array is not None:
            self._prepare_parameters(link)

    def deleted(self, link) -> None:
        delattr(link, self.vector_name)
        if self.use_gamma:
            del link.gamma

    def forward_preprocess(self, cb_args) -> None:
        link = cb_args.link
        if not self._initialized:
            x = cb_args.args[0] if cb_args.args else None
            self._prepare_parameters(link, x)
        self.original_weight = getattr(link, self.weight_name)
        link.__dict__[self.weight_name] = self.normalize_weight(link)

    def forward_postprocess(self, cb_args) -> None:
        cb_args.link.__dict__[self.weight_name] = self.original_weight

    def _prepare_parameters(self, link, input_variable=None) -> None:
        """Create ``u`` (and ``gamma``), first initialising a lazy weight from the first input."""
        weight = getattr(link, self.weight_name)
        if weight.array is None and input_variable is not None:
            link._initialize_params(input_variable.shape[1])
        if weight.array is None:
            raise ValueError(
                f"SpectralNormalization: the weight {self.weight_name!r} is not initialised")
        size = weight.shape[self.axis]
        if size == 0:
            raise ValueError(
                f"SpectralNormalization: expected {self.weight_name}.shape[{self.axis}] > 0, "
                f"got shape {weight.shape}")
        xp = link.xp
        u = xp.random.normal(size=(size,)).astype(weight.dtype)
        if self.vector_name in link.__dict__:  # re-prepared: keep the registration
            delattr(link, self.vector_name)
        link.add_persistent(self.vector_name, u)
        if self.use_gamma:
            matrix = self.reshape_W(weight.array)
            s0 = xp.linalg.svd(matrix, compute_uv=False)[0]
            from kusari.variable import Parameter

            with link.init_scope():
                link.gamma = Parameter(xp.asarray(s0, dtype=weight.dtype))
        self._initialized = True

    def normalize_weight(self, link):
        """The weight divided by its estimated spectral norm, a Variable (updates ``u`` in training).

        Example:
            >>> import numpy as np, kusari.links as L
            >>> from kusari.link_hooks import SpectralNormalization
            >>> layer = L.Linear(3, 3)
            >>> layer.W.array = np.diag([3.0, 1.0, 0.5]).astype(np.float32)
            >>> hook = SpectralNormalization(n_power_iteration=30)
            >>> _ = layer.add_hook(hook)
            >>> np.round(np.diag(hook.normalize_weight(layer).array), 3)
            array([1.   , 0.333, 0.167], dtype=float32)
        """
        weight = getattr(link, self.weight_name)
        u = getattr(link, self.vector_name)
        matrix = self.reshape_W(weight)
        if not _config.config.in_recomputing:
            u, v = self._power_iteration(matrix.array, u)
        else:
            # Recomputing a checkpointed forward must give the same weight.
            v = self.v
        from kusari import functions as F

        sigma = F.matmul(F.matmul(u, matrix), v)
        if self.factor is not None:
            sigma = sigma / self.factor
        if self.use_gamma:
            normalized = link.gamma * weight / sigma
        else:
            normalized = weight / sigma
        if not _config.config.in_recomputing:
            self.v = v
            if _config.config.train:
                getattr(link, self.vector_name)[...] = u
        return normalized

    def _power_iteration(self, matrix, u):
        xp = numpy if isinstance(matrix, numpy.ndarray) else _xp(matrix)
        for _ in range(self.n_power_iteration):
            v = _l2_normalize(xp, u @ matrix, self.eps)
            u = _l2_normalize(xp, matrix @ v, self.eps)
        return u, v

    def reshape_W(self, W):
        """``W`` as a matrix with the output axis first (a Variable stays a Variable).

        Example:
            >>> import numpy as np
            >>> from kusari.link_hooks import SpectralNormalization
            >>> SpectralNormalization().reshape_W(np.zeros((5, 3, 2, 2))).shape
            (5, 12)
        """
        if self.axis != 0:
            axes = [self.axis] + [i for i in range(W.ndim) if i != self.axis]
            W = W.transpose(axes)
        if W.ndim == 2:
            return W
        return W.reshape(W.shape[0], -1)


def _xp(array):
    from kusari import backend

    return backend.get_array_module(array)
