"""``MultiNodeEarlyStoppingTrigger``: early stopping that every process decides alike."""
from __future__ import annotations

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

    def _stop_condition(self):
        return self.actual_trigger._stop_condition()

    def _init_summary(self):
        return self.actual_trigger._init_summary()
