"""The example third-party plugin (examples/plugin-example), installed by requirements-dev.txt.

Everything is found the way kusari finds any plugin: its entry point and
the registries, never by importing it by name first.
"""
import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari import _cli, plugins
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


@pytest.fixture(autouse=True)
def fresh_plugins():
    plugins.reset()
    yield
    plugins.reset()


def lookup(kind, name):
    registry = plugins.get_registry(kind)
    assert registry.source(name) == "example"  # registered by the plugin named by its entry point
    return registry.get(name)


def test_the_example_is_an_installed_plugin_with_its_registrations(capsys):
    (row,) = [row for row in plugins.list_plugins() if row["name"] == "example"]
    assert (row["distribution"], row["version"]) == ("kusari-plugin-example", "0.1.0")
    assert row["registers"] == {
        "backends": ["example_host"],
        "dataset_loaders": ["example_xor"],
        "extensions": ["example_nan_guard"],
        "updaters": ["example_accumulate"],
    }
    assert plugins.plugin_failures() == []
    _cli.main(["plugins"])
    assert "example  (kusari-plugin-example 0.1.0)\n" in capsys.readouterr().out


# --- backend ---------------------------------------------------------------------


def test_backend_alias_serves_the_numpy_device():
    assert lookup("backends", "example_host").is_available()
    assert kusari.get_device("@example_host") is kusari.backend.CPU_DEVICE
    # NumPy arrays still belong to the built-in numpy backend
    assert kusari.backend.get_device_from_array(numpy.zeros(1)) is kusari.backend.CPU_DEVICE
    with pytest.raises(ValueError, match=r"'@example_host' takes no device id, got '@example_host:1'"):
        kusari.get_device("@example_host:1")


# --- dataset loader ----------------------------------------------------------------


@pytest.mark.parametrize("repeat", [1, 3])
def test_xor_loader(repeat):
    dataset = lookup("dataset_loaders", "example_xor")(repeat=repeat)
    assert len(dataset) == 4 * repeat
    xs = numpy.stack([x for x, _ in dataset])
    ts = numpy.array([t for _, t in dataset])
    assert xs.dtype == numpy.float32 and ts.dtype == numpy.int32
    numpy.testing.assert_array_equal(ts, numpy.logical_xor(xs[:, 0], xs[:, 1]))


# --- extension ---------------------------------------------------------------------


class FakeTrainer:
    def __init__(self, observation, iteration=3):
        self.observation = observation
        self.updater = type("U", (), {"iteration": iteration})()


def test_nan_guard_follows_the_extension_protocol():
    NaNGuard = lookup("extensions", "example_nan_guard")
    guard = NaNGuard(keys="main/loss")
    assert (guard.name, guard.trigger, guard.priority) == ("example_nan_guard", (1, "iteration"), 300)
    guard(FakeTrainer({"main/loss": kusari.Variable(numpy.array(0.5, numpy.float32))}))  # finite: nothing happens
    guard(FakeTrainer({"validation/main/loss": float("nan")}))  # not watched
    guard.serialize(None)  # stateless


@pytest.mark.parametrize("value", [
    float("nan"),
    numpy.array([1.0, numpy.inf], numpy.float32),
    kusari.Variable(numpy.array(-numpy.inf, numpy.float32)),
])
def test_nan_guard_stops_on_a_non_finite_observation(value):
    guard = lookup("extensions", "example_nan_guard")(keys=("main/loss", "main/accuracy"))
    with pytest.raises(FloatingPointError, match=r"^example_nan_guard: observed 'main/accuracy' is not finite at iteration 9: "):
        guard(FakeTrainer({"main/loss": 1.0, "main/accuracy": value}, iteration=9))


# --- updater -----------------------------------------------------------------------


class Model:
    """A one-parameter model: loss(x) = mean over the batch of sum((x * w) ** 2)."""

    def __init__(self, w):
        self.w = kusari.Parameter(numpy.array(w, numpy.float32))
        self.serialized_as = None

    def __call__(self, x):
        y = x * F.broadcast_to(self.w, x.shape)
        return F.sum(y ** 2) / len(x)

    def cleargrads(self):
        self.w.cleargrad()

    def serialize(self, serializer):
        self.serialized_as = serializer.prefix


class RecordingOptimizer:
    """Chainer's Optimizer surface the updater uses: target, update(), serialize()."""

    def __init__(self, target):
        self.target = target
        self.grads = []
        self.serialized_as = None

    def update(self):
        self.grads.append(self.target.w.grad.copy())

    def serialize(self, serializer):
        self.serialized_as = serializer.prefix


