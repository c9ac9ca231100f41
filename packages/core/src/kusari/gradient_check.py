"""Gradient checking: compare backward with finite differences.

``check_backward`` uses a *directional* derivative: it draws one random
direction ``d`` over all inputs and compares ``<grad f(x), d>`` (from
backward) with ``(f(x + eps d) - f(x - eps d)) / 2 eps`` (two forward calls),
weighted by the output gradient.  One number per check instead of one per
element, yet a wrong gradient in any element shows up with probability one.

Example:
    >>> import numpy as np
    >>> import kusari.functions as F
    >>> from kusari import gradient_check
    >>> x = np.random.uniform(-1, 1, (3, 4))
    >>> gradient_check.check_backward(F.tanh, x, np.ones((3, 4)))
    >>> gradient_check.check_double_backward(F.tanh, x, np.ones((3, 4)), np.ones((3, 4)))
"""
from __future__ import annotations

import numpy

from kusari import _backprop, _config
from kusari.variable import Variable


def _as_tuple(x):
    if x is None:
        return ()
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


def _xp(*arrays):
    from kusari import backend

    return backend.get_array_module(*[a for a in arrays if a is not None])


def _call(func, inputs):
    ys = func(*inputs)
    return ys if isinstance(ys, (tuple, list)) else (ys,)


def numerical_grad(f, inputs, grad_outputs, eps=1e-3):
    """Central-difference gradient of ``f`` (no arguments) w.r.t. ``inputs``, element by element.

    ``f`` must read the arrays in ``inputs``, which are perturbed in place and
    restored.  Returns a tuple of gradient arrays.

    Example:
        >>> import numpy as np
        >>> from kusari.gradient_check import numerical_grad
        >>> x = np.array([1.0, 2.0])
        >>> numerical_grad(lambda: (x ** 2,), (x,), (np.ones(2),))[0]
        array([2., 4.])
    """
    if eps <= 0:
        raise ValueError(f"numerical_grad: argument 'eps' expected a positive number, got {eps}")
    grads = []
    for x in inputs:
        gx = numpy.zeros(x.shape, dtype=numpy.float64)
        flat = x.reshape(-1) if x.flags.c_contiguous else None
        if flat is None:
            raise ValueError("numerical_grad: inputs must be C-contiguous arrays")
        for i in range(flat.size):
            orig = flat[i].copy()
            flat[i] = orig + eps
            ys1 = [numpy.asarray(_host(y), dtype=numpy.float64) for y in _as_tuple(f())]
            flat[i] = orig - eps
            ys2 = [numpy.asarray(_host(y), dtype=numpy.float64) for y in _as_tuple(f())]
            flat[i] = orig
            total = 0.0
            for y1, y2, gy in zip(ys1, ys2, grad_outputs):
                if gy is None:
                    continue
                total += float(((y1 - y2) * numpy.asarray(_host(gy), dtype=numpy.float64)).sum())
            gx.reshape(-1)[i] = total / (2 * eps)
        grads.append(gx.astype(x.dtype, copy=False))
    return tuple(grads)


def _host(a):
    a = a._data if isinstance(a, Variable) else a
    get = getattr(a, "get", None)
    return a if get is None or isinstance(a, numpy.ndarray) else get()


