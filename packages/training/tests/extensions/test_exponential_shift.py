"""ExponentialShift: init * rate ** t with a target, resume, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import npz
from kusari.training.extensions.exponential_shift import ExponentialShift


@settings(deadline=None)
@given(rate=st.floats(0.0, 2.0), init=st.floats(1e-3, 10.0),
       target=st.one_of(st.none(), st.floats(1e-3, 10.0)), n=st.integers(1, 30))
def test_values_follow_closed_form(shift_runs, rate, init, target, n):
    opt = kusari.optimizers.SGD(lr=123.0)
    ext = ExponentialShift("lr", rate, init=init, target=target)
    ext.initialize(shift_runs.trainer(opt))
    assert opt.lr == init
    expected = init * rate ** np.arange(1, n + 1, dtype=np.float64)
    if target is not None:
        expected = np.minimum(expected, target) if rate > 1 else np.maximum(expected, target)
    np.testing.assert_allclose(shift_runs.run(ext, opt, n), expected, rtol=1e-12)


def test_init_none_reads_the_optimizer_and_other_attrs_work(shift_runs):
    opt = kusari.optimizers.Adam(alpha=0.004)
    ext = ExponentialShift("alpha", 0.5)
    ext.initialize(shift_runs.trainer(opt))
    assert shift_runs.run(ext, opt, 2, "alpha") == [0.002, 0.001]


def test_explicit_optimizer_is_used_instead_of_main(shift_runs):
    main, other = kusari.optimizers.SGD(lr=1.0), kusari.optimizers.SGD(lr=1.0)
    ext = ExponentialShift("lr", 0.5, optimizer=other)
    ext.initialize(shift_runs.trainer(main))
    ext(shift_runs.trainer(main))
    assert (main.lr, other.lr) == (1.0, 0.5)


@settings(deadline=None, max_examples=20)
@given(rate=st.floats(0.1, 1.5), target=st.one_of(st.none(), st.floats(0.01, 1.0)),
       k=st.integers(0, 12))
def test_resume_continues_exactly(shift_runs, rate, target, k):
    def make_ext():
        return ExponentialShift("lr", rate, target=target)

    def make_opt():
        return kusari.optimizers.SGD(lr=0.1)

    assert shift_runs.resumed_run(make_ext, make_opt, k, 12) == shift_runs.full_run(make_ext, make_opt, 12)


def test_snapshot_keys_are_chainers():
    ext = ExponentialShift("lr", 0.5, init=1.0)
    assert sorted(npz.serialize(ext)) == ["_last_value", "_t"]


def test_errors():
    with pytest.raises(ValueError, match=r"ExponentialShift: argument 'rate' expected a non-negative number, got -0.5"):
        ExponentialShift("lr", -0.5)
    with pytest.raises(TypeError, match=r"ExponentialShift: argument 'attr' expected a str naming an optimizer attribute .*, got 3"):
        ExponentialShift(3, 0.5)
    with pytest.raises(TypeError, match=r"ExponentialShift: argument 'init' expected a real number or None, got '1'"):
        ExponentialShift("lr", 0.5, init="1")
