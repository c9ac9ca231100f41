import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType

X = np.array([[0.5, -1.25, 2.0, 0.75],
              [1.5, 0.25, -0.5, -2.0],
              [-0.75, 1.0, 0.0, 3.0]], np.float32)
T = np.array([2, -1, 3], np.int32)
W = np.array([0.5, 2.0, 1.5, 1.0], np.float32)
X3 = np.array([[[0.2, -1.0], [1.3, 0.4], [-0.6, 2.2]],
               [[1.1, 0.0], [-0.3, 0.9], [0.7, -1.5]]], np.float32)  # (2, 3, 2): classes on axis 1
T3 = np.array([[0, 2], [-1, 1]], np.int32)
S = np.array([[0.1, 0.2, 0.3, 0.4],
              [0.0, 0.5, 0.5, 0.0],
              [0.7, 0.1, 0.1, 0.1]], np.float32)

CASES = {
    "mean": (X, T, {}),
    "mean_unnormalized": (X, T, dict(normalize=False)),
    "class_weight": (X, T, dict(class_weight=W)),
    "class_weight_unnormalized": (X, T, dict(class_weight=W, normalize=False)),
    "no": (X, T, dict(reduce="no")),
    "no_class_weight": (X, T, dict(reduce="no", class_weight=W)),
    "ignore_label_2": (X, T.clip(0), dict(ignore_label=2)),
    "all_ignored": (X, np.full(3, -1, np.int32), {}),
    "no_cache_score": (X, T, dict(cache_score=False)),
    "double_backprop": (X, T, dict(enable_double_backprop=True, class_weight=W)),
    "double_backprop_no": (X, T, dict(enable_double_backprop=True, reduce="no")),
    "nd_mean": (X3, T3, {}),
    "nd_no": (X3, T3, dict(reduce="no")),
    "nd_unnormalized_weighted": (X3, T3, dict(normalize=False, class_weight=W[:3])),
    "soft_ce": (X, S, {}),
    "soft_ce_no": (X, S, dict(reduce="no")),
    "soft_kl": (X, S, dict(soft_target_loss="kl-divergence")),
    "soft_kl_no": (X, S, dict(soft_target_loss="kl-divergence", reduce="no")),
}

