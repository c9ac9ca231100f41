"""OnceTrigger: fires on the first call, and once more after a resume when asked."""
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari.serializers import DictionarySerializer, NpzDeserializer, load_npz, save_npz
from kusari.training.triggers.once_trigger import OnceTrigger


def reload(trigger, fresh):
    buf = io.BytesIO()
    save_npz(buf, trigger)
    buf.seek(0)
    load_npz(buf, fresh)
    return fresh


@settings(max_examples=30, deadline=None)
@given(calls=st.integers(1, 20), call_on_resume=st.booleans())
def test_fires_only_on_the_first_call(calls, call_on_resume):
    trigger = OnceTrigger(call_on_resume)
    assert not trigger.finished
    assert [trigger(None) for _ in range(calls)] == [True] + [False] * (calls - 1)
    assert trigger.finished


@settings(max_examples=30, deadline=None)
@given(before=st.integers(0, 5), after=st.integers(1, 5), call_on_resume=st.booleans())
def test_resume_fires_again_only_with_call_on_resume(before, after, call_on_resume):
    trigger = OnceTrigger(call_on_resume)
    for _ in range(before):
        trigger(None)
    resumed = reload(trigger, OnceTrigger(call_on_resume))
    fired = [resumed(None) for _ in range(after)]
    # Not yet fired before the snapshot, or asked to fire on resume: fire once.
    first = before == 0 or call_on_resume
    assert fired == [first] + [False] * (after - 1)
    assert resumed.finished


def test_serialize_uses_chainers_key_name():
    trigger = OnceTrigger()
    trigger(None)
    s = DictionarySerializer()
    trigger.serialize(s)
    assert list(s.target) == ["_flag_first"]
    assert bool(s.target["_flag_first"]) is False


def test_snapshot_without_the_flag_assumes_it_already_fired():
    trigger = OnceTrigger()
    with pytest.warns(UserWarning, match="OnceTrigger.serialize: '_flag_first' was not saved"):
        trigger.serialize(NpzDeserializer({}))
    assert trigger(None) is False


def test_real_trainer_runs_the_extension_once_and_again_after_resume_if_asked(trigger_runs, tmp_path):
    first = trigger_runs.real_trainer(6, 2, (2, "iteration"), tmp_path / "a")
    fired = trigger_runs.record_iterations(first, OnceTrigger(call_on_resume=True), name="once")
    quiet = trigger_runs.record_iterations(first, OnceTrigger(), name="quiet")
    first.run()
    assert fired == quiet == [1]
    save_npz(tmp_path / "snapshot.npz", first)

    second = trigger_runs.real_trainer(6, 2, (5, "iteration"), tmp_path / "b")
    fired = trigger_runs.record_iterations(second, OnceTrigger(call_on_resume=True), name="once")
    quiet = trigger_runs.record_iterations(second, OnceTrigger(), name="quiet")
    load_npz(tmp_path / "snapshot.npz", second)
    second.run()
    assert fired == [3]
    assert quiet == []
