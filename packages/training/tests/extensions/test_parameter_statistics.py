"""ParameterStatistics: Chainer's key naming, statistics averaged over the trigger interval, options."""
import io
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import NpzDeserializer, load_npz, save_npz
from kusari.training.extension import PRIORITY_WRITER
from kusari.training.extensions.parameter_statistics import ParameterStatistics


class _MLP(kusari.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = kusari.links.Linear(3, 4)
            self.l2 = kusari.links.Linear(4, 2)


def _fill(model, rng):
    for param in model.params():
        param.array[...] = rng.standard_normal(param.shape).astype(np.float32)
        param.grad = rng.standard_normal(param.shape).astype(np.float32)


def _call(ext, iteration):
    observation = {}
    updater = SimpleNamespace(iteration=iteration, epoch_detail=iteration / 10,
                              previous_epoch_detail=(iteration - 1) / 10)
    with kusari.Reporter().scope(observation):
        ext(SimpleNamespace(updater=updater, observation=observation))
    return observation


def _expected_stats(arrays):
    """Mean over calls of each default statistic of one flattened array."""
    per_call = []
    for a in arrays:
        a = a.ravel()
        stats = {"mean": a.mean(), "std": a.std(), "min": a.min(), "max": a.max(),
                 "zeros": np.count_nonzero(a == 0)}
        pct = np.percentile(a, [0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87])
        stats.update({f"percentile/{i}": v for i, v in enumerate(pct)})
        per_call.append(stats)
    return {k: np.mean([s[k] for s in per_call]) for k in per_call[0]}


@settings(deadline=None, max_examples=15)
@given(seed=st.integers(0, 2**16), period=st.integers(1, 3))
def test_default_statistics_averaged_over_the_interval(seed, period):
    rng = np.random.default_rng(seed)
    model = _MLP()
    model.l2.b.array[...] = 0  # the zeros statistic sees something
    ext = ParameterStatistics(model, prefix="stats", trigger=(period, "iteration"))
    assert (ext.priority, ext.default_name) == (PRIORITY_WRITER, "parameter_statistics")
    history = []
    for it in range(1, period + 1):
        _fill(model, rng)
        history.append({name: (p.array.copy(), p.grad.copy()) for name, p in model.namedparams()})
        observation = _call(ext, it)
        assert (observation == {}) == (it < period)
    expected = {}
    for name in history[0]:
        for attr, idx in (("data", 0), ("grad", 1)):
            for stat, value in _expected_stats([h[name][idx] for h in history]).items():
                expected[f"stats/None{name}/{attr}/{stat}"] = value
    assert set(observation) == set(expected)
    for key, value in expected.items():
        np.testing.assert_allclose(float(observation[key]), value, rtol=1e-5, atol=1e-6, err_msg=key)


def test_child_links_use_their_names_and_options_select_attrs():
    model = _MLP()
    ext = ParameterStatistics([model.l1, model.l2], {"max": np.max}, report_params=False,
                              trigger=(1, "iteration"))
    model.l1.W.grad = np.full((4, 3), 2.0, np.float32)
    observation = _call(ext, 1)  # l1/b and all of l2 have no grad yet: skipped
    assert {k: float(v) for k, v in observation.items()} == {"l1/W/grad/max": 2.0}
    ext = ParameterStatistics(model.l1, statistics=None, report_grads=False, trigger=(1, "iteration"))
    assert _call(ext, 1) == {}
    ext.register_statistics("first", lambda x: x[0])
    assert {float(v) for v in _call(ext, 2).values()} == {float(model.l1.W.array[0, 0]), float(model.l1.b.array[0])}


def test_skip_nan_params_reports_nan():
    model = kusari.links.Linear(2, 3)
    model.W.array[0, 0] = np.nan
    ext = ParameterStatistics(model, {"mean": np.mean, "pct": lambda x: np.percentile(x, [10, 90])},
                              report_grads=False, trigger=(1, "iteration"), skip_nan_params=True)
    observation = _call(ext, 1)
    assert np.isnan(observation["None/W/data/mean"]) and np.isnan(observation["None/W/data/pct"])
    np.testing.assert_allclose(observation["None/b/data/pct/1"], np.percentile(model.b.array, 90))


def test_errors():
    with pytest.raises(TypeError, match=r"ParameterStatistics: argument 'links' expected a Link or a list of Links, got int"):
        ParameterStatistics([kusari.links.Linear(2, 2), 3])
    with pytest.raises(TypeError, match=r"ParameterStatistics: argument 'statistics' expected a dict, 'default' or None, got 'mean'"):
        ParameterStatistics(kusari.links.Linear(2, 2), statistics="mean")


def _save_load(ext, make):
    buf = io.BytesIO()
    save_npz(buf, ext)
    buf.seek(0)
    fresh = make()
    load_npz(buf, fresh)
    return fresh


@pytest.mark.parametrize("unit", ["iteration", "epoch"])
def test_resume_mid_interval_reports_as_uninterrupted(unit):
    model = _MLP()
    rng = np.random.default_rng(0)
    arrays = []
    for _ in range(5):
        _fill(model, rng)
        arrays.append({n: (p.array.copy(), p.grad.copy()) for n, p in model.namedparams()})

    def make():
        return ParameterStatistics(model, {"mean": np.mean}, trigger=(0.3 if unit == "epoch" else 3, unit))

    def run(ext, start, stop):
        reports = []
        for i in range(start, stop):
            for name, p in model.namedparams():
                p.array[...], p.grad = arrays[i][name][0].copy(), arrays[i][name][1].copy()
            reports.append(_call(ext, i + 1))
        return reports

    full = run(make(), 0, 5)
    assert [bool(r) for r in full] == [False, False, True, False, False]
    ext = make()
    first = run(ext, 0, 2)
    assert first + run(_save_load(ext, make), 2, 5) == full


def test_snapshot_without_its_keys_loads_with_warnings():
    # Chainer saves nothing for this extension: its snapshots must still load.
    ext = ParameterStatistics(kusari.links.Linear(2, 2))
    with pytest.warns(UserWarning):
        ext.serialize(NpzDeserializer({}))
