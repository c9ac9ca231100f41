"""StatefulPeepholeLSTM."""
import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from kusari.rnn.links.peephole import StatefulPeepholeLSTM
from kusari.serializers import save_npz
from kusari.testing import check_backward


def _sig(v):
    return 1 / (1 + np.exp(-v))


def _reference_step(link, c, h, x):
    """Rows 4u..4u+3 of upward/lateral are unit u's gates a, i, f, o; i, f peek at c_prev, o at the new c."""
    z = x @ link.upward.W.array.T + link.upward.b.array
    if h is not None:
        z = z + h @ link.lateral.W.array.T
    if c is None:
        c = np.zeros((len(x), link.state_size), x.dtype)
    i = _sig(z[:, 1::4] + c @ link.peep_i.W.array.T)
    f = _sig(z[:, 2::4] + c @ link.peep_f.W.array.T)
    c = np.tanh(z[:, 0::4]) * i + f * c
    o = _sig(z[:, 3::4] + c @ link.peep_o.W.array.T)
    return c, o * np.tanh(c)


def _randomize(link, rng, dtype=np.float32):
    for p in link.params():
        p.array = rng.standard_normal(p.shape).astype(dtype)
    return link


def test_children_and_npz_keys_are_chainers(tmp_path):
    link = StatefulPeepholeLSTM(3, 2)
    assert link.upward.W.shape == (8, 3) and link.lateral.W.shape == (8, 2) and link.peep_i.W.shape == (2, 2)
    save_npz(tmp_path / "peep.npz", link)
    with np.load(tmp_path / "peep.npz") as saved:
        assert sorted(saved.keys()) == ["lateral/W", "peep_f/W", "peep_i/W", "peep_o/W", "upward/W", "upward/b"]


@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2**16))
def test_steps_match_the_reference(batch, in_size, units, steps, seed):
    rng = np.random.default_rng(seed)
    link = _randomize(StatefulPeepholeLSTM(in_size, units), rng)
    c = h = None
    for _ in range(steps):
        x = rng.standard_normal((batch, in_size)).astype(np.float32)
        c, h = _reference_step(link, c, h, x)
        y = link(x)
        assert y.dtype == np.float32
        np.testing.assert_allclose(y.array, h, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(link.c.array, c, rtol=1e-5, atol=1e-6)


def test_reset_state():
    rng = np.random.default_rng(1)
    link = _randomize(StatefulPeepholeLSTM(3, 2), rng)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    first = link(x).array
    assert not np.allclose(link(x).array, first)
    link.reset_state()
    assert link.c is None and link.h is None
    np.testing.assert_array_equal(link(x).array, first)


def test_gradients_over_two_steps_match_finite_differences():
    rng = np.random.default_rng(2)
    link = _randomize(StatefulPeepholeLSTM(3, 2), rng, np.float64)

    def run(x1, x2):
        link.reset_state()
        link(x1)
        return link(x2), link.c

    check_backward(run, (rng.standard_normal((2, 3)), rng.standard_normal((2, 3))),
                   (rng.standard_normal((2, 2)), rng.standard_normal((2, 2))),
                   params=tuple(link.params()), atol=1e-6, rtol=1e-5)


def test_lazy_in_size():
    link = StatefulPeepholeLSTM(None, 2)
    assert link(np.ones((1, 4), np.float32)).shape == (1, 2) and link.upward.W.shape == (8, 4)
