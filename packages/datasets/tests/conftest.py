"""Helpers shared by the MultiprocessIterator and MultithreadIterator tests.

Test folders have no __init__.py and pytest runs with --import-mode=importlib,
so sibling test modules cannot import each other: the shared code is handed
out by the session-scoped fixture ``iterators`` (hypothesis @given tests may
use it, since it is not function-scoped).

Both iterators must behave exactly like ``SerialIterator``; the helpers build
equivalent iterators of each class and record what they do step by step.
"""
import io
import types

import numpy as np
import pytest

from kusari import serializers
from kusari.iterators import ShuffleOrderSampler


def make(cls, n, batch_size, repeat=True, shuffle=True, seed=0, **kwargs):
    """An iterator of class ``cls`` over ``range(n)``; shuffled by a sampler seeded with ``seed``."""
    sampler = ShuffleOrderSampler(np.random.RandomState(seed)) if shuffle else None
    return cls(list(range(n)), batch_size, repeat=repeat, shuffle=None if shuffle else False,
               order_sampler=sampler, **kwargs)


def trace(it, k):
    """``k`` calls of ``it.next()``, each as (batch or "stop", epoch, position, flags, details)."""
    out = []
    for _ in range(k):
        try:
            batch = it.next()
        except StopIteration:
            batch = "stop"
        out.append((batch, it.epoch, it.current_position, it.is_new_epoch, it.epoch_detail,
                    it.previous_epoch_detail))
    return out


def copy_state_through_npz(source, destination):
    """Save ``source`` with ``save_npz`` and load the file into ``destination``."""
    buf = io.BytesIO()
    serializers.save_npz(buf, source)
    buf.seek(0)
    serializers.load_npz(buf, destination)


class Broken:
    """A dataset of 4 examples whose example 2 raises ``KeyError``."""

    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            raise KeyError("example 2 is broken")
        return i


@pytest.fixture(scope="session")
def iterators():
    """The helpers above, as one object."""
    return types.SimpleNamespace(make=make, trace=trace, copy_state_through_npz=copy_state_through_npz,
                                 Broken=Broken)
