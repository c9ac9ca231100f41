"""Reporter, report, report_scope, Summary, DictSummary; reported values keep no graph."""
import gc
import io
import threading
import weakref

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import reporter as reporter_module
from kusari import serializers
from kusari.reporter import DictSummary, Reporter, Summary


def test_observer_prefixes():
    reporter = Reporter()
    model, other = object(), object()
    reporter.add_observer("main", model)
    reporter.add_observer("validation/main", other)
    observation = {}
    with reporter.scope(observation):
        kusari.report({"loss": 1.5, "accuracy": 0.5}, model)
        kusari.report({"loss": 2.5}, other)
        kusari.report({"lr": 0.1})
    assert observation == {"main/loss": 1.5, "main/accuracy": 0.5, "validation/main/loss": 2.5, "lr": 0.1}


def test_add_observers_with_link_paths():
    model = kusari.Chain(enc=kusari.Chain(fc=L.Linear(2, 2)))
    reporter = Reporter()
    reporter.add_observer("main", model)
    reporter.add_observers("main", model.namedlinks(skipself=True))
    observation = {}
    with reporter.scope(observation):
        kusari.report({"norm": 1}, model.enc.fc)
        kusari.report({"loss": 2}, model)
    assert observation == {"main/enc/fc/norm": 1, "main/loss": 2}


def test_observers_are_matched_by_identity_not_equality():
    reporter = Reporter()
    a, b = [1], [1]
    reporter.add_observer("a", a)
    with reporter.scope({}):
        with pytest.raises(KeyError, match="Reporter.report: argument 'observer' expected an object registered with add_observer, got an unregistered list"):
            reporter.report({"x": 1}, b)


def test_report_without_a_current_reporter_is_a_no_op():
    kusari.report({"x": 1}, object())
    with pytest.raises(IndexError, match="get_current_reporter: no reporter is current"):
        kusari.get_current_reporter()
    with pytest.raises(IndexError, match="get_current_reporter: no reporter is current"):
        with kusari.report_scope({}):
            pass


def test_nested_reporters_and_scopes():
    outer, inner = Reporter(), Reporter()
    outer_obs, inner_obs, scoped = {}, {}, {}
    with outer.scope(outer_obs):
        assert kusari.get_current_reporter() is outer
        with inner.scope(inner_obs):
            assert kusari.get_current_reporter() is inner
            kusari.report({"a": 1})
            with kusari.report_scope(scoped):
                kusari.report({"b": 2})
            kusari.report({"c": 3})
        kusari.report({"d": 4})
    assert inner_obs == {"a": 1, "c": 3} and scoped == {"b": 2} and outer_obs == {"d": 4}
    with outer:
        kusari.report({"e": 5})
    assert outer.observation == {"e": 5}


def test_scopes_restore_state_after_exceptions():
    reporter = Reporter()
    original = reporter.observation
    with pytest.raises(RuntimeError):
        with reporter.scope({}):
            raise RuntimeError
    assert reporter.observation is original
    assert reporter_module._reporters() == []
    with reporter:
        with pytest.raises(RuntimeError):
            with kusari.report_scope({}):
                raise RuntimeError
        assert reporter.observation is original


def test_the_current_reporter_is_per_thread():
    reporter = Reporter()
    seen = []
    with reporter.scope({}):
        thread = threading.Thread(target=lambda: seen.append(reporter_module._reporters() == []))
        thread.start()
        thread.join()
    assert seen == [True]


# ---- the graph is not kept alive ---------------------------------------------------------

def _report_a_loss(reporter, observation, keep_graph):
    model = L.Linear(3, 2)
    reporter.add_observer("main", model)
    x = kusari.Variable(numpy.ones((4, 3), numpy.float32))
    h = model(x)
    loss = F.sum(h * h)
    refs = (weakref.ref(loss.creator_node), weakref.ref(h.node), weakref.ref(h.creator_node))
    with kusari.using_config("keep_graph_on_report", keep_graph), reporter.scope(observation):
        kusari.report({"loss": loss}, model)
    loss.backward()
    return refs, loss.array


def test_reported_variables_do_not_keep_the_graph_alive():
    reporter, observation = Reporter(), {}
    refs, loss_array = _report_a_loss(reporter, observation, keep_graph=False)
    gc.collect()
    assert all(ref() is None for ref in refs)
    reported = observation["main/loss"]
    assert isinstance(reported, kusari.Variable) and reported.creator is None
    assert reported.array is loss_array                    # no copy of the data


