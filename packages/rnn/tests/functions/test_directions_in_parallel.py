"""Bidirectional layers run their two time loops side by side; the results do not change."""
import numpy as np
import pytest

import kusari
from kusari import utils
from kusari.rnn.functions import _n_step
from kusari.rnn.functions.n_step_gru import n_step_bigru
from kusari.rnn.functions.n_step_lstm import n_step_bilstm
from kusari.rnn.functions.n_step_rnn import n_step_birnn

# Large enough for the directions to get a thread each (see _n_step._PARALLEL_DIRECTION_ELEMENTS).
_LENGTHS = [40, 33, 33, 20, 7, 1]
_H = 128


@pytest.mark.parametrize("fn,n_mats,n_states", [(n_step_bilstm, 8, 2), (n_step_bigru, 6, 1),
                                                (n_step_birnn, 2, 1)])
def test_results_are_bitwise_the_same_on_one_and_two_threads(nstep, monkeypatch, fn, n_mats, n_states):
    n_layers = 2
    seqs, ws, bs, states = nstep.case(7, n_layers, 2, _LENGTHS, n_mats, 16, _H, n_states=n_states)
    assert sum(_LENGTHS) * _H >= _n_step._PARALLEL_DIRECTION_ELEMENTS
    xs = nstep.time_major(seqs)
    split = []
    for_ranges = _n_step._parallel.for_ranges

    def spy(fn, n, grain):
        split.append((n, utils.get_num_threads()))
        for_ranges(fn, n, grain)

    monkeypatch.setattr(_n_step._parallel, "for_ranges", spy)
    before = utils.get_num_threads()
    runs = []
    try:
        for threads in (1, 2):
            utils.set_num_threads(threads)
            inputs = [kusari.Variable(np.asarray(getattr(a, "array", a)).copy())
                      for a in (*states, *[w for ww in ws for w in ww], *xs)]
            s = inputs[:n_states]
            flat_w = inputs[n_states:n_states + 2 * n_layers * n_mats]
            w_lists = [flat_w[i * n_mats:(i + 1) * n_mats] for i in range(2 * n_layers)]
            x_vars = inputs[n_states + 2 * n_layers * n_mats:]
            out = fn(n_layers, 0.0, *s, w_lists, bs, x_vars)
            ys = out[-1]
            loss = sum(kusari.functions.sum(y * y) for y in ys) + kusari.functions.sum(out[0])
            loss.backward()
            runs.append([v.array for v in (*out[:n_states], *ys)] + [v.grad for v in inputs])
    finally:
        utils.set_num_threads(before)
    # Two layers, forward and backward: four split calls per run (serial with one thread).
    assert split == [(2, 1)] * 4 + [(2, 2)] * 4
    for serial, parallel in zip(*runs, strict=True):
        np.testing.assert_array_equal(serial, parallel)
