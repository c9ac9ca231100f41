"""n_step_rnn's own argument errors and kernel dispatch; what every n_step function
shares is tested in test_n_step_shared.py."""
import numpy as np
import pytest

from kusari.rnn.functions.n_step_rnn import n_step_birnn, n_step_rnn
from kusari.utils.type_check import InvalidType


def test_errors(nstep):
    seqs, ws, bs, (hx,) = nstep.variants["rnn_tanh"].case(5, 1, 1, [3, 2])
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
    seqs, ws, bs, (hx,) = nstep.variants["rnn_tanh"].case(6, 1, 1, [2, 1])
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
