"""What the hyperparameter-shift extensions (ExponentialShift, StepShift, ...) share.

Each shift owns one optimizer attribute (``'lr'``, ``'alpha'``, ``'momentum'``)
and a step counter ``_t`` that grows by one per call.  Most also remember the
last value they set (``_last_value``) so that ``initialize`` after a resume
puts back exactly what the interrupted run had; both go into snapshots under
Chainer's key names.
"""
from __future__ import annotations

import numbers

import numpy

from kusari.training._util import fail_value
from kusari.training.extension import Extension
from kusari.utils import type_check


def check_attr(name: str, attr) -> None:
    if not isinstance(attr, str):
        type_check.fail(name, "attr", "a str naming an optimizer attribute (e.g. 'lr')", repr(attr))


def check_number(name: str, arg: str, value, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        type_check.fail(name, arg, "a real number" + (" or None" if allow_none else ""), repr(value))


def value_error(name: str, arg: str, expected: str, got) -> None:
    # Both a ValueError (what Chainer raises for these) and an InvalidType.
    fail_value(name, arg, expected, repr(got))


def clip_to_target(value, target, increasing: bool):
    """Stop a schedule at ``target``: never above it when ``increasing``, never below otherwise."""
    if target is None:
        return value
    if increasing:
        return target if value > target else value
    return target if value < target else value


def as_python_number(value):
    # A 0-d array read back from a snapshot becomes the float/int it was.
    if isinstance(value, numpy.ndarray):
        return value.item()
    return value


class ShiftExtension(Extension):
    """Base for the shifts that drive ``optimizer.<attr>`` and store ``_t`` and ``_last_value``.

    Subclasses set ``self._init`` (None: read the optimizer's value at
    ``initialize``) and implement ``_value_at(t)``, the value after ``t``
    calls.
    """

    def __init__(self, attr, optimizer=None):
        check_attr(type(self).__name__, attr)
        self._attr = attr
        self._optimizer = optimizer
        self._init = None
        self._t = 0
        self._last_value = None

    def initialize(self, trainer):
        optimizer = self._get_optimizer(trainer)
        if self._init is None:
            self._init = getattr(optimizer, self._attr)
        if self._last_value is not None:  # resumed from a snapshot
            self._update_value(optimizer, self._last_value)
        else:
            self._update_value(optimizer, self._first_value())

    def __call__(self, trainer):
        self._t += 1
        self._update_value(self._get_optimizer(trainer), self._value_at(self._t))

    def serialize(self, serializer):
        self._t = as_python_number(serializer("_t", self._t))
        self._last_value = as_python_number(serializer("_last_value", self._last_value))

    def _first_value(self):
        return self._init

    def _value_at(self, t):
        raise NotImplementedError

    def _get_optimizer(self, trainer):
        return self._optimizer or trainer.updater.get_optimizer("main")

    def _update_value(self, optimizer, value):
        setattr(optimizer, self._attr, value)
        self._last_value = value
