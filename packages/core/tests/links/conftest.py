"""Checks shared by the convolution and deconvolution link tests.

Test folders have no __init__.py and pytest runs with --import-mode=importlib,
so sibling test modules cannot import each other: the shared code is handed
out by the session-scoped fixture ``conv_links`` (hypothesis @given tests may
use it, since it is not function-scoped).

Every check takes links the test built itself, so each test keeps its own
cases and the helpers only hold the assertions they share.
"""
import types

import numpy
import pytest

import kusari
from kusari.serializers import load_npz, save_npz


def check_default_parameters(link, W_shape, b_size):
    """``W`` is float32 of ``W_shape``, ``b`` is ``b_size`` zeros, and both are registered."""
    assert link.W.shape == W_shape and link.W.dtype == numpy.float32
    assert link.b.shape == (b_size,) and (link.b.array == 0).all()
    assert [n for n, _ in link.namedparams()] == ["/W", "/b"]


def check_nobias_link_keeps_initial_W(link, W):
    """``link`` was built with ``nobias=True, initialW=W``: no ``b`` parameter, ``W`` a copy of W."""
    assert link.b is None and [n for n, _ in link.namedparams()] == ["/W"]
    numpy.testing.assert_array_equal(link.W.array, W)


def check_npz_round_trip(saved, loaded, tmp_path):
    """``saved``'s W and b, written to an npz file, load into ``loaded`` (which may be uninitialised)."""
    save_npz(tmp_path / "link.npz", saved)
    load_npz(tmp_path / "link.npz", loaded)
    numpy.testing.assert_array_equal(loaded.W.array, saved.W.array)
    numpy.testing.assert_array_equal(loaded.b.array, saved.b.array)


def check_forward_equals_function(link, rnd, x_shape, nobias, function, *args, **kwargs):
    """On a random float32 ``x``, ``link(x)`` is float32 and equals
    ``function(x, W, b, *args, **kwargs)`` with the link's own W (and b unless ``nobias``)."""
    x = numpy.random.RandomState(rnd.randint(0, 2 ** 31)).randn(*x_shape).astype(numpy.float32)
    y = link(x)
    expected = function(x, link.W.array, None if nobias else link.b.array, *args, **kwargs)
    assert y.dtype == numpy.float32
    numpy.testing.assert_allclose(y.array, expected.array, rtol=1e-6, atol=1e-6)


def backward_of_sum(link, x):
    """Fill ``link``'s parameter gradients with those of ``sum(link(x))``."""
    loss = kusari.functions.sum(link(x))
    link.cleargrads()
    loss.backward()


@pytest.fixture(scope="session")
def conv_links():
    """The helpers above, as one object."""
    return types.SimpleNamespace(
        check_default_parameters=check_default_parameters,
        check_nobias_link_keeps_initial_W=check_nobias_link_keeps_initial_W,
        check_npz_round_trip=check_npz_round_trip,
        check_forward_equals_function=check_forward_equals_function,
        backward_of_sum=backward_of_sum,
    )
