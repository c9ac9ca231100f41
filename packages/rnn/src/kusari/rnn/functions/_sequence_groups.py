"""Run one direction's time loop as independent groups of sequences, side by side.

The sequences of a batch never interact inside an RNN layer: row ``j`` of
every step's state belongs to sequence ``j`` alone.  So a layer's time loop
over ``B`` sequences is the same as separate loops over contiguous groups of
them, and those loops can run on different cores (NumPy releases the GIL in
its products and ufuncs).  Each group gets the rows of its sequences from the
packed arrays (one gather per array), runs the cell's own ``forward`` /
``backward`` on them, and the results are scattered back.  Each group does
the serial arithmetic on its rows; only the per-step products now have fewer
rows, and OpenBLAS may then sum a row in another order, so the results match
one thread's to float rounding (not bitwise).

Worth it only for wide batches: every group still pays the per-step Python
cost, so groups need enough sequences each (measured on the ragged benchmark's
shapes, 64 sequences of 5..50 steps, hidden 256: the LSTM loops forward +
backward took 73 ms in one group and 45 ms in two on two cores; on the word
LM's 20 sequences two groups were slower than one).

Sequences are sorted by length (longest first), so a group is a range of
sequence indexes ``[lo, hi)``; the split balances packed rows, not sequences.
"""
from __future__ import annotations

import numpy

from kusari import _parallel

#: Fewest sequences a group may have: below it the per-step overhead, paid by
#: every group, eats the gain.
MIN_SEQUENCES_PER_GROUP = 16


class _Group:
    """Sequences ``[lo, hi)``: their per-step batch sizes, offsets and rows in the packed layout."""

    def __init__(self, lo, hi, batches, offsets):
        self.lo, self.hi = lo, hi
        sizes = numpy.clip(numpy.asarray(batches) - lo, 0, hi - lo)
        steps = int(numpy.count_nonzero(sizes))  # sizes are non-increasing: the active steps come first
        sizes = sizes[:steps]
        self.batches = [int(b) for b in sizes]
        self.offsets = [0] + numpy.cumsum(sizes).tolist()
        starts = numpy.asarray(offsets[:steps]) + lo
        n = self.offsets[-1]
        # Row k of the group is packed row starts[t] + (k - group offset of t).
        self.rows = numpy.repeat(starts - numpy.asarray(self.offsets[:-1]), sizes) + numpy.arange(n)


class GroupedState:
    """What :func:`forward` keeps for :func:`backward`: the groups and each group's cell state."""

    def __init__(self, groups, states):
        self.groups = groups
        self.states = states


def plan(xp, batches, offsets, n_dir):
    """The groups to split a time loop into, or None to run it whole.

    Only NumPy, one direction (a bidirectional layer already runs its two
    directions side by side), and when every group gets at least
    :data:`MIN_SEQUENCES_PER_GROUP` sequences.
    """
    if xp is not numpy or n_dir != 1 or not batches:
        return None
    n_groups = min(_parallel.threads(), batches[0] // MIN_SEQUENCES_PER_GROUP)
    if n_groups < 2:
        return None
    b = numpy.asarray(batches)
    lengths = (b[None, :] > numpy.arange(batches[0])[:, None]).sum(axis=1)
    total = numpy.cumsum(lengths)
    cuts = [0]
    for g in range(1, n_groups):
        cut = int(numpy.searchsorted(total, total[-1] * g / n_groups)) + 1
        # keep every group at least MIN_SEQUENCES_PER_GROUP wide
        cut = max(cut, cuts[-1] + MIN_SEQUENCES_PER_GROUP)
        cut = min(cut, batches[0] - (n_groups - g) * MIN_SEQUENCES_PER_GROUP)
        cuts.append(cut)
    cuts.append(batches[0])
    return [_Group(lo, hi, batches, offsets) for lo, hi in zip(cuts[:-1], cuts[1:], strict=True)]


def _each(groups, work):
    results = [None] * len(groups)

    def run(start, stop):
        for k in range(start, stop):
            results[k] = work(groups[k])

    _parallel.for_ranges(run, len(groups), grain=1)
    return results


def forward(cell, xp, groups, G, Wh, bh, h0, c0, reverse):
    """``cell.forward`` over the packed ``G``, group by group; same results and contract."""
    outs = _each(groups, lambda g: cell.forward(
        xp, G[g.rows], Wh, bh, h0[g.lo:g.hi], None if c0 is None else c0[g.lo:g.hi],
        g.batches, g.offsets, reverse))
    N, H = G.shape[0], h0.shape[1]
    Y = xp.empty((N, H), G.dtype)
    h = h0.copy()
    c = None if c0 is None else c0.copy()
    for g, (hg, cg, Yg, _) in zip(groups, outs, strict=True):
        Y[g.rows] = Yg
        h[g.lo:g.hi] = hg
        if c is not None:
            c[g.lo:g.hi] = cg
    return h, c, Y, GroupedState(groups, [out[3] for out in outs])


def backward(cell, xp, state, gY, ghy, gcy, Wh, reverse):
    """``cell.backward`` for a :class:`GroupedState`; returns the whole-batch ``(dGx, dGh, Hprev, gh, gc)``."""
    groups = state.groups
    outs = _each(list(range(len(groups))), lambda k: cell.backward(
        xp, state.states[k], gY[groups[k].rows], ghy[groups[k].lo:groups[k].hi],
        None if gcy is None else gcy[groups[k].lo:groups[k].hi],
        Wh, groups[k].batches, groups[k].offsets, reverse))
    N = gY.shape[0]
    first = outs[0]
    dGx = xp.empty((N,) + first[0].shape[1:], first[0].dtype)
    same = first[1] is first[0]  # the LSTM returns one array for both
    dGh = dGx if same else xp.empty((N,) + first[1].shape[1:], first[1].dtype)
    Hprev = xp.empty((N,) + first[2].shape[1:], first[2].dtype)
    gh = ghy.copy()
    gc = None if gcy is None else gcy.copy()
    for g, (dx, dh, hp, ghg, gcg) in zip(groups, outs, strict=True):
        dGx[g.rows] = dx
        if not same:
            dGh[g.rows] = dh
        Hprev[g.rows] = hp
        gh[g.lo:g.hi] = ghg
        if gc is not None:
            gc[g.lo:g.hi] = gcg
    return dGx, dGh, Hprev, gh, gc
