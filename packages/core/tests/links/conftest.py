"""Helpers shared by the link tests.

Test folders have no __init__.py and pytest runs with --import-mode=importlib,
so sibling test modules cannot import each other: the shared code is handed
out by session-scoped fixtures (hypothesis @given tests may use them, since
they are not function-scoped):

- ``conv_links``: checks of the convolution and deconvolution links;
- ``serializer_doubles``: dict-backed ``Saver``/``Loader`` serializers for
  ``Link.serialize`` (Link and Chain tests);
- ``sampled_output_links``: checks of BlackOut and NegativeSampling.

Every check takes links the test built itself, so each test keeps its own
cases and the helpers only hold the assertions they share.
"""
import copy
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


class DictSerializer:
    """A hierarchical (de)serializer over a dict keyed by path, like ``'l1/W'``.

    Saving records a deep copy of each value; loading fills arrays in place
    and returns other values, as ``Link.serialize`` expects.
    """

    def __init__(self, store, loading, path=""):
        self.store, self.loading, self.path = store, loading, path

    def __getitem__(self, key):
        return DictSerializer(self.store, self.loading, self.path + key + "/")

    def __call__(self, key, value):
        if not self.loading:
            self.store[self.path + key] = copy.deepcopy(value)
            return value
        loaded = self.store[self.path + key]
        if isinstance(value, numpy.ndarray):
            value[...] = loaded
            return value
        return loaded


@pytest.fixture(scope="session")
def serializer_doubles():
    """``Saver(target)`` records into the dict ``target``; ``Loader(source)`` reads the dict ``source``."""
    return types.SimpleNamespace(Saver=lambda target: DictSerializer(target, loading=False),
                                 Loader=lambda source: DictSerializer(source, loading=True))


def check_to_device_moves_the_sampler(link):
    """``link.to_cpu()`` returns the link and sends its sampler to the link's device, once."""
    sent = []
    original = link.sampler.to_device
    link.sampler.to_device = lambda device: sent.append(device) or original(device)
    assert link.to_cpu() is link
    assert [str(d) for d in sent] == ["@numpy"]
    assert link.sampler.device == link.device


def check_only_W_round_trips_through_npz(make_link, path):
    """A link from ``make_link()`` saves only ``W`` to the npz file ``path``; another one loads it."""
    src = make_link()
    src.W.array[...] = numpy.arange(src.W.size).reshape(src.W.shape)
    save_npz(str(path), src)
    assert sorted(numpy.load(path).files) == ["W"]
    dst = make_link()
    load_npz(str(path), dst)
    numpy.testing.assert_array_equal(dst.W.array, src.W.array)


@pytest.fixture(scope="session")
def sampled_output_links():
    """The checks of the links with a sampler of negative ids, as one object."""
    return types.SimpleNamespace(
        check_to_device_moves_the_sampler=check_to_device_moves_the_sampler,
        check_only_W_round_trips_through_npz=check_only_W_round_trips_through_npz,
    )
