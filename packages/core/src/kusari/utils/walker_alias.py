"""``WalkerAlias``: draw ids from a fixed discrete distribution in O(1) each (Walker's alias method)."""
from __future__ import annotations

import numpy

from kusari import backend
from kusari.utils import type_check

_CLS = "WalkerAlias"


def _alias_tables(probs):
    """Chainer's alias tables ``(threshold, values)`` for ``probs``, bit for bit.

    Slot ``j`` of the ``n`` slots keeps its own id ``values[2j]`` with
    probability ``threshold[j]`` and otherwise the alias ``values[2j + 1]``.
    The same tables as Chainer's mean the same draws for the same
    ``numpy.random`` state.
    """
    prob = numpy.array(probs, numpy.float32)
    n = len(prob)
    prob /= prob.sum()
    order = numpy.argsort(prob, kind="stable")  # ties by id, as Chainer's sort of (p, id) pairs
    # float64 working values, rounded to float32 when stored, as in Chainer.
    scaled = prob[order].astype(numpy.float64) * n
    threshold = numpy.empty(n, numpy.float32)
    values = numpy.zeros(2 * n, numpy.int32)
    # Ids with scaled mass <= 1 (a prefix, since sorted) only own their slot.
    n_small = int(numpy.searchsorted(scaled, 1.0, side="right"))
    threshold[:n_small] = scaled[:n_small]
    values[0:2 * n_small:2] = order[:n_small]
    # Each heavier id tops up the earliest open slots, then its leftover mass
    # becomes a slot that later ids may top up in turn.  That chain is
    # inherently sequential; it runs once per sampler and only over the
    # heavier ids, with Chainer's exact rounding.
    open_slot = 0
    for slot in range(n_small, n):
        p = float(scaled[slot])
        while p > 1.0 and open_slot < slot:
            values[2 * open_slot + 1] = order[slot]
            p -= 1.0 - float(threshold[open_slot])
            open_slot += 1
        threshold[slot] = p
        values[2 * slot] = order[slot]
    return threshold, values


class WalkerAlias:
    """Sampler of ids ``0 .. len(probs) - 1`` with probabilities proportional to ``probs``.

    Walker's alias method: after an O(n) set-up each draw costs one uniform
    number and two table lookups, whatever the number of ids.  The tables
    live on a device (CPU by default); :meth:`sample` draws with the random
    module of the tables' array module (``numpy.random`` or ``cupy.random``).

    Args:
        probs: non-negative weights of the ids (normalised by their sum).

    Attributes:
        threshold: float32 array ``(n,)``, the chance a slot keeps its own id.
        values: int32 array ``(2n,)``, each slot's own id and its alias.

    Example:
        >>> import numpy as np
        >>> from kusari.utils.walker_alias import WalkerAlias
        >>> sampler = WalkerAlias([0.0, 3.0, 1.0])
        >>> np.random.seed(0)
        >>> s = sampler.sample((2, 4))
        >>> s.shape, s.dtype, bool((s != 0).all())
        ((2, 4), dtype('int32'), True)
    """

    def __init__(self, probs):
        probs = numpy.asarray(probs)
        if probs.ndim != 1 or probs.size == 0:
            type_check.fail(_CLS, "probs", "a non-empty 1-d sequence of weights", f"shape {probs.shape}")
        if probs.dtype.kind not in "iuf" or not numpy.isfinite(probs).all() or (probs < 0).any() \
                or probs.sum() <= 0:
            type_check.fail(_CLS, "probs", "finite non-negative weights with a positive sum",
                            f"{probs.tolist() if probs.size <= 8 else 'other values'}")
        self.threshold, self.values = _alias_tables(probs)

    # ---- devices -------------------------------------------------------------
    @property
    def device(self):
        """The :class:`~kusari.backend.Device` holding the tables."""
        return backend.get_device_from_array(self.threshold)

    @property
    def xp(self):
        """The array module of the tables (``numpy`` or ``cupy``)."""
        return backend.get_array_module(self.threshold)

    @property
    def use_gpu(self):
        """Whether the tables are CuPy arrays (Chainer's attribute)."""
        return self.xp is not numpy

    def to_device(self, device):
        """Send the tables to ``device`` (``'@numpy'``, ``'@cupy:0'``, ...); returns self.

        Example:
            >>> from kusari.utils.walker_alias import WalkerAlias
            >>> WalkerAlias([1, 2]).to_device('@numpy').device
            <CpuDevice (numpy)>
        """
        device = backend.get_device(device)
        self.threshold = device.send(self.threshold)
        self.values = device.send(self.values)
        return self

    def to_cpu(self):
        """Send the tables to the CPU; returns self."""
        return self.to_device("@numpy")

    def to_gpu(self, device=None):
        """Send the tables to a GPU (the current one by default); needs kusari-cuda."""
        from kusari import cuda

        return self.to_device(cuda._gpu_device(device))

    # ---- sampling ------------------------------------------------------------
    def sample(self, shape):
        """Draw an int32 array of ``shape`` whose entries are ids.

        Args:
            shape: an int or a tuple of ints.

        Returns:
            An int32 array of the tables' array module.

        Example:
            >>> import numpy as np
            >>> from kusari.utils.walker_alias import WalkerAlias
            >>> np.random.seed(1)
            >>> WalkerAlias([1, 0, 1]).sample(6)
            array([0, 2, 0, 0, 0, 0], dtype=int32)
        """
        xp = self.xp
        n = len(self.threshold)
        position = xp.random.uniform(0, n, shape)
        slot = position.astype(numpy.int32)
        # uniform(0, n) may round up to n itself for large n.
        slot = xp.minimum(slot, n - 1, out=slot)
        dtype = self.threshold.dtype
        use_alias = self.threshold[slot] < position.astype(dtype) - slot.astype(dtype)
        return self.values[2 * slot + use_alias]
