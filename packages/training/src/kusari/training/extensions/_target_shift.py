"""What the closed-form shifts with ``init`` and ``target`` share.

ExponentialShift, InverseShift, PolynomialShift and StepShift all take
``(attr, <schedule args>, init=None, target=None, optimizer=None)``: the
value after ``t`` calls is a formula in ``init`` and ``t``, stopped at
``target``.  Only the formula and the direction it moves in differ.
"""
from __future__ import annotations

from kusari.training.extensions import _shift


class TargetShift(_shift.ShiftExtension):
    """A :class:`~._shift.ShiftExtension` whose value follows ``_formula(t)`` until it meets ``target``.

    Subclasses implement ``_formula(t)`` (the value after ``t`` calls, from
    ``self._init``) and ``_rises()`` (whether the value grows, so that
    ``target`` is an upper limit rather than a lower one).
    """

    def __init__(self, attr, init, target, optimizer):
        super().__init__(attr, optimizer)
        name = type(self).__name__
        _shift.check_number(name, "init", init, allow_none=True)
        _shift.check_number(name, "target", target, allow_none=True)
        self._init = init
        self._target = target

    def _value_at(self, t):
        return _shift.clip_to_target(self._formula(t), self._target, increasing=self._rises())

    def _formula(self, t):
        raise NotImplementedError

    def _rises(self) -> bool:
        raise NotImplementedError
