"""HDF5 serialization (optional h5py): round trips, None, errors, and the missing-h5py message."""
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.links as L
from kusari import optimizers, serializers
from kusari.serializers import CorruptedFileError, MissingKeyError


class Persistents(kusari.Link):
    def __init__(self):
        super().__init__()
        self.add_persistent("count", 0)
        self.add_persistent("flag", False)
        self.add_persistent("label", "")
        self.add_persistent("mean", np.zeros(2, np.float32))


@pytest.mark.parametrize("call", [
    lambda p: serializers.save_hdf5(p, {}),
    lambda p: serializers.load_hdf5(p, L.Linear(1, 1)),
    lambda p: serializers.HDF5Serializer(None),
    lambda p: serializers.HDF5Deserializer(None),
])
def test_missing_h5py_names_the_extra_to_install(tmp_path, monkeypatch, call):
    monkeypatch.setitem(sys.modules, "h5py", None)   # makes `import h5py` fail
    with pytest.raises(RuntimeError, match=r"needs h5py, which is not installed: pip install kusari-core\[hdf5\]"):
        call(tmp_path / "x.h5")


h5py = pytest.importorskip("h5py", reason="HDF5 needs the optional h5py (pip install kusari-core[hdf5])")


@given(seed=st.integers(0, 2 ** 16), count=st.integers(-10, 10 ** 12), flag=st.booleans(),
       label=st.text(max_size=5))
def test_round_trip_model_and_persistents(tmp_path_factory, seed, count, flag, label):
    path = tmp_path_factory.mktemp("h5") / "m.h5"
    rng = np.random.default_rng(seed)
    src = kusari.ChainList(L.Linear(3, 2), Persistents())
    for p in src.params():
        p.array[...] = rng.standard_normal(p.shape)
    src[1].count, src[1].flag, src[1].label = count, flag, label
    src[1].mean[...] = rng.standard_normal(2)
    serializers.save_hdf5(path, src)
    dst = kusari.ChainList(L.Linear(3, 2), Persistents())
    serializers.load_hdf5(path, dst)
    np.testing.assert_array_equal(dst[0].W.array, src[0].W.array)
    np.testing.assert_array_equal(dst[1].mean, src[1].mean)
    assert (dst[1].count, dst[1].flag, dst[1].label) == (count, flag, label)
    assert type(dst[1].count) is int and type(dst[1].flag) is bool


def test_optimizer_round_trip_and_layout(tmp_path):
    model = L.Classifier(L.Linear(3, 2))
    opt = optimizers.Adam().setup(model)
    for p in model.params():
        p.grad = np.ones_like(p.array)
    opt.update()
    path = tmp_path / "opt.h5"
    serializers.save_hdf5(path, opt)
    with h5py.File(path, "r") as f:
        assert f["predictor/W/m"].dtype == np.float32 and f["t"][()] == 1
        assert f["t"].dtype == np.int64
    opt2 = optimizers.Adam().setup(L.Classifier(L.Linear(3, 2)))
    serializers.load_hdf5(path, opt2)
    np.testing.assert_array_equal(opt2.target.predictor.W.update_rule.state["v"],
                                  model.predictor.W.update_rule.state["v"])


def test_none_is_an_empty_dataset(tmp_path):
    path = tmp_path / "lazy.h5"
    serializers.save_hdf5(path, L.Linear(None, 2))
    with h5py.File(path, "r") as f:
        assert f["W"].shape is None
    lazy = L.Linear(None, 2)
    serializers.load_hdf5(path, lazy)
    assert lazy.W.array is None


def test_dict_save(tmp_path):
    path = tmp_path / "d.h5"
    serializers.save_hdf5(path, {"a/b": np.arange(3), "t": 4})
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(f["a/b"][()], [0, 1, 2])
        assert f["t"][()] == 4


def test_missing_key_and_strict(tmp_path):
    path = tmp_path / "m.h5"
    serializers.save_hdf5(path, L.Linear(2, 2))
    model = kusari.Chain()
    with model.init_scope():
        model.l1 = L.Linear(2, 2)
    with pytest.raises(MissingKeyError, match=rf"key 'l1/W' not found in '{path}'; closest keys: 'W'"):
        serializers.load_hdf5(path, model)
    with h5py.File(path, "r") as f:
        serializers.HDF5Deserializer(f, strict=False).load(model)   # skipped quietly


def test_damaged_file(tmp_path):
    path = tmp_path / "bad.h5"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 20)
    with pytest.raises(CorruptedFileError, match=rf"load_hdf5: file '{path}' is damaged"):
        serializers.load_hdf5(path, L.Linear(1, 1))


def test_argument_errors(tmp_path):
    with pytest.raises(TypeError, match=r"save_hdf5: argument 'filename' expected a path \(str or os.PathLike\), got BytesIO"):
        import io
        serializers.save_hdf5(io.BytesIO(), {})
    with pytest.raises(TypeError, match=r"save_hdf5: argument 'obj' expected an object with a serialize\(\) method or a dict, got int"):
        serializers.save_hdf5(tmp_path / "x.h5", 3)
    with pytest.raises(TypeError, match=r"load_hdf5: argument 'obj' expected an object with a serialize\(\) method, got int"):
        serializers.load_hdf5(tmp_path / "x.h5", 3)
