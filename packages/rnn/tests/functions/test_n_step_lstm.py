"""n_step_lstm's own argument errors and kernel dispatch; what every n_step function
shares is tested in test_n_step_shared.py."""
import numpy as np
import pytest

from kusari.rnn.functions.n_step_lstm import n_step_bilstm, n_step_lstm
from kusari.utils.type_check import InvalidType


def test_errors(nstep):
    seqs, ws, bs, (hx, cx) = nstep.variants["lstm"].case(5, 1, 1, [3, 2])
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
    seqs, ws, bs, (hx, cx) = nstep.variants["lstm"].case(6, 1, 2, [2, 1])
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
    seqs, ws, bs, (hx, cx) = nstep.variants["lstm"].case(7, 1, 1, [2, 2])
    xs = nstep.time_major(seqs)
    with nstep.fake_kernels("n_step_lstm", NotImplemented, "fake-n-step-lstm-decline") as fake:
        hy, cy, ys = n_step_lstm(1, 0.0, hx, cx, ws, bs, xs)
    assert len(fake.calls) == 1
    np.testing.assert_allclose(hy.array, nstep.reference(1, 1, (hx, cx), ws, bs, seqs, nstep.lstm_cell)[0],
                               rtol=1e-5, atol=1e-5)
