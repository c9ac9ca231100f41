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


# --- the updater and the extension on the real Trainer ------------------------------
# kusari-training is a test dependency here, never one of the plugin's.


def classifier(seed=0):
    import kusari.links as L

    numpy.random.seed(seed)  # the initializers draw from NumPy's global generator
    return L.Classifier(L.Linear(2, 2))


def xor_trainer(tmp_path, model, accum_steps=2, lr=0.1, stop=(2, "epoch"), optimizer_cls=None, repeat=4,
                batch_size=4):
    from kusari.iterators import SerialIterator
    from kusari.training import Trainer

    optimizer = (optimizer_cls or kusari.optimizers.SGD)(lr=lr)
    optimizer.setup(model)
    dataset = lookup("dataset_loaders", "example_xor")(repeat=repeat)
    iterator = SerialIterator(dataset, batch_size, shuffle=False)
    updater = lookup("updaters", "example_accumulate")(iterator, optimizer, accum_steps=accum_steps)
    return Trainer(updater, stop, out=str(tmp_path))


def test_registered_updater_runs_a_real_trainer_with_log_report_and_snapshot(tmp_path):
    import json

    from kusari.training import extensions

    model = classifier()
    # lr=0: the parameters stay put, so every reported loss is the initial model's; minibatches
    # of 2 and accum_steps=2: an iteration sees the four XOR points, two in each minibatch
    trainer = xor_trainer(tmp_path, model, lr=0.0, batch_size=2)
    trainer.extend(lookup("extensions", "example_nan_guard")())
    trainer.extend(extensions.LogReport(trigger=(1, "epoch")))
    trainer.extend(extensions.snapshot(), trigger=(2, "epoch"))
    seen = []
    trainer.extend(lambda tr: seen.append((tr.updater.iteration, tr.updater.epoch_detail,
                                           tr.updater.is_new_epoch, dict(tr.observation))), name="spy")
    trainer.run()

    # 16 examples, 4 per iteration: 4 iterations an epoch
    assert trainer.updater.iteration == 8 and trainer.updater.epoch == 2
    assert [(i, e, new) for i, e, new, _ in seen] == [
        (i, i / 4, i % 4 == 0) for i in range(1, 9)]
    xs = numpy.stack([x for x, _ in load_all()])
    ts = numpy.array([t for _, t in load_all()])
    with kusari.no_backprop_mode():
        whole_loss = float(F.softmax_cross_entropy(model.predictor(xs), ts).array)
        whole_accuracy = float(F.accuracy(model.predictor(xs), ts).array)
    for _, _, _, observation in seen:  # averaged over both minibatches, through the Trainer's reporter
        loss, accuracy = (float(getattr(observation[k], "array", observation[k]))
                          for k in ("main/loss", "main/accuracy"))
        assert loss == pytest.approx(whole_loss, rel=1e-5) and accuracy == pytest.approx(whole_accuracy)
    log = json.loads((tmp_path / "log").read_text())
    assert [(e["epoch"], e["iteration"]) for e in log] == [(1, 4), (2, 8)]
    assert all(e["main/loss"] == pytest.approx(whole_loss, rel=1e-5) for e in log)
    with numpy.load(tmp_path / "snapshot_iter_8") as snapshot:  # Chainer's key layout
        assert int(snapshot["updater/iteration"]) == 8
        numpy.testing.assert_array_equal(snapshot["updater/model:main/predictor/W"], model.predictor.W.array)
        assert int(snapshot["updater/iterator:main/epoch"]) == 2
        assert any(k.startswith("updater/optimizer:main/") for k in snapshot.files)


def load_all():
    return lookup("dataset_loaders", "example_xor")(repeat=4)


@given(
    accum_steps=st.integers(1, 3),
    data=kst.arrays(shape=st.tuples(st.integers(1, 3), st.just(3)), lo=-2, hi=2),
)
def test_accumulated_steps_equal_steps_on_the_concatenated_batch(accum_steps, data):
    # a minibatch is `data`; an iteration sees it `accum_steps` times over, an epoch of the iterator
    import copy

    import kusari.links as L
    from kusari.iterators import SerialIterator

    x, t = data[:, :2].astype(numpy.float32), data[:, 2:].astype(numpy.float32)
    numpy.random.seed(0)
    model = L.Linear(2, 1)
    reference = copy.deepcopy(model)
    dataset = [(xi, ti) for xi, ti in zip(x, t, strict=True)] * accum_steps
    optimizer = kusari.optimizers.MomentumSGD(lr=0.1)
    optimizer.setup(model)
    Updater = lookup("updaters", "example_accumulate")
    updater = Updater(SerialIterator(dataset, len(x), shuffle=False), optimizer, accum_steps=accum_steps,
                      loss_func=lambda x, t: F.mean_squared_error(model(x), t))
    reference_optimizer = kusari.optimizers.MomentumSGD(lr=0.1)
    reference_optimizer.setup(reference)
    whole_x, whole_t = numpy.concatenate([x] * accum_steps), numpy.concatenate([t] * accum_steps)
    for _ in range(2):  # the second step also checks that gradients were cleared in between
        updater.update()
        reference_optimizer.update(lambda: F.mean_squared_error(reference(whole_x), whole_t))
    for name in ("W", "b"):
        numpy.testing.assert_allclose(getattr(model, name).array, getattr(reference, name).array,
                                      rtol=1e-5, atol=1e-6)
    assert updater.iteration == 2 and updater.epoch == 2 and optimizer.t == 2
    assert optimizer.epoch == 2  # auto_new_epoch, as StandardUpdater


