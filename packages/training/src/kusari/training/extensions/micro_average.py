"""MicroAverage: the ratio of summed numerators to summed denominators over an interval."""
from __future__ import annotations

from kusari import reporter
from kusari.training._util import get_trigger
from kusari.training.extension import PRIORITY_EDITOR, Extension
from kusari.utils import type_check
from kusari.variable import Variable


def _unwrap(value):
    # A reported Variable (e.g. Classifier's accuracy) adds its array: summing
    # the Variables would chain a graph across the interval (and Chainer fails here).
    return value.array if isinstance(value, Variable) else value


class MicroAverage(Extension):
    """Trainer extension that reports ``sum(numerators) / sum(denominators)`` over an interval.

    Each call (every iteration by default) adds the observed
    ``numerator_key`` and ``denominator_key`` values to running sums, when
    both are in the observation.  When ``trigger`` fires the ratio is
    reported under ``result_key`` and the sums start again.  Reporting e.g.
    the number of correct predictions and the batch size gives the accuracy
    over the epoch, exact even when the last batch is smaller (a mean of
    per-batch accuracies is not).

    Args:
        numerator_key (str): observation key of the numerator (``'main/correct'``).
        denominator_key (str): observation key of the denominator (``'main/total'``).
        result_key (str): the key to report the ratio under.
        trigger: when to report and restart, ``(N, 'epoch')``,
            ``(N, 'iteration')`` or a trigger object (distinct from the
            extension's own trigger).

    Example:
        >>> from types import SimpleNamespace
        >>> import kusari
        >>> from kusari.training.extensions.micro_average import MicroAverage
        >>> ext = MicroAverage('correct', 'total', 'accuracy', trigger=(2, 'iteration'))
        >>> trainer = SimpleNamespace(updater=SimpleNamespace(iteration=1, epoch_detail=0.1))
        >>> trainer.observation = {'correct': 3, 'total': 4}
        >>> ext(trainer)
        >>> trainer.updater.iteration, trainer.updater.epoch_detail = 2, 0.2
        >>> trainer.observation = {'correct': 0, 'total': 1}
        >>> with kusari.Reporter().scope(trainer.observation):
        ...     ext(trainer)
        >>> trainer.observation['accuracy']
        0.6
    """

    priority = PRIORITY_EDITOR

    def __init__(self, numerator_key, denominator_key, result_key, trigger=(1, "epoch")):
        for arg, key in (("numerator_key", numerator_key), ("denominator_key", denominator_key),
                         ("result_key", result_key)):
            if not isinstance(key, str):
                type_check.fail("MicroAverage", arg, "a str (an observation key)", repr(key))
        self._trigger = get_trigger(trigger)
        self._numerator_key = numerator_key
        self._denominator_key = denominator_key
        self._result_key = result_key
        self._numerator = 0
        self._denominator = 0

    def __call__(self, trainer):
        observation = trainer.observation
        if self._numerator_key not in observation or self._denominator_key not in observation:
            return
        self._numerator += _unwrap(observation[self._numerator_key])
        self._denominator += _unwrap(observation[self._denominator_key])
        if self._trigger(trainer):
            result = float(self._numerator) / float(self._denominator)
            self._numerator = 0
            self._denominator = 0
            reporter.report({self._result_key: result})

    def serialize(self, serializer):
        # The sums may be 0-d arrays (reported array counts); keep whatever type comes back.
        self._numerator = serializer("_numerator", self._numerator)
        self._denominator = serializer("_denominator", self._denominator)
        # Not in Chainer's layout (its fresh trigger fires early after a resume); an
        # older snapshot without these keys loads with the trigger's own fallback.
        if hasattr(self._trigger, "serialize"):
            self._trigger.serialize(serializer["_trigger"])
