"""NPZ serialization: key layout, dtypes, round trips, errors, and the no-unpickling rule."""
import builtins
import io
import os
import zipfile

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.links as L
from kusari import optimizers, serializers
from kusari.serializers import (
    CorruptedFileError,
    DictionarySerializer,
    MissingKeyError,
    NpzDeserializer,
    UnsafeObjectArrayError,
)
from kusari.utils.type_check import InvalidType


class MLP(kusari.Chain):
    def __init__(self, n_in=3, n_hidden=4, n_out=2):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(n_in, n_hidden)
            self.l2 = L.Linear(n_hidden, n_out)


class Counters(kusari.Link):
    """Persistents of every kind a Link may hold."""

    def __init__(self, size=3):
        super().__init__()
        self.add_persistent("count", 0)
        self.add_persistent("rate", 0.5)
        self.add_persistent("is_new_epoch", False)
        self.add_persistent("label", "abc")
        self.add_persistent("mean", np.zeros(size, np.float32))
        self.add_persistent("unset", None)


def saved(obj, **kwargs):
    buf = io.BytesIO()
    serializers.save_npz(buf, obj, **kwargs)
    buf.seek(0)
    return buf


# ---- layout and dtypes -------------------------------------------------------------
def test_key_layout_is_chainers():
    assert sorted(serializers.npz.serialize(MLP())) == ["l1/W", "l1/b", "l2/W", "l2/b"]
    assert sorted(serializers.npz.serialize(L.Classifier(MLP()))) == [
        "predictor/l1/W", "predictor/l1/b", "predictor/l2/W", "predictor/l2/b"]
    assert sorted(serializers.npz.serialize(kusari.ChainList(L.Linear(2, 2), L.Linear(2, 1)))) == [
        "0/W", "0/b", "1/W", "1/b"]
    model = L.Classifier(MLP())
    opt = optimizers.MomentumSGD().setup(model)
    for p in model.params():
        p.grad = np.ones_like(p.array)
    opt.update()
    keys = serializers.npz.serialize(opt)
    assert sorted(keys)[:4] == ["epoch", "predictor/l1/W/t", "predictor/l1/W/v", "predictor/l1/b/t"]
    assert keys["t"].dtype == np.int64 and keys["epoch"].dtype == np.int64
    assert keys["predictor/l1/W/v"].dtype == np.float32


def test_values_are_stored_with_chainers_dtypes():
    target = serializers.npz.serialize(Counters())
    assert target["count"].dtype == np.int64 and target["count"].shape == ()
    assert target["rate"].dtype == np.float64
    assert target["is_new_epoch"].dtype == np.bool_
    assert target["label"].dtype.kind == "U" and target["label"][()] == "abc"
    assert target["mean"].dtype == np.float32
    assert target["unset"].dtype == object and target["unset"][()] is None
    with np.load(saved(Counters()), allow_pickle=False) as f:   # on disk too
        assert f["count"].dtype == np.int64 and f["is_new_epoch"].dtype == np.bool_


def test_dictionary_serializer_rejects_other_values():
    with pytest.raises(InvalidType, match=r"DictionarySerializer: argument 'value' expected an array, a Python "
                                          r"scalar, a string or None, got builtins.object \(key 'a/x'\)"):
        DictionarySerializer()["a"]("x", object())


def test_dictionary_serializer_returns_value_and_strips_slashes():
    s = DictionarySerializer()
    w = np.ones(2)
    assert s["/child/"]("/W", w) is w
    assert list(s.target) == ["child/W"]


# ---- round trips -------------------------------------------------------------------------
layer_sizes = st.lists(st.integers(1, 4), min_size=2, max_size=4)


@given(sizes=layer_sizes, seed=st.integers(0, 2 ** 16), count=st.integers(-5, 10 ** 12),
       rate=st.floats(allow_nan=False), flag=st.booleans(), compression=st.booleans())
