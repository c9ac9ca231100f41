"""Link hooks: LinkHook registration (thread-wide and per link), the order and
arguments of the callbacks, the no-hook fast-path flag, copies, threads, and
the built-in TimerHook, SpectralNormalization and WeightStandardization."""
import copy
import gc
import io
import pickle
import re
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import link_hooks
from kusari.gradient_check import numerical_grad
from kusari.link import Link
from kusari.link_hook import LinkHook, get_link_hooks
from kusari.testing import strategies as kst
from kusari.utils import type_check


class Recorder(LinkHook):
    """Appends every callback to a shared log."""

    def __init__(self, name, log):
        self.name = name
        self.log = log

    def added(self, link):
        self.log.append(("added", self.name, link))

    def deleted(self, link):
        self.log.append(("deleted", self.name, link))

    def forward_preprocess(self, args):
        self.log.append(("pre", self.name, args.link, args.forward_name, args.args, args.kwargs))

    def forward_postprocess(self, args):
        self.log.append(("post", self.name, args.link, args.out))


class Double(Link):
    def forward(self, x, scale=1):
        return x * 2 * scale


class Outer(kusari.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.inner = Double()

    def forward(self, x):
        return self.inner(x) + 1


@pytest.fixture(autouse=True)
def _no_leftover_hooks():
    yield
    assert len(get_link_hooks()) == 0
    assert Link._link_hooks_active is False


# ---- registration and callbacks ---------------------------------------------
def test_with_block_calls_pre_and_post_with_the_call_arguments():
    log = []
    link = Double()
    x = np.array([1.0, 2.0], np.float32)
    with Recorder("r", log) as hook:
        assert get_link_hooks()["r"] is hook
        y = link(x, scale=3)
    assert log[0] == ("added", "r", None)
    assert log[-1] == ("deleted", "r", None)
    pre, post = log[1], log[2]
    assert pre[:4] == ("pre", "r", link, "forward")
    assert pre[4] == (x,) and pre[5] == {"scale": 3}
    assert post[:3] == ("post", "r", link) and post[3] is y
    np.testing.assert_array_equal(y, x * 6)
    link(x)  # unregistered: nothing more
    assert len(log) == 4


def test_nested_links_post_callbacks_run_children_first():
    log = []
    model = Outer()
    with Recorder("r", log):
        model(np.ones(2, np.float32))
    calls = [(e[0], type(e[2]).__name__) for e in log if e[0] in ("pre", "post")]
    assert calls == [("pre", "Outer"), ("pre", "Double"), ("post", "Double"), ("post", "Outer")]


def test_the_same_name_twice_in_one_thread_raises_and_keeps_the_first():
    first = Recorder("r", [])
    with first:
        with pytest.raises(KeyError, match="hook r already exists"):
            with Recorder("r", []):
                pass
        assert get_link_hooks()["r"] is first
    assert "r" not in get_link_hooks()


def test_add_and_delete_without_a_block():
    log = []
    hook = Recorder("r", log)
    assert hook.add() is hook
    Double()(np.ones(1))
    hook.delete()
    with pytest.raises(KeyError, match="hook r does not exist"):
        hook.delete()
    assert [e[0] for e in log] == ["added", "pre", "post", "deleted"]


def test_add_and_delete_on_a_link_reject_non_links():
    with pytest.raises(type_check.InvalidType,
                       match=r"LinkHook.add: argument 'link' expected a kusari.Link, got int"):
        Recorder("r", []).add(3)
    with pytest.raises(type_check.InvalidType,
                       match=r"LinkHook.delete: argument 'link' expected a kusari.Link, got str"):
        Recorder("r", []).delete("x")


def test_local_hooks_run_for_that_link_only_and_get_the_link_in_added():
    log = []
    model = Outer()
    hook = Recorder("r", log)
    assert model.inner.add_hook(hook) is model.inner
    assert log == [("added", "r", model.inner)]
    model(np.ones(2, np.float32))
    assert [(e[0], type(e[2]).__name__) for e in log[1:]] == [("pre", "Double"), ("post", "Double")]
    model.inner.delete_hook("r")
    assert log[-1] == ("deleted", "r", model.inner)
    assert len(model.inner.local_link_hooks) == 0


def test_add_hook_name_argument_duplicates_and_missing_names():
    link = Double()
    hook = Recorder("r", [])
    link.add_hook(hook, name="other")
    assert list(link.local_link_hooks) == ["other"]
    with pytest.raises(KeyError, match="Hook other already exists"):
        link.add_hook(Recorder("x", []), name="other")
    with pytest.raises(KeyError, match="Hook missing does not exist"):
        link.delete_hook("missing")
    link.delete_hook("other")
    assert "_link_hooks_active" not in link.__dict__


def test_add_hook_rejects_what_is_not_a_link_hook():
    with pytest.raises(type_check.InvalidType,
                       match=r"Double.add_hook: argument 'hook' expected a kusari.LinkHook, got object"):
        Double().add_hook(object())


def test_global_hooks_run_first_and_a_local_one_replaces_a_global_of_the_same_name():
    log = []
    link = Double()
    link.add_hook(Recorder("local", log))
    local_a = Recorder("a", log)
    link.add_hook(local_a)
    with Recorder("a", log), Recorder("b", log):
        log.clear()
        link(np.ones(1))
    pre = [(e[1], e[2] is link) for e in log if e[0] == "pre"]
    assert [name for name, _ in pre] == ["a", "b", "local"]
    # The 'a' that ran is the link's own one.
    a_entries = [e for e in log if e[0] == "pre" and e[1] == "a"]
    assert len(a_entries) == 1
    other = Double()
    log.clear()
    with Recorder("a", log):
        other(np.ones(1))
    assert [e[1] for e in log if e[0] == "pre"] == ["a"]


def test_hooks_are_fixed_when_a_call_starts():
    log = []
    late = Recorder("late", log)

    class Registers(LinkHook):
        name = "registers"

        def forward_preprocess(self, args):
            late.add()

    with Registers():
        Double()(np.ones(1))
        # Registered during the call's pre-callbacks: not part of that call.
        assert [e[0] for e in log] == ["added"]
    late.forward_preprocess = lambda args: log.append(("pre-late",))
    Double()(np.ones(1))
    assert [e[0] for e in log] == ["added", "pre-late", "post"]
    late.delete()


def test_an_exception_in_forward_skips_post_and_the_block_still_unregisters():
    class Fails(Link):
        def forward(self, x):
            raise RuntimeError("boom")

    log = []
    with pytest.raises(RuntimeError, match="boom"):
        with Recorder("r", log):
            Fails()(1)
    assert [e[0] for e in log] == ["added", "pre", "deleted"]


def test_callback_args_repr_names_every_field():
    seen = []

    class Keep(LinkHook):
        def forward_postprocess(self, args):
            seen.append(repr(args))

    with Keep():
        Double()(3, scale=2)
    assert re.fullmatch(
        r"<kusari\.link_hook\._ForwardPostprocessCallbackArgs link=Double\(\) "
        r"forward_name=forward args=\(3,\) kwargs=\{'scale': 2\} out=12>", seen[0])


# ---- the fast-path flag -------------------------------------------------------
def test_the_flag_follows_the_thread_registry_and_local_hooks():
    link = Double()
    assert Link._link_hooks_active is False
    with Recorder("r", []):
        assert Link._link_hooks_active is True
    assert Link._link_hooks_active is False
    link.local_link_hooks["direct"] = Recorder("direct", [])  # plain dict use counts too
    assert link._link_hooks_active is True and Link._link_hooks_active is False
    link.local_link_hooks.pop("direct")
    assert link._link_hooks_active is False


def test_direct_changes_to_the_thread_registry_keep_the_flag_in_sync():
    log = []
    registry = get_link_hooks()
    registry["r"] = Recorder("r", log)
    Double()(np.ones(1))
    registry.clear()
    assert Link._link_hooks_active is False
    Double()(np.ones(1))
    assert [e[0] for e in log] == ["pre", "post"]


# ---- threads ------------------------------------------------------------------
def test_hooks_are_per_thread():
    log = []
    seen_in_thread = []
    link = Double()

    def other():
        seen_in_thread.append(list(get_link_hooks()))
        link(np.ones(1))

    with Recorder("r", log):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen_in_thread == [[]]
    assert [e[0] for e in log] == ["added", "deleted"]


def test_a_thread_ending_with_hooks_registered_switches_the_flag_back_off():
    def leave_one_registered():
        Recorder("r", []).add()

    thread = threading.Thread(target=leave_one_registered)
    thread.start()
    thread.join()
    del thread
    gc.collect()
    assert Link._link_hooks_active is False


# ---- copies -----------------------------------------------------------------------
def test_share_copy_gets_its_own_registry_with_the_same_hooks():
    log = []
    model = Outer()
    hook = Recorder("r", log)
    model.inner.add_hook(hook)
    clone = model.copy()
    assert clone.inner.local_link_hooks["r"] is hook
    clone.inner.delete_hook("r")
    assert "r" in model.inner.local_link_hooks
    log.clear()
    clone(np.ones(1))
    assert log == []
    model(np.ones(1))
    assert [e[0] for e in log] == ["pre", "post"]


@pytest.mark.parametrize("how", ["deepcopy", "pickle"])
def test_deep_copies_and_pickles_keep_working_hooks_bound_to_the_copy(how):
    link = Double()
    link.add_hook(link_hooks.TimerHook())
    clone = copy.deepcopy(link) if how == "deepcopy" else pickle.loads(pickle.dumps(link))
    clone(np.ones(1))
    assert len(clone.local_link_hooks["TimerHook"].call_history) == 1
    assert link.local_link_hooks["TimerHook"].call_history == []
    clone.delete_hook("TimerHook")
    assert clone._link_hooks_active is False
    assert link._link_hooks_active is True


# ---- TimerHook ------------------------------------------------------------------------
def test_timer_records_each_link_and_total_time_counts_outermost_calls():
    model = Outer()
    with link_hooks.TimerHook() as hook:
        model(np.ones(2, np.float32))
        model(np.ones(2, np.float32))
    assert [name for name, _ in hook.call_history] == ["Double", "Outer", "Double", "Outer"]
    times = dict(enumerate(t for _, t in hook.call_history))
    assert times[0] <= times[1] and times[2] <= times[3]
    assert hook.total_time() == pytest.approx(times[1] + times[3])
    assert hook.summary()["Double"]["occurrence"] == 2


@given(st.lists(st.tuples(st.sampled_from(["Linear", "MLP", "Classifier"]),
                          st.floats(1e-9, 100.0)), min_size=1, max_size=8))
def test_timer_summary_and_report_agree_with_the_history(history):
    hook = link_hooks.TimerHook()
    hook.call_history = list(history)
    summary = hook.summary()
    assert list(summary) == list(dict.fromkeys(name for name, _ in history))
    for name, record in summary.items():
        mine = [t for n, t in history if n == name]
        assert record["occurrence"] == len(mine)
        assert record["elapsed_time"] == pytest.approx(sum(mine))
    out = io.StringIO()
    hook.print_report(unit="us", file=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["LinkName", "ElapsedTime", "Occurrence"]
    assert len({len(line) for line in lines}) == 1  # right-aligned columns
    for line, (name, record) in zip(lines[1:], summary.items(), strict=True):
        shown_name, shown_time, shown_count = line.split()
        assert shown_name == name and shown_count == str(record["occurrence"])
        assert shown_time == "%3.2fus" % (record["elapsed_time"] * 1e6)


@pytest.mark.parametrize("seconds, expected", [
    (2.5, "2.50sec"), (0.0025, "2.50ms"), (2.5e-6, "2.50us"), (2.5e-9, "2.50ns")])
def test_timer_auto_unit_suits_the_largest_total(seconds, expected):
    hook = link_hooks.TimerHook()
    hook.call_history = [("A", seconds), ("B", seconds / 1000)]
    out = io.StringIO()
    hook.print_report(file=out)
    assert out.getvalue().splitlines()[1].split()[1] == expected
    out = io.StringIO()
    hook.print_report(unit="auto_foreach", file=out)
    if seconds > 1e-6:  # B gets its own, smaller unit
        assert out.getvalue().splitlines()[2].split()[1] == "%3.2f" % 2.5 + {
            "sec": "ms", "ms": "us", "us": "ns"}[expected[4:]]


def test_timer_report_of_nothing_is_the_header():
    out = io.StringIO()
    link_hooks.TimerHook().print_report(file=out)
    assert out.getvalue() == "LinkName  ElapsedTime  Occurrence\n"


def test_timer_report_rejects_an_unknown_unit():
    with pytest.raises(type_check.InvalidType,
                       match=r"TimerHook.print_report: argument 'unit' expected one of 'auto', "
                             r"'auto_foreach', 'sec', 'ms', 'us', 'ns', got 'min'"):
        link_hooks.TimerHook().print_report(unit="min")


# ---- SpectralNormalization ------------------------------------------------------------
def _float64_linear(W, nobias=True):
    link = L.Linear(W.shape[1], W.shape[0], nobias=nobias)
    link.W.array = np.array(W, np.float64)
    if not nobias:
        link.b.array = link.b.array.astype(np.float64)
    return link


@given(kst.arrays(shape=(3, 4), lo=-2, hi=2, min_magnitude=0.1))
def test_spectral_norm_divides_the_weight_by_its_largest_singular_value(W):
    link = _float64_linear(W)
    link.add_hook(link_hooks.SpectralNormalization(n_power_iteration=200, eps=0.0))
    used = link(np.eye(4)).array.T  # the weight forward used
    s = np.linalg.svd(W, compute_uv=False)
    if s[0] - s[1] > 1e-2 * s[0]:  # the power method converges
        np.testing.assert_allclose(used, W / s[0], rtol=1e-5, atol=1e-8)
    np.testing.assert_array_equal(link.W.array, W)  # the parameter is untouched


def test_spectral_norm_factor_and_gamma():
    W = np.diag([4.0, 2.0, 1.0])
    link = _float64_linear(W)
    hook = link_hooks.SpectralNormalization(n_power_iteration=100, use_gamma=True, factor=2.0)
    link.add_hook(hook)
    assert link.gamma.shape == () and float(link.gamma.array) == pytest.approx(4.0)
    assert "/gamma" in [name for name, _ in link.namedparams()]
    used = link(np.eye(3)).array.T
    np.testing.assert_allclose(used, 4.0 * W / (4.0 / 2.0), rtol=1e-5)
    link.delete_hook(hook.name)
    assert not hasattr(link, "gamma") and not hasattr(link, "W_u")
    assert "W_u" not in link._persistent


def test_spectral_norm_gradient_matches_finite_differences():
    # The gradient treats u and v as constants (as Chainer); recomputing mode
    # holds them fixed, so there forward is exactly x W^T / (u^T W v) + b.
    rng = np.random.RandomState(0)
    link = _float64_linear(rng.randn(3, 4), nobias=False)
    link.add_hook(link_hooks.SpectralNormalization(n_power_iteration=3))
    x = rng.randn(2, 4)
    gy = rng.randn(2, 3)
    link(x)  # sets u and v
    with kusari.using_config("in_recomputing", True):
        link.cleargrads()
        F.sum(link(x) * gy).backward()
        expected = numerical_grad(lambda: (link(x).array,), (link.W.array,), (gy,), eps=1e-6)[0]
    np.testing.assert_allclose(link.W.grad, expected, rtol=1e-5, atol=1e-7)


def test_spectral_norm_updates_u_only_in_training_and_keeps_W_registered():
    link = L.Linear(4, 3)
    link.add_hook(link_hooks.SpectralNormalization())
    u = link.W_u.copy()
    with kusari.using_config("train", False):
        link(np.ones((1, 4), np.float32))
    np.testing.assert_array_equal(link.W_u, u)
    link(np.ones((1, 4), np.float32))
    assert not np.array_equal(link.W_u, u)
    assert np.linalg.norm(link.W_u) == pytest.approx(1.0, rel=1e-4)
    assert isinstance(link.W, kusari.Parameter)
    assert [name for name, _ in link.namedparams()] == ["/W", "/b"]
    assert "W_u" in link._persistent


def test_spectral_norm_in_recomputing_reuses_the_last_v():
    link = L.Linear(4, 3)
    hook = link_hooks.SpectralNormalization()
    link.add_hook(hook)
    x = np.ones((1, 4), np.float32)
    y = link(x).array
    u = link.W_u.copy()
    with kusari.using_config("in_recomputing", True):
        again = link(x).array
    np.testing.assert_array_equal(link.W_u, u)
    sigma = u @ link.W.array @ hook.v
    np.testing.assert_allclose(again, x @ (link.W.array / sigma).T + link.b.array, rtol=1e-5)
    assert y.shape == again.shape


def test_spectral_norm_initialises_a_lazy_weight_from_the_first_input():
    link = L.Linear(None, 3)
    link.add_hook(link_hooks.SpectralNormalization())
    assert not hasattr(link, "W_u")
    assert link(np.ones((2, 5), np.float32)).shape == (2, 3)
    assert link.W.shape == (3, 5) and link.W_u.shape == (3,)


def test_spectral_norm_uses_axis_1_for_deconvolution():
    link = L.Deconvolution2D(2, 5, 3)
    hook = link_hooks.SpectralNormalization()
    link.add_hook(hook)
    assert hook.axis == 1 and link.W_u.shape == (5,)
    assert hook.reshape_W(link.W.array).shape == (5, 18)


def test_spectral_norm_errors():
    with pytest.raises(type_check.InvalidType,
                       match=r"SpectralNormalization: argument 'n_power_iteration' expected a "
                             r"positive int, got 0"):
        link_hooks.SpectralNormalization(n_power_iteration=0)
    with pytest.raises(type_check.InvalidType,
                       match=r"SpectralNormalization: argument 'weight_name' expected a str, got int"):
        link_hooks.SpectralNormalization(weight_name=1)
    with pytest.raises(ValueError, match="the link has no weight 'V'"):
        L.Linear(2, 2).add_hook(link_hooks.SpectralNormalization(weight_name="V"))
    with pytest.raises(NotImplementedError, match="link.add_hook"):
        with link_hooks.SpectralNormalization():
            pass


# ---- WeightStandardization ----------------------------------------------------------------
@given(kst.arrays(shape=(3, 4), lo=-2, hi=2, min_magnitude=0.1))
def test_weight_standardization_gives_each_output_zero_mean_unit_variance(W):
    link = _float64_linear(W)
    link.add_hook(link_hooks.WeightStandardization(eps=1e-5))
    used = link(np.eye(4)).array.T
    expected = (W - W.mean(1, keepdims=True)) / np.sqrt(W.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(used, expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_array_equal(link.W.array, W)


def test_weight_standardization_gradient_matches_finite_differences():
    rng = np.random.RandomState(1)
    link = L.Convolution2D(2, 3, 2, initialW=rng.randn(3, 2, 2, 2))
    link.W.array = link.W.array.astype(np.float64)
    link.b.array = link.b.array.astype(np.float64)
    link.add_hook(link_hooks.WeightStandardization())
    x = rng.randn(1, 2, 3, 3)
    gy = rng.randn(1, 3, 2, 2)
    link.cleargrads()
    F.sum(link(x) * gy).backward()
    expected = numerical_grad(lambda: (link(x).array,), (link.W.array,), (gy,), eps=1e-6)[0]
    np.testing.assert_allclose(link.W.grad, expected, rtol=1e-5, atol=1e-7)


def test_weight_standardization_lazy_weight_and_errors():
    link = L.Linear(None, 2).add_hook(link_hooks.WeightStandardization())
    assert link(np.ones((1, 3), np.float32)).shape == (1, 2)
    with pytest.raises(ValueError, match="the link has no weight 'V'"):
        L.Linear(2, 2).add_hook(link_hooks.WeightStandardization(weight_name="V"))
    with pytest.raises(type_check.InvalidType,
                       match=r"WeightStandardization: argument 'weight_name' expected a str, got int"):
        link_hooks.WeightStandardization(weight_name=1)
    vector = kusari.Link()
    with vector.init_scope():
        vector.W = kusari.Parameter(np.ones(3, np.float32))
    vector.forward = lambda x: x * vector.W
    vector.add_hook(link_hooks.WeightStandardization())
    with pytest.raises(type_check.InvalidType,
                       match=r"WeightStandardization: argument 'W' expected a weight of at least "
                             r"2 dimensions, got shape \(3,\)"):
        vector(np.ones(3, np.float32))
    with pytest.raises(NotImplementedError, match="link.add_hook"):
        with link_hooks.WeightStandardization():
            pass
