"""StepShift: init * gamma ** floor(t / step) with a target, resume, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import npz
from kusari.training.extensions.step_shift import StepShift


@settings(deadline=None)
@given(gamma=st.floats(0.0, 3.0), step=st.integers(1, 7), init=st.floats(1e-3, 10.0),
       target=st.one_of(st.none(), st.floats(1e-3, 10.0)), n=st.integers(1, 30))
def test_values_follow_closed_form(shift_runs, gamma, step, init, target, n):
    opt = kusari.optimizers.SGD(lr=123.0)
    ext = StepShift("lr", gamma, step, init=init, target=target)
    ext.initialize(shift_runs.trainer(opt))
    assert opt.lr == init
    expected = init * gamma ** np.floor(np.arange(1, n + 1) / step)
    if target is not None:
        expected = np.minimum(expected, target) if gamma > 1 else np.maximum(expected, target)
    np.testing.assert_allclose(shift_runs.run(ext, opt, n), expected, rtol=1e-12)


@settings(deadline=None, max_examples=20)
@given(gamma=st.floats(0.1, 2.0), step=st.integers(1, 5), k=st.integers(0, 12))
def test_resume_continues_exactly(shift_runs, gamma, step, k):
    def make_ext():
        return StepShift("lr", gamma, step, target=0.001 if gamma < 1 else 10.0)

    def make_opt():
        return kusari.optimizers.MomentumSGD(lr=0.1)

    assert shift_runs.resumed_run(make_ext, make_opt, k, 12) == shift_runs.full_run(make_ext, make_opt, 12)


def test_snapshot_keys_are_chainers():
    assert sorted(npz.serialize(StepShift("lr", 0.5, 2))) == ["_last_value", "_t"]


def test_errors():
    with pytest.raises(ValueError, match=r"StepShift: argument 'step' expected a positive int, got 0"):
        StepShift("lr", 0.5, 0)
    with pytest.raises(ValueError, match=r"StepShift: argument 'step' expected a positive int, got 1.5"):
        StepShift("lr", 0.5, 1.5)
    with pytest.raises(TypeError, match=r"StepShift: argument 'gamma' expected a real number, got '0.5'"):
        StepShift("lr", "0.5", 2)
