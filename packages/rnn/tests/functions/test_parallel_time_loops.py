"""Time loops run side by side: a bidirectional layer's two directions (bitwise the results of
one thread), groups of sequences of a wide batch (the same up to the rounding of the per-step
products, whose row count changes)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import utils
from kusari.rnn.functions import _n_step, _sequence_groups
from kusari.rnn.functions.n_step_gru import n_step_bigru, n_step_gru
from kusari.rnn.functions.n_step_lstm import n_step_bilstm, n_step_lstm
from kusari.rnn.functions.n_step_rnn import n_step_birnn, n_step_rnn

_CELLS = {"lstm": (n_step_lstm, n_step_bilstm, 8, 2), "gru": (n_step_gru, n_step_bigru, 6, 1),
          "rnn": (n_step_rnn, n_step_birnn, 2, 1)}


def _run_on_threads(nstep, monkeypatch, name, n_dir, lengths, H, thread_counts, dropout=0.0):
    """Outputs and every input's gradient for each thread count, and the (n, threads) of each split."""
    uni, bi, n_mats, n_states = _CELLS[name]
    fn = bi if n_dir == 2 else uni
    n_layers = 2
    seqs, ws, bs, states = nstep.case(7, n_layers, n_dir, lengths, n_mats, 16, H, n_states=n_states)
    xs = nstep.time_major(seqs)
    splits = []
    for_ranges = _n_step._parallel.for_ranges

    def spy(fn, n, grain):
        splits.append((n, utils.get_num_threads()))
        for_ranges(fn, n, grain)

    monkeypatch.setattr(_n_step._parallel, "for_ranges", spy)
    before = utils.get_num_threads()
    runs = []
    try:
        for threads in thread_counts:
            utils.set_num_threads(threads)
            np.random.seed(3)  # the dropout masks
            inputs = [kusari.Variable(np.asarray(getattr(a, "array", a)).copy())
                      for a in (*states, *[w for ww in ws for w in ww], *xs)]
            n_w = n_dir * n_layers * n_mats
            flat_w = inputs[n_states:n_states + n_w]
            w_lists = [flat_w[i * n_mats:(i + 1) * n_mats] for i in range(n_dir * n_layers)]
            with kusari.using_config("train", True):
                out = fn(n_layers, dropout, *inputs[:n_states], w_lists, bs, inputs[n_states + n_w:])
            ys = out[-1]
            loss = sum(kusari.functions.sum(y * y) for y in ys) + kusari.functions.sum(out[0])
            loss.backward()
            runs.append([v.array for v in (*out[:n_states], *ys)] + [v.grad for v in inputs])
    finally:
        utils.set_num_threads(before)
    return runs, splits


def _assert_equal(runs, rtol=0.0):
    """Equal to ``rtol`` of each array's largest magnitude (0: bitwise)."""
    for other in runs[1:]:
        for a, b in zip(runs[0], other, strict=True):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * float(np.abs(a).max(initial=0)))


@pytest.mark.parametrize("name", sorted(_CELLS))
def test_directions_side_by_side_give_the_serial_results(nstep, monkeypatch, name):
    lengths = [40, 33, 33, 20, 7, 1]
    H = 128
    assert sum(lengths) * H >= _n_step._PARALLEL_DIRECTION_ELEMENTS
    runs, splits = _run_on_threads(nstep, monkeypatch, name, 2, lengths, H, (1, 2))
    # Two layers, forward and backward: four splits of the 2 directions per run.
    assert splits == [(2, 1)] * 4 + [(2, 2)] * 4
    _assert_equal(runs)  # bitwise


@pytest.mark.parametrize("name", sorted(_CELLS))
def test_groups_of_sequences_side_by_side_give_the_serial_results(nstep, monkeypatch, name):
    rng = np.random.default_rng(5)
    lengths = sorted(rng.integers(1, 9, 80).tolist(), reverse=True)
    runs, splits = _run_on_threads(nstep, monkeypatch, name, 1, lengths, 8, (1, 2, 3), dropout=0.25)
    # With one thread nothing is split; then 2 and 3 groups, forward and backward of both layers.
    assert splits == [(2, 2)] * 4 + [(3, 3)] * 4
    # OpenBLAS may sum a row of a (b, H) @ (H, G*H) product in another order for another b.
    _assert_equal(runs, rtol=1e-5)


def test_group_plan_balances_rows_and_keeps_groups_wide():
    rng = np.random.default_rng(0)
    lengths = np.sort(rng.integers(5, 51, 64))[::-1]
    batches = [int((lengths > t).sum()) for t in range(int(lengths[0]))]
    offsets = np.concatenate(([0], np.cumsum(batches))).tolist()
    before = utils.get_num_threads()
    try:
        utils.set_num_threads(2)
        groups = _sequence_groups.plan(np, batches, offsets, 1)
        utils.set_num_threads(1)
        assert _sequence_groups.plan(np, batches, offsets, 1) is None
    finally:
        utils.set_num_threads(before)
    assert [(g.lo, g.hi) for g in groups][0][0] == 0 and groups[-1].hi == 64
    assert all(g.hi - g.lo >= _sequence_groups.MIN_SEQUENCES_PER_GROUP for g in groups)
    rows = [len(g.rows) for g in groups]
    assert abs(rows[0] - rows[1]) <= max(lengths)  # balanced to within one sequence
    # every packed row belongs to exactly one group
    assert sorted(np.concatenate([g.rows for g in groups]).tolist()) == list(range(offsets[-1]))
    # fewer sequences than two groups need: no split; bidirectional: no split
    assert _sequence_groups.plan(np, [20] * 5, list(range(0, 120, 20)), 1) is None
    assert _sequence_groups.plan(np, batches, offsets, 2) is None


@given(name=st.sampled_from(sorted(_CELLS)), threads=st.integers(2, 3),
       lengths=st.lists(st.integers(1, 6), min_size=4, max_size=12).map(lambda v: sorted(v, reverse=True)))
def test_any_batch_split_into_groups_gives_the_serial_results(nstep, name, threads, lengths):
    # Groups of at least 2 sequences, so that small random batches get split in every way.
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_sequence_groups, "MIN_SEQUENCES_PER_GROUP", 2)
        runs, splits = _run_on_threads(nstep, mp, name, 1, lengths, 3, (1, threads))
    # one thread: no split at all; then each layer forward and backward splits into groups
    assert splits == [(min(threads, len(lengths) // 2), threads)] * 4
    _assert_equal(runs, rtol=1e-5)
