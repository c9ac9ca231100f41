"""Trigger helpers shared by the trainer and the extensions (Chainer's ``training.util``)."""
from __future__ import annotations

from kusari.utils.type_check import InvalidType

__all__ = ["get_trigger", "InvalidTrainingValue"]


class InvalidTrainingValue(InvalidType, ValueError):
    """A bad argument value in kusari.training (Chainer raised ``ValueError`` there).

    Example:
        >>> from kusari.training._util import InvalidTrainingValue
        >>> issubclass(InvalidTrainingValue, ValueError) and issubclass(InvalidTrainingValue, TypeError)
        True
    """


def fail_value(func: str, arg: str, expected: str, actual: str):
    """Raise :class:`InvalidTrainingValue` in the house message format.

    Example:
        >>> from kusari.training._util import fail_value
        >>> fail_value('f', 'x', 'a positive number', '-1')
        Traceback (most recent call last):
        ...
        kusari.training._util.InvalidTrainingValue: f: argument 'x' expected a positive number, got -1
    """
    raise InvalidTrainingValue(f"{func}: argument {arg!r} expected {expected}, got {actual}",
                               expected, actual)


def _never_fire_trigger(trainer) -> bool:
    return False


def get_trigger(trigger):
    """Turn a trigger spec into a callable ``trigger(trainer) -> bool``.

    A callable is returned as is; None gives a trigger that never fires; a
    tuple ``(period, unit)`` with unit ``'epoch'`` or ``'iteration'`` gives an
    :class:`~kusari.training.triggers.interval_trigger.IntervalTrigger`.

    Example:
        >>> from kusari.training._util import get_trigger
        >>> get_trigger((2, 'epoch'))
        IntervalTrigger(2, 'epoch')
        >>> get_trigger(None)(trainer=None)
        False
    """
    if callable(trigger):
        return trigger
    if trigger is None:
        return _never_fire_trigger
    if not isinstance(trigger, (tuple, list)) or len(trigger) != 2:
        from kusari.utils.type_check import fail
        fail("get_trigger", "trigger", "a callable, None or a (period, 'epoch'|'iteration') tuple",
             repr(trigger))
    from kusari.training.triggers.interval_trigger import IntervalTrigger
    return IntervalTrigger(*trigger)
