"""ExponentialShift: multiply an optimizer attribute by a fixed rate on every call."""
from __future__ import annotations

from kusari.training.extensions import _shift, _target_shift


class ExponentialShift(_target_shift.TargetShift):
    """Trainer extension that sets ``optimizer.<attr>`` to ``init * rate ** t`` after ``t`` calls.

    Called once per iteration by default (use ``trigger`` in
    ``Trainer.extend`` for another interval).  With ``target`` the value stops
    there: it never goes below it when ``rate < 1``, above it when ``rate > 1``.

    Args:
        attr (str): the optimizer attribute to drive (``'lr'``, ``'alpha'``, ...).
        rate (float): the factor applied per call; must not be negative.
        init (float): the starting value; None reads the optimizer's value
            when training starts.
        target (float): the value the schedule stops at; None for no limit.
        optimizer (~kusari.Optimizer): the optimizer to drive; None for the
            updater's ``'main'`` optimizer.

    Example:
        >>> import kusari
        >>> from kusari.training.extensions.exponential_shift import ExponentialShift
        >>> opt = kusari.optimizers.SGD(lr=0.1)
        >>> ext = ExponentialShift('lr', 0.5, target=0.02, optimizer=opt)
        >>> ext.initialize(None)
        >>> for _ in range(3):
        ...     ext(None)
        ...     print(round(opt.lr, 6))
        0.05
        0.025
        0.02
    """

    def __init__(self, attr, rate, init=None, target=None, optimizer=None):
        super().__init__(attr, init, target, optimizer)
        _shift.check_number("ExponentialShift", "rate", rate)
        if rate < 0:
            _shift.value_error("ExponentialShift", "rate", "a non-negative number", rate)
        self._rate = rate

    def _formula(self, t):
        return self._init * self._rate ** t

    def _rises(self):
        return self._rate > 1
