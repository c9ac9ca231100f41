"""LinearShift: v1 until t1, linear to v2 at t2, resume, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import npz
from kusari.training.extensions.linear_shift import LinearShift


@settings(deadline=None)
@given(v1=st.floats(-5, 5), v2=st.floats(-5, 5), t1=st.integers(0, 10), length=st.integers(1, 10),
       n=st.integers(1, 30))
def test_values_follow_closed_form(shift_runs, v1, v2, t1, length, n):
    t2 = t1 + length
    opt = kusari.optimizers.SGD(lr=123.0)
    ext = LinearShift("lr", (v1, v2), (t1, t2))
    ext.initialize(shift_runs.trainer(opt))
    assert opt.lr == v1
    t = np.arange(1, n + 1)
    expected = np.interp(t, [t1, t2], [v1, v2])
    np.testing.assert_allclose(shift_runs.run(ext, opt, n), expected, rtol=1e-9, atol=1e-12)


@settings(deadline=None, max_examples=20)
@given(k=st.integers(0, 12))
def test_resume_continues_exactly(shift_runs, k):
    def make_ext():
        return LinearShift("momentum", [0.5, 0.95], [2, 9])

    def make_opt():
        return kusari.optimizers.MomentumSGD()

    assert (shift_runs.resumed_run(make_ext, make_opt, k, 12, "momentum")
            == shift_runs.full_run(make_ext, make_opt, 12, "momentum"))


def test_snapshot_keys_are_chainers():
    assert sorted(npz.serialize(LinearShift("lr", (0, 1), (0, 5)))) == ["_last_value", "_t"]


def test_errors():
    with pytest.raises(TypeError, match=r"LinearShift: argument 'value_range' expected a pair \(start, end\), got 0.1"):
        LinearShift("lr", 0.1, (0, 5))
    with pytest.raises(TypeError, match=r"LinearShift: argument 'time_range' expected a pair \(start, end\), got \(1, 2, 3\)"):
        LinearShift("lr", (0.1, 0.2), (1, 2, 3))
    with pytest.raises(TypeError, match=r"LinearShift: argument 'value_range' expected a real number, got 'a'"):
        LinearShift("lr", ("a", 0.2), (1, 2))