def check_backward(func, x_data, y_grad=None, params=(), eps=1e-3, atol=1e-5, rtol=1e-4,
                   no_grads=None, dtype=None, detect_nondifferentiable=False):
    """Assert that backward of ``func`` matches a finite-difference derivative.

    Args:
        func: callable taking Variables, returning a Variable or a tuple.
        x_data: an input array or a tuple of them.
        y_grad: the output gradient(s); None when every output has one element.
        params: Parameters of ``func`` (a Link) to check as well.
        eps, atol, rtol: step and tolerances: ``|analytic - numeric| <= atol + rtol * |numeric|``.
        no_grads: one bool per input; True skips it (integer inputs are skipped always).
        dtype: cast float inputs to this dtype first (e.g. ``numpy.float64``).

    Raises:
        AssertionError: naming the function and both derivatives.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> from kusari.gradient_check import check_backward
        >>> check_backward(F.sigmoid, np.random.randn(2, 3), np.random.randn(2, 3))
    """
    xs = tuple(x._data if isinstance(x, Variable) else x for x in _as_tuple(x_data))
    if dtype is not None:
        xs = tuple(x.astype(dtype) if x.dtype.kind == "f" else x for x in xs)
    gys = _as_tuple(y_grad)
    if no_grads is None:
        no_grads = [x.dtype.kind != "f" for x in xs]
    elif len(no_grads) != len(xs):
        raise ValueError(f"check_backward: no_grads has {len(no_grads)} entries for {len(xs)} inputs")
    params = tuple(params)
    name = getattr(func, "__name__", type(func).__name__)

    # Analytic: grad() against every checked input and parameter.
    x_vars = [Variable(x.copy(), requires_grad=not ng) for x, ng in zip(xs, no_grads)]
    ys = _call(func, x_vars)
    if y_grad is None:
        for y in ys:
            if y.size != 1:
                raise ValueError(f"check_backward: {name} returned an output of shape {y.shape}; "
                                 f"pass y_grad for outputs with more than one element")
        gys = (None,) * len(ys)
    elif len(gys) != len(ys):
        raise ValueError(f"check_backward: {name} returned {len(ys)} outputs but y_grad has {len(gys)}")
    targets = [v for v, ng in zip(x_vars, no_grads) if not ng] + list(params)
    if not targets:
        return
    grad_outputs = [None if g is None else g for g in gys]
    used = [(y, g) for y, g in zip(ys, grad_outputs) if y.creator_node is not None or y.requires_grad]
    with _config.using_config("enable_backprop", True):
        gxs = _backprop.grad([y for y, _ in used], targets, [g for _, g in used])
    gxs = [None if g is None else g._data for g in gxs]

    # A random direction over all targets, unit length overall.
    rng = numpy.random.default_rng()
    target_arrays = [v._data for v in targets]
    dirs = [rng.standard_normal(a.shape) for a in target_arrays]
    norm = numpy.sqrt(sum(float((d ** 2).sum()) for d in dirs)) or 1.0
    dirs = [d / norm for d in dirs]
    analytic = 0.0
    for g, d in zip(gxs, dirs):
        if g is not None:
            analytic += float((numpy.asarray(_host(g), dtype=numpy.float64) * d).sum())

    # Numeric: two forward passes along that direction.
    def evaluate(sign):
        originals = [a.copy() for a in target_arrays]
        xp = _xp(*target_arrays)
        for a, d in zip(target_arrays, dirs):
            a += xp.asarray((sign * eps * d).astype(a.dtype))
        try:
            with _config.using_config("enable_backprop", False):
                outs = _call(func, [Variable(v._data, requires_grad=v.requires_grad) for v in x_vars])
            # Copy: an output may be a view of the perturbed input (reshape,
            # get_item), and the inputs are restored before the subtraction.
            return [numpy.array(_host(y), dtype=numpy.float64) for y in outs]
        finally:
            for a, o in zip(target_arrays, originals):
                a[...] = o

    plus, minus = evaluate(1.0), evaluate(-1.0)
    numeric = 0.0
    for yp, ym, gy in zip(plus, minus, gys):
        weight = 1.0 if gy is None else numpy.asarray(_host(gy), dtype=numpy.float64)
        numeric += float(((yp - ym) * weight).sum()) / (2 * eps)

    if detect_nondifferentiable:
        # A kink inside [x - eps, x + eps] shows as one-sided slopes that disagree.
        center = [numpy.asarray(_host(y), dtype=numpy.float64) for y in _call(func, x_vars)]
        left = sum(float(((c - m) * (1.0 if g is None else numpy.asarray(_host(g)))).sum())
                   for c, m, g in zip(center, minus, gys)) / eps
        right = sum(float(((p - c) * (1.0 if g is None else numpy.asarray(_host(g)))).sum())
                    for c, p, g in zip(center, plus, gys)) / eps
        if abs(left - right) > max(1e-2 * max(abs(left), abs(right)), 10 * atol):
            raise NondifferentiableError(
                f"check_backward: {name} looks non-differentiable at the given point "
                f"(left slope {left:.6g}, right slope {right:.6g})")

    if not abs(analytic - numeric) <= atol + rtol * abs(numeric):
        shapes = ", ".join(str(a.shape) for a in target_arrays)
        raise AssertionError(
            f"check_backward: the gradient of {name} is wrong along a random direction: "
            f"backward gives {analytic:.10g}, finite differences give {numeric:.10g} "
            f"(diff {abs(analytic - numeric):.3g} > atol {atol} + rtol {rtol} * |numeric|; "
            f"checked inputs of shapes {shapes})")


class NondifferentiableError(AssertionError):
    """The checked point sits on a kink; pick inputs away from it."""


def check_double_backward(func, x_data, y_grad, x_grad_grad, params=(), params_grad_grad=(),
                          eps=1e-3, atol=1e-4, rtol=1e-3, no_grads=None, dtype=None,
                          detect_nondifferentiable=False):
    """Assert that the gradient of ``func``'s gradient is right.

    Builds ``g(x, gy) = grad(func(x), x, gy)`` with double backprop on and
    runs :func:`check_backward` on ``g`` with ``x_grad_grad`` as its output
    gradient.

    Example:
        >>> import numpy as np
        >>> import kusari.functions as F
        >>> from kusari.gradient_check import check_double_backward
        >>> x = np.random.randn(2, 3); gy = np.random.randn(2, 3); ggx = np.random.randn(2, 3)
        >>> check_double_backward(F.sigmoid, x, gy, ggx)
    """
    xs = tuple(x._data if isinstance(x, Variable) else x for x in _as_tuple(x_data))
    gys = _as_tuple(y_grad)
    n_x = len(xs)
    if no_grads is None:
        no_grads = [x.dtype.kind != "f" for x in xs]
    params = tuple(params)
    name = getattr(func, "__name__", type(func).__name__)

    def first_order_grad(*inputs):
        x_vars = inputs[:n_x]
        gy_vars = inputs[n_x:]
        ys = _call(func, x_vars)
        if len(gy_vars) != len(ys):
            raise ValueError(f"check_double_backward: {name} returned {len(ys)} outputs, "
                             f"y_grad has {len(gy_vars)}")
        targets = [x for x, ng in zip(x_vars, no_grads) if not ng] + list(params)
        gxs = _backprop.grad(list(ys), targets, list(gy_vars), enable_double_backprop=True)
        return tuple(g for g in gxs if g is not None)

    def first_order_grad_with_graph(*inputs):
        # check_backward evaluates its finite differences with backprop off;
        # the inner grad() needs the forward graph all the same.
        with _config.using_config("enable_backprop", True):
            return first_order_grad(*inputs)

    first_order_grad_with_graph.__name__ = f"grad({name})"
    ggs = _as_tuple(x_grad_grad) + tuple(params_grad_grad)
    check_backward(first_order_grad_with_graph, xs + gys, ggs, params=params, eps=eps, atol=atol, rtol=rtol,
                   no_grads=list(no_grads) + [False] * len(gys), dtype=dtype,
                   detect_nondifferentiable=detect_nondifferentiable)
