"""WarmupShift: ramp an optimizer attribute linearly from a start value to ``init``."""
from __future__ import annotations

import numbers

from kusari.training.extension import Extension
from kusari.training.extensions import _shift


class WarmupShift(Extension):
    """Trainer extension that ramps ``optimizer.<attr>`` from ``warmup_start`` to ``init``.

    After ``t`` calls (one per iteration by default), for ``t <= warmup_iter``
    the value is ``(t * init + (warmup_iter - t) * warmup_start) / warmup_iter``;
    after that the extension leaves the attribute alone (another shift may
    take over).  Snapshots keep ``_t``.  ``initialize`` after a resume sets
    the value the warm-up had reached (Chainer resets it to ``warmup_start``);
    when another shift drives the same attribute after the warm-up, register
    it after this one so that its ``initialize`` runs last.

    Args:
        attr (str): the optimizer attribute to drive.
        warmup_start (float): the value at the start; None reads the
            optimizer's value when training starts.
        warmup_iter (int): the length of the warm-up, in calls; positive.
        init (float): the value reached at the end of the warm-up; None
            reads the optimizer's value when training starts (Chainer
            requires it).
        optimizer (~kusari.Optimizer): the optimizer to drive; None for the
            updater's ``'main'`` optimizer.

    Example:
        >>> import kusari
        >>> from kusari.training.extensions.warmup_shift import WarmupShift
        >>> opt = kusari.optimizers.SGD()
        >>> ext = WarmupShift('lr', 0.0, 4, init=0.1, optimizer=opt)
        >>> ext.initialize(None); opt.lr
        0.0
        >>> values = []
        >>> for _ in range(5):
        ...     ext(None); values.append(round(opt.lr, 6))
        >>> values
        [0.025, 0.05, 0.075, 0.1, 0.1]
    """

    def __init__(self, attr, warmup_start, warmup_iter, init=None, optimizer=None):
        _shift.check_attr("WarmupShift", attr)
        _shift.check_number("WarmupShift", "warmup_start", warmup_start, allow_none=True)
        if isinstance(warmup_iter, bool) or not isinstance(warmup_iter, numbers.Integral) or warmup_iter <= 0:
            _shift.value_error("WarmupShift", "warmup_iter", "a positive int", warmup_iter)
        _shift.check_number("WarmupShift", "init", init, allow_none=True)
        self._attr = attr
        self._warmup_start = warmup_start
        self._warmup_iter = warmup_iter
        self._init = init
        self._optimizer = optimizer
        self._t = 0

    def initialize(self, trainer):
        optimizer = self._get_optimizer(trainer)
        current = getattr(optimizer, self._attr)
        if self._init is None:
            self._init = current
        if self._warmup_start is None:
            self._warmup_start = current
        # After a resume past the warm-up this puts back the value it ended with.
        setattr(optimizer, self._attr, self._value_at(min(self._t, self._warmup_iter)))

    def __call__(self, trainer):
        self._t += 1
        if self._t <= self._warmup_iter:
            setattr(self._get_optimizer(trainer), self._attr, self._value_at(self._t))

    def serialize(self, serializer):
        self._t = _shift.as_python_number(serializer("_t", self._t))

    def _value_at(self, t):
        if t == 0:
            return self._warmup_start  # exactly what was given
        return (t * self._init + (self._warmup_iter - t) * self._warmup_start) / self._warmup_iter

    def _get_optimizer(self, trainer):
        return self._optimizer or trainer.updater.get_optimizer("main")