def test_snapshot_resume_round_trip(tmp_path):
    from kusari import serializers
    from kusari.training import extensions

    def trainer_for(out, stop):
        # 12 examples, 8 per iteration: epochs end mid-iteration
        trainer = xor_trainer(out, classifier(seed=1), stop=stop, lr=0.05,
                              optimizer_cls=kusari.optimizers.MomentumSGD, repeat=3)
        trainer.extend(extensions.snapshot(), trigger=(1, "iteration"))
        return trainer

    straight = trainer_for(tmp_path / "straight", (5, "iteration"))
    straight.run()
    interrupted = trainer_for(tmp_path / "interrupted", (3, "iteration"))
    interrupted.run()
    resumed = trainer_for(tmp_path / "resumed", (5, "iteration"))
    serializers.load_npz(str(tmp_path / "interrupted" / "snapshot_iter_3"), resumed)
    assert resumed.updater.iteration == 3
    assert resumed.updater.epoch_detail == interrupted.updater.epoch_detail == 2.0
    resumed.run()
    assert resumed.updater.iteration == 5
    assert resumed.updater.epoch_detail == straight.updater.epoch_detail
    assert resumed.updater.get_optimizer("main").t == straight.updater.get_optimizer("main").t == 5
    for (name, p), (_, q) in zip(straight.updater.get_optimizer("main").target.namedparams(),
                                 resumed.updater.get_optimizer("main").target.namedparams(), strict=True):
        numpy.testing.assert_array_equal(p.array, q.array, err_msg=name)
    with numpy.load(tmp_path / "straight" / "snapshot_iter_5") as a, \
            numpy.load(tmp_path / "resumed" / "snapshot_iter_5") as b:
        # momentum buffers and iterator position too, not only the weights
        assert sorted(a.files) == sorted(b.files)
        for key in a.files:
            if key != "_snapshot_elapsed_time":
                numpy.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_nan_guard_stops_a_real_trainer_before_the_snapshot(tmp_path):
    from kusari.training import extensions

    model = classifier()
    trainer = xor_trainer(tmp_path, model, lr=float("inf"))  # the first step makes the weights non-finite
    trainer.extend(lookup("extensions", "example_nan_guard")())
    trainer.extend(extensions.snapshot(), trigger=(1, "iteration"))
    message = r"^example_nan_guard: observed 'main/loss' is not finite at iteration 2: "
    with pytest.raises(FloatingPointError, match=message), numpy.errstate(invalid="ignore", over="ignore"):
        trainer.run(show_loop_exception_msg=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshot_iter_1"]


CONFIG = """\
seed = 0
out = "result"
stop_trigger = [3, "epoch"]

[model]
path = "kusari.links:Classifier"
args.predictor = { path = "kusari.links:Linear", args = { in_size = 2, out_size = 2 } }

[dataset]
name = "example_xor"
args = { repeat = 4, with_test = true }

[iterator]
batch_size = 4
shuffle = false

[optimizer]
name = "sgd"
args = { lr = 0.1 }

[updater]
name = "example_accumulate"
args = { accum_steps = 2 }

[[extensions]]
name = "example_nan_guard"

[[extensions]]
name = "Evaluator"

[[extensions]]
name = "LogReport"

[[extensions]]
name = "snapshot"
trigger = [3, "epoch"]
"""


def test_kusari_train_runs_a_config_naming_the_plugins_updater_extension_and_loader(tmp_path):
    import json
    import subprocess
    import sys

    config = tmp_path / "xor.toml"
    config.write_text(CONFIG)
    done = subprocess.run([sys.executable, "-m", "kusari", "train", str(config)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    log = json.loads((tmp_path / "result" / "log").read_text())
    # 16 training examples, 2 minibatches of 4 per iteration: 2 iterations an epoch
    assert [(e["epoch"], e["iteration"]) for e in log] == [(1, 2), (2, 4), (3, 6)]
    assert all(numpy.isfinite(e["main/loss"]) and numpy.isfinite(e["validation/main/loss"]) for e in log)
    with numpy.load(tmp_path / "result" / "snapshot_iter_6") as snapshot:
        assert int(snapshot["updater/iteration"]) == 6
        assert any(k.startswith("extensions/LogReport/") for k in snapshot.files)
        assert not any(k.startswith("extensions/example_nan_guard/") for k in snapshot.files)  # stateless

    bad = tmp_path / "bad.toml"
    bad.write_text(CONFIG.replace("accum_steps = 2", "accum_steps = 0"))
    done = subprocess.run([sys.executable, "-m", "kusari", "train", str(bad)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "updater.args" in done.stderr and "expected a positive int, got 0" in done.stderr
