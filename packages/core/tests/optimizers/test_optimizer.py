"""Optimizer / GradientMethod / UpdateRule / Hyperparameter behaviour (Chainer v7 semantics)."""
import copy
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import optimizer, optimizer_hooks, optimizers
from kusari.serializers import DictionarySerializer, NpzDeserializer
from kusari.utils.type_check import InvalidType


def two_param_link():
    link = kusari.Link()
    with link.init_scope():
        link.a = kusari.Parameter(np.array([1.0, 2.0], np.float32))
        link.b = kusari.Parameter(np.array([[3.0]], np.float32))
    return link


def set_grads(link, value):
    for p in link.params(False):
        p.grad = np.full(p.shape, value, p.dtype)


# ---- Hyperparameter ----------------------------------------------------------------
def test_hyperparameter_inherits_and_overrides():
    opt = optimizers.MomentumSGD(lr=0.1, momentum=0.5)
    link = two_param_link()
    opt.setup(link)
    rule = link.a.update_rule
    assert rule.hyperparam.parent is opt.hyperparam
    assert (rule.hyperparam.lr, rule.hyperparam.momentum) == (0.1, 0.5)
    opt.lr = 0.2                      # through the proxy: every rule sees it
    assert link.b.update_rule.hyperparam.lr == 0.2
    rule.hyperparam.lr = 0.0          # one rule overrides
    assert (rule.hyperparam.lr, link.b.update_rule.hyperparam.lr, opt.lr) == (0.0, 0.2, 0.2)
    assert rule.hyperparam.get_dict() == {"lr": 0.0, "momentum": 0.5}
    assert repr(rule.hyperparam) == "Hyperparameter(lr=0.0, momentum=0.5)"


def test_hyperparameter_missing_entry_raises_attribute_error():
    with pytest.raises(AttributeError, match="hyperparameter 'nope' is not set"):
        _ = optimizer.Hyperparameter(optimizer.Hyperparameter()).nope


def test_hyperparameter_survives_copy_and_pickle():
    parent = optimizer.Hyperparameter()
    parent.lr = 0.3
    child = optimizer.Hyperparameter(parent)
    child.momentum = 0.7
    for clone in (copy.deepcopy(child), pickle.loads(pickle.dumps(child))):
        assert clone.get_dict() == {"lr": 0.3, "momentum": 0.7}


def test_rule_keyword_overrides_parent():
    rule = optimizers.AdamRule(optimizers.Adam(alpha=0.5).hyperparam, beta1=0.1)
    assert (rule.hyperparam.alpha, rule.hyperparam.beta1) == (0.5, 0.1)
    assert optimizers.SGDRule().hyperparam.lr == 0.01  # module defaults without a parent


# ---- setup / update ----------------------------------------------------------------
def test_setup_returns_self_and_resets_counters():
    opt = optimizers.SGD()
    link = two_param_link()
    assert opt.setup(link) is opt
    set_grads(link, 1.0)
    opt.update()
    opt.new_epoch()
    opt.setup(link)
    assert (opt.t, opt.epoch, opt.target) == (0, 0, link)
    assert all(isinstance(p.update_rule, optimizers.SGDRule) for p in link.params())


def test_setup_rejects_non_link():
    with pytest.raises(InvalidType, match=r"SGD.setup: argument 'link' expected a kusari.Link .*, got int"):
        optimizers.SGD().setup(3)


def test_update_with_lossfun_clears_grads_then_backprops():
    link = two_param_link()
    opt = optimizers.SGD(lr=0.5).setup(link)
    set_grads(link, 100.0)  # stale gradients must not leak into the step
    opt.update(lambda x: F.sum(link.a * x) + F.sum(link.b * link.b), np.float32(2.0))
    np.testing.assert_array_equal(link.a.array, [0.0, 1.0])      # grad 2
    np.testing.assert_array_equal(link.b.array, [[0.0]])         # grad 2b = 6
    assert opt.t == 1 and link.a.update_rule.t == 1


