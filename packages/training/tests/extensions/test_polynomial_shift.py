"""PolynomialShift: init * max(1 - t / max_count, 0) ** rate with a target, resume, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import npz
from kusari.training.extensions.polynomial_shift import PolynomialShift


@settings(deadline=None)
@given(rate=st.floats(0.0, 3.0), max_count=st.integers(1, 20), init=st.floats(1e-3, 10.0),
       target=st.one_of(st.none(), st.floats(1e-3, 10.0)), n=st.integers(1, 30))
def test_values_follow_closed_form(shift_runs, rate, max_count, init, target, n):
    opt = kusari.optimizers.SGD(lr=123.0)
    ext = PolynomialShift("lr", rate, max_count, init=init, target=target)
    ext.initialize(shift_runs.trainer(opt))
    assert opt.lr == init
    expected = init * np.maximum(1 - np.arange(1, n + 1) / max_count, 0) ** rate
    if target is not None:
        expected = np.maximum(expected, target) if rate > 0 else np.minimum(expected, target)
    np.testing.assert_allclose(shift_runs.run(ext, opt, n), expected, rtol=1e-12)


def test_reaches_zero_at_max_count_and_target_holds_there(shift_runs):
    # Chainer divides by the value here and fails with ZeroDivisionError.
    opt = kusari.optimizers.SGD(lr=1.0)
    ext = PolynomialShift("lr", 1.0, 2, target=0.25)
    ext.initialize(shift_runs.trainer(opt))
    assert shift_runs.run(ext, opt, 3) == [0.5, 0.25, 0.25]


@settings(deadline=None, max_examples=20)
@given(rate=st.floats(0.1, 2.0), k=st.integers(0, 12))
def test_resume_continues_exactly(shift_runs, rate, k):
    def make_ext():
        return PolynomialShift("lr", rate, 10)

    def make_opt():
        return kusari.optimizers.SGD(lr=0.1)

    assert shift_runs.resumed_run(make_ext, make_opt, k, 12) == shift_runs.full_run(make_ext, make_opt, 12)


def test_snapshot_keys_are_chainers():
    assert sorted(npz.serialize(PolynomialShift("lr", 0.5, 10))) == ["_last_value", "_t"]


def test_errors():
    with pytest.raises(ValueError, match=r"PolynomialShift: argument 'max_count' expected a positive number, got 0"):
        PolynomialShift("lr", 0.5, 0)
    with pytest.raises(TypeError, match=r"PolynomialShift: argument 'rate' expected a real number, got None"):
        PolynomialShift("lr", None, 10)
