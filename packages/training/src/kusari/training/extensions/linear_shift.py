"""LinearShift: move an optimizer attribute linearly from one value to another."""
from __future__ import annotations

from kusari.training.extensions import _shift
from kusari.utils import type_check


def _check_pair(arg, value):
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        type_check.fail("LinearShift", arg, "a pair (start, end)", repr(value))
    for v in value:
        _shift.check_number("LinearShift", arg, v)


class LinearShift(_shift.ShiftExtension):
    """Trainer extension that moves ``optimizer.<attr>`` linearly from ``v1`` to ``v2``.

    With ``value_range=(v1, v2)`` and ``time_range=(t1, t2)``, after ``t``
    calls the value is ``v1`` while ``t <= t1``, ``v2`` once ``t >= t2``, and
    ``v1 + (t - t1) / (t2 - t1) * (v2 - v1)`` in between.  ``initialize`` sets
    ``v1`` (or, after a resume, the value the interrupted run had).

    Args:
        attr (str): the optimizer attribute to drive.
        value_range (tuple of float): ``(v1, v2)``.
        time_range (tuple of int): ``(t1, t2)``, in calls (iterations by default).
        optimizer (~kusari.Optimizer): the optimizer to drive; None for the
            updater's ``'main'`` optimizer.

    Example:
        >>> import kusari
        >>> from kusari.training.extensions.linear_shift import LinearShift
        >>> opt = kusari.optimizers.SGD()
        >>> ext = LinearShift('lr', (0.0, 1.0), (1, 3), optimizer=opt)
        >>> ext.initialize(None); opt.lr
        0.0
        >>> values = []
        >>> for _ in range(4):
        ...     ext(None); values.append(opt.lr)
        >>> values
        [0.0, 0.5, 1.0, 1.0]
    """

    def __init__(self, attr, value_range, time_range, optimizer=None):
        super().__init__(attr, optimizer)
        _check_pair("value_range", value_range)
        _check_pair("time_range", time_range)
        self._value_range = value_range
        self._time_range = time_range

    def initialize(self, trainer):
        # Unlike the other shifts the start is v1, never the optimizer's value.
        self._init = self._value_at(self._t)
        super().initialize(trainer)

    def _value_at(self, t):
        t1, t2 = self._time_range
        v1, v2 = self._value_range
        if t <= t1:
            return v1
        if t >= t2:
            return v2
        return v1 + (t - t1) / (t2 - t1) * (v2 - v1)
