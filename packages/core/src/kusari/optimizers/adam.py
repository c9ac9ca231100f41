"""Adam and its variants: AdamW, AMSGrad, AdaBound, AMSBound.

One update rule covers all five (as in Chainer): ``amsgrad`` keeps the
running maximum of ``v``, ``adabound`` clips the per-element step into bounds
that converge to ``final_lr``, ``weight_decay_rate`` with ``eta`` is the
decoupled weight decay of AdamW.

The update is one blockwise pass (``kusari._elementwise``): about a dozen
in-place ufunc calls per 64K-element block with one scratch buffer, no
parameter-sized temporaries (benchmarks/bench_adam.py).
"""
from __future__ import annotations

import math
import warnings

from kusari import _elementwise, optimizer
from kusari.optimizers._common import check_eps, set_hyperparams, zeros_like

_default_hyperparam = optimizer.Hyperparameter()
_default_hyperparam.alpha = 0.001
_default_hyperparam.beta1 = 0.9
_default_hyperparam.beta2 = 0.999
_default_hyperparam.eps = 1e-8
_default_hyperparam.eta = 1.0
_default_hyperparam.weight_decay_rate = 0
_default_hyperparam.amsgrad = False
_default_hyperparam.adabound = False
_default_hyperparam.final_lr = 0.1
_default_hyperparam.gamma = 1e-3


def _learning_rate(hp, t) -> float:
    if t == 0:
        raise RuntimeError("the learning rate of Adam (alpha_t) is defined from the first update "
                           "on; no update has been made yet (t == 0)")
    fix1 = 1.0 - math.pow(hp.beta1, t)
    fix2 = 1.0 - math.pow(hp.beta2, t)
    return hp.alpha * math.sqrt(fix2) / fix1


def _adam(xp, p, g, m, v, vhat, tmp, one_minus_beta1, one_minus_beta2, eps, alpha_t, lower, upper,
          eta, decay):
    xp.subtract(g, m, out=tmp)
    tmp *= one_minus_beta1
    m += tmp                                  # m <- m + (1 - beta1) (g - m)
    xp.multiply(g, g, out=tmp)
    tmp -= v
    tmp *= one_minus_beta2
    v += tmp                                  # v <- v + (1 - beta2) (g^2 - v)
    if vhat is not None:
        xp.maximum(vhat, v, out=vhat)         # AMSGrad
        v = vhat
    xp.sqrt(v, out=tmp)
    tmp += eps
    if lower is None:
        xp.divide(m, tmp, out=tmp)
        tmp *= alpha_t * eta                  # eta alpha_t m / (sqrt(v) + eps)
    else:                                     # AdaBound: clip the per-element step size
        xp.divide(alpha_t, tmp, out=tmp)
        xp.clip(tmp, lower, upper, out=tmp)
        tmp *= m
        if eta != 1:
            tmp *= eta
    if decay:
        p *= 1 - eta * decay                  # decoupled weight decay (AdamW)
    p -= tmp


