"""``batch_normalization`` and ``fixed_batch_normalization``.

Statistics are taken over the *reduction axes* ``axis``; gamma, beta (and the
mean/var of the fixed variant) have the shape of ``x`` at the remaining
*key axes*, in order.  With ``axis=None`` (Chainer's rule) the reduction axes
are ``(0,) + range(1 + gamma.ndim, x.ndim)``: the channel shape starts at
axis 1.

Everything is computed in ``float32`` at least (float16 inputs are promoted,
float64 stays float64) and cast back to ``x``'s dtype.  The variance is the
two-pass ``mean((x - mean)^2)``, which does not cancel catastrophically when
the mean is large compared with the spread.

Backward, as in ``linear``: a plain backward works on the arrays; with
double backprop on, the gradient is built from differentiable kusari
functions so it can be differentiated again.
"""
from __future__ import annotations

import warnings

import numpy

from kusari import _config
from kusari.function_node import FunctionNode
from kusari.utils import _xp, type_check
from kusari.variable import Variable, _wrap

_config_obj = _config.config


# ---- argument handling -------------------------------------------------------

def _data(a):
    return a._data if isinstance(a, Variable) else a


def _reduction_axes(func, x_ndim, gamma_ndim, axis):
    """The sorted reduction axes for ``axis`` (None, an int or a sequence of ints)."""
    if axis is None:
        return (0,) + tuple(range(gamma_ndim + 1, x_ndim))
    if isinstance(axis, (int, numpy.integer)) and not isinstance(axis, bool):
        axes = (int(axis),)
    elif isinstance(axis, (tuple, list)) and all(
            isinstance(a, (int, numpy.integer)) and not isinstance(a, bool) for a in axis):
        axes = tuple(int(a) for a in axis)
    else:
        type_check.fail(func, "axis", "an int, a tuple of ints or None", repr(axis))
    if any(not -x_ndim <= a < x_ndim for a in axes):
        type_check.fail(func, "axis", f"axes in [{-x_ndim}, {x_ndim - 1}] for a {x_ndim}-dimensional x",
                        repr(axis))
    normalized = tuple(a % x_ndim for a in axes)
    # Chainer demands ascending order; it also rules out repeated axes.
    if any(b <= a for a, b in zip(normalized, normalized[1:])):
        type_check.fail(func, "axis", "distinct axes in ascending order", repr(axis))
    return normalized


def _check_params(func, x, gamma, beta, axis):
    """Validate x, gamma, beta; return (reduction axes, key axes)."""
    type_check.expect_float(func, "x", x)
    type_check.expect_float(func, "gamma", gamma)
    axes = _reduction_axes(func, x.ndim, gamma.ndim, axis)
    key_axes = tuple(i for i in range(x.ndim) if i not in axes)
    key_shape = tuple(x.shape[i] for i in key_axes)
    if tuple(gamma.shape) != key_shape:
        type_check.fail(func, "gamma", f"shape {key_shape} (the shape of x {tuple(x.shape)} at the axes "
                        f"not in {axes})", str(tuple(gamma.shape)))
    _check_like_gamma(func, "beta", beta, gamma)
    return axes, key_axes


def _check_like_gamma(func, name, a, gamma):
    if not hasattr(a, "dtype") or not hasattr(a, "shape"):
        type_check.fail(func, name, "an array or a Variable", type(a).__name__)
    type_check.expect_same_dtype(func, name, a, "gamma", gamma)
    if tuple(a.shape) != tuple(gamma.shape):
        type_check.fail(func, name, f"shape {tuple(gamma.shape)} (the shape of 'gamma')", str(tuple(a.shape)))


def _expanded_shape(x_shape, axes):
    """``x_shape`` with 1 at the reduction axes: per-channel arrays reshaped to this broadcast against x."""
    return tuple(1 if i in axes else s for i, s in enumerate(x_shape))


def _compute_dtype(*arrays):
    """float32 at least: float16 statistics lose too much precision."""
    return numpy.result_type(numpy.float32, *(a.dtype for a in arrays))


def _warn_single_sample(x_shape, axes):
    if all(x_shape[i] == 1 for i in axes):
        warnings.warn("batch_normalization: every reduction axis has size 1, so the output is all beta "
                      "(running a one-sample batch with config.train=True?)", UserWarning, stacklevel=3)


