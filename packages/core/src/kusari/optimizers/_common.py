"""Helpers the built-in update rules share.

Example:
    >>> import numpy as np
    >>> from kusari.optimizers._common import zeros_like
    >>> zeros_like(np.ones((2, 3), np.float32)).dtype
    dtype('float32')
"""
from __future__ import annotations

import functools

import numpy

from kusari import _elementwise, optimizer
from kusari.serializer import fail_value


def zeros_like(arr):
    """Zeros of ``arr``'s shape, dtype and array module."""
    if type(arr) is numpy.ndarray:
        return numpy.zeros_like(arr)
    from kusari import backend

    return backend.get_array_module(arr).zeros_like(arr)


def ones_like(arr):
    """Ones of ``arr``'s shape, dtype and array module."""
    if type(arr) is numpy.ndarray:
        return numpy.ones_like(arr)
    from kusari import backend

    return backend.get_array_module(arr).ones_like(arr)


def check_eps(optimizer_name: str, eps, dtype) -> None:
    """Refuse an ``eps`` that rounds to zero in the parameter's dtype (1e-8 in float16)."""
    if eps != 0 and not _representable(eps, dtype):
        fail_value(optimizer_name, "eps", f"a value representable in {numpy.dtype(dtype).name} "
                   f"(it rounds to 0 there)", repr(eps))


@functools.lru_cache(maxsize=64)
def _representable(eps, dtype) -> bool:
    # Called on every update: cached per (eps, dtype).
    return bool(numpy.dtype(dtype).type(eps) != 0)


def set_hyperparams(hyperparam, **values) -> None:
    """Set the entries that are not None (a rule's own overrides)."""
    for key, value in values.items():
        if value is not None:
            setattr(hyperparam, key, value)


_momentum_defaults = optimizer.Hyperparameter()
_momentum_defaults.lr = 0.01
_momentum_defaults.momentum = 0.9


class MomentumRule(optimizer.UpdateRule):
    """Base of the momentum rules: hyperparameters ``lr``, ``momentum``; one velocity ``v``.

    A subclass gives ``kernel(xp, p, g, v, tmp, lr, momentum)``, the in-place
    update run by :func:`kusari._elementwise.run`.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers._common import MomentumRule
        >>> def plain(xp, p, g, v, tmp, lr, momentum):
        ...     xp.multiply(g, lr, out=tmp); p -= tmp
        >>> class PlainRule(MomentumRule):
        ...     kernel = staticmethod(plain)
        >>> p = kusari.Parameter(np.ones(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> PlainRule(lr=0.5).update(p); p.array
        array([0.5], dtype=float32)
    """

    is_elementwise = True
    kernel = None

    def __init__(self, parent_hyperparam=None, lr=None, momentum=None):
        super().__init__(parent_hyperparam or _momentum_defaults)
        set_hyperparams(self.hyperparam, lr=lr, momentum=momentum)

    def init_state(self, param):
        self.state["v"] = zeros_like(param.array)

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        _elementwise.run(self.kernel, (param.array, grad, self.state["v"]), 1, hp.lr, hp.momentum)


class MomentumMethod(optimizer.GradientMethod):
    """Base of the momentum optimizers; ``rule_class`` is the :class:`MomentumRule` it creates.

    Example:
        >>> from kusari.optimizers import MomentumSGD
        >>> o = MomentumSGD(lr=0.1); o.lr, o.momentum, type(o.create_update_rule()).__name__
        (0.1, 0.9, 'MomentumSGDRule')
    """

    rule_class = MomentumRule
    lr = optimizer.HyperparameterProxy("lr")
    momentum = optimizer.HyperparameterProxy("momentum")

    def __init__(self, lr=_momentum_defaults.lr, momentum=_momentum_defaults.momentum):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.momentum = momentum

    def create_update_rule(self):
        return self.rule_class(self.hyperparam)