def test_round_trip_restores_parameters_and_persistents_bit_for_bit(sizes, seed, count, rate, flag,
                                                                  compression):
    def build():
        model = kusari.ChainList(*[L.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=True)])
        model.append(Counters(sizes[0]))
        return model

    rng = np.random.default_rng(seed)
    src = build()
    for p in src.params():
        p.array[...] = rng.standard_normal(p.shape).astype(np.float32)
    counters = src[len(src) - 1]
    counters.count, counters.rate, counters.is_new_epoch = count, rate, flag
    counters.mean[...] = rng.standard_normal(sizes[0])
    dst = build()
    serializers.load_npz(saved(src, compression=compression), dst)
    for (name, a), (_, b) in zip(src.namedparams(), dst.namedparams(), strict=True):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_array_equal(a.array, b.array, err_msg=name)
    got = dst[len(dst) - 1]
    assert (got.count, got.rate, got.is_new_epoch, got.label) == (count, rate, flag, "abc")
    assert type(got.count) is int and type(got.is_new_epoch) is bool
    np.testing.assert_array_equal(got.mean, counters.mean)
    assert got.unset is None


@pytest.mark.parametrize("name", ["Adam", "MomentumSGD", "AdaDelta", "SMORMS3", "MSVAG"])
def test_optimizer_round_trip_through_a_file(tmp_path, name):
    model = L.Classifier(MLP())
    opt = getattr(optimizers, name)().setup(model)
    rng = np.random.default_rng(0)
    for _ in range(2):
        for p in model.params():
            p.grad = rng.standard_normal(p.shape).astype(np.float32)
        opt.update()
    opt.new_epoch()
    path = tmp_path / "opt.npz"
    serializers.save_npz(path, opt)
    model2 = L.Classifier(MLP())
    opt2 = getattr(optimizers, name)().setup(model2)
    serializers.load_npz(str(path), opt2)
    assert (opt2.t, opt2.epoch) == (2, 1)
    for (_, a), (_, b) in zip(model.namedparams(), model2.namedparams(), strict=True):
        assert a.update_rule.t == b.update_rule.t == 2
        assert sorted(a.update_rule.state) == sorted(b.update_rule.state)
        for key, value in a.update_rule.state.items():
            np.testing.assert_array_equal(b.update_rule.state[key], value)
            assert b.update_rule.state[key].dtype == np.float32


def test_lazy_parameter_saved_as_none_and_initialised_on_load():
    lazy = L.Linear(None, 3)
    f = saved(lazy)
    with zipfile.ZipFile(f) as zf:
        assert sorted(zf.namelist()) == ["W.npy", "b.npy"]
    f.seek(0)
    other = L.Linear(None, 3)
    serializers.load_npz(f, other)
    assert other.W.array is None          # None read back as None
    ready = L.Linear(2, 3)
    ready.b.array[...] = 5
    serializers.load_npz(saved(ready), other)
    assert other.W.shape == (3, 2)        # a lazy parameter takes the file's shape
    np.testing.assert_array_equal(other.W.array, ready.W.array)


def test_none_in_file_leaves_an_initialised_parameter_untouched():
    model = L.Linear(2, 3)
    before = model.W.array.copy()
    serializers.load_npz(saved(L.Linear(None, 3)), model)
    np.testing.assert_array_equal(model.W.array, before)


def test_path_strict_and_ignore_names():
    src = L.Classifier(MLP())
    f = saved(src)
    part = MLP()
    serializers.load_npz(f, part, path="predictor/")
    np.testing.assert_array_equal(part.l2.W.array, src.predictor.l2.W.array)

    f.seek(0)
    bigger = MLP()
    with bigger.init_scope():
        bigger.extra = L.Linear(1, 1)
    extra_w = bigger.extra.W.array.copy()
    serializers.load_npz(f, bigger, path="predictor/", strict=False)
    np.testing.assert_array_equal(bigger.extra.W.array, extra_w)
    np.testing.assert_array_equal(bigger.l1.W.array, src.predictor.l1.W.array)

    for ignore in ("predictor/l1/W", lambda key: key.endswith("l1/W"), ["nothing", "predictor/l1/W"]):
        f.seek(0)
        target = L.Classifier(MLP())
        kept = target.predictor.l1.W.array.copy()
        serializers.load_npz(f, target, ignore_names=ignore)
        np.testing.assert_array_equal(target.predictor.l1.W.array, kept)
        np.testing.assert_array_equal(target.predictor.l1.b.array, src.predictor.l1.b.array)


