"""snapshot / snapshot_object: Chainer's defaults, templates, n_retains, autoload with fallback, on_error."""
import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.serializers import save_npz
from kusari.training.extension import make_extension
from kusari.training.extensions import snapshot_writers
from kusari.training.extensions._snapshot import (
    SnapshotLoadWarning,
    _find_snapshot_files,
    snapshot,
    snapshot_object,
)
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater
from kusari.utils.type_check import InvalidType


def _trainer(out, stop=(2, "epoch"), n=6, batch=2):
    np.random.seed(0)
    x = np.random.RandomState(0).randn(n, 3).astype(np.float32)
    data = list(zip(x, (np.arange(n) % 2).astype(np.int32)))
    model = L.Classifier(L.Linear(3, 2))
    opt = kusari.optimizers.Adam(alpha=0.1)
    opt.setup(model)
    return Trainer(StandardUpdater(SerialIterator(data, batch, shuffle=False), opt), stop, out=str(out))


class Box:
    def __init__(self, value=0.0):
        self.x = np.full(2, value)

    def serialize(self, s):
        s("x", self.x)


class _Out:  # the only trainer attribute initialize() needs
    def __init__(self, out):
        self.out = str(out)


def test_defaults_follow_chainer(tmp_path):
    ext = snapshot()
    assert (ext.default_name, ext.trigger, ext.priority) == ("_Snapshot", (1, "epoch"), -100)
    assert ext.filename == "snapshot_iter_{.updater.iteration}"
    assert isinstance(ext.writer, snapshot_writers.SimpleWriter)
    trainer = _trainer(tmp_path)
    trainer.extend(ext)
    assert trainer.get_extension("_Snapshot") is ext
    trainer.run()
    assert sorted(os.listdir(tmp_path)) == ["snapshot_iter_3", "snapshot_iter_6"]
    keys = set(np.load(tmp_path / "snapshot_iter_6").files)
    assert {"updater/iteration", "updater/model:main/predictor/W", "updater/optimizer:main/t",
            "extension_triggers/_Snapshot/previous_iteration"} <= keys


def test_callable_filename_condition_and_snapshot_object(tmp_path):
    trainer = _trainer(tmp_path)
    model = trainer.updater.get_optimizer("main").target
    trainer.extend(snapshot_object(model, lambda t: f"model_{t.updater.epoch}.npz",
                                   condition=lambda: trainer.updater.epoch == 2))
    trainer.run()
    assert os.listdir(tmp_path) == ["model_2.npz"]
    saved = np.load(tmp_path / "model_2.npz")
    assert sorted(saved.files) == ["predictor/W", "predictor/b"]
    np.testing.assert_array_equal(saved["predictor/W"], model.predictor.W.array)


def test_savefun_gets_the_serialized_dict(tmp_path):
    calls = []

    def savefun(path, target):
        calls.append(sorted(target))
        save_npz(path, target)

    box = Box(3.0)
    ext = snapshot_object(box, "box_{.updater.iteration}", savefun=savefun)
    trainer = _trainer(tmp_path, stop=(1, "epoch"))
    trainer.extend(ext)
    trainer.run()
    assert calls == [["x"]]
    np.testing.assert_array_equal(np.load(tmp_path / "box_3")["x"], [3.0, 3.0])


def test_n_retains_keeps_the_newest_files(tmp_path):
    trainer = _trainer(tmp_path, stop=(4, "epoch"))
    trainer.extend(snapshot(n_retains=2), trigger=(2, "iteration"))
    trainer.run()
    assert sorted(os.listdir(tmp_path)) == ["snapshot_iter_10", "snapshot_iter_12"]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(0, 10 ** 6), min_size=1, max_size=6, unique=True))
def test_same_mtime_files_are_ordered_by_their_numbers(tmp_path_factory, iterations):
    out = tmp_path_factory.mktemp("snaps")
    for i in iterations:
        path = out / f"snapshot_iter_{i}"
        path.write_bytes(b"")
        os.utime(path, ns=(10 ** 18, 10 ** 18))
    (out / "other_1").write_bytes(b"")
    (out / ".tmpsnapshot_iter_99x").mkdir()
    assert _find_snapshot_files("snapshot_iter_{.updater.iteration}", str(out)) == \
        [f"snapshot_iter_{i}" for i in sorted(iterations)]


def test_newer_mtime_wins_over_larger_number(tmp_path):
    for i, t in ((5, 2), (40, 1)):
        save_npz(tmp_path / f"box_{i}", {"x": np.full(2, float(i))})
        os.utime(tmp_path / f"box_{i}", ns=(t * 10 ** 18, t * 10 ** 18))
    box = Box()
    snapshot_object(box, "box_{.updater.iteration}", autoload=True).initialize(_Out(tmp_path))
    np.testing.assert_array_equal(box.x, [5.0, 5.0])


def test_autoload_resumes_the_trainer_like_an_uninterrupted_run(tmp_path):
    full = _trainer(tmp_path / "full", stop=(12, "iteration"))
    full.run()
    first = _trainer(tmp_path / "run", stop=(7, "iteration"))
    first.extend(snapshot(autoload=True), trigger=(5, "iteration"))
    first.run()
    second = _trainer(tmp_path / "run", stop=(12, "iteration"))
    second.extend(snapshot(autoload=True), trigger=(5, "iteration"))
    second.run()
    assert second.updater.iteration == 12
    want = full.updater.get_optimizer("main").target.predictor.W.array
    got = second.updater.get_optimizer("main").target.predictor.W.array
    np.testing.assert_array_equal(got, want)


