"""LinearShift: v1 until t1, linear to v2 at t2, resume, errors."""
import io
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kusari
from kusari.serializers import npz
from kusari.training.extensions.linear_shift import LinearShift


def _trainer(optimizer):
    # Only what the shift extensions read: updater.get_optimizer('main').
    return SimpleNamespace(updater=SimpleNamespace(get_optimizer={"main": optimizer}.__getitem__))


def _run(ext, optimizer, n, attr="lr"):
    trainer = _trainer(optimizer)
    values = []
    for _ in range(n):
        ext(trainer)
        values.append(getattr(optimizer, attr))
    return values


def _resumed_run(make_ext, make_opt, k, n, attr="lr"):
    """Values of n calls when the run is saved after k calls and continued in fresh objects."""
    opt = make_opt()
    ext = make_ext()
    ext.initialize(_trainer(opt))
    first = _run(ext, opt, k, attr)
    buf = io.BytesIO()
    npz.save_npz(buf, ext)
    buf.seek(0)
    opt2, ext2 = make_opt(), make_ext()
    npz.load_npz(buf, ext2)
    ext2.initialize(_trainer(opt2))
    assert getattr(opt2, attr) == getattr(opt, attr)  # initialize restores the value exactly
    return first + _run(ext2, opt2, n - k, attr)


def _full_run(make_ext, make_opt, n, attr="lr"):
    opt, ext = make_opt(), make_ext()
    ext.initialize(_trainer(opt))
    return _run(ext, opt, n, attr)


@settings(deadline=None)
@given(v1=st.floats(-5, 5), v2=st.floats(-5, 5), t1=st.integers(0, 10), length=st.integers(1, 10),
       n=st.integers(1, 30))
def test_values_follow_closed_form(v1, v2, t1, length, n):
    t2 = t1 + length
    opt = kusari.optimizers.SGD(lr=123.0)
    ext = LinearShift("lr", (v1, v2), (t1, t2))
    ext.initialize(_trainer(opt))
    assert opt.lr == v1
    t = np.arange(1, n + 1)
    expected = np.interp(t, [t1, t2], [v1, v2])
    np.testing.assert_allclose(_run(ext, opt, n), expected, rtol=1e-9, atol=1e-12)


@settings(deadline=None, max_examples=20)
@given(k=st.integers(0, 12))
def test_resume_continues_exactly(k):
    def make_ext():
        return LinearShift("momentum", [0.5, 0.95], [2, 9])

    def make_opt():
        return kusari.optimizers.MomentumSGD()

    assert (_resumed_run(make_ext, make_opt, k, 12, "momentum")
            == _full_run(make_ext, make_opt, 12, "momentum"))


def test_snapshot_keys_are_chainers():
    assert sorted(npz.serialize(LinearShift("lr", (0, 1), (0, 5)))) == ["_last_value", "_t"]


def test_errors():
    with pytest.raises(TypeError, match=r"LinearShift: argument 'value_range' expected a pair \(start, end\), got 0.1"):
        LinearShift("lr", 0.1, (0, 5))
    with pytest.raises(TypeError, match=r"LinearShift: argument 'time_range' expected a pair \(start, end\), got \(1, 2, 3\)"):
        LinearShift("lr", (0.1, 0.2), (1, 2, 3))
    with pytest.raises(TypeError, match=r"LinearShift: argument 'value_range' expected a real number, got 'a'"):
        LinearShift("lr", ("a", 0.2), (1, 2))