def test_ignore_names_of_a_wrong_type_is_refused():
    with pytest.raises(InvalidType, match=r"load_npz: argument 'ignore_names' expected a str, a callable, "
                                          r"or a list of them, got an element of type int"):
        serializers.load_npz(saved(MLP()), MLP(), ignore_names=[3])


def test_npz_deserializer_accepts_numpy_npzfile_and_dicts():
    src = MLP()
    with np.load(saved(src)) as f:
        dst = MLP()
        NpzDeserializer(f).load(dst)
    np.testing.assert_array_equal(dst.l1.W.array, src.l1.W.array)
    dst = MLP()
    NpzDeserializer(serializers.npz.serialize(src)).load(dst)
    np.testing.assert_array_equal(dst.l2.b.array, src.l2.b.array)


def test_loading_from_a_live_dict_never_shares_arrays():
    model = L.Linear(2, 2)
    opt = optimizers.Adam().setup(model)
    for p in model.params():
        p.grad = np.ones_like(p.array)
    opt.update()
    opt2 = optimizers.Adam().setup(L.Linear(2, 2))
    NpzDeserializer(serializers.npz.serialize(opt)).load(opt2)   # the dict aliases opt's state
    state, state2 = model.W.update_rule.state, opt2.target.W.update_rule.state
    np.testing.assert_array_equal(state2["m"], state["m"])
    assert not np.shares_memory(state2["m"], state["m"])


def test_unusual_keys_survive():
    buf = saved({"file": np.arange(2), "allow_pickle": np.ones(1), "a:b/c d": np.zeros(1)})
    with serializers._archive.NpzArchive(buf) as archive:
        assert sorted(archive.files) == ["a:b/c d", "allow_pickle", "file"]
        np.testing.assert_array_equal(archive["file"], [0, 1])


# ---- errors ---------------------------------------------------------------------------
def test_missing_key_names_key_file_and_closest_keys(tmp_path):
    path = tmp_path / "model.npz"
    serializers.save_npz(path, {"l1/W": np.zeros(1), "l1/b": np.zeros(1), "l2/W": np.zeros(1)})

    class Wants:
        def serialize(self, s):
            s["l1"]("w", np.zeros(1))

    with pytest.raises(MissingKeyError) as info:
        serializers.load_npz(path, Wants())
    assert isinstance(info.value, KeyError)
    assert str(info.value) == f"key 'l1/w' not found in {str(path)!r}; closest keys: 'l1/W', 'l1/b', 'l2/W'"


def test_missing_key_is_a_key_error_chainer_code_can_catch():
    class OldFormat:
        value = 7

        def serialize(self, s):
            try:
                self.value = s("new_name", self.value)
            except KeyError:
                self.value = s("old_name", self.value)

    obj = OldFormat()
    serializers.load_npz(saved({"old_name": 9}), obj)
    assert obj.value == 9


def test_shape_mismatch_is_reported():
    with pytest.raises(ValueError, match=r"load_npz: argument 'W' expected shape \(2, 3\) \(the shape of the "
                                         r"object's array\), got \(3, 2\) in '<BytesIO>'"):
        serializers.load_npz(saved(L.Linear(2, 3)), L.Linear(3, 2))


def test_unsafe_scalar_cast_is_refused():
    class Counter:
        t = 0

        def serialize(self, s):
            self.t = s("t", self.t)

    with pytest.raises(InvalidType, match=r"load_npz: argument 't' expected a value that casts safely to int, "
                                          r"got dtype float64 in '<BytesIO>'"):
        serializers.load_npz(saved({"t": 1.5}), Counter())


