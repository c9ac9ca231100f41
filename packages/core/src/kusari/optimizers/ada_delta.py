"""AdaDelta (Zeiler, 2012)."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.rho = 0.95
_default_hyperparam.eps = 1e-6


def _ada_delta(xp, p, g, msg, msdx, dx, tmp, rho, eps):
    msg *= rho
    xp.multiply(g, g, out=tmp)
    tmp *= 1 - rho
    msg += tmp
    xp.add(msdx, eps, out=dx)
    xp.add(msg, eps, out=tmp)
    dx /= tmp
    xp.sqrt(dx, out=dx)
    dx *= g                      # dx = sqrt((msdx + eps) / (msg + eps)) * g
    msdx *= rho
    xp.multiply(dx, dx, out=tmp)
    tmp *= 1 - rho
    msdx += tmp
    p -= dx


class AdaDeltaRule(optimizer.UpdateRule):
    """Update rule of :class:`AdaDelta`.

    ``msg <- rho msg + (1-rho) g^2;  dx = sqrt((msdx + eps) / (msg + eps)) g;
    msdx <- rho msdx + (1-rho) dx^2;  w <- w - dx``.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import AdaDeltaRule
        >>> p = kusari.Parameter(np.zeros(1, np.float32)); p.grad = np.ones(1, np.float32)
        >>> rule = AdaDeltaRule(); rule.update(p); sorted(rule.state)
        ['msdx', 'msg']
    """

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, rho=None, eps=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        set_hyperparams(self.hyperparam, rho=rho, eps=eps)

    def init_state(self, param):
        self.state["msg"] = zeros_like(param.array)
        self.state["msdx"] = zeros_like(param.array)

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        state = self.state
        _elementwise.run(_ada_delta, (param.array, grad, state["msg"], state["msdx"]), 2, hp.rho, hp.eps)


class AdaDelta(optimizer.GradientMethod):
    """AdaDelta: an adaptive learning rate method with no learning rate.

    Args:
        rho (float): exponential decay rate of the running averages.
        eps (float): keeps the ratio finite.

    Example:
        >>> from kusari import optimizers
        >>> optimizers.AdaDelta().rho
        0.95
    """

    name = "ada_delta"
    rho = optimizer.HyperparameterProxy("rho")
    eps = optimizer.HyperparameterProxy("eps")

    def __init__(self, rho=_default_hyperparam.rho, eps=_default_hyperparam.eps):
        super().__init__()
        self.hyperparam.rho = rho
        self.hyperparam.eps = eps

    def create_update_rule(self):
        return AdaDeltaRule(self.hyperparam)
