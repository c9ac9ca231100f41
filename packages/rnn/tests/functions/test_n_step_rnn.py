import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kusari.rnn.functions.n_step_rnn import n_step_birnn, n_step_rnn
from kusari.utils.type_check import InvalidType

_MATS = 2  # weights (and biases) per layer and direction


def _run(n_layers, dropout_ratio, states, ws, bs, xs, activation="tanh"):
    fn = n_step_birnn if len(ws) == 2 * n_layers else n_step_rnn
    return fn(n_layers, dropout_ratio, *states, ws, bs, xs, activation)


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("n_layers,n_dir", [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_forward_matches_reference(nstep, n_layers, n_dir, activation):
    seqs, ws, bs, states = nstep.case(0, n_layers, n_dir, [5, 3, 3, 1], _MATS)
    out = _run(n_layers, 0.0, states, ws, bs, nstep.time_major(seqs), activation)
    ref = nstep.reference(n_layers, n_dir, states, ws, bs, seqs, nstep.elman_cell(activation))
    nstep.assert_matches_reference(out, ref, 5)


def test_none_state_is_zeros(nstep):
    seqs, ws, bs, (hx,) = nstep.case(1, 2, 2, [3, 2], _MATS)
    out = n_step_birnn(2, 0.0, None, ws, bs, nstep.time_major(seqs))
    ref = nstep.reference(2, 2, (np.zeros_like(hx),), ws, bs, seqs, nstep.elman_cell())
    nstep.assert_states_close(out, ref)
    np.testing.assert_allclose(out[-1][1].array, nstep.time_major(ref[-1])[1], rtol=1e-5, atol=1e-5)


def test_batch_independence(nstep):
    seqs, ws, bs, states = nstep.case(2, 2, 2, [4, 4, 2, 1], _MATS)
    nstep.check_batch_independence(_run, 2, states, ws, bs, seqs)


@given(seed=st.integers(0, 2**16), n_layers=st.integers(1, 2), n_dir=st.integers(1, 2),
       lengths=st.lists(st.integers(1, 3), min_size=1, max_size=3),
       in_size=st.integers(1, 2), H=st.integers(1, 2), activation=st.sampled_from(["tanh", "relu"]))
def test_backward(nstep, seed, n_layers, n_dir, lengths, in_size, H, activation):
    seqs, ws, bs, states = nstep.case(seed, n_layers, n_dir, lengths, _MATS, in_size, H, np.float64)
    if activation == "relu":
        # Finite differences are wrong at relu's kink: keep pre-activations away from it.
        pres = []
        nstep.reference(n_layers, n_dir, states, ws, bs, seqs, nstep.elman_cell(activation, pres))
        assume(min(np.abs(p).min() for p in pres) > 1e-3)

    def run(*args):
        return _run(*args, activation)
    nstep.check_n_step_backward(run, n_layers, n_dir, H, seed, states, ws, bs, nstep.time_major(seqs))


def test_gradient_reaches_every_input_float32(nstep):
    seqs, ws, bs, _ = nstep.case(3, 2, 1, [3, 1], _MATS)
    nstep.check_gradient_reaches_every_input(_run, 2, 1, ws, bs, nstep.time_major(seqs))


def test_dropout(nstep):
    seqs, ws, bs, states = nstep.case(4, 2, 1, [4, 3], _MATS)
    nstep.check_dropout(_run, states, ws, bs, nstep.time_major(seqs))


def test_errors(nstep):
    seqs, ws, bs, (hx,) = nstep.case(5, 1, 1, [3, 2], _MATS)
    xs = nstep.time_major(seqs)
    with pytest.raises(InvalidType, match=r"n_step_rnn: argument 'xs' expected non-increasing batch sizes"):
        n_step_rnn(1, 0.0, None, ws, bs, xs[::-1])
    with pytest.raises(InvalidType, match=r"n_step_rnn: argument 'ws' expected a list of 2 lists .*got length 1"):
        n_step_rnn(2, 0.0, None, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"n_step_birnn: argument 'bs' expected a list of 2 lists"):
        n_step_birnn(1, 0.0, None, ws + ws, bs, xs)
    bad = [list(ws[0])]
    bad[0][1] = np.zeros((4, 2), np.float32)
    with pytest.raises(InvalidType, match=r"argument 'ws\[0\]\[1\]' expected a float32 array of shape \(4, 4\), "
                                          r"got float32 array of shape \(4, 2\)"):
        n_step_rnn(1, 0.0, None, bad, bs, xs)
    badb = [list(bs[0])]
    badb[0][1] = np.zeros(4, np.float64)
    with pytest.raises(InvalidType, match=r"argument 'bs\[0\]\[1\]' expected a float32 array of shape \(4,\), "
                                          r"got float64"):
        n_step_rnn(1, 0.0, None, ws, badb, xs)
    with pytest.raises(InvalidType, match=r"argument 'ws\[0\]' expected a list of 2 arrays, got length 3"):
        n_step_rnn(1, 0.0, None, [ws[0] + ws[0][:1]], bs, xs)
    with pytest.raises(InvalidType, match=r"n_step_rnn: argument 'activation' expected 'tanh' or 'relu', got 'sigmoid'"):
        n_step_rnn(1, 0.0, None, ws, bs, xs, activation="sigmoid")
    with pytest.raises(InvalidType, match=r"n_step_birnn: argument 'activation' expected 'tanh' or 'relu', got None"):
        n_step_birnn(1, 0.0, None, ws + ws, bs + bs, xs, activation=None)
    with pytest.raises(InvalidType, match=r"argument 'hx' expected a float32 array of shape \(1, 2, 4\)"):
        n_step_rnn(1, 0.0, hx[:, :1], ws, bs, xs)


def test_registered_kernel_is_called(nstep):
    seqs, ws, bs, (hx,) = nstep.case(6, 1, 1, [2, 1], _MATS)
    xs = nstep.time_major(seqs)
    with nstep.fake_kernels("n_step_rnn", ("hy", None, ("y0", "y1")), "fake-n-step-rnn-kernels") as fake:
        out = n_step_rnn(1, 0.0, hx, ws, bs, xs, activation="relu")
    assert out == ("hy", ("y0", "y1"))
    (args, kwargs), = fake.calls
    assert kwargs == {"use_bi_direction": False, "activation": "relu"}
    assert args[2] is hx and args[3] is None and args[4] is ws and args[6] is xs
    hy, ys = n_step_rnn(1, 0.0, hx, ws, bs, xs)
    np.testing.assert_allclose(hy.array, nstep.reference(1, 1, (hx,), ws, bs, seqs, nstep.elman_cell())[0],
                               rtol=1e-5, atol=1e-5)
