"""MultistepShift: multiply an optimizer attribute by ``gamma`` at given call counts."""
from __future__ import annotations

from kusari.training.extension import Extension
from kusari.training.extensions import _shift
from kusari.utils import type_check


class MultistepShift(Extension):
    """Trainer extension that sets ``optimizer.<attr>`` to ``init * gamma ** k``.

    ``k`` is how many of the milestones in ``step_value`` the call counter
    ``t`` (one per iteration by default) has reached, one milestone per call
    at most, as in Chainer.  Snapshots keep ``_t`` and ``_current_step``;
    ``initialize`` after a resume sets the value the interrupted run had
    (Chainer sets ``init`` there until the next call).

    Args:
        attr (str): the optimizer attribute to drive.
        gamma (float): the factor applied at each milestone.
        step_value (sequence of int): the milestones, ascending.
        init (float): the starting value; None reads the optimizer's value
            when training starts.
        optimizer (~kusari.Optimizer): the optimizer to drive; None for the
            updater's ``'main'`` optimizer.

    Example:
        >>> import kusari
        >>> from kusari.training.extensions.multistep_shift import MultistepShift
        >>> opt = kusari.optimizers.SGD()
        >>> ext = MultistepShift('lr', 0.1, [2, 4], init=1.0, optimizer=opt)
        >>> ext.initialize(None)
        >>> values = []
        >>> for _ in range(5):
        ...     ext(None); values.append(round(opt.lr, 6))
        >>> values
        [1.0, 0.1, 0.1, 0.01, 0.01]
    """

    def __init__(self, attr, gamma, step_value, init, optimizer=None):
        _shift.check_attr("MultistepShift", attr)
        _shift.check_number("MultistepShift", "gamma", gamma)
        try:
            step_value = list(step_value)
        except TypeError:
            type_check.fail("MultistepShift", "step_value", "a sequence of ints", repr(step_value))
        _shift.check_number("MultistepShift", "init", init, allow_none=True)
        self._attr = attr
        self._gamma = gamma
        self._step_value = step_value
        self._init = init
        self._optimizer = optimizer
        self._stepvalue_size = len(step_value)
        self._current_step = 0
        self._t = 0

    def initialize(self, trainer):
        optimizer = self._get_optimizer(trainer)
        if self._init is None:
            self._init = getattr(optimizer, self._attr)
        setattr(optimizer, self._attr, self._value())

    def __call__(self, trainer):
        self._t += 1
        if self._current_step < self._stepvalue_size and self._t >= self._step_value[self._current_step]:
            self._current_step += 1
        setattr(self._get_optimizer(trainer), self._attr, self._value())

    def serialize(self, serializer):
        self._t = _shift.as_python_number(serializer("_t", self._t))
        self._current_step = _shift.as_python_number(serializer("_current_step", self._current_step))

    def _value(self):
        if self._current_step == 0:
            return self._init  # exactly what was given, not init * 1.0
        return self._init * self._gamma ** self._current_step

    def _get_optimizer(self, trainer):
        return self._optimizer or trainer.updater.get_optimizer("main")
