"""StatelessGRU, StatefulGRU and GRU (Chainer v7: GRU is the stateful one)."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.rnn.links.gru import GRU, StatefulGRU, StatelessGRU
from kusari.serializers import save_npz
from kusari.testing import check_backward
from kusari.utils.type_check import InvalidType

_NAMES = ["U", "U_r", "U_z", "W", "W_r", "W_z"]


def _sig(v):
    return 1 / (1 + np.exp(-v))


def _reference_step(link, h, x):
    """r, z, h_bar and the interpolation written out on arrays; ``h`` None means zeros and no U terms."""
    p = {name: (getattr(link, name).W.array, getattr(link, name).b.array) for name in _NAMES}

    def lin(name, v):
        W, b = p[name]
        return v @ W.T + b

    if h is None:
        return _sig(lin("W_z", x)) * np.tanh(lin("W", x))
    r = _sig(lin("W_r", x) + lin("U_r", h))
    z = _sig(lin("W_z", x) + lin("U_z", h))
    h_bar = np.tanh(lin("W", x) + lin("U", r * h))
    return z * h_bar + (1 - z) * h


def _randomize(link, rng, dtype=np.float32):
    for p in link.params():
        p.array = rng.standard_normal(p.shape).astype(dtype)
    return link


def test_children_and_npz_keys_are_chainers(tmp_path):
    link = StatefulGRU(3, 2)
    assert sorted(n for n, _ in link.namedparams()) == sorted(f"/{n}/{p}" for n in _NAMES for p in "Wb")
    assert link.W_r.W.shape == (2, 3) and link.U_r.W.shape == (2, 2)
    save_npz(tmp_path / "gru.npz", link)
    with np.load(tmp_path / "gru.npz") as saved:
        assert sorted(saved.keys()) == sorted(f"{n}/{p}" for n in _NAMES for p in "Wb")


def test_initializers_reach_their_children():
    link = StatelessGRU(3, 2, init=0.5, inner_init=-1.0, bias_init=2.0)
    for name in ("W_r", "W_z", "W"):
        assert (getattr(link, name).W.array == 0.5).all()
    for name in ("U_r", "U_z", "U"):
        assert (getattr(link, name).W.array == -1).all()
    assert all((getattr(link, name).b.array == 2).all() for name in _NAMES)
    assert all((getattr(StatefulGRU(3, 2), name).b.array == 0).all() for name in _NAMES)


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**16))
def test_stateless_gru_matches_the_reference(batch, in_size, units, seed):
    rng = np.random.default_rng(seed)
    link = _randomize(StatelessGRU(in_size, units), rng)
    h = rng.standard_normal((batch, units)).astype(np.float32)
    x = rng.standard_normal((batch, in_size)).astype(np.float32)
    np.testing.assert_allclose(link(h, x).array, _reference_step(link, h, x), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", [StatefulGRU, GRU])
def test_stateful_gru_steps_reset_and_set_state(cls):
    rng = np.random.default_rng(1)
    link = _randomize(cls(3, 2), rng)
    xs = [rng.standard_normal((2, 3)).astype(np.float32) for _ in range(3)]
    h = None
    for x in xs:
        h = _reference_step(link, h, x)
        np.testing.assert_allclose(link(x).array, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(link.h.array, h, rtol=1e-5, atol=1e-6)
    link.reset_state()
    assert link.h is None
    np.testing.assert_allclose(link(xs[0]).array, _reference_step(link, None, xs[0]), rtol=1e-5, atol=1e-6)
    start = rng.standard_normal((2, 2)).astype(np.float32)
    link.set_state(kusari.Variable(start))
    np.testing.assert_allclose(link(xs[1]).array, _reference_step(link, start, xs[1]), rtol=1e-5, atol=1e-6)


def test_stateful_and_stateless_agree_with_the_same_parameters():
    rng = np.random.default_rng(2)
    stateful = _randomize(StatefulGRU(3, 2), rng)
    stateless = StatelessGRU(3, 2)
    stateless.copyparams(stateful)
    h0 = rng.standard_normal((2, 2)).astype(np.float32)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    stateful.set_state(kusari.Variable(h0))
    np.testing.assert_array_equal(stateful(x).array, stateless(h0, x).array)


def test_lazy_in_size():
    link = StatelessGRU(None, 2)
    assert link(np.zeros((1, 2), np.float32), np.ones((1, 5), np.float32)).shape == (1, 2)
    assert link.W.W.shape == (2, 5)


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(3)
    stateless = _randomize(StatelessGRU(3, 2), rng, np.float64)
    check_backward(stateless, (rng.standard_normal((2, 2)), rng.standard_normal((2, 3))),
                   rng.standard_normal((2, 2)), params=tuple(stateless.params()), atol=1e-6, rtol=1e-5)
    stateful = _randomize(StatefulGRU(3, 2), rng, np.float64)

    def two_steps(x1, x2):
        stateful.reset_state()
        stateful(x1)
        return stateful(x2)

    check_backward(two_steps, (rng.standard_normal((2, 3)), rng.standard_normal((2, 3))),
                   rng.standard_normal((2, 2)), params=tuple(stateful.params()), atol=1e-6, rtol=1e-5)


def test_gru_rejects_the_old_stateless_call():
    link = GRU(3, 2)
    x = np.zeros((1, 3), np.float32)
    with pytest.raises(ValueError, match=r"GRU.forward: expected 1 argument \(x\), got 2; .*use StatelessGRU"):
        link(np.zeros((1, 2), np.float32), x)
    with pytest.raises(ValueError, match=r"GRU.forward: expected 1 argument \(x\), got 0"):
        link()


def test_set_state_needs_a_variable():
    with pytest.raises(InvalidType, match=r"StatefulGRU.set_state: argument 'h' expected a Variable, got ndarray"):
        StatefulGRU(3, 2).set_state(np.zeros((1, 2), np.float32))
