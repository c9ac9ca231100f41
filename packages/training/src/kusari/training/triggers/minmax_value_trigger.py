"""BestValueTrigger, MaxValueTrigger, MinValueTrigger: fire when a reported value improves."""
from __future__ import annotations

from kusari.reporter import DictSummary


def _get_trigger(trigger):
    from kusari.training._util import get_trigger

    return get_trigger(trigger)


class BestValueTrigger:
    """Trigger that fires when the mean of ``key`` over a check interval is a new best.

    Every call adds ``trainer.observation[key]`` (when present) to a running
    mean; when the interval ``trigger`` fires the mean is compared with the
    best so far by ``compare(best, new)`` and the running mean restarts.  The
    first completed interval always fires.

    Args:
        key (str): observation key, e.g. ``'validation/main/loss'``.
        compare (callable): ``compare(best, new)`` is True when ``new`` is better.
        trigger: the check interval: a trigger or an ``(N, 'epoch'|'iteration')`` tuple.

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.training.triggers.minmax_value_trigger import BestValueTrigger
        >>> trigger = BestValueTrigger('loss', lambda best, new: new < best, trigger=(1, 'iteration'))
        >>> trainer = SimpleNamespace(updater=SimpleNamespace(iteration=0, epoch_detail=0.0))
        >>> fired = []
        >>> for i, loss in enumerate([3.0, 2.0, 2.5, 1.0], start=1):
        ...     trainer.updater.iteration = i
        ...     trainer.observation = {'loss': loss}
        ...     fired.append(trigger(trainer))
        >>> fired
        [True, True, False, True]
    """

    def __init__(self, key, compare, trigger=(1, "epoch")):
        self._key = key
        self._best_value = None
        self._interval_trigger = _get_trigger(trigger)
        self._compare = compare
        self._init_summary()

    def __call__(self, trainer) -> bool:
        """Accumulate this iteration's value; at the end of an interval, True on a new best."""
        key = self._key
        observation = trainer.observation
        if key in observation:
            self._summary.add({key: observation[key]})
        if not self._interval_trigger(trainer):
            return False
        means = self._summary.compute_mean()
        if key not in means:
            raise KeyError(f"{type(self).__name__}: {key!r} was not reported during the check "
                           f"interval; the observation has {sorted(observation)}")
        value = float(means[key])  # to a host scalar (also copies off the GPU)
        self._init_summary()
        if self._best_value is None or self._compare(self._best_value, value):
            self._best_value = value
            return True
        return False

    def _init_summary(self):
        self._summary = DictSummary()

    def serialize(self, serializer):
        """Save or load ``interval_trigger/``, ``summary/`` and ``best_value`` (Chainer's keys)."""
        interval = self._interval_trigger
        if hasattr(interval, "serialize"):
            interval.serialize(serializer["interval_trigger"])
        self._summary.serialize(serializer["summary"])
        best = serializer("best_value", self._best_value)
        # Loading into None hands back the stored 0-d array.
        self._best_value = None if best is None else float(best)


class MaxValueTrigger(BestValueTrigger):
    """Trigger that fires when the interval mean of ``key`` reaches a new maximum.

    Args:
        key (str): observation key, e.g. ``'validation/main/accuracy'``.
        trigger: the check interval (default ``(1, 'epoch')``).

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.training.triggers.minmax_value_trigger import MaxValueTrigger
        >>> trigger = MaxValueTrigger('acc', trigger=(1, 'iteration'))
        >>> trainer = SimpleNamespace(updater=SimpleNamespace(iteration=0, epoch_detail=0.0))
        >>> fired = []
        >>> for i, acc in enumerate([0.5, 0.4, 0.7], start=1):
        ...     trainer.updater.iteration = i
        ...     trainer.observation = {'acc': acc}
        ...     fired.append(trigger(trainer))
        >>> fired
        [True, False, True]
    """

    def __init__(self, key, trigger=(1, "epoch")):
        super().__init__(key, _greater, trigger)


class MinValueTrigger(BestValueTrigger):
    """Trigger that fires when the interval mean of ``key`` reaches a new minimum.

    Args:
        key (str): observation key, e.g. ``'validation/main/loss'``.
        trigger: the check interval (default ``(1, 'epoch')``).

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.training.triggers.minmax_value_trigger import MinValueTrigger
        >>> trigger = MinValueTrigger('loss', trigger=(1, 'iteration'))
        >>> trainer = SimpleNamespace(updater=SimpleNamespace(iteration=0, epoch_detail=0.0))
        >>> fired = []
        >>> for i, loss in enumerate([0.5, 0.6, 0.1], start=1):
        ...     trainer.updater.iteration = i
        ...     trainer.observation = {'loss': loss}
        ...     fired.append(trigger(trainer))
        >>> fired
        [True, False, True]
    """

    def __init__(self, key, trigger=(1, "epoch")):
        super().__init__(key, _less, trigger)


# Module-level (not lambdas) so the triggers pickle, e.g. for a ProcessWriter.
def _greater(best, new):
    return new > best


def _less(best, new):
    return new < best
