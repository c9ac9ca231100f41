"""ManualScheduleTrigger: fire at listed iterations or epochs (Chainer's semantics)."""
from __future__ import annotations

import numbers
import warnings

from kusari.training._util import fail_value

_UNITS = ("epoch", "iteration")


class ManualScheduleTrigger:
    """Trigger that fires when training passes one of the given points.

    A point ``p`` fires on the call where the updater's position (``iteration``
    or ``epoch_detail``) moves from below ``p`` to ``p`` or beyond, so
    fractional epochs fire on the first iteration that reaches them.

    Args:
        points (int, float or list of them): when to fire.
        unit (str): ``'iteration'`` or ``'epoch'``.

    Attributes:
        finished (bool): True once the last point has fired; the trainer uses
            it to skip re-initialising the extension after a resume.

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.training.triggers.manual_schedule_trigger import ManualScheduleTrigger
        >>> trigger = ManualScheduleTrigger([2, 4], 'iteration')
        >>> updater = SimpleNamespace(iteration=0, epoch_detail=0.0)
        >>> trainer = SimpleNamespace(updater=updater)
        >>> fired = []
        >>> for i in range(1, 6):
        ...     updater.iteration = i
        ...     fired.append(trigger(trainer))
        >>> fired, trigger.finished
        ([False, True, False, True, False], True)
    """

    def __init__(self, points, unit):
        func = "ManualScheduleTrigger"
        if unit not in _UNITS:
            fail_value(func, "unit", "'epoch' or 'iteration'", repr(unit))
        if isinstance(points, tuple):
            points = list(points)
        self.points = points if isinstance(points, list) else [points]
        if not self.points:
            fail_value(func, "points", "at least one point", "an empty list")
        for point in self.points:
            if not isinstance(point, numbers.Real) or isinstance(point, bool):
                fail_value(func, "points", "numbers (int or float)", f"{point!r} in {self.points!r}")
        self.unit = unit
        self.finished = False
        self._previous_iteration = 0
        self._previous_epoch_detail = 0.0
        # Set when a loaded snapshot lacked 'finished': recompute it on the next call.
        self._finished_is_tmp = False

    def __call__(self, trainer) -> bool:
        """Whether an extension on this trigger runs at the trainer's current position."""
        updater = trainer.updater
        if self.unit == "epoch":
            now = updater.epoch_detail
            previous = self._previous_epoch_detail
            if previous < 0:  # unknown after loading an old snapshot
                # None before the first iteration: nothing has passed yet.
                previous = updater.previous_epoch_detail or 0.0
        else:
            now = updater.iteration
            previous = self._previous_iteration
            if previous < 0:
                previous = now - 1
        fire = any(previous < point <= now for point in self.points)
        last = max(self.points)
        if self._finished_is_tmp:
            self._finished_is_tmp = False
            if now >= last:
                self.finished = True
        if fire and now >= last:
            self.finished = True

        self._previous_iteration = updater.iteration
        if hasattr(updater, "epoch_detail"):
            self._previous_epoch_detail = updater.epoch_detail
        return fire

    def serialize(self, serializer):
        """Save or load ``previous_iteration``, ``previous_epoch_detail`` and ``finished``.

        Keys missing from an older snapshot are guessed from the updater on
        the next call, with a warning (Chainer did the same).
        """
        try:
            self._previous_iteration = serializer("previous_iteration", self._previous_iteration)
        except KeyError:
            warnings.warn("ManualScheduleTrigger.serialize: 'previous_iteration' was not saved; "
                          "guessing it from the current iteration (correct only if the trigger "
                          "is called at every iteration)", stacklevel=2)
            self._previous_iteration = -1
        try:
            self._previous_epoch_detail = serializer("previous_epoch_detail",
                                                     self._previous_epoch_detail)
        except KeyError:
            warnings.warn("ManualScheduleTrigger.serialize: 'previous_epoch_detail' was not "
                          "saved; using updater.previous_epoch_detail (correct only if the "
                          "trigger is called at every iteration)", stacklevel=2)
            self._previous_epoch_detail = -1.0
        try:
            self.finished = serializer("finished", self.finished)
        except KeyError:
            warnings.warn("ManualScheduleTrigger.serialize: 'finished' was not saved; "
                          "recomputing it on the next call", stacklevel=2)
            self.finished = False
            self._finished_is_tmp = True