def test_update_without_lossfun_uses_existing_grads_and_fills_missing():
    link = two_param_link()
    opt = optimizers.SGD(lr=1.0).setup(link)
    link.a.grad = np.array([1.0, 1.0], np.float32)
    link.b.cleargrad()
    opt.update()
    np.testing.assert_array_equal(link.a.array, [0.0, 1.0])
    np.testing.assert_array_equal(link.b.array, [[3.0]])         # no grad: zero step
    np.testing.assert_array_equal(link.b.grad, [[0.0]])          # reallocated as zeros


def test_update_before_setup_raises():
    with pytest.raises(RuntimeError, match="not set up; call setup"):
        optimizers.Adam().update()


def test_update_rule_disabled_freezes_parameter_and_its_t():
    link = two_param_link()
    opt = optimizers.MomentumSGD(lr=0.1).setup(link)
    link.a.update_rule.enabled = False
    set_grads(link, 1.0)
    opt.update()
    np.testing.assert_array_equal(link.a.array, [1.0, 2.0])
    assert link.a.update_rule.t == 0 and link.a.update_rule.state is None
    assert link.b.array[0, 0] != 3.0


def test_link_disable_update_freezes_every_parameter():
    model = L.Linear(2, 3)
    opt = optimizers.SGD(lr=1.0).setup(model)
    before = [p.array.copy() for p in model.params()]
    model.disable_update()
    set_grads(model, 1.0)
    opt.update()
    for b, p in zip(before, model.params(), strict=True):
        np.testing.assert_array_equal(b, p.array)
    model.enable_update()
    opt.update()
    assert not np.array_equal(before[0], model.W.array)


def test_uninitialized_parameters_are_skipped():
    model = L.Linear(None, 2)
    opt = optimizers.Adam().setup(model)
    set_grads(model, 1.0)   # only b has a shape
    opt.update()
    assert model.W.array is None and model.W.update_rule.state is None
    assert model.b.update_rule.t == 1


def test_new_epoch_and_auto_flag():
    opt = optimizers.SGD()
    opt.new_epoch()
    assert opt.epoch == 1
    with pytest.raises(RuntimeError, match="use_auto_new_epoch is False"):
        opt.new_epoch(auto=True)
    opt.use_auto_new_epoch = True
    opt.new_epoch(auto=True)
    assert opt.epoch == 2
    with pytest.raises(RuntimeError, match="already counts epochs"):
        opt.new_epoch()


def test_adam_alpha_t_and_lr_alias():
    link = two_param_link()
    opt = optimizers.Adam(alpha=0.1).setup(link)
    with pytest.raises(RuntimeError, match="no update has been made yet"):
        _ = opt.alpha_t
    set_grads(link, 1.0)
    opt.update()
    expected = 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9)
    assert opt.alpha_t == pytest.approx(expected)
    assert link.a.update_rule.alpha_t == pytest.approx(expected)
    with pytest.warns(DeprecationWarning, match="alpha_t"):
        assert opt.lr == pytest.approx(expected)


def test_eps_too_small_for_float16_is_refused():
    link = kusari.Link()
    with link.init_scope():
        link.w = kusari.Parameter(np.ones(2, np.float16))
    opt = optimizers.Adam().setup(link)
    set_grads(link, 1.0)
    with pytest.raises(ValueError, match=r"Adam: argument 'eps' expected a value representable in float16"):
        opt.update()


def test_fp32_update_keeps_a_float32_master_copy():
    link = kusari.Link()
    with link.init_scope():
        link.w = kusari.Parameter(np.full(3, 1.0, np.float16))
    opt = optimizers.SGD(lr=1e-4)
    opt.use_fp32_update()
    opt.setup(link)
    for _ in range(10):
        link.w.grad = np.ones(3, np.float16)
        opt.update()
    # 10 steps of 1e-4 vanish in float16 arithmetic (spacing near 1 is ~1e-3)
    # but accumulate in the float32 master.
    master = link.w.update_rule._fp32_param
    np.testing.assert_allclose(master.array, 1 - 1e-3, rtol=1e-6)
    assert link.w.dtype == np.float16
    np.testing.assert_array_equal(link.w.array, master.array.astype(np.float16))


def test_use_cleargrads_is_deprecated():
    with pytest.warns(DeprecationWarning, match="use_cleargrads is deprecated"):
        optimizers.SGD().use_cleargrads()


