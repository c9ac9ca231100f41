"""InverseShift: decay an optimizer attribute as ``init * (1 + gamma * t) ** -power``."""
from __future__ import annotations

from kusari.training.extensions import _shift, _target_shift


class InverseShift(_target_shift.TargetShift):
    """Trainer extension that sets ``optimizer.<attr>`` to ``init * (1 + gamma * t) ** (-power)``.

    ``t`` counts the calls (one per iteration by default).  With ``target``
    the value stops there: it never goes below it when ``power >= 0``, above
    it when ``power < 0``.

    Args:
        attr (str): the optimizer attribute to drive.
        gamma (float): how fast the value moves; must not be negative.
        power (float): the exponent.
        init (float): the starting value; None reads the optimizer's value
            when training starts.
        target (float): the value the schedule stops at; None for no limit.
        optimizer (~kusari.Optimizer): the optimizer to drive; None for the
            updater's ``'main'`` optimizer.

    Example:
        >>> import kusari
        >>> from kusari.training.extensions.inverse_shift import InverseShift
        >>> opt = kusari.optimizers.SGD(lr=0.1)
        >>> ext = InverseShift('lr', gamma=1.0, power=1.0, optimizer=opt)
        >>> ext.initialize(None)
        >>> ext(None); round(opt.lr, 6)
        0.05
        >>> ext(None); round(opt.lr, 6)
        0.033333
    """

    def __init__(self, attr, gamma, power, init=None, target=None, optimizer=None):
        super().__init__(attr, init, target, optimizer)
        _shift.check_number("InverseShift", "gamma", gamma)
        if gamma < 0:
            _shift.value_error("InverseShift", "gamma", "a non-negative number", gamma)
        _shift.check_number("InverseShift", "power", power)
        self._gamma = gamma
        self._power = power

    def _formula(self, t):
        return self._init * (1 + self._gamma * t) ** (-self._power)

    def _rises(self):
        return self._power < 0
