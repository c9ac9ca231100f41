"""What every n_step_{lstm,gru,rnn} pair must do, checked on each (the pairs are
described in conftest.py's ``VARIANTS``); each function's own argument errors
and kernel dispatch are tested in its test_n_step_<cell>.py."""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

EVERY_VARIANT = ["lstm", "gru", "rnn_tanh", "rnn_relu"]
# The checks below depend on the time loop and the driver, not on the
# activation, so the Elman RNN runs them with tanh only.
ONE_PER_CELL = ["lstm", "gru", "rnn_tanh"]


@pytest.mark.parametrize("name", EVERY_VARIANT)
@pytest.mark.parametrize("n_layers,n_dir", [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_forward_matches_reference(nstep, name, n_layers, n_dir):
    v = nstep.variants[name]
    seqs, ws, bs, states = v.case(0, n_layers, n_dir, [5, 3, 3, 1])
    out = v.run(n_layers, 0.0, states, ws, bs, nstep.time_major(seqs))
    ref = nstep.reference(n_layers, n_dir, states, ws, bs, seqs, v.cell)
    nstep.assert_matches_reference(out, ref, 5)


@pytest.mark.parametrize("name", ONE_PER_CELL)
def test_none_states_are_zeros(nstep, name):
    v = nstep.variants[name]
    seqs, ws, bs, states = v.case(1, 2, 2, [3, 2])
    out = v.run(2, 0.0, (None,) * v.n_states, ws, bs, nstep.time_major(seqs))
    ref = nstep.reference(2, 2, tuple(np.zeros_like(s) for s in states), ws, bs, seqs, v.cell)
    nstep.assert_states_close(out, ref)
    np.testing.assert_allclose(out[-1][1].array, nstep.time_major(ref[-1])[1], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ONE_PER_CELL)
def test_batch_independence(nstep, name):
    v = nstep.variants[name]
    seqs, ws, bs, states = v.case(2, 2, 2, [4, 4, 2, 1])
    nstep.check_batch_independence(v.run, 2, states, ws, bs, seqs)


@pytest.mark.parametrize("name", EVERY_VARIANT)
@given(seed=st.integers(0, 2**16), n_layers=st.integers(1, 2), n_dir=st.integers(1, 2),
       lengths=st.lists(st.integers(1, 3), min_size=1, max_size=3),
       in_size=st.integers(1, 2), H=st.integers(1, 2))
def test_backward(nstep, name, seed, n_layers, n_dir, lengths, in_size, H):
    v = nstep.variants[name]
    seqs, ws, bs, states = v.case(seed, n_layers, n_dir, lengths, in_size, H, np.float64)
    assume(v.finite_differences_valid(n_layers, n_dir, states, ws, bs, seqs))
    nstep.check_n_step_backward(v.run, n_layers, n_dir, H, seed, states, ws, bs, nstep.time_major(seqs))


@pytest.mark.parametrize("name", ONE_PER_CELL)
def test_gradient_reaches_every_input_float32(nstep, name):
    v = nstep.variants[name]
    seqs, ws, bs, _ = v.case(3, 2, 1, [3, 1])
    nstep.check_gradient_reaches_every_input(v.run, 2, v.n_states, ws, bs, nstep.time_major(seqs))


@pytest.mark.parametrize("name", ONE_PER_CELL)
def test_dropout(nstep, name):
    v = nstep.variants[name]
    seqs, ws, bs, states = v.case(4, 2, 1, [4, 3])
    nstep.check_dropout(v.run, states, ws, bs, nstep.time_major(seqs))
