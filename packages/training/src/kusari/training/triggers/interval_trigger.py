"""IntervalTrigger: fire every ``period`` iterations or epochs."""
from __future__ import annotations

import numbers
import warnings

from kusari.training._util import fail_value

__all__ = ["IntervalTrigger"]

_UNITS = ("epoch", "iteration")


class IntervalTrigger:
    """Fire each time the updater crosses a multiple of ``period`` iterations or epochs.

    With unit ``'epoch'`` the period may be fractional; the trigger compares
    the updater's ``epoch_detail`` now and at its previous call, so it fires
    once per crossed boundary even when an epoch ends mid-batch.

    Args:
        period (int or float): interval length (> 0).
        unit (str): ``'iteration'`` or ``'epoch'``.

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.training.triggers.interval_trigger import IntervalTrigger
        >>> t = IntervalTrigger(2, 'iteration')
        >>> trainer = SimpleNamespace(updater=SimpleNamespace(iteration=0, epoch_detail=0.0))
        >>> fired = []
        >>> for i in range(1, 6):
        ...     trainer.updater.iteration = i
        ...     fired.append(t(trainer))
        >>> fired
        [False, True, False, True, False]
    """

    def __init__(self, period, unit):
        if unit not in _UNITS:
            fail_value("IntervalTrigger", "unit", "'epoch' or 'iteration'", repr(unit))
        if (isinstance(period, bool) or not isinstance(period, numbers.Real)
                or not period > 0):
            fail_value("IntervalTrigger", "period", "a positive number", repr(period))
        self.period = period
        self.unit = unit
        self._previous_iteration = 0
        self._previous_epoch_detail = 0.0
        #: Number of whole periods elapsed at the last call (epoch unit only, as Chainer).
        self.count = 0

    def __call__(self, trainer) -> bool:
        """Whether the extension guarded by this trigger runs at this iteration.

        Example:
            >>> from types import SimpleNamespace
            >>> from kusari.training.triggers.interval_trigger import IntervalTrigger
            >>> t = IntervalTrigger(0.5, 'epoch')
            >>> up = SimpleNamespace(iteration=1, epoch_detail=0.6)
            >>> t(SimpleNamespace(updater=up))
            True
        """
        updater = trainer.updater
        if self.unit == "epoch":
            now = updater.epoch_detail
            before = self._previous_epoch_detail
            if before < 0:
                # Restored from a snapshot without the key: use the updater's own record.
                before = updater.previous_epoch_detail or 0.0
            self.count = now // self.period
            fire = before // self.period != now // self.period
        else:
            now = updater.iteration
            before = self._previous_iteration
            if before < 0:
                before = now - 1
            fire = before // self.period != now // self.period
        self._previous_iteration = updater.iteration
        if hasattr(updater, "epoch_detail"):
            self._previous_epoch_detail = updater.epoch_detail
        return bool(fire)

    def serialize(self, serializer) -> None:
        """Save/load ``previous_iteration`` and ``previous_epoch_detail``.

        A snapshot without them (older format) loads with a warning, and the
        trigger then falls back to the updater's previous iteration/epoch.

        Example:
            >>> from kusari.serializers import DictionarySerializer
            >>> from kusari.training.triggers.interval_trigger import IntervalTrigger
            >>> s = DictionarySerializer()
            >>> IntervalTrigger(1, 'epoch').serialize(s)
            >>> sorted(s.target)
            ['previous_epoch_detail', 'previous_iteration']
        """
        try:
            self._previous_iteration = serializer("previous_iteration", self._previous_iteration)
        except KeyError:
            warnings.warn("IntervalTrigger: the snapshot has no previous_iteration; it is "
                          "guessed as the current iteration - 1", stacklevel=2)
            self._previous_iteration = -1
        try:
            self._previous_epoch_detail = serializer("previous_epoch_detail",
                                                     self._previous_epoch_detail)
        except KeyError:
            warnings.warn("IntervalTrigger: the snapshot has no previous_epoch_detail; the "
                          "updater's previous_epoch_detail is used instead", stacklevel=2)
            self._previous_epoch_detail = -1.0

    def get_training_length(self):
        """``(period, unit)``: the training length when this is a stop trigger.

        Example:
            >>> from kusari.training.triggers.interval_trigger import IntervalTrigger
            >>> IntervalTrigger(20, 'epoch').get_training_length()
            (20, 'epoch')
        """
        return self.period, self.unit

    def __str__(self) -> str:
        return f"{type(self).__name__}({self.period}, {self.unit!r})"

    __repr__ = __str__
