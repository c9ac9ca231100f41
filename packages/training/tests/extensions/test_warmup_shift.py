"""WarmupShift: linear ramp from warmup_start to init over warmup_iter calls, resume, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import npz
from kusari.training.extensions.warmup_shift import WarmupShift


@settings(deadline=None)
@given(start=st.floats(0, 1), init=st.floats(1e-3, 10.0), warmup_iter=st.integers(1, 15),
       n=st.integers(1, 30))
def test_values_follow_closed_form(shift_runs, start, init, warmup_iter, n):
    opt = kusari.optimizers.SGD(lr=123.0)
    ext = WarmupShift("lr", start, warmup_iter, init)
    ext.initialize(shift_runs.trainer(opt))
    assert opt.lr == start
    t = np.minimum(np.arange(1, n + 1), warmup_iter)
    expected = start + (init - start) * t / warmup_iter
    np.testing.assert_allclose(shift_runs.run(ext, opt, n), expected, rtol=1e-9, atol=1e-12)


def test_after_warmup_the_attribute_is_left_to_others(shift_runs):
    opt = kusari.optimizers.SGD(lr=0.0)
    ext = WarmupShift("lr", 0.0, 2, 1.0)
    ext.initialize(shift_runs.trainer(opt))
    shift_runs.run(ext, opt, 2)
    opt.lr = 0.3  # e.g. another shift takes over
    assert shift_runs.run(ext, opt, 2) == [0.3, 0.3]


def test_none_start_and_init_read_the_optimizer(shift_runs):
    opt = kusari.optimizers.SGD(lr=0.4)
    ext = WarmupShift("lr", None, 2, 0.8)
    ext.initialize(shift_runs.trainer(opt))
    assert shift_runs.run(ext, opt, 2) == [pytest.approx(0.6), 0.8]
    opt = kusari.optimizers.SGD(lr=0.4)
    ext = WarmupShift("lr", 0.0, 4)
    ext.initialize(shift_runs.trainer(opt))
    assert shift_runs.run(ext, opt, 2) == [0.1, 0.2]


@settings(deadline=None, max_examples=20)
@given(k=st.integers(0, 12))
def test_resume_continues_exactly(shift_runs, k):
    # The optimizer's own lr differs from init, so a resume after the warm-up
    # would show it if initialize reset the value (Chainer resets it to warmup_start).
    def make_ext():
        return WarmupShift("lr", 0.01, 6, 0.1)

    def make_opt():
        return kusari.optimizers.SGD(lr=0.1)

    assert shift_runs.resumed_run(make_ext, make_opt, k, 12) == shift_runs.full_run(make_ext, make_opt, 12)


def test_snapshot_keys_are_chainers():
    assert sorted(npz.serialize(WarmupShift("lr", 0.0, 3, 0.1))) == ["_t"]


def test_errors():
    with pytest.raises(ValueError, match=r"WarmupShift: argument 'warmup_iter' expected a positive int, got 0"):
        WarmupShift("lr", 0.0, 0, 0.1)
    with pytest.raises(TypeError, match=r"WarmupShift: argument 'warmup_start' expected a real number or None, got '0'"):
        WarmupShift("lr", "0", 3, 0.1)