class AdamRule(optimizer.UpdateRule):
    """Update rule of :class:`Adam` (state keys ``m``, ``v`` and, with amsgrad, ``vhat``).

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizers import AdamRule
        >>> p = kusari.Parameter(np.zeros(2, np.float32)); p.grad = np.array([1, -1], np.float32)
        >>> rule = AdamRule(alpha=0.1); rule.update(p)   # first step: about -alpha * sign(g)
        >>> np.round(p.array, 4)
        array([-0.1,  0.1], dtype=float32)
    """

    is_elementwise = True

    def __init__(self, parent_hyperparam=None, alpha=None, beta1=None, beta2=None, eps=None, eta=None,
                 weight_decay_rate=None, amsgrad=None, adabound=None, final_lr=None, gamma=None):
        super().__init__(parent_hyperparam or _default_hyperparam)
        set_hyperparams(self.hyperparam, alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta,
                        weight_decay_rate=weight_decay_rate, amsgrad=amsgrad, adabound=adabound,
                        final_lr=final_lr, gamma=gamma)
        if self.hyperparam.adabound:
            self.initial_alpha = self.hyperparam.alpha

    def init_state(self, param):
        self.state["m"] = zeros_like(param.array)
        self.state["v"] = zeros_like(param.array)
        if self.hyperparam.amsgrad:
            self.state["vhat"] = zeros_like(param.array)

    @property
    def alpha_t(self) -> float:
        """The bias-corrected step size ``alpha sqrt(1 - beta2^t) / (1 - beta1^t)``."""
        return _learning_rate(self.hyperparam, self.t)

    @property
    def lr(self) -> float:
        """Deprecated (Chainer v6) name of :attr:`alpha_t`."""
        warnings.warn("AdamRule.lr is deprecated; use AdamRule.alpha_t", DeprecationWarning, stacklevel=2)
        return self.alpha_t

    @property
    def bounds(self):
        """AdaBound's (lower, upper) step-size bounds at the current ``t``."""
        if self.t == 0:
            raise RuntimeError("the bounds of AdaBound are defined from the first update on; "
                               "no update has been made yet (t == 0)")
        hp = self.hyperparam
        initial_alpha = getattr(self, "initial_alpha", None)
        if initial_alpha is None:  # adabound switched on after the rule was made
            initial_alpha = self.initial_alpha = hp.alpha
        final_lr = hp.final_lr * hp.alpha / initial_alpha
        lower = final_lr * (1.0 - 1.0 / (hp.gamma * self.t + 1))
        upper = final_lr * (1.0 + 1.0 / (hp.gamma * self.t))
        return lower, upper

    def update_core(self, param):
        grad = param.grad
        if grad is None:
            return
        hp = self.hyperparam
        # Each hyperparameter read once: they are looked up through the
        # optimizer's, and this runs for every parameter at every step.
        eps, beta1, beta2, eta = hp.eps, hp.beta1, hp.beta2, hp.eta
        check_eps("Adam", eps, grad.dtype)
        t = self.t
        alpha_t = hp.alpha * math.sqrt(1.0 - beta2 ** t) / (1.0 - beta1 ** t)
        state = self.state
        vhat = None
        if hp.amsgrad:
            vhat = state.get("vhat")
            if vhat is None:  # amsgrad switched on after the state was made
                vhat = state["vhat"] = state["v"].copy()
        lower = upper = None
        if hp.adabound:
            lower, upper = self.bounds
        _elementwise.run(_adam, (param.array, grad, state["m"], state["v"], vhat), 1,
                         1.0 - beta1, 1.0 - beta2, eps, alpha_t, lower, upper, eta, hp.weight_decay_rate)


