"""``BatchNormalization``: batch normalization with running statistics as persistents."""
from __future__ import annotations

import numpy

from kusari import _config, initializers
from kusari.functions.normalization.batch_normalization import batch_normalization, fixed_batch_normalization
from kusari.link import Link
from kusari.variable import Parameter


class BatchNormalization(Link):
    """Batch normalization layer, with moving averages of the statistics for evaluation.

    * ``config.train`` True: normalizes by the batch statistics and updates
      ``avg_mean`` / ``avg_var`` (``decay`` moving average; the variance
      unbiased).  With ``finetune=True`` the update is the cumulative average
      over the batches seen since :meth:`start_finetuning` (decay ``1 - 1/N``).
    * ``config.train`` False: normalizes by ``avg_mean`` / ``avg_var``.

    Args:
        size: the channel shape (int or tuple); None takes it from the first
            input, then ``axis`` is required.
        decay: moving-average decay.
        eps: added to the variance.
        dtype: dtype of the parameters and statistics (default
            ``config.dtype``).
        use_gamma, use_beta: whether to learn the scale / the shift
            (otherwise 1 / 0).
        initial_gamma, initial_beta: initializers (default 1 and 0).
        axis: reduction axes (int or ascending tuple); None means all axes
            but the channel shape, which starts at axis 1.
        initial_avg_mean, initial_avg_var: initializers of the statistics
            (default 0 and 1).

    Attributes:
        gamma, beta: Parameters (absent, i.e. None, when not used).
        avg_mean, avg_var: persistent arrays; ``N``: persistent int, the
            number of fine-tuning batches.  The names are Chainer's, so its
            npz files load.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.links.normalization.batch_normalization import BatchNormalization
        >>> bn = BatchNormalization(2)
        >>> x = np.array([[0, 10], [2, 30]], np.float32)
        >>> np.round(bn(x).array, 3)
        array([[-1., -1.],
               [ 1.,  1.]], dtype=float32)
        >>> bn.avg_mean, bn.avg_var
        (array([0.1, 2. ], dtype=float32), array([ 1.1, 20.9], dtype=float32))
        >>> with kusari.using_config('train', False):
        ...     y = bn(x)    # normalized by avg_mean / avg_var
        >>> lazy = BatchNormalization(axis=(0, 2))
        >>> lazy(np.ones((4, 3, 5), np.float32)).shape, lazy.avg_mean.shape
        ((4, 3, 5), (3,))
    """

    gamma = None
    beta = None

    def __init__(self, size=None, decay=0.9, eps=2e-5, dtype=None, use_gamma=True, use_beta=True,
                 initial_gamma=None, initial_beta=None, axis=None, initial_avg_mean=None,
                 initial_avg_var=None):
        super().__init__()
        if size is None and axis is None:
            raise RuntimeError(
                f"{type(self).__name__}: argument 'size' expected a channel shape when 'axis' is None, got None")
        self._initial_avg_mean = initial_avg_mean
        self._initial_avg_var = initial_avg_var
        self.N = 0
        self.register_persistent("N")
        self.decay = decay
        self.eps = eps
        if isinstance(axis, (int, numpy.integer)):
            axis = (int(axis),)
        self.axis = axis
        self._highprec_dtype = numpy.dtype(_config.config.dtype if dtype is None else dtype)
        with self.init_scope():
            if use_gamma:
                init = initializers._get_initializer(1 if initial_gamma is None else initial_gamma)
                init.dtype = self._highprec_dtype
                self.gamma = Parameter(init)
            if use_beta:
                init = initializers._get_initializer(0 if initial_beta is None else initial_beta)
                init.dtype = self._highprec_dtype
                self.beta = Parameter(init)
        self.avg_mean = None
        self.avg_var = None
        if size is not None:
            self._initialize_params(size)
        self.register_persistent("avg_mean")
        self.register_persistent("avg_var")

    def _initialize_params(self, shape):
        self.avg_mean = self._init_array(self._initial_avg_mean, 0, shape)
        self._initial_avg_mean = None
        self.avg_var = self._init_array(self._initial_avg_var, 1, shape)
        self._initial_avg_var = None
        if self.gamma is not None:
            self.gamma.initialize(shape)
        if self.beta is not None:
            self.beta.initialize(shape)

    def _init_array(self, initializer, default, shape):
        init = initializers._get_initializer(default if initializer is None else initializer)
        return initializers.generate_array(init, shape, self.xp, dtype=self._highprec_dtype, device=self.device)

    @property
    def printable_specs(self):
        yield "size", None if self.avg_mean is None else self.avg_mean.shape[0]
        yield "decay", self.decay
        yield "eps", self.eps
        yield "dtype", self._highprec_dtype
        yield "use_gamma", self.gamma is not None
        yield "use_beta", self.beta is not None

    def _gamma_beta(self, x):
        """The parameters, or constant 1 / 0 arrays when they are not learned."""
        xp = self.xp
        gamma = self.gamma if self.gamma is not None else xp.ones(self.avg_mean.shape, self._highprec_dtype)
        beta = self.beta if self.beta is not None else xp.zeros(self.avg_mean.shape, self._highprec_dtype)
        return gamma, beta

    def _lazy_init(self, x):
        if self.avg_mean is None:
            ndim = len(x.shape)
            axes = {a % ndim for a in self.axis}
            self._initialize_params(tuple(s for i, s in enumerate(x.shape) if i not in axes))

    def _finetune_decay(self, finetune):
        if finetune:
            self.N += 1
            return 1.0 - 1.0 / self.N
        return self.decay

    def forward(self, x, finetune=False):
        """Normalize ``x``; see the class docstring for the modes."""
        self._lazy_init(x)
        gamma, beta = self._gamma_beta(x)
        if _config.config.train:
            decay = self._finetune_decay(finetune)
            avg_mean, avg_var = self.avg_mean, self.avg_var
            if getattr(_config.config, "in_recomputing", False):
                # A recomputed forward must not count the batch twice.
                if finetune:
                    self.N -= 1
                avg_mean = avg_var = None
            return batch_normalization(x, gamma, beta, eps=self.eps, running_mean=avg_mean,
                                       running_var=avg_var, decay=decay, axis=self.axis)
        return fixed_batch_normalization(x, gamma, beta, self.avg_mean, self.avg_var, self.eps, axis=self.axis)

    def start_finetuning(self):
        """Reset the batch count ``N`` before collecting population statistics again."""
        self.N = 0