# ---- hooks -----------------------------------------------------------------------
def test_optimizer_hook_timing_order_and_per_param_calls():
    link = two_param_link()
    opt = optimizers.SGD(lr=1.0).setup(link)
    calls = []

    def once(o):
        calls.append(("once", o.t, float(link.a.array[0])))

    class PerParam:
        name = "per_param"
        call_for_each_param = True
        timing = "post"

        def __call__(self, rule, param):
            calls.append(("per", rule is param.update_rule, float(param.array.ravel()[0])))

    opt.add_hook(once)
    opt.add_hook(PerParam())
    set_grads(link, 1.0)
    opt.update()
    # 'pre' sees the old value and t before the increment; 'post' the new ones
    assert calls == [("once", 0, 1.0), ("per", True, 0.0), ("per", True, 2.0)]
    opt.remove_hook("once")
    opt.remove_hook("per_param")
    calls.clear()
    opt.update()
    assert calls == []


def test_hook_timing_argument_overrides_attribute():
    link = two_param_link()
    opt = optimizers.SGD(lr=1.0).setup(link)
    seen = []
    opt.add_hook(lambda o: seen.append(float(link.a.array[0])), name="late", timing="post")
    set_grads(link, 1.0)
    opt.update()
    assert seen == [0.0]


def test_hook_errors():
    opt = optimizers.SGD()
    with pytest.raises(RuntimeError, match=r"SGD.add_hook: the optimizer is not set up"):
        opt.add_hook(lambda o: None)
    opt.setup(two_param_link())
    with pytest.raises(InvalidType, match=r"Optimizer.add_hook: argument 'hook' expected a callable, got int"):
        opt.add_hook(3)
    with pytest.raises(ValueError, match=r"Optimizer.add_hook: argument 'timing' expected 'pre', 'post' or 'auto', got 'middle'"):
        opt.add_hook(lambda o: None, timing="middle")
    opt.add_hook(lambda o: None, name="h")
    with pytest.raises(KeyError, match="a hook named 'h' already exists"):
        opt.add_hook(lambda o: None, name="h")
    with pytest.raises(KeyError, match="no hook named 'zz'; hooks: 'h'"):
        opt.remove_hook("zz")
    with pytest.raises(ValueError, match=r"call_hooks: argument 'timing' expected 'pre' or 'post', got 'auto'"):
        opt.call_hooks("auto")


def test_bad_timing_attribute_warns_and_falls_back_to_pre():
    opt = optimizers.SGD().setup(two_param_link())

    class Odd:
        timing = "sometime"

        def __call__(self, o):
            pass

    with pytest.warns(UserWarning, match="timing attribute 'sometime'"):
        opt.add_hook(Odd(), name="odd")
    assert "odd" in opt._hooks.pre


def test_update_rule_hooks_receive_rule_and_param():
    link = two_param_link()
    opt = optimizers.SGD(lr=1.0).setup(link)
    link.a.update_rule.add_hook(optimizer_hooks.GradientHardClipping(-0.25, 0.25))
    set_grads(link, 1.0)
    opt.update()
    np.testing.assert_array_equal(link.a.array, [0.75, 1.75])   # clipped step
    np.testing.assert_array_equal(link.b.array, [[2.0]])         # other rule untouched
    link.a.update_rule.remove_hook("GradientHardClipping")
    with pytest.raises(KeyError, match="UpdateRule.remove_hook: no hook named"):
        link.a.update_rule.remove_hook("GradientHardClipping")


def test_deprecated_hook_aliases_in_optimizer_module():
    for name in ("WeightDecay", "Lasso", "GradientClipping", "GradientHardClipping", "GradientNoise"):
        alias = getattr(optimizer, name)
        assert issubclass(alias, getattr(optimizer_hooks, name))
    with pytest.warns(DeprecationWarning, match="use kusari.optimizer_hooks.WeightDecay"):
        hook = optimizer.WeightDecay(0.1)
    assert hook.rate == 0.1 and hook.name == "WeightDecay"


