"""StepShift: multiply an optimizer attribute by ``gamma`` once every ``step`` calls."""
from __future__ import annotations

import numbers

from kusari.training.extensions import _shift, _target_shift


class StepShift(_target_shift.TargetShift):
    """Trainer extension that sets ``optimizer.<attr>`` to ``init * gamma ** floor(t / step)``.

    ``t`` counts the calls (one per iteration by default).  With ``target``
    the value stops there: it never goes below it when ``gamma <= 1``, above
    it when ``gamma > 1``.

    Args:
        attr (str): the optimizer attribute to drive.
        gamma (float): the factor applied every ``step`` calls.
        step (int): how many calls between two changes; positive.
        init (float): the starting value; None reads the optimizer's value
            when training starts.
        target (float): the value the schedule stops at; None for no limit.
        optimizer (~kusari.Optimizer): the optimizer to drive; None for the
            updater's ``'main'`` optimizer.

    Example:
        >>> import kusari
        >>> from kusari.training.extensions.step_shift import StepShift
        >>> opt = kusari.optimizers.SGD(lr=0.1)
        >>> ext = StepShift('lr', gamma=0.1, step=2, optimizer=opt)
        >>> ext.initialize(None)
        >>> values = []
        >>> for _ in range(4):
        ...     ext(None); values.append(round(opt.lr, 6))
        >>> values
        [0.1, 0.01, 0.01, 0.001]
    """

    def __init__(self, attr, gamma, step, init=None, target=None, optimizer=None):
        super().__init__(attr, init, target, optimizer)
        _shift.check_number("StepShift", "gamma", gamma)
        if isinstance(step, bool) or not isinstance(step, numbers.Integral) or step <= 0:
            _shift.value_error("StepShift", "step", "a positive int", step)
        self._gamma = gamma
        self._step = step

    def _formula(self, t):
        return self._init * self._gamma ** (t // self._step)

    def _rises(self):
        return self._gamma > 1
