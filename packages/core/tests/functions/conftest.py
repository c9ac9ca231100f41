"""Checks shared by the function tests of this folder, one fixture per family.

Test folders have no __init__.py and pytest runs with --import-mode=importlib,
so sibling test modules cannot import each other: the shared code is handed
out by session-scoped fixtures (hypothesis @given tests may use them, since
they are not function-scoped). A strategy made here is drawn inside the test
with ``@given(data=st.data())`` and ``data.draw(...)``, because a fixture does
not exist yet when ``@given(...)`` is evaluated.

- ``unary``: one-input elementwise functions (``sigmoid``, ``tanh``, ``sin``...).
- ``binary``: the input errors of two-input functions of one shape and dtype,
  or of one dtype and broadcasting shapes.
- ``error_pair``: ``absolute_error``, ``squared_error`` and their ``mean_`` forms.
- ``softmax_like``: ``softmax`` and ``log_softmax`` (an ``axis`` argument).
- ``square_matrix``: ``det``/``inv`` and their ``batch_`` forms.
- ``conv``: convolutions and deconvolutions.
- ``drawn``: both gradient orders of any function, ``gy`` and the ``ggs`` drawn to fit.
- ``pooling``: the rank checks of the ``*_pooling_{1,2,3,n}d`` and ``unpooling_*`` families.
- ``noise``: functions that draw random noise (``gumbel_softmax``, ``zoneout``).
"""
import types

import numpy as np
import pytest
from hypothesis import strategies as st

import kusari
from kusari.testing import check_backward, check_double_backward
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


def check_gradients(func, inputs, gy, ggs):
    """First- and second-order finite-difference checks of ``func`` at ``inputs``."""
    check_backward(func, inputs, gy)
    check_double_backward(func, inputs, gy, ggs)


def re_shape(shape):
    """``shape`` as it reads in a message, escaped for a regex."""
    return str(shape).replace("(", r"\(").replace(")", r"\)")


# --- unary -------------------------------------------------------------------

def unary_point(lo, hi, grad_lo=-2.0, grad_hi=2.0):
    """``(x, gy, ggx)`` of one small shape, x in ``[lo, hi]``, the gradients in ``[grad_lo, grad_hi]``."""
    return kst.shapes().flatmap(lambda s: st.tuples(
        kst.arrays(shape=s, lo=lo, hi=hi), kst.arrays(shape=s, lo=grad_lo, hi=grad_hi),
        kst.arrays(shape=s, lo=grad_lo, hi=grad_hi)))


def check_unary_gradients(data, func, lo, hi, grad_lo=-2.0, grad_hi=2.0):
    """Draw a point of :func:`unary_point` and check both gradient orders there."""
    x, gy, ggx = data.draw(unary_point(lo, hi, grad_lo, grad_hi))
    check_gradients(func, x, gy, ggx)


def check_float32_forward(func, reference, lo, hi, seed, rtol=1e-6, atol=1e-7):
    """A float32 input in ``[lo, hi]`` gives float32 values close to the float64 ``reference``."""
    x = np.random.default_rng(seed).uniform(lo, hi, (3, 4)).astype(np.float32)
    y = func(kusari.Variable(x))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.array, reference(x.astype(np.float64)), rtol=rtol, atol=atol)


def check_first_derivative(func, derivative, lo, hi, gy=1.0, atol=0.0):
    """Backward on 7 float32 points of ``[lo, hi]`` gives ``gy * derivative(x)``, in float32."""
    x = kusari.Variable(np.linspace(lo, hi, 7, dtype=np.float32))
    y = func(x)
    y.grad = np.full(7, gy, np.float32)
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad, gy * derivative(x.array.astype(np.float64)), rtol=1e-5, atol=atol)


def check_zero_dim_input(func, reference, value):
    """A 0-dim float32 input gives a 0-dim ndarray (not a NumPy scalar) close to the float64 ``reference``."""
    y = func(np.array(value, np.float32))
    assert isinstance(y.array, np.ndarray) and y.shape == ()
    np.testing.assert_allclose(y.array, reference(np.float64(value)), rtol=1e-6)


def check_backward_keeps_only_the_output(func):
    """The node retains its output for backward and lets its input go."""
    y = func(kusari.Variable(np.array([0.5], np.float32)))
    assert y.creator_node.inputs[0].data is None
    assert y.creator_node.output_data[0] is y.array


