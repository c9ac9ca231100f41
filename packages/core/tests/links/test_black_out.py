"""L.BlackOut: parameter layout, sampler weights, forward equals the function, sample_data, npz."""
import numpy as np

from kusari.functions.loss.black_out import black_out
from kusari.links.loss.black_out import BlackOut
from kusari.utils.walker_alias import WalkerAlias


def test_init_layout():
    link = BlackOut(3, [4, 1, 5, 2], sample_size=2)
    assert [name for name, _ in link.namedparams()] == ["/W"]
    assert link.W.shape == (4, 3) and link.W.dtype == np.float32
    np.testing.assert_array_equal(link.W.array, 0)
    assert link.sample_size == 2 and link.sample_data is None
    assert isinstance(link.sampler, WalkerAlias)
    # The sampler draws in proportion to the counts themselves (no power).
    np.random.seed(0)
    freq = np.bincount(link.sampler.sample(60_000), minlength=4) / 60_000
    np.testing.assert_allclose(freq, np.array([4, 1, 5, 2]) / 12, atol=0.01)


def test_forward_equals_function_with_the_same_draws():
    link = BlackOut(3, [3, 1, 2, 5, 1], sample_size=3)
    link.W.array[...] = np.random.RandomState(0).randn(5, 3)
    x = np.random.RandomState(1).randn(4, 3).astype(np.float32)
    t = np.array([0, 4, 1, 2], np.int32)
    np.random.seed(5)
    loss = link(x, t)
    np.random.seed(5)
    samples = link.sampler.sample((4, 3))
    np.testing.assert_array_equal(loss.array, black_out(x, t, link.W, samples).array)
    assert loss.shape == ()


def test_sample_data_is_used_when_set():
    link = BlackOut(2, [1, 1, 1], sample_size=2)
    link.W.array[...] = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0]])
    x = np.array([[1.0, 2.0]], np.float32)
    t = np.array([0], np.int32)
    link.sample_data = np.array([[1, 2]], np.int32)
    expected = black_out(x, t, link.W, link.sample_data)
    np.testing.assert_array_equal(link(x, t).array, expected.array)


def test_gradient_reaches_W():
    link = BlackOut(2, [1, 1, 1], sample_size=2)
    link(np.array([[1.0, 2.0]], np.float32), np.array([0], np.int32)).backward()
    assert link.W.grad.shape == (3, 2) and np.abs(link.W.grad).sum() > 0


def test_to_device_moves_the_sampler_too(sampled_output_links):
    sampled_output_links.check_to_device_moves_the_sampler(BlackOut(2, [1, 2], 1))


def test_npz_round_trip(sampled_output_links, tmp_path):
    sampled_output_links.check_only_W_round_trips_through_npz(lambda: BlackOut(2, [1, 2, 3], 1),
                                                              tmp_path / "bo.npz")
