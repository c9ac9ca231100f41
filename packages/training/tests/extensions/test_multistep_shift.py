"""MultistepShift: init * gamma ** (milestones reached), resume, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import npz
from kusari.training.extensions.multistep_shift import MultistepShift


@settings(deadline=None)
@given(gamma=st.floats(0.01, 2.0), init=st.floats(1e-3, 10.0),
       steps=st.lists(st.integers(1, 25), max_size=4, unique=True).map(sorted), n=st.integers(1, 30))
def test_values_follow_closed_form(shift_runs, gamma, init, steps, n):
    opt = kusari.optimizers.SGD(lr=123.0)
    ext = MultistepShift("lr", gamma, steps, init)
    ext.initialize(shift_runs.trainer(opt))
    assert opt.lr == init
    reached = np.searchsorted(steps, np.arange(1, n + 1), side="right")  # distinct milestones: one per call
    np.testing.assert_allclose(shift_runs.run(ext, opt, n), init * gamma ** reached, rtol=1e-12)


def test_init_none_reads_the_optimizer(shift_runs):
    opt = kusari.optimizers.SGD(lr=0.5)
    ext = MultistepShift("lr", 0.1, (1, 3), None)
    ext.initialize(shift_runs.trainer(opt))
    np.testing.assert_allclose(shift_runs.run(ext, opt, 3), [0.05, 0.05, 0.005])


@settings(deadline=None, max_examples=20)
@given(k=st.integers(0, 12))
def test_resume_continues_exactly(shift_runs, k):
    def make_ext():
        return MultistepShift("lr", 0.5, [2, 5, 9], 0.1)

    def make_opt():
        return kusari.optimizers.SGD()

    assert shift_runs.resumed_run(make_ext, make_opt, k, 12) == shift_runs.full_run(make_ext, make_opt, 12)


def test_snapshot_keys_are_chainers():
    assert sorted(npz.serialize(MultistepShift("lr", 0.5, [2], 0.1))) == ["_current_step", "_t"]


def test_errors():
    with pytest.raises(TypeError, match=r"MultistepShift: argument 'step_value' expected a sequence of ints, got 3"):
        MultistepShift("lr", 0.5, 3, 0.1)
    with pytest.raises(TypeError, match=r"MultistepShift: argument 'gamma' expected a real number, got None"):
        MultistepShift("lr", None, [3], 0.1)
