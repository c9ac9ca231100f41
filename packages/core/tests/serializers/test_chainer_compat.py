"""Files written by Chainer 7.8.1 load into the equivalent kusari objects, and the reverse.

The fixtures in fixtures/ were written by Chainer itself (fixtures/make_fixtures.py,
run under Chainer 7.8.1).  Expected values are read from the same files with
plain ``numpy.load``, independently of kusari's reader.  The reverse direction
runs that script's ``check`` mode under the reference Chainer when it exists
(shared/tools/reference-venvs.sh builds it).
"""
import os
import pathlib
import subprocess

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import optimizers, serializers

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
CHAINER_PYTHON = os.environ.get("KUSARI_CHAINER_PYTHON",
                                os.path.expanduser("~/.cache/kusari-ref/chainer/bin/python"))


class MLP(kusari.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(3, 4)
            self.l2 = L.Linear(4, 2)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))


class BatchNormPersistents(kusari.Link):
    """The parameters and persistents of Chainer's BatchNormalization(4), nothing more."""

    def __init__(self, size):
        super().__init__()
        with self.init_scope():
            self.gamma = kusari.Parameter(np.ones(size, np.float32))
            self.beta = kusari.Parameter(np.zeros(size, np.float32))
        self.add_persistent("avg_mean", np.zeros(size, np.float32))
        self.add_persistent("avg_var", np.zeros(size, np.float32))
        self.add_persistent("N", 0)