# ---- batch_normalization ---------------------------------------------------

class BatchNormalization(FunctionNode):
    """Normalize by batch statistics; inputs ``(x, gamma, beta)``."""

    def __init__(self, axes, eps, running_mean=None, running_var=None, decay=0.9):
        self.axes = axes
        self.eps = eps
        self.running_mean = running_mean
        self.running_var = running_var
        self.decay = decay

    @property
    def label(self):
        return "batch_normalization"

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x, gamma, beta = inputs
        axes = self.axes
        dtype = _compute_dtype(x, gamma)
        shape = _expanded_shape(x.shape, axes)
        mean = x.mean(axis=axes, dtype=dtype)
        y = x - mean.reshape(shape)          # a fresh array in the compute dtype, reused below
        xp = _xp(x)
        var = xp.square(y).mean(axis=axes)
        inv_std = 1 / xp.sqrt(var + self.eps)
        self.mean, self.inv_std = mean, inv_std
        y *= (gamma * inv_std).reshape(shape)
        y += beta.reshape(shape)
        if self.running_mean is not None:
            _update_running(self.running_mean, self.running_var, mean, var, self.decay, x.size // max(gamma.size, 1))
        return y.astype(x.dtype, copy=False),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        x, gamma = self.get_retained_inputs()
        if not _config_obj.enable_backprop:
            gx, ggamma, gbeta = _bn_grad_arrays(
                x._data, gamma._data, gy._data, self.axes, self.mean, self.inv_std, gamma._data)
        else:
            gx, ggamma, gbeta = _bn_grad_graph(x, gamma, gy, self.axes, self.eps)
        grads = (gx, ggamma, gbeta)
        return tuple(_as_var(grads[i]) for i in indexes)


def _as_var(g):
    return g if isinstance(g, Variable) else _wrap(g, False)


def _update_running(running_mean, running_var, mean, var, decay, m):
    """In-place moving averages; the variance with Bessel's correction m / (m - 1)."""
    adjust = m / max(m - 1.0, 1.0)
    running_mean *= decay
    running_mean += (1 - decay) * mean
    running_var *= decay
    running_var += ((1 - decay) * adjust) * var


def _bn_grad_arrays(x, gamma, gy, axes, mean, inv_std, scale):
    """(gx, sum(gy * x_hat), sum(gy)) on arrays; ``scale`` is what multiplies x_hat (gamma)."""
    shape = _expanded_shape(x.shape, axes)
    m = x.size // max(mean.size, 1)
    x_hat = x - mean.reshape(shape)
    x_hat *= inv_std.reshape(shape)
    gbeta = gy.sum(axis=axes, dtype=mean.dtype)
    ggamma = (gy * x_hat).sum(axis=axes)
    # gx = scale/std * (gy - mean(gy) - x_hat * mean(gy * x_hat)), reusing x_hat's buffer.
    x_hat *= (ggamma / m).reshape(shape)
    x_hat += (gbeta / m).reshape(shape)
    gx = gy - x_hat
    gx *= (scale * inv_std).reshape(shape)
    return gx.astype(x.dtype, copy=False), ggamma.astype(gamma.dtype, copy=False), gbeta.astype(gamma.dtype, copy=False)


def _bn_grad_graph(x, gamma, gy, axes, eps, r=None):
    """(gx, ggamma-like, gbeta) as differentiable Variables, for double backprop.

    With ``r`` (batch renormalization) x_hat's multiplier is ``gamma * r`` and
    the middle output is ``sum(gy * x_hat)``; the caller finishes ggamma.
    """
    from kusari.functions.array.cast import cast
    from kusari.functions.array.reshape import reshape
    from kusari.functions.math.sum import sum as fsum

    dtype = _compute_dtype(x, gamma)
    shape = _expanded_shape(x.shape, axes)
    m = x.size // max(gamma.size, 1)
    xc_in, gy_c, gamma_c = cast(x, dtype), cast(gy, dtype), cast(gamma, dtype)
    xc = xc_in - reshape(fsum(xc_in, axis=axes) / m, shape)
    inv_std = (fsum(xc * xc, axis=axes) / m + eps) ** -0.5
    x_hat = xc * reshape(inv_std, shape)
    gbeta = fsum(gy_c, axis=axes)
    gxhat_sum = fsum(gy_c * x_hat, axis=axes)
    scale = gamma_c * inv_std if r is None else gamma_c * inv_std * r
    gx = reshape(scale, shape) * (gy_c - (x_hat * reshape(gxhat_sum, shape) + reshape(gbeta, shape)) / m)
    return cast(gx, x.dtype), cast(gxhat_sum, gamma.dtype), cast(gbeta, gamma.dtype)


def batch_normalization(x, gamma, beta, eps=2e-5, running_mean=None, running_var=None, decay=0.9, axis=None):
    """Batch normalization: normalize ``x`` by its batch mean and variance, then scale and shift.

    ``y = gamma * (x - mean) / sqrt(var + eps) + beta`` with ``mean`` and
    ``var`` (the biased variance) taken over the reduction axes.

    Args:
        x: input Variable or array (float16/32/64).
        gamma: scale, shaped like ``x`` at the axes not reduced over.
        beta: shift, same shape and dtype as ``gamma``.
        eps: added to the variance.
        running_mean, running_var: optional arrays (shape of ``gamma``)
            updated **in place** with ``r = decay * r + (1 - decay) * stat``;
            the variance enters with Bessel's correction ``m / (m - 1)``
            (``m`` = elements per channel).  Give both or neither.
        decay: the moving-average decay.
        axis: reduction axes (an int or an ascending tuple); None means
            ``(0,) + (axes after the channel shape)``, the channel shape
            starting at axis 1 (for 4-D x and 1-D gamma: ``(0, 2, 3)``).

    Returns:
        A Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.normalization.batch_normalization import batch_normalization
        >>> x = np.array([[0, 10], [2, 30]], np.float32)
        >>> rm, rv = np.zeros(2, np.float32), np.ones(2, np.float32)
        >>> y = batch_normalization(x, np.ones(2, np.float32), np.zeros(2, np.float32),
        ...                         running_mean=rm, running_var=rv)
        >>> np.round(y.array, 3)
        array([[-1., -1.],
               [ 1.,  1.]], dtype=float32)
        >>> rm, rv   # 0.9 * old + 0.1 * batch statistics (variance unbiased: 2, 200)
        (array([0.1, 2. ], dtype=float32), array([ 1.1, 20.9], dtype=float32))
    """
    func = "batch_normalization"
    xd, gd, bd = _data(x), _data(gamma), _data(beta)
    axes, _ = _check_params(func, xd, gd, bd, axis)
    rm, rv = _data(running_mean), _data(running_var)
    if (rm is None) != (rv is None):
        missing = "running_var" if rv is None else "running_mean"
        other = "running_mean" if rv is None else "running_var"
        type_check.fail(func, missing, f"an array when {other!r} is given", "None")
    if rm is not None:
        _check_running(func, "running_mean", rm, gd)
        _check_running(func, "running_var", rv, gd)
    _warn_single_sample(xd.shape, axes)
    y, = BatchNormalization(axes, eps, rm, rv, decay).apply((x, gamma, beta))
    return y


def _check_running(func, name, a, gamma):
    type_check.expect_float(func, name, a)
    if tuple(a.shape) != tuple(gamma.shape):
        type_check.fail(func, name, f"shape {tuple(gamma.shape)} (the shape of 'gamma')", str(tuple(a.shape)))


# ---- fixed_batch_normalization -------------------------------------------------

class FixedBatchNormalization(FunctionNode):
    """Normalize by given statistics; inputs ``(x, gamma, beta, mean, var)``."""

    def __init__(self, axes, eps):
        self.axes = axes
        self.eps = eps

    @property
    def label(self):
        return "fixed_batch_normalization"

    def forward(self, inputs):
        self.retain_inputs((0, 1, 3, 4))
        x, gamma, beta, mean, var = inputs
        dtype = _compute_dtype(x, gamma, mean, var)
        shape = _expanded_shape(x.shape, self.axes)
        inv_std = 1 / _xp(x).sqrt(var.astype(dtype, copy=False) + self.eps)
        # (x - mean) first: x * scale - mean * scale would cancel when |mean| >> std.
        y = x - mean.astype(dtype, copy=False).reshape(shape)
        y *= (gamma * inv_std).reshape(shape)
        y += beta.reshape(shape)
        return y.astype(x.dtype, copy=False),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        x, gamma, mean, var = self.get_retained_inputs()
        if not _config_obj.enable_backprop:
            grads = _fixed_grad_arrays(x._data, gamma._data, mean._data, var._data, gy._data,
                                       self.axes, self.eps)
        else:
            grads = _fixed_grad_graph(x, gamma, mean, var, gy, self.axes, self.eps)
        return tuple(_as_var(grads[i]) for i in indexes)


def _fixed_grad_arrays(x, gamma, mean, var, gy, axes, eps):
    dtype = _compute_dtype(x, gamma, mean, var)
    shape = _expanded_shape(x.shape, axes)
    inv_var = 1 / (var.astype(dtype, copy=False) + eps)
    inv_std = _xp(x).sqrt(inv_var)
    x_hat = x - mean.astype(dtype, copy=False).reshape(shape)
    x_hat *= inv_std.reshape(shape)
    gbeta = gy.sum(axis=axes, dtype=dtype)
    ggamma = (gy * x_hat).sum(axis=axes)
    scale = gamma * inv_std
    gx = gy * scale.reshape(shape)
    gmean = -scale * gbeta
    gvar = -0.5 * gamma * inv_var * ggamma
    return (gx.astype(x.dtype, copy=False), ggamma.astype(gamma.dtype, copy=False),
            gbeta.astype(gamma.dtype, copy=False), gmean.astype(mean.dtype, copy=False),
            gvar.astype(var.dtype, copy=False))


def _fixed_grad_graph(x, gamma, mean, var, gy, axes, eps):
    from kusari.functions.array.cast import cast
    from kusari.functions.array.reshape import reshape
    from kusari.functions.math.sum import sum as fsum

    dtype = _compute_dtype(x, gamma, mean, var)
    shape = _expanded_shape(x.shape, axes)
    xc, gc, mc, vc, gyc = (cast(a, dtype) for a in (x, gamma, mean, var, gy))
    inv_std = (vc + eps) ** -0.5
    x_hat = (xc - reshape(mc, shape)) * reshape(inv_std, shape)
    gbeta = fsum(gyc, axis=axes)
    ggamma = fsum(gyc * x_hat, axis=axes)
    scale = gc * inv_std
    gx = gyc * reshape(scale, shape)
    gmean = -scale * gbeta
    gvar = -0.5 * gc * inv_std * inv_std * ggamma
    return (cast(gx, x.dtype), cast(ggamma, gamma.dtype), cast(gbeta, gamma.dtype),
            cast(gmean, mean.dtype), cast(gvar, var.dtype))


def fixed_batch_normalization(x, gamma, beta, mean, var, eps=2e-5, axis=None):
    """Batch normalization with given statistics (evaluation mode).

    ``y = gamma * (x - mean) / sqrt(var + eps) + beta``; differentiable in all
    five inputs.

    Args:
        x: input Variable or array.
        gamma, beta: scale and shift, shaped like ``x`` at the key axes.
        mean, var: the statistics, same shape as ``gamma`` (float arrays or
            Variables).
        eps: added to ``var``.
        axis: reduction axes as in :func:`batch_normalization`.

    Returns:
        A Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.normalization.batch_normalization import fixed_batch_normalization
        >>> x = np.array([[1, 2], [3, 6]], np.float32)
        >>> one = np.ones(2, np.float32)
        >>> fixed_batch_normalization(x, one, one * 0, mean=one, var=one * 4, eps=0).array
        array([[0. , 0.5],
               [1. , 2.5]], dtype=float32)
    """
    func = "fixed_batch_normalization"
    xd, gd, bd = _data(x), _data(gamma), _data(beta)
    axes, _ = _check_params(func, xd, gd, bd, axis)
    for name, a in (("mean", mean), ("var", var)):
        if a is None or not hasattr(a, "shape"):
            type_check.fail(func, name, "an array or a Variable", type(a).__name__)
        _check_running(func, name, _data(a), gd)
    y, = FixedBatchNormalization(axes, eps).apply((x, gamma, beta, mean, var))
    return y
