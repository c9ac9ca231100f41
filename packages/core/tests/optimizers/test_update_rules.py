"""Every built-in optimizer against a plain-NumPy version of its published rule.

The references below are written from the papers' update equations (float64,
whole arrays, no in-place tricks).  Each optimizer runs several steps on
float64 parameters (checks the formula to ~1e-12) and on float32 ones
(checks dtype preservation to float32 tolerance), then must converge on a
small convex problem.
"""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari import _elementwise, optimizers
from kusari.testing import strategies as kst


# ---- references: (param, grad, state, hyperparameters, t) -> new param ----------------
def ref_sgd(p, g, s, hp, t):
    return p - hp["lr"] * g


def ref_momentum_sgd(p, g, s, hp, t):
    s["v"] = hp["momentum"] * s.get("v", 0) - hp["lr"] * g
    return p + s["v"]


def ref_corrected_momentum_sgd(p, g, s, hp, t):
    s["v"] = hp["momentum"] * s.get("v", 0) - g
    return p + hp["lr"] * s["v"]


def ref_nesterov_ag(p, g, s, hp, t):
    mu, lr = hp["momentum"], hp["lr"]
    s["v"] = mu * s.get("v", 0) - lr * g
    return p + mu * mu * s["v"] - (1 + mu) * lr * g


def ref_ada_grad(p, g, s, hp, t):
    s["h"] = s.get("h", 0) + g * g
    return p - hp["lr"] * g / (np.sqrt(s["h"]) + hp["eps"])


def ref_ada_delta(p, g, s, hp, t):
    rho, eps = hp["rho"], hp["eps"]
    s["msg"] = rho * s.get("msg", 0) + (1 - rho) * g * g
    dx = np.sqrt((s.get("msdx", 0) + eps) / (s["msg"] + eps)) * g
    s["msdx"] = rho * s.get("msdx", 0) + (1 - rho) * dx * dx
    return p - dx


def ref_rmsprop(p, g, s, hp, t):
    a = hp["alpha"]
    s["ms"] = a * s.get("ms", 0) + (1 - a) * g * g
    denom = np.sqrt(s["ms"] + hp["eps"]) if hp.get("eps_inside_sqrt") else np.sqrt(s["ms"]) + hp["eps"]
    return p - hp["lr"] * g / denom


def ref_rmsprop_graves(p, g, s, hp, t):
    a = hp["alpha"]
    s["n"] = a * s.get("n", 0) + (1 - a) * g * g
    s["g"] = a * s.get("g", 0) + (1 - a) * g
    s["delta"] = hp["momentum"] * s.get("delta", 0) - hp["lr"] * g / np.sqrt(s["n"] - s["g"] ** 2 + hp["eps"])
    return p + s["delta"]


def ref_adam(p, g, s, hp, t):
    b1, b2 = hp["beta1"], hp["beta2"]
    s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
    v = s["v"]
    if hp.get("amsgrad"):
        s["vhat"] = np.maximum(s.get("vhat", 0), v)
        v = s["vhat"]
    alpha_t = hp["alpha"] * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    step = alpha_t / (np.sqrt(v) + hp["eps"])
    if hp.get("adabound"):
        final_lr = hp["final_lr"]  # alpha never changes in these tests
        lower = final_lr * (1 - 1 / (hp["gamma"] * t + 1))
        upper = final_lr * (1 + 1 / (hp["gamma"] * t))
        step = np.clip(step, lower, upper)
    eta, wd = hp.get("eta", 1.0), hp.get("weight_decay_rate", 0.0)
    return p - eta * (step * s["m"] + wd * p)


def ref_smorms3(p, g, s, hp, t):
    mem = s.get("mem", np.ones_like(p))
    r = 1 / (mem + 1)
    s["g"] = (1 - r) * s.get("g", 0) + r * g
    s["g2"] = (1 - r) * s.get("g2", 0) + r * g * g
    x = s["g"] ** 2 / (s["g2"] + hp["eps"])
    new = p - g * np.minimum(x, hp["lr"]) / (np.sqrt(s["g2"]) + hp["eps"])
    s["mem"] = 1 + mem * (1 - x)
    return new


def ref_msvag(p, g, s, hp, t):
    b = hp["beta"]
    bp = b ** t
    rho = min((1 - b) ** 2 * (1 - bp ** 2) / ((1 - bp) ** 2 * (1 - b ** 2)), 0.9999)
    s["m"] = b * s.get("m", 0) + (1 - b) * g
    s["v"] = b * s.get("v", 0) + (1 - b) * g * g
    mt, vt = s["m"] / (1 - bp), s["v"] / (1 - bp)
    var = (vt - mt ** 2) / (1 - rho)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.clip(mt ** 2 / (mt ** 2 + rho * var), 0, 1)
    factor = np.where(np.isnan(factor), 0, factor)
    eta, wd = hp.get("eta", 1.0), hp.get("weight_decay_rate", 0.0)
    return p - eta * (hp["lr"] * mt * factor + wd * p)


