"""MultiNodeEarlyStoppingTrigger.serialize: a trigger restored from a snapshot decides as the original would."""
import io
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari.distributed.triggers import MultiNodeEarlyStoppingTrigger
from kusari.serializers import DictionarySerializer, NpzDeserializer, load_npz, save_npz


def _single_process_comm():
    # gather/bcast of a one-process job: the collectives the aggregator uses.
    return SimpleNamespace(rank=0, size=1, gather_obj=lambda obj, root=0: [obj], bcast_obj=lambda obj, root=0: obj)


def _trainer(i, loss):
    updater = SimpleNamespace(iteration=i, epoch=0, epoch_detail=i / 100, previous_epoch_detail=(i - 1) / 100)
    return SimpleNamespace(updater=updater, observation={"main/loss": loss})


def _make():
    return MultiNodeEarlyStoppingTrigger(_single_process_comm(), check_trigger=(3, "iteration"),
                                         monitor="main/loss", patience=2, max_trigger=(40, "iteration"))


def _decisions(trigger, losses, start):
    return [bool(trigger(_trainer(i, loss))) for i, loss in enumerate(losses, start=start)]


def _roundtrip(trigger):
    buf = io.BytesIO()
    save_npz(buf, trigger)
    buf.seek(0)
    fresh = _make()
    load_npz(buf, fresh)
    return fresh


@settings(deadline=None, max_examples=30)
@given(losses=st.lists(st.sampled_from([0.5, 1.0, 1.5, 2.0]), min_size=2, max_size=30), data=st.data())
def test_restored_trigger_makes_the_same_decisions(losses, data):
    k = data.draw(st.integers(1, len(losses) - 1), label="calls before saving")
    original = _make()
    before = _decisions(original, losses[:k], 1)
    restored = _roundtrip(original)
    assert _decisions(restored, losses[k:], k + 1) == _decisions(original, losses[k:], k + 1)
    assert len(before) == k


def test_restored_state_matters():
    # Best 0.5 seen in the first window, one bad window, then two values of a window pending:
    # a fresh trigger would not stop at the next check, the restored one must.
    losses = [0.5, 0.5, 0.5, 2.0, 2.0, 2.0, 9.0, 9.0]
    original = _make()
    _decisions(original, losses, 1)
    restored = _roundtrip(original)
    assert restored.actual_trigger.best == pytest.approx(0.5)
    assert restored.actual_trigger.count == 1
    assert restored.aggregator.observation_history == [9.0, 9.0]
    # mean of the pending window (9, 9, 0.1) is worse than 0.5: count reaches patience 2.
    assert _decisions(restored, [0.1], 9) == [True]
    assert _decisions(_make(), [0.1], 9) == [False]


@pytest.mark.filterwarnings("ignore:IntervalTrigger")
def test_missing_keys_warn_and_keep_fresh_state():
    # A snapshot without the trigger's state (Chainer 7 saved none): fresh state, with a warning.
    trigger = _make()
    target = DictionarySerializer()
    _make().actual_trigger.serialize(target["actual_trigger"])  # only the wrapped trigger's keys
    with pytest.warns(UserWarning, match="MultiNodeEarlyStoppingTrigger.serialize: the values not yet averaged"):
        trigger.serialize(NpzDeserializer(target.target))
    assert trigger.aggregator.observation_history == []
    assert np.isinf(trigger.actual_trigger.best)
