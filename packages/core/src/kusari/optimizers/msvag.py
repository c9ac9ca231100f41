"""M-SVAG: momentum SGD with variance-adapted step sizes (Balles & Hennig, 2018)."""
from __future__ import annotations

from kusari import _elementwise, optimizer
from kusari.optimizers._common import set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.lr = 0.1
_default_hyperparam.beta = 0.9
_default_hyperparam.eta = 1.0
_default_hyperparam.weight_decay_rate = 0


def _msvag(xp, p, g, m, v, t1, t2, t3, one_minus_beta, inv_bias, rho_ratio, lr, eta, decay):
    xp.subtract(g, m, out=t1)
    t1 *= one_minus_beta
    m += t1
    xp.multiply(g, g, out=t1)
    t1 -= v
    t1 *= one_minus_beta
    v += t1
    xp.multiply(m, inv_bias, out=t1)     # mt
    xp.multiply(t1, t1, out=t2)          # mt^2
    xp.multiply(v, inv_bias, out=t3)     # vt
    t3 -= t2
    t3 *= rho_ratio                      # rho * s, s = (vt - mt^2) / (1 - rho)
    t3 += t2
    xp.divide(t2, t3, out=t2)            # mt^2 / (mt^2 + rho s)
    xp.fmax(t2, 0, out=t2)               # fmax also turns 0/0 = NaN into 0
    xp.minimum(t2, 1, out=t2)
    t1 *= t2
    t1 *= lr
    if decay:
        xp.multiply(p, decay, out=t3)
        t1 += t3
    if eta != 1:
        t1 *= eta
    p -= t1


class MSVAGRule(optimizer.UpdateRule):
    """Update rule of :class:`MSVAG` (state keys ``m``, ``v``).

    The bias-correction power ``beta ** t`` is computed from ``t``, which is
    saved with the state, so a resumed run continues exactly (Chainer kept
    it in an attribute that was not saved).

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import MSVAGRule
        >>> p = kusari.Parameter(np.zeros(2, np.float32)); p.grad = np.ones(2, np.float32)
        >>> rule = MSVAGRule(); rule.update(p); sorted(rule.state)
        ['m', 'v']
    """

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, lr=None, beta=None, eta=None, weight_decay_rate=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        set_hyperparams(self.hyperparam, lr=lr, beta=beta, eta=eta, weight_decay_rate=weight_decay_rate)

    @property
    def beta_power(self):
        """``beta ** (t + 1)``: the bias-correction power the next update uses."""
        return self.hyperparam.beta ** (self.t + 1)

    def init_state(self, param):
        self.state["m"] = zeros_like(param.array)
        self.state["v"] = zeros_like(param.array)

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        beta = hp.beta
        power = beta ** self.t
        rho = ((1 - beta) ** 2 * (1 - power ** 2)) / ((1 - power) ** 2 * (1 - beta ** 2))
        rho = min(rho, 0.9999)
        _elementwise.run(_msvag, (param.array, grad, self.state["m"], self.state["v"]), 3,
                         1 - beta, 1 / (1 - power), rho / (1 - rho), hp.lr, hp.eta,
                         hp.weight_decay_rate)


class MSVAG(optimizer.GradientMethod):
    """M-SVAG ("Dissecting Adam: The Sign, Magnitude and Variance of Stochastic Gradients").

    Args:
        lr (float): learning rate.
        beta (float): exponential decay rate of the moments.
        eta (float): schedule multiplier.
        weight_decay_rate (float): decoupled weight decay.

    Example:
        >>> from kusari import optimizers
        >>> o = optimizers.MSVAG(); o.lr, o.beta
        (0.1, 0.9)
    """

    name = "msvag"
    lr = optimizer.HyperparameterProxy("lr")
    beta = optimizer.HyperparameterProxy("beta")
    eta = optimizer.HyperparameterProxy("eta")
    weight_decay_rate = optimizer.HyperparameterProxy("weight_decay_rate")

    def __init__(self, lr=_default_hyperparam.lr, beta=_default_hyperparam.beta,
                 eta=_default_hyperparam.eta, weight_decay_rate=_default_hyperparam.weight_decay_rate):
        super().__init__()
        self.hyperparam.lr = lr
        self.hyperparam.beta = beta
        self.hyperparam.eta = eta
        self.hyperparam.weight_decay_rate = weight_decay_rate

    def create_update_rule(self):
        return MSVAGRule(self.hyperparam)