# (optimizer factory, reference, hyperparameters the reference reads, float32 tolerance)
CASES = {
    "SGD": (lambda: optimizers.SGD(lr=0.1), ref_sgd, dict(lr=0.1), 1e-6),
    "MomentumSGD": (lambda: optimizers.MomentumSGD(lr=0.1, momentum=0.8), ref_momentum_sgd,
                    dict(lr=0.1, momentum=0.8), 1e-6),
    "CorrectedMomentumSGD": (lambda: optimizers.CorrectedMomentumSGD(lr=0.1, momentum=0.8),
                             ref_corrected_momentum_sgd, dict(lr=0.1, momentum=0.8), 1e-6),
    "NesterovAG": (lambda: optimizers.NesterovAG(lr=0.1, momentum=0.8), ref_nesterov_ag,
                   dict(lr=0.1, momentum=0.8), 1e-6),
    "AdaGrad": (lambda: optimizers.AdaGrad(lr=0.1), ref_ada_grad, dict(lr=0.1, eps=1e-8), 1e-6),
    "AdaDelta": (lambda: optimizers.AdaDelta(rho=0.9), ref_ada_delta, dict(rho=0.9, eps=1e-6), 1e-6),
    "RMSprop": (lambda: optimizers.RMSprop(lr=0.1), ref_rmsprop, dict(lr=0.1, alpha=0.99, eps=1e-8), 1e-5),
    "RMSprop_eps_inside": (lambda: optimizers.RMSprop(lr=0.1, eps=1e-3, eps_inside_sqrt=True), ref_rmsprop,
                           dict(lr=0.1, alpha=0.99, eps=1e-3, eps_inside_sqrt=True), 1e-5),
    "RMSpropGraves": (lambda: optimizers.RMSpropGraves(lr=0.01), ref_rmsprop_graves,
                      dict(lr=0.01, alpha=0.95, momentum=0.9, eps=1e-4), 1e-5),
    "Adam": (lambda: optimizers.Adam(alpha=0.1), ref_adam,
             dict(alpha=0.1, beta1=0.9, beta2=0.999, eps=1e-8), 1e-5),
    "AdamW": (lambda: optimizers.AdamW(alpha=0.1, eta=0.5, weight_decay_rate=0.1), ref_adam,
              dict(alpha=0.1, beta1=0.9, beta2=0.999, eps=1e-8, eta=0.5, weight_decay_rate=0.1), 1e-5),
    "AMSGrad": (lambda: optimizers.AMSGrad(alpha=0.1), ref_adam,
                dict(alpha=0.1, beta1=0.9, beta2=0.999, eps=1e-8, amsgrad=True), 1e-5),
    "AdaBound": (lambda: optimizers.AdaBound(alpha=0.1, final_lr=0.05), ref_adam,
                 dict(alpha=0.1, beta1=0.9, beta2=0.999, eps=1e-8, adabound=True, final_lr=0.05,
                      gamma=1e-3), 1e-5),
    "AMSBound": (lambda: optimizers.AMSBound(alpha=0.1, final_lr=0.05, gamma=0.1), ref_adam,
                 dict(alpha=0.1, beta1=0.9, beta2=0.999, eps=1e-8, amsgrad=True, adabound=True,
                      final_lr=0.05, gamma=0.1), 1e-5),
    "SMORMS3": (lambda: optimizers.SMORMS3(lr=0.05), ref_smorms3, dict(lr=0.05, eps=1e-16), 1e-5),
    # At t = 1 MSVAG divides by mt^2 + rho s with rho / (1 - rho) = 1e4, so float32
    # rounding in vt - mt^2 (~1e-7 relative) moves the step by ~1e-3 relative.
    "MSVAG": (lambda: optimizers.MSVAG(lr=0.1, weight_decay_rate=0.01), ref_msvag,
              dict(lr=0.1, beta=0.9, weight_decay_rate=0.01), 3e-4),
}


def _one_param_link(value):
    link = kusari.Link()
    with link.init_scope():
        link.w = kusari.Parameter(value)
    return link


def _run_steps(case, p0, grads):
    factory, ref, hp, _ = CASES[case]
    link = _one_param_link(p0.copy())
    opt = factory().setup(link)
    state, expected = {}, p0.astype(np.float64)
    for t, g in enumerate(grads, start=1):
        link.w.grad = g.astype(p0.dtype)
        opt.update()
        expected = ref(expected, g.astype(np.float64), state, hp, t)
    return link.w.array, expected


SHAPES = [(), (5,), (2, 3, 4)]