# These numbers came from the reference Chainer 7.8.1: F.softmax_cross_entropy(Variable(x), t, **kwargs)
# on CASES, then loss.backward() with an all-ones output gradient; (loss, x.grad).
CHAINER_SCE = {
    "mean": (0.31336188,
             [[0.07205143, 0.01252066, -0.1770879, 0.09251587],
              [0., 0., 0., 0.],
              [0.00972901, 0.05598659, 0.02059632, -0.08631191]]),
    "mean_unnormalized": (0.20890793,
                          [[0.04803429, 0.00834711, -0.11805861, 0.06167725],
                           [0., 0., 0., 0.],
                           [0.00648601, 0.0373244, 0.01373088, -0.05754127]]),
    "class_weight": (0.42266887,
                     [[0.10807714, 0.01878099, -0.26563185, 0.1387738],
                      [0., 0., 0., 0.],
                      [0.00972901, 0.05598659, 0.02059632, -0.08631191]]),
    "class_weight_unnormalized": (0.28177926,
                                  [[0.07205143, 0.01252066, -0.1770879, 0.09251587],
                                   [0., 0., 0., 0.],
                                   [0.00648601, 0.0373244, 0.01373088, -0.05754127]]),
    "no": ([0.43722796, 0., 0.1894958],
           [[0.14410286, 0.02504132, -0.3541758, 0.18503174],
            [0., 0., 0., 0.],
            [0.01945802, 0.11197319, 0.04119264, -0.17262381]]),
    "no_class_weight": ([0.65584195, 0., 0.1894958],
                        [[0.21615428, 0.03756198, -0.5312637, 0.2775476],
                         [0., 0., 0., 0.],
                         [0.01945802, 0.11197319, 0.04119264, -0.17262381]]),
    "ignore_label_2": (0.28123176,
                       [[0., 0., 0., 0.],
                        [-0.15565628, 0.09865613, 0.04660185, 0.01039828],
                        [0.00972901, 0.05598659, 0.02059632, -0.08631191]]),
    "all_ignored": (0.0, np.zeros((3, 4))),
    "no_cache_score": (0.31336188,
                       [[0.07205143, 0.01252066, -0.1770879, 0.09251587],
                        [0., 0., 0., 0.],
                        [0.00972901, 0.05598659, 0.02059632, -0.08631191]]),
    "double_backprop": (0.42266887,
                        [[0.10807714, 0.01878099, -0.26563185, 0.1387738],
                         [0., 0., 0., 0.],
                         [0.00972901, 0.05598659, 0.02059632, -0.08631191]]),
    "double_backprop_no": ([0.43722796, 0., 0.1894958],
                           [[0.14410286, 0.02504132, -0.3541758, 0.18503174],
                            [0., 0., 0., 0.],
                            [0.01945802, 0.11197319, 0.04119264, -0.17262381]]),
    "nd_mean": (0.69490135,
                [[[-0.25848573, 0.01126593], [0.22485457, 0.0456856], [0.03363118, -0.05695156]],
                 [[0., 0.09051248], [0., -0.11070853], [0., 0.02019607]]]),
    "nd_no": ([[1.4936891, 0.18735981], [0., 0.40365517]],
              [[[-0.7754572, 0.03379779], [0.6745637, 0.1370568], [0.10089355, -0.17085469]],
               [[0., 0.27153745], [0., -0.3321256], [0., 0.0605882]]]),
    "nd_unnormalized_weighted": (0.9175973,
                                 [[[-0.1938643, 0.02534834], [0.16864093, 0.1027926], [0.02522339, -0.12814102]],
                                  [[0., 0.27153745], [0., -0.3321256], [0., 0.0605882]]]),
    "soft_ce": (2.3498971,
                [[0.01470095, -0.05831956, 0.11527473, -0.07165609],
                 [0.22956249, -0.10089591, -0.13559876, 0.00693219],
                 [-0.22684734, 0.00399106, -0.01960246, 0.24245873]]),
    "soft_ce_no": ([1.7372279, 1.9979677, 3.3144956],
                   [[0.04410286, -0.17495868, 0.34582418, -0.21496826],
                    [0.68868744, -0.30268773, -0.40679628, 0.02079656],
                    [-0.680542, 0.01197319, -0.05880737, 0.72737616]]),
    "soft_kl": (1.3787477,
                [[0.01470095, -0.05831956, 0.11527473, -0.07165609],
                 [0.22956249, -0.10089591, -0.13559876, 0.00693219],
                 [-0.22684734, 0.00399106, -0.01960246, 0.24245873]]),
    "soft_kl_no": ([0.45737416, 1.3048208, 2.3740482],
                   [[0.04410286, -0.17495868, 0.34582418, -0.21496826],
                    [0.68868744, -0.30268773, -0.40679628, 0.02079656],
                    [-0.680542, 0.01197319, -0.05880737, 0.72737616]]),
}
# Chainer 7.8.1 as well: d/dx sum(grad(loss, x) ** 2) for
# softmax_cross_entropy(X, T, enable_double_backprop=True, class_weight=W).
CHAINER_SECOND_ORDER = [[0.05142452, 0.0055821, -0.13155676, 0.07455018],
                        [0., 0., 0., 0.],
                        [0.00143668, 0.01344712, 0.0034891, -0.01837289]]

# The three implementations must agree with each other and with Chainer.
IMPLEMENTATIONS = {
    "cached": {},
    "recomputed": dict(cache_score=False),
    "double_backprop": dict(enable_double_backprop=True),
}