# ---- NaN / inf and loss scaling -------------------------------------------------------
def test_debug_mode_reports_non_finite_gradient():
    link = two_param_link()
    opt = optimizers.SGD().setup(link)
    set_grads(link, 1.0)
    link.b.grad[0, 0] = np.nan
    with kusari.using_config("debug", True):
        with pytest.raises(RuntimeError, match=r"gradient of parameter '/b' has NaN or inf"):
            opt.update()
    np.testing.assert_array_equal(link.a.array, [1.0, 2.0])


def test_dynamic_loss_scaling_skips_non_finite_step_and_adapts_scale():
    link = two_param_link()
    opt = optimizers.SGD(lr=1.0).setup(link)
    opt.loss_scaling(interval=2)
    assert opt._loss_scale == 1.0
    set_grads(link, 0.0)
    opt.update()
    assert opt._loss_scale == 2.0           # no overflow yet: doubles
    set_grads(link, 1.0)
    link.a.grad[0] = np.inf
    with pytest.warns(RuntimeWarning, match=r"non-finite gradient in /a"):
        opt.update()
    np.testing.assert_array_equal(link.a.array, [1.0, 2.0])   # skipped
    assert opt._loss_scale == 1.0 and opt.t == 2
    set_grads(link, 0.0)
    opt.update()
    assert opt._loss_scale == pytest.approx(2 ** 0.5)         # slower growth after an overflow


def test_loss_scale_is_applied_in_backward_and_removed_in_update():
    link = two_param_link()
    opt = optimizers.SGD(lr=1.0).setup(link)
    opt.set_loss_scale(8.0)
    seen = []
    opt.add_hook(lambda o: seen.append(link.a.grad.copy()), name="peek", timing="pre")
    opt.update(lambda: F.sum(link.a * 1.0))
    np.testing.assert_array_equal(seen[0], [8.0, 8.0])        # scaled gradient before the update
    np.testing.assert_array_equal(link.a.array, [0.0, 1.0])   # unscaled step
    assert link.a._loss_scale is None


def test_weight_decay_hook_sees_scaled_gradients_consistently():
    def run(scale):
        link = two_param_link()
        opt = optimizers.SGD(lr=0.1).setup(link)
        if scale:
            opt.set_loss_scale(scale)
        opt.add_hook(optimizer_hooks.WeightDecay(0.5))
        opt.update(lambda: F.sum(link.a * link.a))
        return link.a.array

    np.testing.assert_allclose(run(None), run(16.0), rtol=1e-6)
    np.testing.assert_allclose(run(None), [1 - 0.1 * (2 + 0.5), 2 - 0.1 * (4 + 1.0)], rtol=1e-6)


def test_loss_scaling_argument_errors():
    with pytest.raises(ValueError, match=r"loss_scaling: argument 'interval' expected an integer >= 1, got 0"):
        optimizers.SGD().loss_scaling(interval=0)
    with pytest.raises(ValueError, match=r"loss_scaling: argument 'scale' expected a positive number, got -1"):
        optimizers.SGD().loss_scaling(scale=-1)


# ---- serialization of the optimizer state ------------------------------------------------
@given(n_steps=st.integers(1, 4), name=st.sampled_from(["Adam", "MomentumSGD", "AMSGrad", "RMSpropGraves"]))
def test_state_round_trip_continues_identically(n_steps, name):
    rng = np.random.default_rng(n_steps)
    grads = [rng.standard_normal((2, 3)).astype(np.float32) for _ in range(n_steps + 2)]

    def make():
        link = L.Linear(3, 2, initialW=np.arange(6, dtype=np.float32).reshape(2, 3) / 7)
        return link, getattr(optimizers, name)().setup(link)

    def step(link, opt, g):
        link.W.grad = g.copy()
        link.b.grad = g[:, 0].copy()
        opt.update()

    link, opt = make()
    for g in grads[:n_steps]:
        step(link, opt, g)
    saved_model, saved_opt = DictionarySerializer(), DictionarySerializer()
    saved_model.save(link)
    saved_opt.save(opt)
    saved_model = {k: v.copy() for k, v in saved_model.target.items()}
    saved_opt = {k: np.array(v, copy=True) for k, v in saved_opt.target.items()}
    for g in grads[n_steps:]:
        step(link, opt, g)

    link2, opt2 = make()
    NpzDeserializer(saved_model).load(link2)
    NpzDeserializer(saved_opt).load(opt2)
    assert (opt2.t, link2.W.update_rule.t) == (n_steps, n_steps)
    for g in grads[n_steps:]:
        step(link2, opt2, g)
    np.testing.assert_array_equal(link2.W.array, link.W.array)
    np.testing.assert_array_equal(link2.b.array, link.b.array)
    for key in link.W.update_rule.state:
        np.testing.assert_array_equal(link2.W.update_rule.state[key], link.W.update_rule.state[key])