def check_unary_dtype_is_preserved(func, reference, dtype):
    """Output and input gradient keep ``dtype``; values match ``reference``."""
    x = kusari.Variable(np.array([-1.0, 0.0, 3.0], dtype))
    y = func(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(y.array, reference(x.array), rtol=1e-3 if dtype == np.float16 else 1e-6)


def check_extreme_inputs_do_not_overflow(func, expected):
    """``func`` at -1e4, -100, 100, 1e4 (float32) raises no floating-point warning and gives ``expected``."""
    x = np.array([-1e4, -100.0, 100.0, 1e4], np.float32)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = func(x).array
    np.testing.assert_allclose(y, expected, atol=1e-30)


def check_integer_input_is_rejected(func, name, dtype=np.int32):
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'x' expected a floating-point dtype .*, "
                                          rf"got {np.dtype(dtype).name}$"):
        func(np.ones(3, dtype))


@pytest.fixture(scope="session")
def unary():
    """Checks of one-input elementwise functions."""
    return types.SimpleNamespace(
        check_gradients=check_unary_gradients, check_float32_forward=check_float32_forward,
        check_first_derivative=check_first_derivative, check_zero_dim_input=check_zero_dim_input,
        check_backward_keeps_only_the_output=check_backward_keeps_only_the_output,
        check_dtype_is_preserved=check_unary_dtype_is_preserved,
        check_extreme_inputs_do_not_overflow=check_extreme_inputs_do_not_overflow,
        check_integer_input_is_rejected=check_integer_input_is_rejected,
    )


# --- binary ------------------------------------------------------------------

def check_binary_input_errors(func, name, first, second, shape=(2, 3), other_shape=(3, 2)):
    """``func(first, second)`` rejects integers, mixed dtypes and mismatched shapes.

    ``first``/``second`` are the argument names; ``shape``/``other_shape``
    the two shapes of the mismatch case.
    """
    with pytest.raises(InvalidType, match=rf"{name}: argument '{first}' expected a floating-point dtype .*, "
                                          r"got int32"):
        func(np.zeros(shape, np.int32), np.zeros(shape, np.int32))
    with pytest.raises(InvalidType, match=rf"{name}: argument '{second}' expected dtype float32 "
                                          rf"\(the dtype of '{first}'\), got float64"):
        func(np.zeros(shape, np.float32), np.zeros(shape, np.float64))
    with pytest.raises(InvalidType, match=rf"{name}: argument '{second}' expected shape {re_shape(shape)} "
                                          rf"\(the shape of '{first}'\), got {re_shape(other_shape)}"):
        func(np.zeros(shape, np.float32), np.zeros(other_shape, np.float32))


def check_broadcasting_input_errors(func, name, first, second):
    """``func(first, second)`` rejects an integer ``first`` (int32 and int64), mixed dtypes and shapes that do not broadcast."""
    for int_dtype in (np.int32, np.int64):
        with pytest.raises(InvalidType, match=rf"^{name}: argument '{first}' expected a floating-point dtype .*, "
                                              rf"got {np.dtype(int_dtype).name}$"):
            func(np.ones(3, int_dtype), np.ones(3, np.float32))
    with pytest.raises(InvalidType, match=rf"^{name}: argument '{second}' expected dtype float32 "
                                          rf"\(the dtype of '{first}'\), got float64$"):
        func(np.ones(3, np.float32), np.ones(3, np.float64))
    with pytest.raises(InvalidType, match=rf"^{name}: argument '{second}' expected a shape that broadcasts with "
                                          rf"\(2,\) \(the shape of '{first}'\), got \(3,\)$"):
        func(np.ones(2, np.float32), np.ones(3, np.float32))


def check_unknown_reduce_is_rejected(func, name, n_inputs):
    with pytest.raises(ValueError, match=rf"{name}: argument 'reduce' expected 'sum', 'mean' or 'no', "
                                         r"got 'all'"):
        func(*[np.zeros(2, np.float32)] * n_inputs, reduce="all")


@pytest.fixture(scope="session")
def binary():
    """Input checks of two-input functions whose inputs share one dtype, and one shape or broadcasting shapes."""
    return types.SimpleNamespace(check_input_errors=check_binary_input_errors,
                                 check_broadcasting_input_errors=check_broadcasting_input_errors,
                                 check_unknown_reduce_is_rejected=check_unknown_reduce_is_rejected)


# --- error_pair: absolute_error, squared_error and their mean_ forms -----------