class Adam(optimizer.GradientMethod):
    """Adam (Kingma & Ba), with AdamW's decoupled weight decay, AMSGrad and AdaBound as options.

    With the defaults (``eta=1``, ``weight_decay_rate=0``) it is plain Adam.

    Args:
        alpha (float): step size.
        beta1 (float): exponential decay rate of the first moment.
        beta2 (float): exponential decay rate of the second moment.
        eps (float): keeps the division finite.
        eta (float): schedule multiplier (warm restarts).
        weight_decay_rate (float): decoupled weight decay ("Fixing Weight
            Decay Regularization in Adam").
        amsgrad (bool): use the running maximum of ``v`` ("On the
            Convergence of Adam and Beyond").
        adabound (bool): clip the step size into bounds converging to
            ``final_lr`` ("Adaptive Gradient Methods with Dynamic Bound of
            Learning Rate").
        final_lr (float): AdaBound's final (SGD) learning rate.
        gamma (float): how fast AdaBound's bounds converge.

    Example:
        >>> from kusari import optimizers
        >>> o = optimizers.Adam(alpha=0.01); o.alpha, o.beta1, o.beta2, o.eps
        (0.01, 0.9, 0.999, 1e-08)
    """

    name = "adam"
    alpha = optimizer.HyperparameterProxy("alpha")
    beta1 = optimizer.HyperparameterProxy("beta1")
    beta2 = optimizer.HyperparameterProxy("beta2")
    eps = optimizer.HyperparameterProxy("eps")
    eta = optimizer.HyperparameterProxy("eta")
    weight_decay_rate = optimizer.HyperparameterProxy("weight_decay_rate")
    amsgrad = optimizer.HyperparameterProxy("amsgrad")
    adabound = optimizer.HyperparameterProxy("adabound")
    final_lr = optimizer.HyperparameterProxy("final_lr")
    gamma = optimizer.HyperparameterProxy("gamma")

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, eps=_default_hyperparam.eps, eta=_default_hyperparam.eta,
                 weight_decay_rate=_default_hyperparam.weight_decay_rate,
                 amsgrad=_default_hyperparam.amsgrad, adabound=_default_hyperparam.adabound,
                 final_lr=_default_hyperparam.final_lr, gamma=_default_hyperparam.gamma):
        super().__init__()
        hp = self.hyperparam
        hp.alpha = alpha
        hp.beta1 = beta1
        hp.beta2 = beta2
        hp.eps = eps
        hp.eta = eta
        hp.weight_decay_rate = weight_decay_rate
        hp.amsgrad = amsgrad
        hp.adabound = adabound
        hp.final_lr = final_lr
        hp.gamma = gamma

    def create_update_rule(self):
        return AdamRule(self.hyperparam)

    @property
    def alpha_t(self) -> float:
        """The bias-corrected step size at the optimizer's ``t``."""
        return _learning_rate(self.hyperparam, self.t)

    @property
    def lr(self) -> float:
        """Deprecated (Chainer v6) name of :attr:`alpha_t`."""
        warnings.warn("Adam.lr is deprecated; use Adam.alpha_t", DeprecationWarning, stacklevel=2)
        return self.alpha_t


class AdamW(Adam):
    """Adam with decoupled weight decay: ``Adam(..., weight_decay_rate=...)``.

    Example:
        >>> from kusari import optimizers
        >>> optimizers.AdamW(weight_decay_rate=0.01).weight_decay_rate
        0.01
    """

    name = "adamw"

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, eps=_default_hyperparam.eps, eta=_default_hyperparam.eta,
                 weight_decay_rate=_default_hyperparam.weight_decay_rate):
        super().__init__(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta,
                         weight_decay_rate=weight_decay_rate)


class AMSGrad(Adam):
    """Adam with the running maximum of the second moment: ``Adam(amsgrad=True)``.

    Example:
        >>> from kusari import optimizers
        >>> optimizers.AMSGrad().amsgrad
        True
    """

    name = "amsgrad"

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, eps=_default_hyperparam.eps, eta=_default_hyperparam.eta):
        super().__init__(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta, amsgrad=True)


class AdaBound(Adam):
    """Adam with the step size clipped into bounds that converge to SGD: ``Adam(adabound=True)``.

    Example:
        >>> from kusari import optimizers
        >>> o = optimizers.AdaBound(); o.adabound, o.final_lr, o.gamma
        (True, 0.1, 0.001)
    """

    name = "adabound"

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, final_lr=_default_hyperparam.final_lr,
                 gamma=_default_hyperparam.gamma, eps=_default_hyperparam.eps, eta=_default_hyperparam.eta):
        super().__init__(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta, amsgrad=False,
                         adabound=True, final_lr=final_lr, gamma=gamma)


class AMSBound(Adam):
    """AdaBound with AMSGrad's running maximum: ``Adam(amsgrad=True, adabound=True)``.

    Example:
        >>> from kusari import optimizers
        >>> o = optimizers.AMSBound(); o.amsgrad, o.adabound
        (True, True)
    """

    name = "amsbound"

    def __init__(self, alpha=_default_hyperparam.alpha, beta1=_default_hyperparam.beta1,
                 beta2=_default_hyperparam.beta2, final_lr=_default_hyperparam.final_lr,
                 gamma=_default_hyperparam.gamma, eps=_default_hyperparam.eps, eta=_default_hyperparam.eta):
        super().__init__(alpha=alpha, beta1=beta1, beta2=beta2, eps=eps, eta=eta, amsgrad=True,
                         adabound=True, final_lr=final_lr, gamma=gamma)
