"""TimeTrigger: fire every ``period`` seconds of training time."""
from __future__ import annotations

import numbers

from kusari.training._util import fail_value


class TimeTrigger:
    """Trigger that fires once each time ``trainer.elapsed_time`` passes a multiple of ``period``.

    The first firing is on the first call after ``period`` seconds; the next
    deadline is then one ``period`` later (not ``period`` after the call), so
    a slow iteration does not shift later firings.

    Args:
        period (float): interval in seconds.

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.training.triggers.time_trigger import TimeTrigger
        >>> trigger = TimeTrigger(10)
        >>> [trigger(SimpleNamespace(elapsed_time=t)) for t in (5, 11, 15, 21, 35)]
        [False, True, False, True, True]
    """

    def __init__(self, period):
        if (not isinstance(period, numbers.Real) or isinstance(period, bool)
                or not period > 0):
            fail_value("TimeTrigger", "period", "a positive number of seconds", repr(period))
        self._period = period
        self._next_time = float(period)

    def __call__(self, trainer) -> bool:
        """True if the elapsed time has passed the next deadline."""
        if self._next_time < trainer.elapsed_time:
            self._next_time += self._period
            return True
        return False

    def serialize(self, serializer):
        """Save or load the next deadline under Chainer's key ``next_time``."""
        self._next_time = serializer("next_time", self._next_time)