def error_pair_point(reduced=False, near=True):
    """``(x0, x1, gy, ggx0, ggx1)``: x0 and x1 of one shape, gy of the output's (``()`` if ``reduced``).

    With ``near``, ``x1 = x0 + offset`` with ``0.1 <= |offset| <= 1``, which
    keeps ``x0 - x1`` away from ``absolute_error``'s kink at 0; else x1 is
    drawn on its own.
    """
    def build(s):
        x1 = kst.arrays(shape=s, lo=-1, hi=1, min_magnitude=0.1) if near else kst.arrays(shape=s)
        return st.tuples(kst.arrays(shape=s), x1, kst.arrays(shape=() if reduced else s, lo=-1, hi=1),
                         kst.arrays(shape=s, lo=-1, hi=1), kst.arrays(shape=s, lo=-1, hi=1))

    def place_x1(point):
        x0, x1, *grads = point
        return (x0, np.asarray(x0 + x1) if near else x1, *grads)
    return kst.shapes().flatmap(build).map(place_x1)


def check_error_pair_forward(data, func, reference, reduced=False, near=True):
    x0, x1, *_ = data.draw(error_pair_point(reduced, near))
    y = func(x0, x1)
    expected = reference(x0, x1)
    assert y.shape == np.shape(expected)
    np.testing.assert_allclose(y.array, expected, rtol=1e-12, atol=1e-15)


def check_error_pair_dtype(func, dtype):
    """At x0 = [[1, 2], [3, -1]], x1 = [[0.5, 2], [1, 1]]: output and gradients keep ``dtype``; returns y."""
    x0 = kusari.Variable(np.array([[1.0, 2.0], [3.0, -1.0]], dtype))
    x1 = kusari.Variable(np.array([[0.5, 2.0], [1.0, 1.0]], dtype))
    y = func(x0, x1)
    y.grad = np.ones(y.shape, dtype)
    y.backward()
    assert y.dtype == dtype and x0.grad.dtype == dtype and x1.grad.dtype == dtype
    return y


def check_error_pair_gradient(func, expected_gx0):
    """At x0 = [1, 2, 4], x1 = [1, 3, 1] (gy all ones) the gradients are ``expected_gx0`` and its negative."""
    x0 = kusari.Variable(np.array([1.0, 2.0, 4.0]))
    x1 = kusari.Variable(np.array([1.0, 3.0, 1.0]))
    y = func(x0, x1)
    y.grad = np.ones(y.shape)
    y.backward()
    np.testing.assert_allclose(x0.grad, expected_gx0)
    np.testing.assert_allclose(x1.grad, -np.array(expected_gx0))


def check_error_pair_gradients(data, func, reduced=False, near=True):
    x0, x1, gy, ggx0, ggx1 = data.draw(error_pair_point(reduced, near))
    check_gradients(func, (x0, x1), gy, (ggx0, ggx1))


@pytest.fixture(scope="session")
def error_pair():
    """Checks of the errors ``f(x0, x1)`` of two same-shaped inputs, elementwise or ``reduced`` to a scalar."""
    return types.SimpleNamespace(
        check_forward=check_error_pair_forward, check_dtype=check_error_pair_dtype,
        check_gradient=check_error_pair_gradient, check_gradients=check_error_pair_gradients,
    )


# --- softmax_like: softmax, log_softmax ---------------------------------------

def softmax_point():
    """``(axis, x, gy, ggx)``: x in [-3, 3] with at least one axis."""
    return kst.shape_and_axis(min_dims=1, max_dims=3).flatmap(lambda sa: st.tuples(
        st.just(sa[1]), kst.arrays(shape=sa[0], lo=-3, hi=3), kst.arrays(shape=sa[0], lo=-1, hi=1),
        kst.arrays(shape=sa[0], lo=-1, hi=1)))


def check_softmax_dtype(func, dtype):
    x = kusari.Variable(np.array([[0.5, -1.0, 2.0]], dtype))
    y = func(x)
    y.grad = np.ones_like(y.array)
    y.backward()
    assert y.dtype == dtype and x.grad.dtype == dtype


def check_backward_matches_the_jacobian(func, jacobian):
    """Backward along axis 1 gives ``J^T gy`` row by row, ``J = jacobian(row)``."""
    x = kusari.Variable(np.array([[0.3, -1.2, 0.8], [2.0, 0.0, -0.5]]))
    y = func(x)
    gy = np.array([[1.0, -2.0, 0.5], [0.3, 0.2, 0.1]])
    y.grad = gy
    y.backward()
    for n in range(2):
        np.testing.assert_allclose(x.grad[n], jacobian(x.array[n]).T @ gy[n], rtol=1e-12)


def check_softmax_gradients(data, func):
    axis, x, gy, ggx = data.draw(softmax_point())
    check_gradients(lambda v: func(v, axis=axis), x, gy, ggx)


