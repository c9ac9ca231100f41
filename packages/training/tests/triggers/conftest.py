"""Shared helpers for the trigger tests: a fake trainer and a small real one.

The tests take the session-scoped ``trigger_runs`` fixture (hypothesis @given
tests cannot take function-scoped ones): the helpers keep no state.
"""
import pytest


class FakeUpdater:
    """What a StandardUpdater over a repeating SerialIterator reports (no shuffle)."""

    def __init__(self, n, batch_size):
        self.n, self.batch_size, self.iteration = n, batch_size, 0

    def _detail(self, i):
        seen = i * self.batch_size
        return seen // self.n + (seen % self.n) / self.n

    @property
    def epoch(self):
        return self.iteration * self.batch_size // self.n

    @property
    def epoch_detail(self):
        return self._detail(self.iteration)

    @property
    def previous_epoch_detail(self):
        return None if self.iteration == 0 else self._detail(self.iteration - 1)

    @property
    def is_new_epoch(self):
        b, n, i = self.batch_size, self.n, self.iteration
        return i > 0 and i * b // n != (i - 1) * b // n


class FakeTrainer:
    def __init__(self, n, batch_size):
        self.updater = FakeUpdater(n, batch_size)
        self.observation = {}

    def step(self):
        self.updater.iteration += 1


class TriggerRuns:
    """Drives triggers on a fake trainer, and builds a real one for end-to-end checks."""

    fake_trainer = FakeTrainer

    @staticmethod
    def firing_iterations(trigger, trainer, iterations):
        """Steps the fake trainer `iterations` times; the iterations where trigger fired."""
        fired = []
        for _ in range(iterations):
            trainer.step()
            if trigger(trainer):
                fired.append(trainer.updater.iteration)
        return fired

    @staticmethod
    def real_trainer(n, batch_size, stop, tmp_path):
        """A real Trainer: linear classifier, n examples read batch_size at a time (no shuffle)."""
        import numpy as np

        import kusari
        import kusari.links as L
        from kusari.iterators import SerialIterator
        from kusari.training.trainer import Trainer
        from kusari.training.updaters.standard_updater import StandardUpdater

        data = [(np.full(2, i, np.float32), np.int32(i % 2)) for i in range(n)]
        optimizer = kusari.optimizers.SGD(lr=0.01)
        optimizer.setup(L.Classifier(L.Linear(2, 2)))
        updater = StandardUpdater(SerialIterator(data, batch_size, shuffle=False), optimizer)
        return Trainer(updater, stop, out=str(tmp_path))

    @staticmethod
    def record_iterations(trainer, trigger, name="record", priority=None):
        """Extends trainer with a recorder; the list fills with the iterations it ran at."""
        fired = []
        trainer.extend(lambda t: fired.append(t.updater.iteration), name=name, trigger=trigger,
                       priority=priority)
        return fired


@pytest.fixture(scope="session")
def trigger_runs():
    return TriggerRuns()