@pytest.mark.parametrize("damage", ["garbage", "truncated", "bitflip"])
def test_damaged_file_says_which_file_and_that_it_is_damaged(tmp_path, damage):
    path = tmp_path / "model.npz"
    serializers.save_npz(path, MLP(), compression=False)
    data = path.read_bytes()
    if damage == "garbage":
        data = b"this is not a zip file at all" * 10
    elif damage == "truncated":
        data = data[: len(data) // 2]
    else:
        i = data.index(b"\x93NUMPY") + 130   # past the 128-byte npy header: array data
        data = data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]
    path.write_bytes(data)
    with pytest.raises(CorruptedFileError, match=rf"load_npz: file '{path}' is damaged \(truncated or corrupted\)"):
        serializers.load_npz(path, MLP())


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        serializers.load_npz(tmp_path / "nope.npz", MLP())


def test_save_and_load_argument_errors():
    with pytest.raises(InvalidType, match=r"save_npz: argument 'obj' expected an object with a serialize\(\) "
                                          r"method or a dict, got int"):
        serializers.save_npz(io.BytesIO(), 3)
    with pytest.raises(InvalidType, match=r"save_npz: argument 'compression' expected a bool, got int 1"):
        serializers.save_npz(io.BytesIO(), {}, compression=1)
    with pytest.raises(InvalidType, match=r"load_npz: argument 'obj' expected an object with a serialize\(\) "
                                          r"method, got list"):
        serializers.load_npz(saved({}), [])
    with pytest.raises(ValueError, match=r"save_npz: argument 'obj' expected arrays, Python scalars, strings or "
                                         r"None as values, got an object array of shape \(2,\) under key 'x'"):
        serializers.save_npz(io.BytesIO(), {"x": np.array([None, 1], dtype=object)})


# ---- never unpickle ---------------------------------------------------------------------
class Evil:
    def __reduce__(self):
        return (exec, ("import builtins; builtins._kusari_pwned = True",))


def crafted(value):
    buf = io.BytesIO()
    np.savez(buf, W=value, b=np.zeros(3, np.float32))   # numpy pickles object arrays on save
    buf.seek(0)
    return buf


@pytest.mark.parametrize("value,reason", [
    (np.array(Evil(), dtype=object), r"the pickle refers to builtins.exec"),
    (np.array([1, 2], dtype=object), r"an object array of shape \(2,\)"),
    (np.array([None, None], dtype=object), r"an object array of shape \(2,\)"),
    (np.array({"a": 1}, dtype=object), r"the object array does not hold None"),
    (np.array("x" * 10000, dtype=object), r"the pickle is too large to be None"),
])
def test_crafted_object_arrays_are_refused_without_running_code(value, reason):
    assert not hasattr(builtins, "_kusari_pwned")
    with pytest.raises(UnsafeObjectArrayError, match=rf"key 'W' in '<BytesIO>' holds a pickled object array, "
                                                     rf"which kusari never unpickles.*Refused: {reason}"):
        serializers.load_npz(crafted(value), L.Linear(None, 3))
    assert not hasattr(builtins, "_kusari_pwned")


def test_object_array_under_an_unread_key_is_harmless():
    buf = io.BytesIO()
    np.savez(buf, W=np.zeros((3, 2), np.float32), b=np.zeros(3, np.float32), junk=np.array(Evil(), dtype=object))
    buf.seek(0)
    serializers.load_npz(buf, L.Linear(2, 3))
    assert not hasattr(builtins, "_kusari_pwned")


# ---- atomic writes ---------------------------------------------------------------------------
def test_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "model.npz"
    serializers.save_npz(path, {"W": np.ones(2)})
    before = path.read_bytes()

    class Explodes:
        def serialize(self, s):
            s("W", np.zeros(2))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        serializers.save_npz(path, Explodes())
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]

    def bad_write(*args, **kwargs):
        raise OSError("disk full")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(serializers.npz, "write_npz", bad_write)
        with pytest.raises(OSError, match="disk full"):
            serializers.save_npz(path, {"W": np.zeros(2)})
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]