def check_softmax_input_errors(func, name):
    """Integers, an axis out of range (2-d and 1-d input) and a float axis are rejected."""
    with pytest.raises(InvalidType, match=rf"{name}: argument 'x' expected a floating-point dtype .*, got int32"):
        func(np.zeros((2, 3), np.int32))
    with pytest.raises(InvalidType, match=rf"{name}: argument 'axis' expected an axis in \[-2, 2\) "
                                          r"for shape \(2, 3\), got 2"):
        func(np.zeros((2, 3), np.float32), axis=2)
    with pytest.raises(InvalidType, match=rf"{name}: argument 'axis' expected an axis in \[-1, 1\).*got 1"):
        func(np.zeros(3, np.float32))
    with pytest.raises(InvalidType, match=rf"{name}: argument 'axis' expected an int, got float"):
        func(np.zeros((2, 3), np.float32), axis=1.0)


@pytest.fixture(scope="session")
def softmax_like():
    """Checks of normalisations along an ``axis`` (default 1)."""
    return types.SimpleNamespace(
        point=softmax_point, check_dtype=check_softmax_dtype,
        check_backward_matches_the_jacobian=check_backward_matches_the_jacobian,
        check_gradients=check_softmax_gradients, check_input_errors=check_softmax_input_errors,
    )


# --- square_matrix: det, inv and their batch_ forms ---------------------------

def well_conditioned(shape):
    """Matrices 2*I + small noise: far from singular, so finite differences stay accurate."""
    n = shape[-1]
    return kst.arrays(shape=shape, lo=-0.5, hi=0.5).map(lambda m: m + 2 * np.eye(n))


def check_matrix_forward(func, reference, ndim, n):
    """Float32 ``n x n`` matrices (3 of them if ``ndim`` is 3) give float32 ndarrays close to ``reference``."""
    shape = (n, n) if ndim == 2 else (3, n, n)
    a = (np.random.randn(*shape) + 3 * np.eye(n)).astype(np.float32)
    y = func(kusari.Variable(a))
    expected = reference(a.astype(np.float64))
    assert y.dtype == np.float32 and y.shape == expected.shape and isinstance(y.array, np.ndarray)
    np.testing.assert_allclose(y.array, expected, rtol=1e-4, atol=1e-5)


def check_matrix_gradients(data, func, ndim, per_matrix_output):
    """Both gradient orders at well-conditioned matrices; ``per_matrix_output`` is the output shape of one matrix."""
    n = data.draw(st.integers(1, 3))
    shape = (n, n) if ndim == 2 else (data.draw(st.integers(1, 3)), n, n)
    a = data.draw(well_conditioned(shape))
    gy = data.draw(kst.arrays(shape=shape[:-2] + per_matrix_output(n)))
    gga = data.draw(kst.arrays(shape=shape))
    check_gradients(func, a, gy, gga)


def check_matrix_input_errors(func, name, ndim):
    """Integers, the wrong number of dimensions and non-square matrices are rejected."""
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'a' expected a floating-point dtype"):
        func(np.ones((2,) * ndim, np.int32))
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'a' expected {ndim} dimensions, "
                                          rf"got {ndim + 1} \(shape"):
        func(np.ones((2,) * (ndim + 1), np.float32))
    shape = (2, 3) if ndim == 2 else (1, 2, 3)
    with pytest.raises(InvalidType, match=rf"^{name}: argument 'a' expected square matrices \(the last two axes "
                                          rf"equal\), got shape {re_shape(shape)}$"):
        func(np.ones(shape, np.float32))


@pytest.fixture(scope="session")
def square_matrix():
    """Checks of functions of square matrices: 2 dimensions, or 3 for the ``batch_`` forms."""
    return types.SimpleNamespace(
        check_forward=check_matrix_forward,
        check_gradients=check_matrix_gradients, check_input_errors=check_matrix_input_errors,
    )


# --- conv: convolutions and deconvolutions ------------------------------------