def _reference(x, t, normalize=True, class_weight=None, ignore_label=-1, reduce="mean",
               soft_target_loss="cross-entropy", **_):
    """Plain NumPy in float64, one label at a time."""
    x = x.astype(np.float64)
    log_y = x - x.max(axis=1, keepdims=True)
    log_y -= np.log(np.exp(log_y).sum(axis=1, keepdims=True))
    if t.dtype.kind == "f":
        if soft_target_loss == "kl-divergence":
            elems = (t * (np.log(t + 1e-7) - log_y)).sum(axis=1)
        else:
            elems = -(t * log_y).sum(axis=1)
        return elems if reduce == "no" else elems.mean()
    elems = np.zeros(t.shape)
    for index in np.ndindex(*t.shape):
        label = int(t[index])
        if label == ignore_label:
            continue
        weight = 1.0 if class_weight is None else float(class_weight[label])
        elems[index] = -weight * log_y[(index[0], label) + index[1:]]
    if reduce == "no":
        return elems
    count = int((t != ignore_label).sum()) if normalize else len(t)
    return elems.sum() / max(count, 1)


def _loss_and_grad(x, t, **kwargs):
    xv = kusari.Variable(x.copy())
    loss = F.softmax_cross_entropy(xv, t, **kwargs)
    loss.grad = np.ones_like(loss.array)
    loss.backward()
    return loss, xv.grad


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("name", CASES)
def test_matches_chainer(name, impl):
    x, t, kwargs = CASES[name]
    loss, gx = _loss_and_grad(x, t, **{**kwargs, **IMPLEMENTATIONS[impl]})
    expected_loss, expected_gx = CHAINER_SCE[name]
    assert loss.dtype == np.float32 and gx.dtype == np.float32
    assert loss.shape == np.shape(expected_loss)
    np.testing.assert_allclose(loss.array, expected_loss, rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(gx, expected_gx, rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("name", CASES)
def test_matches_numpy_reference(name, impl):
    x, t, kwargs = CASES[name]
    kwargs = {**kwargs, **IMPLEMENTATIONS[impl]}
    loss = F.softmax_cross_entropy(x, t, **kwargs)
    np.testing.assert_allclose(loss.array, _reference(x, t, **kwargs), rtol=2e-6, atol=1e-7)


def test_second_order_matches_chainer():
    x = kusari.Variable(X.copy())
    loss = F.softmax_cross_entropy(x, T, enable_double_backprop=True, class_weight=W)
    gx, = kusari.grad([loss], [x], enable_double_backprop=True)
    z = (gx * gx)
    z.grad = np.ones_like(z.array)
    z.backward()
    np.testing.assert_allclose(x.grad, CHAINER_SECOND_ORDER, rtol=1e-5, atol=1e-7)


def test_default_implementation_refuses_double_backprop():
    x = kusari.Variable(X.copy())
    gx, = kusari.grad([F.softmax_cross_entropy(x, T)], [x], enable_double_backprop=True)
    gx.grad = np.ones_like(gx.array)
    with pytest.raises(RuntimeError, match="enable_double_backprop=True"):
        gx.backward()


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
def test_all_ignored_is_zero_not_nan(impl):
    loss, gx = _loss_and_grad(X, np.full(3, -1, np.int32), **IMPLEMENTATIONS[impl])
    assert loss.array == 0 and not np.isnan(loss.array)
    assert not gx.any()


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("class_weight", [None, W])
def test_ignored_entry_with_infinite_logit_contributes_exactly_zero(class_weight, impl):
    x = X.copy()
    x[1, 0] = -np.inf  # the class an ignored label would be read from
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "invalid value" warnings either
        loss, gx = _loss_and_grad(x, T, reduce="no", class_weight=class_weight, **IMPLEMENTATIONS[impl])
    assert loss.array[1] == 0
    assert np.isfinite(gx).all()
    np.testing.assert_allclose(loss.array, _reference(X, T, reduce="no", class_weight=class_weight), rtol=2e-6)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("reduce", ["mean", "no"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_is_preserved(dtype, reduce, impl):
    loss, gx = _loss_and_grad(X.astype(dtype), T, reduce=reduce, **IMPLEMENTATIONS[impl])
    assert loss.dtype == dtype and gx.dtype == dtype
    rtol = 3e-3 if dtype == np.float16 else 2e-6
    np.testing.assert_allclose(loss.array, _reference(X, T, reduce=reduce), rtol=rtol, atol=1e-3 * rtol)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("shape", [(0, 3), (0, 3, 2), (2, 3, 0)])
def test_empty_batch(shape, impl):
    t = np.zeros(shape[:1] + shape[2:], np.int32)
    for reduce in ["mean", "no"]:
        loss, gx = _loss_and_grad(np.zeros(shape, np.float32), t, reduce=reduce, **IMPLEMENTATIONS[impl])
        assert loss.shape == (() if reduce == "mean" else t.shape)
        assert not loss.array.any() and gx.shape == shape


def test_labels_may_be_a_variable_or_unsigned():
    t = np.array([2, 0, 3], np.int32)
    expected = F.softmax_cross_entropy(X, t).array
    assert F.softmax_cross_entropy(X, kusari.Variable(t)).array == expected
    assert F.softmax_cross_entropy(X, t.astype(np.uint8)).array == expected


def test_loss_has_no_gradient_for_labels():
    t = kusari.Variable(T.copy())  # requires_grad defaults to True
    x = kusari.Variable(X.copy())
    F.softmax_cross_entropy(x, t).backward()
    assert t.grad is None and x.grad is not None


# ---- property tests --------------------------------------------------------
@st.composite
def _problems(draw, soft=False):
    n = draw(st.integers(1, 4))
    n_class = draw(st.integers(1, 4))
    extra = draw(kst.shapes(min_dims=0, max_dims=1, max_side=3))
    x = draw(kst.arrays(shape=(n, n_class) + extra, lo=-3, hi=3))
    if soft:
        t = draw(kst.arrays(shape=x.shape, lo=0, hi=1))
    else:
        t = draw(kst.arrays(shape=(n,) + extra, dtype=np.int32, lo=-1, hi=n_class - 1))  # -1: ignored
    options = dict(reduce=draw(st.sampled_from(["mean", "no"])),
                   enable_double_backprop=draw(st.booleans()))
    if soft:
        options["soft_target_loss"] = draw(st.sampled_from(["cross-entropy", "kl-divergence"]))
    else:
        options["normalize"] = draw(st.booleans())
        if draw(st.booleans()):
            options["class_weight"] = draw(kst.arrays(shape=(n_class,), lo=0.1, hi=2))
    shape = x.shape if options["reduce"] == "no" else ()
    out_shape = t.shape if not soft else t.shape[:1] + t.shape[2:]
    gy = draw(kst.arrays(shape=out_shape if options["reduce"] == "no" else shape, lo=-1, hi=1))
    ggx = draw(kst.arrays(shape=x.shape, lo=-1, hi=1))
    return x, t, options, gy, ggx


@given(_problems())
def test_forward_matches_reference_on_random_labels(problem):
    x, t, options, _, _ = problem
    loss = F.softmax_cross_entropy(x, t, **options)
    np.testing.assert_allclose(loss.array, _reference(x, t, **options), rtol=1e-12, atol=1e-14)


@given(_problems())
def test_gradient_with_random_labels(problem):
    x, t, options, gy, _ = problem
    check_backward(lambda x, t: F.softmax_cross_entropy(x, t, **options), (x, t), gy)


@given(_problems())
def test_double_gradient_with_random_labels(problem):
    x, t, options, gy, ggx = problem
    options["enable_double_backprop"] = True
    check_double_backward(lambda x, t: F.softmax_cross_entropy(x, t, **options),
                          (x, t), gy, ggx)


@given(_problems(soft=True))
def test_soft_targets_forward_matches_reference(problem):
    x, t, options, _, _ = problem
    loss = F.softmax_cross_entropy(x, t, **options)
    np.testing.assert_allclose(loss.array, _reference(x, t, **options), rtol=1e-12, atol=1e-14)


@given(_problems(soft=True))
def test_soft_targets_gradient(problem):
    # The targets here need not sum to 1: the gradient is the true one.
    x, t, options, gy, _ = problem
    check_backward(lambda x, t: F.softmax_cross_entropy(x, t, **options), (x, t), gy, no_grads=[False, True])


@given(_problems(soft=True))
def test_soft_targets_double_gradient(problem):
    x, t, options, gy, ggx = problem
    options["enable_double_backprop"] = True
    check_double_backward(lambda x, t: F.softmax_cross_entropy(x, t, **options),
                          (x, t), gy, ggx, no_grads=[False, True])


def test_class_weight_is_ignored_with_soft_targets_and_says_so():
    with pytest.warns(UserWarning, match="class_weight is ignored with soft targets"):
        weighted = F.softmax_cross_entropy(X, S, class_weight=W)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plain = F.softmax_cross_entropy(X, S)
    assert weighted.array == plain.array


# ---- errors ----------------------------------------------------------------
def test_float_labels_of_another_shape_are_rejected():
    with pytest.raises(InvalidType, match=r"softmax_cross_entropy: argument 't' expected an integer dtype "
                                          r".* got float32 with shape \(3,\)"):
        F.softmax_cross_entropy(X, T.astype(np.float32))


def test_bool_labels_are_rejected():
    with pytest.raises(InvalidType, match=r"argument 't' expected an integer dtype .*, got bool"):
        F.softmax_cross_entropy(X, np.array([True, False, True]))


def test_label_shape_mismatch_is_rejected():
    with pytest.raises(InvalidType, match=r"softmax_cross_entropy: argument 't' expected shape \(3,\) "
                                          r"\(x's shape without the class axis 1\), got \(2,\)"):
        F.softmax_cross_entropy(X, T[:2])
    with pytest.raises(InvalidType, match=r"expected shape \(2, 2\) .*, got \(2, 3\)"):
        F.softmax_cross_entropy(X3, np.zeros((2, 3), np.int32))


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("bad, index", [(4, (1,)), (-2, (2,)), (100, (0,))])
def test_label_out_of_range_is_named(bad, index, impl):
    t = np.array([0, 1, 2], np.int32)
    t[index] = bad
    with pytest.raises(ValueError, match=rf"softmax_cross_entropy: argument 't' expected labels in \[0, 4\) "
                                         rf"or ignore_label \(-1\), got {bad} at index \({index[0]},\)"):
        F.softmax_cross_entropy(X, t, **IMPLEMENTATIONS[impl])


def test_default_ignore_label_is_out_of_range_when_another_is_chosen():
    with pytest.raises(ValueError, match=r"or ignore_label \(2\), got -1 at index \(1,\)"):
        F.softmax_cross_entropy(X, T, ignore_label=2)


def test_soft_target_dtype_must_match():
    with pytest.raises(InvalidType, match=r"argument 't' expected dtype float32 \(the dtype of 'x'\), got float64"):
        F.softmax_cross_entropy(X, S.astype(np.float64))


def test_bad_reduce_is_rejected():
    with pytest.raises(ValueError, match=r"softmax_cross_entropy: argument 'reduce' expected 'mean' or 'no', "
                                         r"got 'sum'"):
        F.softmax_cross_entropy(X, T, reduce="sum")


def test_bad_soft_target_loss_is_rejected():
    with pytest.raises(ValueError, match=r"argument 'soft_target_loss' expected 'cross-entropy' or "
                                         r"'kl-divergence', got 'mse'"):
        F.softmax_cross_entropy(X, S, soft_target_loss="mse")


def test_bad_class_weight_is_rejected():
    with pytest.raises(InvalidType, match=r"argument 'class_weight' expected shape \(4,\) \(one weight per class\), "
                                          r"got \(3,\)"):
        F.softmax_cross_entropy(X, T, class_weight=W[:3])
    with pytest.raises(InvalidType, match=r"argument 'class_weight' expected a floating-point dtype .*, got int64"):
        F.softmax_cross_entropy(X, T, class_weight=np.ones(4, np.int64))
    with pytest.raises(InvalidType, match=r"argument 'class_weight' expected an array .*, got Variable"):
        F.softmax_cross_entropy(X, T, class_weight=kusari.Variable(W))


def test_bad_x_is_rejected():
    with pytest.raises(InvalidType, match=r"softmax_cross_entropy: argument 'x' expected a floating-point dtype "
                                          r".*, got int32"):
        F.softmax_cross_entropy(X.astype(np.int32), T)
    with pytest.raises(InvalidType, match=r"argument 'x' expected at least 2 dimensions, got 1"):
        F.softmax_cross_entropy(X[0], T[:1])


def _reference_grad(x, t, class_weight=None, ignore_label=-1, reduce="mean", normalize=True):
    """d loss / d x for hard labels (upstream gradient 1 per element for reduce='no'), float64."""
    x = x.astype(np.float64)
    softmax = np.exp(x - x.max(axis=1, keepdims=True))
    softmax /= softmax.sum(axis=1, keepdims=True)
    grad = np.zeros_like(x)
    for index in np.ndindex(*t.shape):
        label = int(t[index])
        if label == ignore_label:
            continue
        weight = 1.0 if class_weight is None else float(class_weight[label])
        where = (index[0], slice(None)) + index[1:]
        grad[where] = weight * softmax[where]
        grad[(index[0], label) + index[1:]] -= weight
    if reduce == "mean":
        count = int((t != ignore_label).sum()) if normalize else len(t)
        grad /= max(count, 1)
    return grad


@pytest.mark.parametrize("shape", [(7, 5), (4, 3, 2)])
@pytest.mark.parametrize("kwargs", [{}, {"reduce": "no"}, {"normalize": False},
                                    {"class_weight": np.array([0.5, 2.0, 1.0, 0.0, 3.0], np.float32)}])
def test_blocked_pass_matches_the_reference_over_many_blocks(monkeypatch, shape, kwargs):
    # The forward runs over row blocks sized for the cache; three elements per
    # block forces many partial blocks on these small arrays.
    from kusari.functions.loss import softmax_cross_entropy as sce_module

    monkeypatch.setattr(sce_module, "_BLOCK_ELEMENTS", 3)
    rng = np.random.RandomState(3)
    x = rng.randn(*shape).astype(np.float32)
    n_class = shape[1]
    t = rng.randint(0, n_class, (shape[0],) + shape[2:]).astype(np.int32)
    t.flat[1] = -1  # one ignored label
    if "class_weight" in kwargs:
        kwargs = {"class_weight": kwargs["class_weight"][:n_class]}
    loss, gx = _loss_and_grad(x, t, **kwargs)
    np.testing.assert_allclose(loss.array, _reference(x, t, **kwargs), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gx, _reference_grad(x, t, **kwargs), rtol=1e-5, atol=1e-6)


def test_a_second_backward_through_the_same_graph_gives_the_same_gradient():
    # backward reuses the cached softmax in place; a second pass must recompute it
    rng = np.random.RandomState(4)
    x = kusari.Variable(rng.randn(6, 4).astype(np.float32))
    t = rng.randint(0, 4, 6).astype(np.int32)
    loss = F.softmax_cross_entropy(x, t)
    loss.backward(retain_grad=True)
    first = x.grad.copy()
    x.cleargrad()
    loss.backward()
    np.testing.assert_allclose(x.grad, first, rtol=1e-6)
    np.testing.assert_allclose(first, _reference_grad(x.array, t), rtol=1e-5, atol=1e-6)
