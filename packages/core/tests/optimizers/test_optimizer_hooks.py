"""Optimizer hooks against NumPy references, registered on a real optimizer."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari import _elementwise, optimizer_hooks, optimizers
from kusari.testing import strategies as kst


def link_with(*arrays):
    link = kusari.Link()
    with link.init_scope():
        for i, a in enumerate(arrays):
            setattr(link, f"p{i}", kusari.Parameter(a.copy()))
    return link


def grads_after_hook(hook, params, grads):
    """The gradients the update sees after ``hook`` ran (SGD with lr=1: step = grad)."""
    link = link_with(*params)
    opt = optimizers.SGD(lr=1.0).setup(link)
    opt.add_hook(hook)
    for p, g in zip(link.params(), grads, strict=True):
        p.grad = g.copy()
    opt.update()
    return [before - p.array for before, p in zip(params, link.params(), strict=True)]


pairs = st.integers(1, 3).flatmap(lambda n: st.tuples(
    *[kst.shapes(max_dims=3, max_side=4).flatmap(
        lambda s: st.tuples(kst.arrays(shape=s, lo=-2, hi=2), kst.arrays(shape=s, lo=-2, hi=2)))
      for _ in range(n)]))


@given(pairs=pairs, rate=st.floats(0, 1))
def test_weight_decay(pairs, rate):
    params, grads = zip(*pairs, strict=True)
    got = grads_after_hook(optimizer_hooks.WeightDecay(rate), params, grads)
    for g0, p0, g in zip(grads, params, got, strict=True):
        np.testing.assert_allclose(g, g0 + rate * p0, rtol=1e-12, atol=1e-12)


@given(pairs=pairs, rate=st.floats(0, 1))
def test_lasso(pairs, rate):
    params, grads = zip(*pairs, strict=True)
    got = grads_after_hook(optimizer_hooks.Lasso(rate), params, grads)
    for g0, p0, g in zip(grads, params, got, strict=True):
        np.testing.assert_allclose(g, g0 + rate * np.sign(p0), rtol=1e-12, atol=1e-12)


@given(pairs=pairs, bounds=st.tuples(st.floats(-1, 0), st.floats(0, 1)))
def test_gradient_hard_clipping(pairs, bounds):
    params, grads = zip(*pairs, strict=True)
    got = grads_after_hook(optimizer_hooks.GradientHardClipping(*bounds), params, grads)
    for g0, g in zip(grads, got, strict=True):
        np.testing.assert_allclose(g, np.clip(g0, *bounds), rtol=1e-12, atol=1e-12)


@given(pairs=pairs, threshold=st.floats(0.1, 5))
def test_gradient_clipping_uses_global_norm(pairs, threshold):
    params, grads = zip(*pairs, strict=True)
    got = grads_after_hook(optimizer_hooks.GradientClipping(threshold), params, grads)
    norm = np.sqrt(sum(float((g ** 2).sum()) for g in grads))
    scale = threshold / norm if norm > threshold else 1.0
    for g0, g in zip(grads, got, strict=True):
        np.testing.assert_allclose(g, g0 * scale, rtol=1e-10, atol=1e-12)
    assert np.sqrt(sum(float((g ** 2).sum()) for g in got)) <= max(threshold, norm) * (1 + 1e-9)


@given(pairs=pairs, weight_decay=st.floats(0, 0.1), threshold=st.sampled_from([1e-2, 10.0]))
def test_gradient_lars(pairs, weight_decay, threshold):
    params, grads = zip(*pairs, strict=True)
    eps = 1e-9
    got = grads_after_hook(optimizer_hooks.GradientLARS(threshold, weight_decay, eps), params, grads)
    for p0, g0, g in zip(params, grads, got, strict=True):
        p_norm, g_norm = np.linalg.norm(p0), np.linalg.norm(g0)
        rate = p_norm / (eps + g_norm + weight_decay * p_norm) if p_norm > threshold else 1.0
        np.testing.assert_allclose(g, (g0 + weight_decay * p0) * rate, rtol=1e-9, atol=1e-12)


def test_gradient_noise_default_is_annealed_gaussian():
    # Same seed, same draws: the hook must add N(0, eta / (1 + t)^0.55) noise.
    shape = (3, 4)
    np.random.seed(5)
    got = grads_after_hook(optimizer_hooks.GradientNoise(0.3), [np.zeros(shape)], [np.zeros(shape)])[0]
    np.random.seed(5)
    std = np.sqrt(0.3 / (1 + 0) ** 0.55)   # optimizer-level 'pre' hook: the rule's t is still 0
    np.testing.assert_allclose(got, np.random.normal(0, std, shape), rtol=1e-12)


def test_gradient_noise_custom_function_gets_rule_and_hook():
    seen = []

    def noise(xp, shape, dtype, hook, rule):
        seen.append((xp is np, shape, dtype, hook.eta, rule.t))
        return xp.full(shape, 2.0, dtype)

    got = grads_after_hook(optimizer_hooks.GradientNoise(0.1, noise_func=noise),
                           [np.zeros(2, np.float32)], [np.ones(2, np.float32)])[0]
    np.testing.assert_array_equal(got, [3.0, 3.0])
    assert seen == [(True, (2,), np.float32, 0.1, 0)]


def test_hooks_keep_float32_and_work_blockwise():
    n = _elementwise.BLOCK + 7
    rng = np.random.default_rng(0)
    p = rng.standard_normal(n).astype(np.float32)
    g = rng.standard_normal(n).astype(np.float32)
    for hook, expected in [(optimizer_hooks.WeightDecay(0.5), g + np.float32(0.5) * p),
                           (optimizer_hooks.Lasso(0.25), g + np.float32(0.25) * np.sign(p))]:
        got = grads_after_hook(hook, [p], [g])[0]
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_hooks_ignore_parameters_without_data_or_grad():
    param = kusari.Parameter()  # uninitialised
    for hook in (optimizer_hooks.WeightDecay(1), optimizer_hooks.Lasso(1),
                 optimizer_hooks.GradientHardClipping(-1, 1), optimizer_hooks.GradientNoise(1),
                 optimizer_hooks.GradientLARS()):
        hook(None, param)
        assert param.grad is None


@pytest.mark.parametrize("hook,name", [
    (optimizer_hooks.WeightDecay(1), "WeightDecay"), (optimizer_hooks.Lasso(1), "Lasso"),
    (optimizer_hooks.GradientClipping(1), "GradientClipping"),
    (optimizer_hooks.GradientHardClipping(-1, 1), "GradientHardClipping"),
    (optimizer_hooks.GradientNoise(1), "GradientNoise"), (optimizer_hooks.GradientLARS(), "GradientLARS"),
])
def test_hook_names_and_timing_match_chainer(hook, name):
    assert hook.name == name and hook.timing == "pre"
    assert getattr(hook, "call_for_each_param", False) is (name != "GradientClipping")


def test_norm_based_hooks_do_not_overflow_in_float16():
    g = np.full(1000, 100.0, np.float16)          # sum of squares 1e7 > float16 max
    got = grads_after_hook(optimizer_hooks.GradientClipping(1.0), [np.zeros(1000, np.float16)], [g])[0]
    np.testing.assert_allclose(got.astype(np.float64), 1 / np.sqrt(1000), rtol=1e-2)
    p = np.full(1000, 100.0, np.float16)
    got = grads_after_hook(optimizer_hooks.GradientLARS(eps=0.0), [p], [g])[0]
    np.testing.assert_allclose(got.astype(np.float64), 100.0, rtol=1e-2)   # |w| / |g| = 1