def _random_problem(shape, dtype, n_steps, seed):
    rng = np.random.default_rng(seed)
    p0 = rng.uniform(-2, 2, shape).astype(dtype)
    grads = [rng.uniform(-2, 2, shape).astype(dtype) for _ in range(n_steps)]
    return p0, grads


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_reference_float64(case):
    for i, shape in enumerate(SHAPES):
        p0, grads = _random_problem(shape, np.float64, 4, i)
        got, expected = _run_steps(case, p0, grads)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_reference_float32(case):
    for i, shape in enumerate(SHAPES):
        p0, grads = _random_problem(shape, np.float32, 3, 10 + i)
        got, expected = _run_steps(case, p0, grads)
        assert got.dtype == np.float32
        tol = CASES[case][3]
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@given(case=st.sampled_from(sorted(CASES)), data=st.data())
def test_matches_reference_on_generated_values(case, data):
    shape = data.draw(kst.shapes(max_dims=3, max_side=4))
    p0 = data.draw(kst.arrays(shape=shape, lo=-2, hi=2))
    n_steps = data.draw(st.integers(1, 4))
    grads = [data.draw(kst.arrays(shape=shape, lo=-2, hi=2, min_magnitude=1e-2)) for _ in range(n_steps)]
    got, expected = _run_steps(case, p0, grads)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", ["Adam", "AMSBound", "RMSpropGraves", "SMORMS3", "MSVAG", "AdaDelta"])
def test_blockwise_path_equals_one_block(case):
    # A parameter larger than one block runs in several blocks; a
    # non-contiguous one takes the whole-array path: all three must agree.
    rng = np.random.default_rng(0)
    n = _elementwise.BLOCK * 2 + 123
    p0 = rng.standard_normal(n).astype(np.float32)
    grads = [rng.standard_normal(n).astype(np.float32) for _ in range(3)]
    big, _ = _run_steps(case, p0, grads)
    pieces = [_run_steps(case, p0[i:i + 1000], [g[i:i + 1000] for g in grads])[0]
              for i in (0, n - 1000)]
    np.testing.assert_array_equal(big[:1000], pieces[0])
    np.testing.assert_array_equal(big[-1000:], pieces[1])
    # whole-array path: a Fortran-ordered 2-D parameter
    p2 = np.asfortranarray(p0[:1000 * 6].reshape(1000, 6))
    g2 = [np.asfortranarray(g[:6000].reshape(1000, 6)) for g in grads]
    strided, _ = _run_steps(case, p2, g2)
    ref, _ = _run_steps(case, np.ascontiguousarray(p2), [np.ascontiguousarray(g) for g in g2])
    np.testing.assert_allclose(strided, ref, rtol=1e-6, atol=1e-7)


# ---- convergence on a convex quadratic ---------------------------------------------
CONVERGE = {
    "SGD": (lambda: optimizers.SGD(lr=0.1), 300),
    "MomentumSGD": (lambda: optimizers.MomentumSGD(lr=0.05), 300),
    "CorrectedMomentumSGD": (lambda: optimizers.CorrectedMomentumSGD(lr=0.05), 300),
    "NesterovAG": (lambda: optimizers.NesterovAG(lr=0.05), 300),
    "AdaGrad": (lambda: optimizers.AdaGrad(lr=0.5), 500),
    "AdaDelta": (lambda: optimizers.AdaDelta(rho=0.9, eps=1e-2), 800),
    "RMSprop": (lambda: optimizers.RMSprop(lr=0.01), 800),
    "RMSpropGraves": (lambda: optimizers.RMSpropGraves(lr=0.01, momentum=0.5), 800),
    "Adam": (lambda: optimizers.Adam(alpha=0.05), 800),
    "AdamW": (lambda: optimizers.AdamW(alpha=0.05, weight_decay_rate=1e-4), 800),
    "AMSGrad": (lambda: optimizers.AMSGrad(alpha=0.05), 800),
    "AdaBound": (lambda: optimizers.AdaBound(alpha=0.05, final_lr=0.1), 800),
    "AMSBound": (lambda: optimizers.AMSBound(alpha=0.05, final_lr=0.1), 800),
    "SMORMS3": (lambda: optimizers.SMORMS3(lr=0.05), 800),
    "MSVAG": (lambda: optimizers.MSVAG(lr=0.1), 500),
}


@pytest.mark.parametrize("case", sorted(CONVERGE))
def test_converges_on_convex_quadratic(case):
    rng = np.random.default_rng(1)
    target = rng.uniform(-1, 1, (3, 2)).astype(np.float32)
    curvature = rng.uniform(0.5, 2.0, (3, 2)).astype(np.float32)
    link = _one_param_link(np.zeros((3, 2), np.float32))
    factory, n_steps = CONVERGE[case]
    opt = factory().setup(link)

    def loss():
        diff = link.w - target
        return F.sum(curvature * diff * diff) * 0.5

    start = float(loss().array)
    for _ in range(n_steps):
        opt.update(loss)
    final = float(loss().array)
    assert opt.t == n_steps
    assert final < 1e-3 * start, (start, final)
    np.testing.assert_allclose(link.w.array, target, atol=0.05)