def test_corrupted_latest_snapshot_is_named_and_the_previous_one_loaded(tmp_path):
    save_npz(tmp_path / "box_1", {"x": np.full(2, 1.0)})
    save_npz(tmp_path / "box_2", {"x": np.full(2, 2.0)})
    data = (tmp_path / "box_2").read_bytes()
    (tmp_path / "box_2").write_bytes(data[: len(data) // 2])  # truncated, e.g. by a full disk
    os.utime(tmp_path / "box_2", ns=(2 * 10 ** 18, 2 * 10 ** 18))
    box = Box()
    ext = snapshot_object(box, "box_{.updater.iteration}", autoload=True)
    with pytest.warns(SnapshotLoadWarning, match=r"cannot autoload '.*box_2', trying the previous"):
        ext.initialize(_Out(tmp_path))
    np.testing.assert_array_equal(box.x, [1.0, 1.0])


def test_damaged_member_is_detected_before_anything_is_loaded(tmp_path):
    save_npz(tmp_path / "pair_1", {"a": np.full(2, 1.0), "b": np.full(2, 1.0)})
    save_npz(tmp_path / "pair_2", {"a": np.full(2, 2.0), "b": np.full(2, 2.0)}, compression=False)
    raw = bytearray((tmp_path / "pair_2").read_bytes())
    at = raw.rindex(np.full(2, 2.0).tobytes())  # the data of member 'b' (written last)
    raw[at:at + 8] = b"\xff" * 8
    (tmp_path / "pair_2").write_bytes(bytes(raw))
    os.utime(tmp_path / "pair_2", ns=(2 * 10 ** 18, 2 * 10 ** 18))

    class Pair:
        a, b = np.zeros(2), np.zeros(2)

        def serialize(self, s):
            s("a", self.a)
            s("b", self.b)

    pair = Pair()
    with pytest.warns(SnapshotLoadWarning, match="pair_2"):
        snapshot_object(pair, "pair_{.x}", autoload=True).initialize(_Out(tmp_path))
    np.testing.assert_array_equal(pair.a, [1.0, 1.0])  # not a mix of both files
    np.testing.assert_array_equal(pair.b, [1.0, 1.0])


def test_no_readable_snapshot_starts_fresh_with_a_warning(tmp_path):
    (tmp_path / "box_1").write_bytes(b"not a zip")
    box = Box(7.0)
    with pytest.warns(SnapshotLoadWarning) as record:
        snapshot_object(box, "box_{.x}", autoload=True).initialize(_Out(tmp_path))
    messages = [str(w.message) for w in record]
    assert len(messages) == 2 and "box_1" in messages[0] and "not a readable zip" in messages[0]
    assert messages[1].startswith("snapshot: none of the snapshots matching 'box_{.x}'")
    np.testing.assert_array_equal(box.x, [7.0, 7.0])
    empty = Box(7.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        snapshot_object(empty, "box_{.x}", autoload=True).initialize(_Out(tmp_path / "missing"))
    np.testing.assert_array_equal(empty.x, [7.0, 7.0])


def _raise_at(iteration):
    @make_extension(priority=-200)
    def fail(trainer):
        if trainer.updater.iteration == iteration:
            raise RuntimeError("boom")
    return fail


def test_snapshot_on_error_writes_the_state_when_the_loop_fails(tmp_path):
    trainer = _trainer(tmp_path)
    trainer.extend(snapshot(snapshot_on_error=True, filename="snap_{.updater.iteration}"))
    trainer.extend(_raise_at(2), trigger=(1, "iteration"))
    with pytest.raises(RuntimeError, match="boom"):
        trainer.run()
    assert os.listdir(tmp_path) == ["snap_2"]
    without = _trainer(tmp_path / "off")
    without.extend(snapshot())
    without.extend(_raise_at(2), trigger=(1, "iteration"))
    with pytest.raises(RuntimeError, match="boom"):
        without.run()
    assert os.listdir(tmp_path / "off") == []


def test_snapshot_on_error_keeps_the_last_good_snapshot_when_parameters_diverged(tmp_path):
    trainer = _trainer(tmp_path)
    trainer.extend(snapshot(snapshot_on_error=True), trigger=(2, "iteration"))

    @make_extension(priority=-200)
    def diverge(trainer):
        if trainer.updater.iteration == 3:
            trainer.updater.get_optimizer("main").target.predictor.W.array[0, 0] = np.nan
            raise RuntimeError("diverged")

    trainer.extend(diverge, trigger=(1, "iteration"))
    with pytest.warns(SnapshotLoadWarning, match="the last good snapshot is 'snapshot_iter_2'"):
        with pytest.raises(RuntimeError, match="diverged"):
            trainer.run()
    assert os.listdir(tmp_path) == ["snapshot_iter_2"]


def test_bad_arguments_are_reported():
    with pytest.raises(InvalidType, match="snapshot: argument 'writer' expected None when savefun is given"):
        snapshot(savefun=save_npz, writer=snapshot_writers.ThreadWriter())
    with pytest.raises(InvalidType, match="snapshot: argument 'filename' expected a format string or a callable"):
        snapshot(filename=3)
    with pytest.raises(InvalidType, match="snapshot: argument 'condition' expected a callable"):
        snapshot(condition=True)
    with pytest.raises(InvalidType, match="snapshot: argument 'n_retains' expected an int, got float"):
        snapshot(n_retains=2.0)
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) \['trigger'\]"):
        snapshot(trigger=(1, "epoch"))
    with pytest.warns(DeprecationWarning, match="num_retain"):
        assert snapshot_object(Box(), "b", num_retain=3).n_retains == 3