class ListIterator:
    def __init__(self, batches):
        self.batches = list(batches)
        self.epoch, self.epoch_detail, self.previous_epoch_detail, self.is_new_epoch = 0, 0.5, 0.25, False
        self.serialized_as = None
        self.finalized = False

    def next(self):
        return self.batches.pop(0)

    def serialize(self, serializer):
        self.serialized_as = serializer.prefix

    def finalize(self):
        self.finalized = True


def stack(batch, device):
    return numpy.stack(batch)


@given(
    accum_steps=st.integers(1, 3),
    data=kst.arrays(shape=st.tuples(st.integers(1, 3), st.integers(1, 3), st.just(2)), lo=-2, hi=2),
)
def test_accumulated_gradient_equals_the_gradient_of_the_whole_batch(accum_steps, data):
    # data: (minibatches, batch size, 2); the updater sees `accum_steps` minibatches per step
    minibatches = [m.astype(numpy.float32) for m in data] * accum_steps
    model = Model([0.5, -1.5])
    optimizer = RecordingOptimizer(model)
    Updater = lookup("updaters", "example_accumulate")
    updater = Updater(ListIterator(minibatches), optimizer, accum_steps=accum_steps, converter=stack)
    updater.update()
    used = numpy.concatenate(minibatches[:accum_steps]).astype(numpy.float64)
    # d/dw of mean_n sum_j (x_nj w_j)^2 over every example of the step
    expected = 2 * (used ** 2).sum(axis=0) * model.w.array / len(used)
    assert len(optimizer.grads) == 1 and updater.iteration == 1
    numpy.testing.assert_allclose(optimizer.grads[0], expected, rtol=1e-5, atol=1e-6)
    assert len(updater.get_iterator("main").batches) == len(minibatches) - accum_steps


def test_each_update_starts_from_cleared_gradients():
    model = Model([1.0, 1.0])
    optimizer = RecordingOptimizer(model)
    batches = [numpy.ones((1, 2), numpy.float32), 3 * numpy.ones((1, 2), numpy.float32)]
    Updater = lookup("updaters", "example_accumulate")
    updater = Updater(ListIterator(batches), optimizer, accum_steps=1, converter=stack)
    updater.update()
    updater.update()
    numpy.testing.assert_allclose(optimizer.grads, [[2.0, 2.0], [18.0, 18.0]])
    assert updater.iteration == 2


class Serializer:
    """Records the key prefixes it hands out and what is saved, like Chainer's serializers."""

    def __init__(self, prefix="", store=None, loaded=None):
        self.prefix, self.store, self.loaded = prefix, {} if store is None else store, loaded

    def __getitem__(self, key):
        return Serializer(self.prefix + key + "/", self.store, self.loaded)

    def __call__(self, key, value):
        self.store[self.prefix + key] = value
        return value if self.loaded is None else self.loaded


def test_updater_serializes_with_chainers_key_layout_and_exposes_the_trainer_surface():
    model = Model([1.0, 1.0])
    iterator = ListIterator([])
    optimizer = RecordingOptimizer(model)
    updater = lookup("updaters", "example_accumulate")({"main": iterator}, {"main": optimizer}, converter=stack)
    saver = Serializer()
    updater.serialize(saver)
    assert (iterator.serialized_as, optimizer.serialized_as, model.serialized_as) == (
        "iterator:main/", "optimizer:main/", "model:main/")
    assert saver.store == {"iteration": 0}
    updater.serialize(Serializer(loaded=7))
    assert updater.iteration == 7
    assert (updater.epoch, updater.epoch_detail, updater.previous_epoch_detail, updater.is_new_epoch) == (
        0, 0.5, 0.25, False)
    assert updater.get_optimizer("main") is optimizer
    assert updater.get_all_optimizers() == {"main": optimizer}
    updater.connect_trainer(object())
    updater.finalize()
    assert iterator.finalized


@pytest.mark.parametrize("kwargs, message", [
    ({"accum_steps": 0}, r"^GradientAccumulationUpdater: argument 'accum_steps' expected a positive int, got 0$"),
    ({"accum_steps": 1.5}, r"argument 'accum_steps' expected a positive int, got 1.5$"),
    ({"iterator": {"train": None}}, r"argument 'iterator' expected a dict with a 'main' entry, got keys \['train'\]$"),
])
def test_updater_rejects_bad_arguments(kwargs, message):
    Updater = lookup("updaters", "example_accumulate")
    args = {"iterator": ListIterator([]), "optimizer": RecordingOptimizer(Model([1.0, 1.0]))} | kwargs
    with pytest.raises(InvalidType, match=message):
        Updater(**args)