def draw_conv_inputs(draw, size, ksize, dtype, transposed=False):
    """``(x, W, b, groups)`` of spatial ``size`` and kernel ``ksize``: 1 or 2 groups of 1 or 2 channels in
    and out, a batch of 1 or 2, and a bias half of the time.

    ``W`` is ``(out, in / groups, *ksize)``, or ``(in, out / groups, *ksize)``
    if ``transposed`` (a deconvolution's).  ``draw`` is a composite's or
    ``data.draw``.
    """
    groups = draw(st.integers(1, 2))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    x = draw(kst.arrays(shape=(draw(st.integers(1, 2)), cin) + tuple(size), dtype=dtype))
    channels = (cin, cout // groups) if transposed else (cout, cin // groups)
    W = draw(kst.arrays(shape=channels + tuple(ksize), dtype=dtype))
    b = draw(kst.arrays(shape=(cout,), dtype=dtype)) if draw(st.booleans()) else None
    return x, W, b, groups


def draw_deconv_pad_and_outsize(draw, size, stride, ksize, dilate):
    """``(pad, outsize, extra)`` of a deconvolution of spatial ``size``.

    ``pad`` is at most 1 and leaves some of the default output; ``outsize``
    is the default plus ``extra``, drawn in ``[0, stride)`` per axis: the
    sizes whose convolution (with cover_all past the default) gives ``size``
    back.
    """
    default = [s * (n - 1) + k + (k - 1) * (d - 1) for n, s, k, d in zip(size, stride, ksize, dilate)]
    pad = tuple(draw(st.integers(0, min(1, (full - 1) // 2))) for full in default)
    extra = tuple(draw(st.integers(0, s - 1)) for s in stride)
    return pad, tuple(full - 2 * p + e for full, p, e in zip(default, pad, extra)), extra


def check_forward(func, reference, args, tol):
    """``func(*args)`` keeps the dtype of ``x = args[0]`` and matches ``reference(*args)`` in shape and values.

    ``tol`` bounds both the relative and the absolute error.
    """
    y = func(*args)
    expected = reference(*args)
    assert y.dtype == args[0].dtype and y.shape == expected.shape
    np.testing.assert_allclose(y.array, expected, rtol=tol, atol=tol)


@pytest.fixture(scope="session")
def conv():
    """Checks of convolution-like functions of ``(x, W[, b])``, and draws of their arguments."""
    return types.SimpleNamespace(check_gradients=check_drawn_gradients, check_forward=check_forward,
                                 draw_inputs=draw_conv_inputs, draw_deconv_pad_and_outsize=draw_deconv_pad_and_outsize)


# --- drawn: gradient checks of any function -----------------------------------

def check_drawn_gradients(data, func, inputs, linear=False):
    """Both gradient orders of ``func`` at ``inputs``, with gy and the ggs drawn to fit.

    A ``linear`` function's second derivative is 0, so its second order is
    checked on ``func`` of the squared inputs instead.
    """
    gy = data.draw(kst.arrays(shape=func(*inputs).shape))
    ggs = tuple(data.draw(kst.arrays(shape=a.shape)) for a in inputs)
    check_backward(func, inputs, gy)
    second = (lambda *args: func(*(a * a for a in args))) if linear else func
    check_double_backward(second, inputs, gy, ggs)


@pytest.fixture(scope="session")
def drawn():
    """Gradient checks with ``gy`` and the ``ggs`` drawn to fit the function's output and inputs."""
    return types.SimpleNamespace(check_gradients=check_drawn_gradients)


# --- pooling: the pooling and unpooling families ------------------------------

def check_rank_errors(name, funcs, x, too_few):
    """``{name}_1d/2d/3d`` reject the 4-d ``x`` or its 3-d ``x[0]``, ``{name}_nd`` the ``too_few``-dimensional input.

    ``funcs`` are ``(f_1d, f_2d, f_3d, f_nd)``, each called with ksize 2.
    """
    f_1d, f_2d, f_3d, f_nd = funcs
    with pytest.raises(InvalidType, match=rf"^{name}_2d: argument 'x' expected 4 dimensions, got 3"):
        f_2d(x[0], 2)
    with pytest.raises(InvalidType, match=rf"^{name}_1d: argument 'x' expected 3 dimensions, got 4"):
        f_1d(x, 2)
    with pytest.raises(InvalidType, match=rf"^{name}_3d: argument 'x' expected 5 dimensions, got 4"):
        f_3d(x, 2)
    with pytest.raises(InvalidType, match=rf"^{name}_nd: argument 'x' expected at least 3 dimensions, "
                                          rf"got {too_few.ndim}"):
        f_nd(too_few, 2)


@pytest.fixture(scope="session")
def pooling():
    """Checks shared by the pooling families (``{name}_1d/2d/3d/nd``)."""
    return types.SimpleNamespace(check_rank_errors=check_rank_errors)


# --- noise: functions that draw random noise ----------------------------------

def with_fixed_noise(func, seed=0):
    """``func`` drawing the same noise on every call, leaving the global RNG where it was."""
    def wrapped(*args):
        saved = np.random.get_state()
        np.random.seed(seed)
        try:
            return func(*args)
        finally:
            np.random.set_state(saved)
    return wrapped


@pytest.fixture(scope="session")
def noise():
    """Helpers for functions that draw from NumPy's global RNG."""
    return types.SimpleNamespace(with_fixed_noise=with_fixed_noise)