class WithBN(kusari.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(3, 4)
            self.bn = BatchNormPersistents(4)


class Lazy(kusari.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, 4)


def raw(name):
    """The fixture's arrays, read with plain NumPy (pickle allowed only here, for None)."""
    with np.load(FIXTURES / name, allow_pickle=True) as f:
        return {k: f[k] for k in f.files}


def assert_params_equal_file(model, name):
    expected = raw(name)
    names = [n.lstrip("/") for n, _ in model.namedparams()]
    assert sorted(names) == sorted(k for k in expected if expected[k].dtype != object)
    for path, param in model.namedparams():
        np.testing.assert_array_equal(param.array, expected[path.lstrip("/")], err_msg=path)
        assert param.dtype == np.float32


@pytest.mark.parametrize("name,factory", [
    ("chain.npz", MLP),
    ("chainlist.npz", lambda: kusari.ChainList(L.Linear(3, 4), L.Linear(4, 2))),
    ("classifier.npz", lambda: L.Classifier(MLP())),
])
def test_chainer_models_load(name, factory):
    model = factory()
    serializers.load_npz(FIXTURES / name, model)
    assert_params_equal_file(model, name)


def test_chainer_batch_normalization_persistents_load():
    model = WithBN()
    model.bn.N = 7   # Chainer's BN counts N only in finetune mode: the file holds 0
    serializers.load_npz(FIXTURES / "bn.npz", model)
    expected = raw("bn.npz")
    for key in ("avg_mean", "avg_var"):
        np.testing.assert_array_equal(getattr(model.bn, key), expected["bn/" + key])
        assert not np.array_equal(expected["bn/" + key], np.zeros(4))   # really trained
    assert expected["bn/N"].dtype == np.int64
    assert model.bn.N == 0 and type(model.bn.N) is int
    np.testing.assert_array_equal(model.bn.gamma.array, expected["bn/gamma"])


def test_chainer_lazy_parameter_none_loads_as_none():
    model = Lazy()
    serializers.load_npz(FIXTURES / "lazy.npz", model)
    assert model.l1.W.array is None
    np.testing.assert_array_equal(model.l1.b.array, raw("lazy.npz")["l1/b"])


@pytest.mark.parametrize("prefix,factory,state_keys", [
    ("adam", lambda: optimizers.Adam(alpha=0.01), ["m", "v"]),
    ("momentum", lambda: optimizers.MomentumSGD(lr=0.1), ["v"]),
])
def test_chainer_optimizer_state_loads_and_continues_like_chainer(prefix, factory, state_keys):
    model = L.Classifier(MLP())
    opt = factory().setup(model)
    serializers.load_npz(FIXTURES / f"{prefix}_model.npz", model)
    serializers.load_npz(FIXTURES / f"{prefix}_opt.npz", opt)
    saved = raw(f"{prefix}_opt.npz")
    assert (opt.t, opt.epoch) == (3, 0)
    for path, param in model.namedparams():
        rule = param.update_rule
        assert rule.t == 3 and sorted(rule.state) == state_keys
        for key in state_keys:
            np.testing.assert_array_equal(rule.state[key], saved[f"{path.lstrip('/')}/{key}"])
    # one more step with the gradients Chainer used: the same result
    grads = raw("grads.npz")
    for path, param in model.namedparams():
        param.grad = grads[path.lstrip("/")].copy()
    opt.update()
    after_model, after_opt = raw(f"{prefix}_after_model.npz"), raw(f"{prefix}_after_opt.npz")
    assert opt.t == int(after_opt["t"]) == 4
    for path, param in model.namedparams():
        key = path.lstrip("/")
        np.testing.assert_allclose(param.array, after_model[key], rtol=1e-6, atol=1e-7, err_msg=key)
        for s in state_keys:
            np.testing.assert_allclose(param.update_rule.state[s], after_opt[f"{key}/{s}"], rtol=1e-6, atol=1e-9)


def test_kusari_optimizer_file_matches_chainers_layout_and_dtypes():
    model = L.Classifier(MLP())
    opt = optimizers.Adam(alpha=0.01).setup(model)
    serializers.load_npz(FIXTURES / "adam_model.npz", model)
    serializers.load_npz(FIXTURES / "adam_opt.npz", opt)
    ours = serializers.npz.serialize(opt)
    theirs = raw("adam_opt.npz")
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        assert np.asarray(ours[key]).dtype == value.dtype, key
        np.testing.assert_array_equal(ours[key], value)


@given(st.sampled_from(["chain.npz", "classifier.npz", "adam_model.npz"]))
def test_resaving_a_chainer_file_gives_the_same_arrays(name):
    model = L.Classifier(MLP()) if name != "chain.npz" else MLP()
    serializers.load_npz(FIXTURES / name, model)
    ours = serializers.npz.serialize(model)
    theirs = raw(name)
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        np.testing.assert_array_equal(ours[key], theirs[key])


def test_chainer_hdf5_files_load():
    pytest.importorskip("h5py", reason="HDF5 needs the optional h5py (pip install kusari-core[hdf5])")
    model = MLP()
    serializers.load_hdf5(FIXTURES / "chain.h5", model)
    assert_params_equal_file(model, "chain.npz")
    clf = L.Classifier(MLP())
    opt = optimizers.Adam(alpha=0.01).setup(clf)
    serializers.load_hdf5(FIXTURES / "adam_model.h5", clf)
    serializers.load_hdf5(FIXTURES / "adam_opt.h5", opt)
    saved = raw("adam_opt.npz")
    assert opt.t == 3
    np.testing.assert_array_equal(clf.predictor.l1.W.update_rule.state["v"], saved["predictor/l1/W/v"])


@pytest.mark.skipif(not os.path.exists(CHAINER_PYTHON),
                    reason="needs the reference Chainer 7.8.1 (shared/tools/reference-venvs.sh)")
def test_chainer_loads_kusari_files(tmp_path):
    # kusari trains, saves; Chainer loads and takes one more step; kusari takes the same step.
    rng = np.random.default_rng(0)
    model = L.Classifier(MLP())
    opt = optimizers.Adam(alpha=0.01).setup(model)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    t = rng.integers(0, 2, 8).astype(np.int32)
    for _ in range(3):
        opt.update(model, x, t)
    serializers.save_npz(tmp_path / "kusari_model.npz", model)
    serializers.save_npz(tmp_path / "kusari_adam.npz", opt)
    serializers.save_npz(tmp_path / "kusari_lazy.npz", Lazy())
    grads = {path.lstrip("/"): rng.standard_normal(p.shape).astype(np.float32) for path, p in model.namedparams()}
    serializers.save_npz(tmp_path / "grads.npz", grads)
    result = subprocess.run([CHAINER_PYTHON, "-W", "ignore", str(FIXTURES / "make_fixtures.py"), "check",
                             str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("OK chainer 7.8.1")
    for path, param in model.namedparams():
        param.grad = grads[path.lstrip("/")]
    opt.update()
    chainer_after = raw_path(tmp_path / "chainer_after_model.npz")
    for path, param in model.namedparams():
        np.testing.assert_allclose(param.array, chainer_after[path.lstrip("/")], rtol=1e-6, atol=1e-7)


def raw_path(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}
