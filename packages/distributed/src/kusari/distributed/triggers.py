"""``MultiNodeEarlyStoppingTrigger``: early stopping that every process decides alike."""
from __future__ import annotations

import warnings

import numpy

from kusari.distributed.extensions import ObservationAggregator
from kusari.training.triggers.early_stopping_trigger import EarlyStoppingTrigger


class MultiNodeEarlyStoppingTrigger:
    """EarlyStoppingTrigger on the mean of ``monitor`` over all processes.

    Each call records the local value of ``monitor``; at every
    ``check_trigger`` the values of all processes are averaged (an
    :class:`~kusari.distributed.ObservationAggregator` writing
    ``monitor + suffix``) and a plain
    :class:`~kusari.training.triggers.EarlyStoppingTrigger` watches that
    mean, so all processes stop at the same iteration.

    Args:
        comm: a kusari communicator.
        check_trigger, monitor, patience, mode, verbose, max_trigger: as
            for ``EarlyStoppingTrigger`` (``patients`` is accepted as alias).
        suffix (str): appended to ``monitor`` for the aggregated key.

    Example (run under ``mpiexec``; not executed here)::

        stop = kusari.distributed.MultiNodeEarlyStoppingTrigger(
            comm, monitor='validation/main/loss', patience=2)
        trainer = training.Trainer(updater, stop)

    >>> from kusari.distributed.triggers import MultiNodeEarlyStoppingTrigger
    >>> MultiNodeEarlyStoppingTrigger(None, max_trigger=(7, 'epoch')).get_training_length()
    (7, 'epoch')
    """

    def __init__(self, comm, *, check_trigger=(1, "epoch"), monitor="main/loss", patience=None, mode="auto",
                 verbose=False, max_trigger=(100, "epoch"), suffix="_aggregated", **kwargs):
        aggregated = monitor + suffix
        self.actual_trigger = EarlyStoppingTrigger(check_trigger=check_trigger, monitor=aggregated,
                                                   patience=patience, mode=mode, verbose=verbose,
                                                   max_trigger=max_trigger, **kwargs)
        self.aggregator = ObservationAggregator(comm, monitor, aggregated_key=aggregated,
                                                comm_trigger=check_trigger)

    def __call__(self, trainer):
        self.aggregator(trainer)
        return self.actual_trigger(trainer)

    def get_training_length(self):
        """The ``max_trigger`` bound, for progress displays."""
        return self.actual_trigger.get_training_length()

    def serialize(self, serializer):
        """Save or load the state under ``actual_trigger/`` and ``aggregator/``.

        ``actual_trigger/`` is the wrapped EarlyStoppingTrigger's (best value,
        count, running mean, check and max triggers); ``aggregator/`` holds
        the ``comm_trigger`` state and the local values not yet averaged
        (``history``), so a resumed run makes the same decisions.  Chainer 7
        did not serialize this trigger: loading a snapshot without these keys
        keeps the fresh state, with a warning.

        Example:
            >>> import numpy as np
            >>> from kusari.serializers import DictionarySerializer, NpzDeserializer
            >>> from kusari.distributed.triggers import MultiNodeEarlyStoppingTrigger
            >>> saved = MultiNodeEarlyStoppingTrigger(None, patience=2)
            >>> saved.actual_trigger.count = 1
            >>> saved.aggregator.observation_history = [0.5, 0.25]
            >>> s = DictionarySerializer(); saved.serialize(s)
            >>> fresh = MultiNodeEarlyStoppingTrigger(None, patience=2)
            >>> fresh.serialize(NpzDeserializer(s.target))
            >>> fresh.actual_trigger.count, fresh.aggregator.observation_history
            (1, [0.5, 0.25])
        """
        from kusari.serializer import Serializer

        self.actual_trigger.serialize(serializer["actual_trigger"])
        aggregator = self.aggregator
        if hasattr(aggregator.comm_trigger, "serialize"):
            aggregator.comm_trigger.serialize(serializer["aggregator"]["comm_trigger"])
        if isinstance(serializer, Serializer):
            history = numpy.asarray([float(v) for v in aggregator.observation_history], dtype=numpy.float64)
            serializer["aggregator"]("history", history)
            return
        try:
            history = serializer["aggregator"]("history", None)
        except KeyError:
            warnings.warn("MultiNodeEarlyStoppingTrigger.serialize: the values not yet averaged were not "
                          "saved; starting them afresh", stacklevel=2)
            return
        if history is not None:
            aggregator.observation_history = [float(v) for v in numpy.asarray(history).ravel()]

    def _stop_condition(self):
        return self.actual_trigger._stop_condition()

    def _init_summary(self):
        return self.actual_trigger._init_summary()
