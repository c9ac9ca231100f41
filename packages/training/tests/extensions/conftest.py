"""Shared helpers for the optimizer-attribute shift extensions' tests.

The tests take the session-scoped ``shift_runs`` fixture (hypothesis @given
tests cannot take function-scoped ones): the helpers keep no state.
"""
import io
from types import SimpleNamespace

import pytest

from kusari.serializers import npz


class ShiftRuns:
    """Drives a shift extension the way a Trainer would, without a Trainer."""

    @staticmethod
    def trainer(optimizer):
        # Only what the shift extensions read: updater.get_optimizer('main').
        return SimpleNamespace(updater=SimpleNamespace(get_optimizer={"main": optimizer}.__getitem__))

    def run(self, ext, optimizer, n, attr="lr"):
        """The attribute's value after each of n calls of ext."""
        trainer = self.trainer(optimizer)
        values = []
        for _ in range(n):
            ext(trainer)
            values.append(getattr(optimizer, attr))
        return values

    def resumed_run(self, make_ext, make_opt, k, n, attr="lr"):
        """Values of n calls when the run is saved after k calls and continued in fresh objects."""
        opt = make_opt()
        ext = make_ext()
        ext.initialize(self.trainer(opt))
        first = self.run(ext, opt, k, attr)
        buf = io.BytesIO()
        npz.save_npz(buf, ext)
        buf.seek(0)
        opt2, ext2 = make_opt(), make_ext()
        npz.load_npz(buf, ext2)
        ext2.initialize(self.trainer(opt2))
        assert getattr(opt2, attr) == getattr(opt, attr)  # initialize restores the value exactly
        return first + self.run(ext2, opt2, n - k, attr)

    def full_run(self, make_ext, make_opt, n, attr="lr"):
        """Values of n calls of a fresh, initialized extension."""
        opt, ext = make_opt(), make_ext()
        ext.initialize(self.trainer(opt))
        return self.run(ext, opt, n, attr)


@pytest.fixture(scope="session")
def shift_runs():
    return ShiftRuns()