def test_optimizer_saved_before_first_update_loads():
    link = L.Linear(2, 2)
    saved = DictionarySerializer()
    saved.save(optimizers.Adam().setup(link))
    assert sorted(saved.target) == ["W/t", "b/t", "epoch", "t"]
    opt2 = optimizers.Adam().setup(L.Linear(2, 2))
    NpzDeserializer(saved.target).load(opt2)   # Chainer raised KeyError here
    assert opt2.target.W.update_rule.state is None


def test_missing_state_after_updates_raises_key_error():
    opt = optimizers.Adam().setup(L.Linear(2, 2))
    with pytest.raises(KeyError, match="W/m"):
        NpzDeserializer({"t": np.array(3), "epoch": np.array(0), "W/t": np.array(3), "b/t": np.array(3)}).load(opt)


def test_state_of_the_wrong_shape_is_reported_at_the_first_update():
    src = L.Linear(3, 2)
    opt = optimizers.Adam().setup(src)
    for p in src.params():
        p.grad = np.ones_like(p.array)
    opt.update()
    saved = serializers_dict(opt)
    other = L.Linear(2, 3)
    opt2 = optimizers.Adam().setup(other)
    NpzDeserializer(saved).load(opt2)
    for p in other.params():
        p.grad = np.ones_like(p.array)
    with pytest.raises(ValueError, match=r"AdamRule.update: argument 'param' expected shape \(2, 3\) \(the shape "
                                         r"of the loaded state 'm'\), got \(3, 2\): the optimizer file does not "
                                         r"match the model"):
        opt2.update()


def serializers_dict(obj):
    s = DictionarySerializer()
    s.save(obj)
    return s.target


def test_serialize_before_setup_raises():
    with pytest.raises(RuntimeError, match=r"Adam.serialize: the optimizer is not set up"):
        optimizers.Adam().serialize(DictionarySerializer())


def test_custom_update_rule_dispatches_to_cpu_method():
    class Halve(optimizer.UpdateRule):
        def update_core_cpu(self, param):
            param.array *= 0.5

    class HalveOpt(optimizer.GradientMethod):
        def create_update_rule(self):
            return Halve(self.hyperparam)

    link = two_param_link()
    HalveOpt().setup(link).update()
    np.testing.assert_array_equal(link.a.array, [0.5, 1.0])

    class Broken(optimizer.UpdateRule):
        pass

    p = kusari.Parameter(np.ones(1, np.float32))
    p.grad = np.ones(1, np.float32)
    with pytest.raises(NotImplementedError, match="Broken implements neither update_core nor update_core_cpu"):
        Broken().update(p)


def test_optimizer_deepcopies():
    link = two_param_link()
    opt = optimizers.Adam().setup(link)
    set_grads(link, 1.0)
    opt.update()
    clone = copy.deepcopy(opt)
    assert clone.t == 1 and clone.target is not link
    np.testing.assert_array_equal(clone.target.a.update_rule.state["m"], link.a.update_rule.state["m"])


def test_msvag_bias_power_follows_t():
    rule = optimizers.MSVAGRule(beta=0.5)
    assert rule.beta_power == 0.5
    rule.t = 3
    assert rule.beta_power == 0.5 ** 4


def test_hard_clipping_bounds_error():
    with pytest.raises(ValueError, match=r"GradientHardClipping: argument 'lower_bound' expected a value <= upper_bound \(1\), got 2"):
        optimizer_hooks.GradientHardClipping(2, 1)


def test_deprecation_free_default_path():
    link = two_param_link()
    opt = optimizers.Adam().setup(link)
    set_grads(link, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.update()
