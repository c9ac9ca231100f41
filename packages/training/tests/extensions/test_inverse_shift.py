"""InverseShift: init * (1 + gamma * t) ** -power with a target, resume, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import npz
from kusari.training.extensions.inverse_shift import InverseShift


@settings(deadline=None)
@given(gamma=st.floats(0.0, 2.0), power=st.floats(-2.0, 2.0), init=st.floats(1e-3, 10.0),
       target=st.one_of(st.none(), st.floats(1e-3, 10.0)), n=st.integers(1, 30))
def test_values_follow_closed_form(shift_runs, gamma, power, init, target, n):
    opt = kusari.optimizers.SGD(lr=123.0)
    ext = InverseShift("lr", gamma, power, init=init, target=target)
    ext.initialize(shift_runs.trainer(opt))
    assert opt.lr == init
    expected = init * (1 + gamma * np.arange(1, n + 1, dtype=np.float64)) ** -power
    if target is not None:
        expected = np.minimum(expected, target) if power < 0 else np.maximum(expected, target)
    np.testing.assert_allclose(shift_runs.run(ext, opt, n), expected, rtol=1e-12)


def test_init_none_reads_the_optimizer(shift_runs):
    opt = kusari.optimizers.SGD(lr=0.2)
    ext = InverseShift("lr", 1.0, 1.0)
    ext.initialize(shift_runs.trainer(opt))
    np.testing.assert_allclose(shift_runs.run(ext, opt, 3), [0.1, 0.2 / 3, 0.05])


@settings(deadline=None, max_examples=20)
@given(gamma=st.floats(0.0, 1.0), power=st.floats(0.0, 2.0), k=st.integers(0, 12))
def test_resume_continues_exactly(shift_runs, gamma, power, k):
    def make_ext():
        return InverseShift("lr", gamma, power, target=0.01)

    def make_opt():
        return kusari.optimizers.SGD(lr=0.1)

    assert shift_runs.resumed_run(make_ext, make_opt, k, 12) == shift_runs.full_run(make_ext, make_opt, 12)


def test_snapshot_keys_are_chainers():
    assert sorted(npz.serialize(InverseShift("lr", 0.5, 1.0))) == ["_last_value", "_t"]


def test_errors():
    with pytest.raises(ValueError, match=r"InverseShift: argument 'gamma' expected a non-negative number, got -1"):
        InverseShift("lr", -1, 1.0)
    with pytest.raises(TypeError, match=r"InverseShift: argument 'power' expected a real number, got None"):
        InverseShift("lr", 1.0, None)
