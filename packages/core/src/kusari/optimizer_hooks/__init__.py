"""Optimizer hooks: gradient transforms run before (or after) each update.

Register one with ``optimizer.add_hook(hook)`` (all parameters) or
``param.update_rule.add_hook(hook)`` (one parameter).

Example:
    >>> from kusari import optimizer_hooks
    >>> hook = optimizer_hooks.WeightDecay(1e-4)
    >>> hook.name, hook.timing, hook.call_for_each_param
    ('WeightDecay', 'pre', True)
"""
from kusari.optimizer_hooks.gradient_clipping import GradientClipping
from kusari.optimizer_hooks.gradient_hard_clipping import GradientHardClipping
from kusari.optimizer_hooks.gradient_lars import GradientLARS
from kusari.optimizer_hooks.gradient_noise import GradientNoise, exponential_decay_noise
from kusari.optimizer_hooks.lasso import Lasso
from kusari.optimizer_hooks.weight_decay import WeightDecay

__all__ = ["WeightDecay", "Lasso", "GradientClipping", "GradientHardClipping", "GradientNoise",
           "GradientLARS", "exponential_decay_noise"]