def test_keep_graph_on_report_keeps_the_original_variable():
    reporter, observation = Reporter(), {}
    refs, _ = _report_a_loss(reporter, observation, keep_graph=True)
    gc.collect()
    assert all(ref() is not None for ref in refs)
    assert observation["main/loss"].creator is refs[0]()
    del observation["main/loss"]
    gc.collect()
    assert all(ref() is None for ref in refs)


# ---- Summary --------------------------------------------------------------------------

@given(st.lists(st.tuples(st.floats(-100, 100), st.integers(1, 4)), min_size=1, max_size=8))
def test_summary_weighted_mean_and_std_match_numpy(pairs):
    values = numpy.array([v for v, _ in pairs])
    weights = numpy.array([w for _, w in pairs], numpy.float64)
    summary = Summary()
    for v, w in pairs:
        summary.add(v, weight=w)
    mean = numpy.average(values, weights=weights)
    std = numpy.sqrt(numpy.average((values - mean) ** 2, weights=weights))
    numpy.testing.assert_allclose(summary.compute_mean(), mean, rtol=1e-9, atol=1e-9)
    got_mean, got_std = summary.make_statistics()
    numpy.testing.assert_allclose(got_mean, mean, rtol=1e-9, atol=1e-9)
    numpy.testing.assert_allclose(got_std, std, rtol=1e-6, atol=1e-5)
    assert not numpy.isnan(got_std)


def test_summary_accepts_arrays_and_variables():
    summary = Summary()
    summary.add(numpy.array(1.0, numpy.float32))
    summary.add(kusari.Variable(numpy.array(3.0, numpy.float32)), weight=kusari.Variable(numpy.array(3.0)))
    assert float(summary.compute_mean()) == pytest.approx(2.5)
    assert not isinstance(summary.compute_mean(), kusari.Variable)


def test_summary_std_of_equal_values_is_zero_not_nan():
    summary = Summary()
    for _ in range(3):
        summary.add(0.1)
    assert summary.make_statistics()[1] == 0.0


def test_summary_serialize_round_trip_and_missing_keys():
    summary = Summary()
    summary.add(2.0)
    summary.add(4.0, weight=3)
    saver = serializers.DictionarySerializer()
    summary.serialize(saver)
    restored = Summary()
    restored.serialize(serializers.NpzDeserializer(saver.target))
    assert float(restored.compute_mean()) == pytest.approx(3.5)
    empty = Summary()
    with pytest.warns(UserWarning, match="Summary.serialize: the previous statistics were not saved"):
        empty.serialize(serializers.NpzDeserializer({}))


# ---- DictSummary -------------------------------------------------------------------------

def test_dict_summary_means_statistics_and_skipped_values():
    summary = DictSummary()
    summary.add({"loss": 1.0, "acc": kusari.Variable(numpy.array(0.5, numpy.float32)),
                 "vector": numpy.ones(3), "text": "ignored", "w": (2.0, 1)})
    summary.add({"loss": numpy.float32(3.0), "w": (4.0, numpy.array(3))})
    means = summary.compute_mean()
    assert sorted(means) == ["acc", "loss", "w"]
    assert float(means["loss"]) == 2.0 and float(means["acc"]) == 0.5 and float(means["w"]) == 3.5
    stats = summary.make_statistics()
    assert sorted(stats) == ["acc", "acc.std", "loss", "loss.std", "w", "w.std"]
    assert float(stats["loss.std"]) == pytest.approx(1.0)


def test_dict_summary_rejects_non_scalar_weights():
    with pytest.raises(ValueError, match=r"DictSummary.add: argument 'd' expected a scalar weight for 'x', got ndarray of shape \(2,\)"):
        DictSummary().add({"x": (1.0, numpy.ones(2))})


def test_dict_summary_serialize_round_trip_through_npz():
    summary = DictSummary()
    summary.add({"main/loss": 1.0, "main/accuracy": 0.25})
    summary.add({"main/loss": 2.0})
    buffer = io.BytesIO()
    serializers.save_npz(buffer, summary)
    buffer.seek(0)
    restored = DictSummary()
    restored.add({"stale": 1.0})
    serializers.load_npz(buffer, restored)
    means = restored.compute_mean()
    assert sorted(means) == ["main/accuracy", "main/loss"]
    assert float(means["main/loss"]) == 1.5 and float(means["main/accuracy"]) == 0.25


def test_dict_summary_load_without_names_warns():
    restored = DictSummary()
    with pytest.warns(UserWarning, match="DictSummary.serialize: the names of the statistics were not saved"):
        restored.serialize(serializers.NpzDeserializer({}))
    assert restored.compute_mean() == {}
