"""Add annealed Gaussian noise to every gradient."""
from __future__ import annotations

import numpy


def exponential_decay_noise(xp, shape, dtype, hook, opt):
    """Gaussian noise with variance ``eta / (1 + t) ** 0.55`` (Neelakantan et al., 2015).

    ``opt`` is the update rule (or optimizer) whose ``t`` counts the steps.

    Example:
        >>> import numpy as np
        >>> from kusari.optimizer_hooks import exponential_decay_noise
        >>> class H: eta = 0.01
        >>> class R: t = 1
        >>> exponential_decay_noise(np, (2, 3), np.float32, H, R).dtype
        dtype('float32')
    """
    std = numpy.sqrt(hook.eta / numpy.power(1 + opt.t, 0.55))
    return xp.random.normal(0, std, shape).astype(dtype, copy=False)


class GradientNoise:
    """Add ``noise_func(xp, shape, dtype, hook, rule)`` to each gradient.

    Args:
        eta (float): scale of the noise (the paper suggests 0.01, 0.3 or 1.0).
        noise_func: the noise generator; annealed Gaussian noise by default.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import optimizer_hooks
        >>> def ones(xp, shape, dtype, hook, rule): return xp.ones(shape, dtype)
        >>> p = kusari.Parameter(np.zeros(2, np.float32)); p.grad = np.zeros(2, np.float32)
        >>> optimizer_hooks.GradientNoise(0.3, noise_func=ones)(None, p); p.grad
        array([1., 1.], dtype=float32)
    """

    name = "GradientNoise"
    call_for_each_param = True
    timing = "pre"

    def __init__(self, eta, noise_func=exponential_decay_noise):
        self.eta = eta
        self.noise_func = noise_func

    def __call__(self, rule, param):
        g = param.grad
        if g is None:
            return
        xp = numpy if type(g) is numpy.ndarray else param.xp
        g += self.noise_func(xp, g.shape, g.dtype, self, rule)
