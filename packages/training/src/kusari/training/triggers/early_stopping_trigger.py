"""EarlyStoppingTrigger: stop training when a monitored value stops improving."""
from __future__ import annotations

import operator
import warnings

from kusari.reporter import DictSummary
from kusari.training._util import fail_value

_MODES = ("auto", "min", "max")


def _get_trigger(trigger):
    from kusari.training._util import get_trigger

    return get_trigger(trigger)


class EarlyStoppingTrigger:
    """Stop trigger that fires after ``patience`` checks without improvement, or at ``max_trigger``.

    Every call adds ``trainer.observation[monitor]`` (when present) to a
    running mean.  When ``check_trigger`` fires, the mean is compared with
    the best so far: a strict improvement resets the count, anything else
    increments it, and the trigger fires once the count reaches
    ``patience``.  It also fires whenever ``max_trigger`` does.

    Args:
        check_trigger: the check interval: a trigger or ``(N, 'epoch'|'iteration')``.
        monitor (str): observation key to watch.
        patience (int): checks without improvement before stopping (default 3).
            ``patients`` is accepted as an alias, as in Chainer.
        mode (str): ``'min'``, ``'max'`` or ``'auto'`` (``'max'`` when the
            key contains ``'accuracy'``, otherwise ``'min'``).
        verbose (bool): print the comparison mode and the stopping epoch.
        max_trigger: upper bound of training, e.g. ``(100, 'epoch')``.

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.training.triggers.early_stopping_trigger import EarlyStoppingTrigger
        >>> trigger = EarlyStoppingTrigger(check_trigger=(1, 'iteration'), monitor='loss',
        ...                                patience=2, max_trigger=(100, 'iteration'))
        >>> updater = SimpleNamespace(iteration=0, epoch=0, epoch_detail=0.0)
        >>> trainer = SimpleNamespace(updater=updater)
        >>> fired = []
        >>> for i, loss in enumerate([1.0, 0.5, 0.7, 0.6], start=1):
        ...     updater.iteration = i
        ...     trainer.observation = {'loss': loss}
        ...     fired.append(trigger(trainer))
        >>> fired
        [False, False, False, True]
    """

    def __init__(self, check_trigger=(1, "epoch"), monitor="main/loss", patience=None,
                 mode="auto", verbose=False, max_trigger=(100, "epoch"), *, patients=None):
        if patients is not None:
            if patience is not None:
                raise TypeError("EarlyStoppingTrigger: both 'patience' and 'patients' were given; "
                                "'patients' is an old alias of 'patience', give only 'patience'")
            patience = patients
        if patience is None:
            patience = 3
        if mode not in _MODES:
            fail_value("EarlyStoppingTrigger", "mode", "'auto', 'min' or 'max'", repr(mode))
        self.count = 0
        self.patience = patience
        self.monitor = monitor
        self.verbose = verbose
        self.already_warning = False
        self._max_trigger = _get_trigger(max_trigger)
        self._interval_trigger = _get_trigger(check_trigger)
        self._init_summary()

        if mode == "max" or (mode == "auto" and "accuracy" in monitor):
            self._compare = operator.gt
            self.best = float("-inf")
        else:
            self._compare = operator.lt
            self.best = float("inf")
        if verbose:
            print("early stopping: operator is "
                  + ("greater" if self._compare is operator.gt else "less"))

    def __call__(self, trainer) -> bool:
        """True when training should stop now."""
        observation = trainer.observation
        if self.monitor in observation:
            self._summary.add({self.monitor: observation[self.monitor]})
        if self._max_trigger(trainer):
            return True
        if not self._interval_trigger(trainer):
            return False
        if self.monitor not in observation:
            # Chainer warns and keeps accumulating until a check sees the key.
            warnings.warn(f"EarlyStoppingTrigger: {self.monitor!r} is not in the observation",
                          stacklevel=2)
            return False
        current = float(self._summary.compute_mean()[self.monitor])
        self._init_summary()
        if self._compare(current, self.best):
            self.best = current
            self.count = 0
        else:
            self.count += 1
        if self._stop_condition():
            if self.verbose:
                print(f"Epoch {trainer.updater.epoch}: early stopping")
            return True
        return False

    def _stop_condition(self) -> bool:
        return self.count >= self.patience

    def _init_summary(self):
        self._summary = DictSummary()

    def get_training_length(self):
        """The ``(length, unit)`` of ``max_trigger`` (what ProgressBar shows)."""
        return self._max_trigger.get_training_length()

    def serialize(self, serializer):
        """Save or load ``interval_trigger/``, ``max_trigger/``, ``summary/``, ``best`` and ``count``.

        Chainer 7 did not serialize this trigger, so a Chainer snapshot has
        none of these keys: loading one keeps the fresh state, with a warning.
        """
        for name, trigger in (("interval_trigger", self._interval_trigger),
                              ("max_trigger", self._max_trigger)):
            if hasattr(trigger, "serialize"):
                trigger.serialize(serializer[name])
        self._summary.serialize(serializer["summary"])
        try:
            self.best = float(serializer("best", float(self.best)))
            self.count = int(serializer("count", int(self.count)))
        except KeyError:
            warnings.warn("EarlyStoppingTrigger.serialize: the best value and count were not "
                          "saved (a Chainer snapshot); starting them afresh", stacklevel=2)
