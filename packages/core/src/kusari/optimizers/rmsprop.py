"""RMSprop (Tieleman & Hinton, 2012)."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import check_eps, set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.01
_default_hyperparam.alpha = 0.99
_default_hyperparam.eps = 1e-8
_default_hyperparam.eps_inside_sqrt = False


def _rmsprop(xp, p, g, ms, tmp, lr, alpha, eps, eps_inside_sqrt):
    ms *= alpha
    xp.multiply(g, g, out=tmp)
    tmp *= 1 - alpha
    ms += tmp
    if eps_inside_sqrt:
        xp.add(ms, eps, out=tmp)
        xp.sqrt(tmp, out=tmp)
    else:
        xp.sqrt(ms, out=tmp)
        tmp += eps
    xp.divide(g, tmp, out=tmp)
    tmp *= lr
    p -= tmp


class RMSpropRule(optimizer.UpdateRule):
    """Update rule of :class:`RMSprop`.

    ``ms <- alpha ms + (1 - alpha) g^2;  w <- w - lr g / (sqrt(ms) + eps)``
    (``sqrt(ms + eps)`` with ``eps_inside_sqrt``).

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import RMSpropRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> RMSpropRule(lr=0.1, alpha=0.75, eps=0).update(p); p.array   # -0.1 / sqrt(0.25)
        array([-0.2], dtype=float32)
    """

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None, alpha=None, eps=None, eps_inside_sqrt=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        set_hyperparams(self.hyperparam, lr=lr, alpha=alpha, eps=eps, eps_inside_sqrt=eps_inside_sqrt)

    def init_state(self, param):
        self.state["ms"] = zeros_like(param.array)

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        check_eps("RMSprop", hp.eps, grad.dtype)
        _elementwise.run(_rmsprop, (param.array, grad, self.state["ms"]), 1,
                         hp.lr, hp.alpha, hp.eps, hp.eps_inside_sqrt)


class RMSprop(optimizer.GradientMethod):
    """RMSprop: SGD scaled by a running root mean square of the gradient.

    Args:
        lr (float): learning rate.
        alpha (float): exponential decay rate of the mean square.
        eps (float): keeps the division finite.
        eps_inside_sqrt (bool): add ``eps`` inside the square root (TensorFlow's form).

    Example:
        >>> from kusari import optimizers
        >>> o = optimizers.RMSprop(); o.lr, o.alpha
        (0.01, 0.99)
    """

    name = "rmsprop"
    lr = optimizer.HyperparameterProxy("lr")
    alpha = optimizer.HyperparameterProxy("alpha")
    eps = optimizer.HyperparameterProxy("eps")
    eps_inside_sqrt = optimizer.HyperparameterProxy("eps_inside_sqrt")

    def __init__(self, lr=_default_hyperparam.lr, alpha=_default_hyperparam.alpha,
                 eps=_default_hyperparam.eps, eps_inside_sqrt=_default_hyperparam.eps_inside_sqrt):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.alpha = alpha
        self.hyperparam.eps = eps
        self.hyperparam.eps_inside_sqrt = eps_inside_sqrt

    def create_update_rule(self):
        return RMSpropRule(self.hyperparam)
