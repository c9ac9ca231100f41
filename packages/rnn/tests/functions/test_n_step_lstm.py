import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.rnn.functions.n_step_lstm import n_step_bilstm, n_step_lstm
from kusari.utils.type_check import InvalidType

_MATS = 8  # weights (and biases) per layer and direction


def _case(seed, n_layers, n_dir, lengths, *args, nstep):
    """Random inputs with two initial states: (hx, cx)."""
    return nstep.case(seed, n_layers, n_dir, lengths, _MATS, *args, n_states=2)


def _run(n_layers, dropout_ratio, states, ws, bs, xs):
    fn = n_step_bilstm if len(ws) == 2 * n_layers else n_step_lstm
    return fn(n_layers, dropout_ratio, *states, ws, bs, xs)


@pytest.mark.parametrize("n_layers,n_dir", [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_forward_matches_reference(nstep, n_layers, n_dir):
    seqs, ws, bs, states = _case(0, n_layers, n_dir, [5, 3, 3, 1], nstep=nstep)
    out = _run(n_layers, 0.0, states, ws, bs, nstep.time_major(seqs))
    ref = nstep.reference(n_layers, n_dir, states, ws, bs, seqs, nstep.lstm_cell)
    nstep.assert_matches_reference(out, ref, 5)


def test_none_states_are_zeros(nstep):
    seqs, ws, bs, (hx, cx) = _case(1, 2, 2, [3, 2], nstep=nstep)
    zeros = np.zeros_like(hx)
    out = n_step_bilstm(2, 0.0, None, None, ws, bs, nstep.time_major(seqs))
    ref = nstep.reference(2, 2, (zeros, zeros), ws, bs, seqs, nstep.lstm_cell)
    nstep.assert_states_close(out, ref)
    np.testing.assert_allclose(out[-1][1].array, nstep.time_major(ref[-1])[1], rtol=1e-5, atol=1e-5)


def test_batch_independence(nstep):
    seqs, ws, bs, states = _case(2, 2, 2, [4, 4, 2, 1], nstep=nstep)
    nstep.check_batch_independence(_run, 2, states, ws, bs, seqs)


@given(seed=st.integers(0, 2**16), n_layers=st.integers(1, 2), n_dir=st.integers(1, 2),
       lengths=st.lists(st.integers(1, 3), min_size=1, max_size=3),
       in_size=st.integers(1, 2), H=st.integers(1, 2))
def test_backward(nstep, seed, n_layers, n_dir, lengths, in_size, H):
    seqs, ws, bs, states = _case(seed, n_layers, n_dir, lengths, in_size, H, np.float64, nstep=nstep)
    nstep.check_n_step_backward(_run, n_layers, n_dir, H, seed, states, ws, bs, nstep.time_major(seqs))


def test_gradient_reaches_every_input_float32(nstep):
    seqs, ws, bs, _ = _case(3, 2, 1, [3, 1], nstep=nstep)
    nstep.check_gradient_reaches_every_input(_run, 2, 2, ws, bs, nstep.time_major(seqs))


def test_dropout(nstep):
    seqs, ws, bs, states = _case(4, 2, 1, [4, 3], nstep=nstep)
    nstep.check_dropout(_run, states, ws, bs, nstep.time_major(seqs))


def test_errors(nstep):
    seqs, ws, bs, (hx, cx) = _case(5, 1, 1, [3, 2], nstep=nstep)
    xs = nstep.time_major(seqs)
    with pytest.raises(InvalidType, match=r"n_step_lstm: argument 'xs' expected non-increasing batch sizes"):
        n_step_lstm(1, 0.0, None, None, ws, bs, xs[::-1])
    with pytest.raises(InvalidType, match=r"n_step_lstm: argument 'ws' expected a list of 2 lists .*got length 1"):
        n_step_lstm(2, 0.0, None, None, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"n_step_bilstm: argument 'ws' expected a list of 2 lists"):
        n_step_bilstm(1, 0.0, None, None, ws, bs, xs)
    bad = [list(ws[0])]
    bad[0][5] = np.zeros((4, 3), np.float32)
    with pytest.raises(InvalidType, match=r"argument 'ws\[0\]\[5\]' expected a float32 array of shape \(4, 4\), "
                                          r"got float32 array of shape \(4, 3\)"):
        n_step_lstm(1, 0.0, None, None, bad, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'ws\[0\]' expected a list of 8 arrays, got length 7"):
        n_step_lstm(1, 0.0, None, None, [ws[0][:7]], bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'hx' expected a float32 array of shape \(1, 2, 4\)"):
        n_step_lstm(1, 0.0, hx[:, :1], cx, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'cx' expected .* got float32 array of shape \(1, 2, 3\)"):
        n_step_lstm(1, 0.0, hx, cx[:, :, :3], ws, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'n_layers' expected a positive int, got 0"):
        n_step_lstm(0, 0.0, None, None, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'dropout_ratio' expected a float in \[0, 1\), got 1.5"):
        n_step_lstm(1, 1.5, None, None, ws, bs, xs)
    with pytest.raises(InvalidType, match=r"argument 'xs' expected a non-empty list .*got an empty list"):
        n_step_lstm(1, 0.0, None, None, ws, bs, [])
    with pytest.raises(InvalidType, match=r"argument 'xs\[1\]' expected a float32 array of shape \(B_t, 3\)"):
        n_step_lstm(1, 0.0, None, None, ws, bs, [xs[0], xs[1][:, :2]])


def test_registered_kernel_is_called(nstep):
    seqs, ws, bs, (hx, cx) = _case(6, 1, 2, [2, 1], nstep=nstep)
    xs = nstep.time_major(seqs)
    with nstep.fake_kernels("n_step_lstm", ("hy", "cy", ("y0", "y1")), "fake-n-step-lstm-kernels") as fake:
        out = n_step_bilstm(1, 0.25, None, cx, ws, bs, xs)
    assert out == ("hy", "cy", ("y0", "y1"))
    (args, kwargs), = fake.calls
    assert kwargs == {"use_bi_direction": True, "activation": None}
    assert args[:2] == (1, 0.25)
    np.testing.assert_array_equal(args[2], np.zeros((2, 2, 4), np.float32))
    assert args[3] is cx and args[4] is ws and args[5] is bs and args[6] is xs
    # Unregistered: the generic implementation runs again.
    assert n_step_bilstm(1, 0.0, None, cx, ws, bs, xs)[0].shape == (2, 2, 4)


def test_kernel_may_decline(nstep):
    seqs, ws, bs, (hx, cx) = _case(7, 1, 1, [2, 2], nstep=nstep)
    xs = nstep.time_major(seqs)
    with nstep.fake_kernels("n_step_lstm", NotImplemented, "fake-n-step-lstm-decline") as fake:
        hy, cy, ys = n_step_lstm(1, 0.0, hx, cx, ws, bs, xs)
    assert len(fake.calls) == 1
    np.testing.assert_allclose(hy.array, nstep.reference(1, 1, (hx, cx), ws, bs, seqs, nstep.lstm_cell)[0],
                               rtol=1e-5, atol=1e-5)
