"""``batch_renormalization``: batch normalization corrected towards running statistics.

``y = gamma * (x_hat * r + d) + beta`` where ``x_hat`` is the batch-normalized
input and ``r = clip(std / running_std, 1/rmax, rmax)``,
``d = clip((mean - running_mean) / running_std, -dmax, dmax)`` are treated as
constants by the gradient (as in the paper and in Chainer).  The channel
shape starts at axis 1 (Chainer has no ``axis`` argument here).

The gradient is batch normalization's with ``gamma * r`` in place of gamma,
so it reuses that module's array and double-backprop paths.
"""
from __future__ import annotations

from kusari import _config
from kusari.function_node import FunctionNode
from kusari.functions.normalization import batch_normalization as _bn
from kusari.utils import _xp, type_check

_config_obj = _config.config


class BatchRenormalizationFunction(FunctionNode):
    """Inputs ``(x, gamma, beta)``; ``r`` and ``d`` are kept as constants for backward."""

    def __init__(self, axes, eps, running_mean, running_var, decay, rmax, dmax, update_statistics):
        self.axes = axes
        self.eps = eps
        self._running_mean = running_mean
        self._running_var = running_var
        self.decay = decay
        self.rmax = rmax
        self.dmax = dmax
        self.update_statistics = update_statistics
        self.r = self.d = None

    @property
    def label(self):
        return "batch_renormalization"

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x, gamma, beta = inputs
        xp = _xp(x)
        axes = self.axes
        dtype = _bn._compute_dtype(x, gamma)
        shape = _bn._expanded_shape(x.shape, axes)
        mean = x.mean(axis=axes, dtype=dtype)
        y = x - mean.reshape(shape)
        var = xp.square(y).mean(axis=axes)
        std = xp.sqrt(var + self.eps)
        running_std = xp.sqrt(self._running_var.astype(dtype) + self.eps)
        self.r = xp.clip(std / running_std, 1.0 / self.rmax, self.rmax)
        self.d = xp.clip((mean - self._running_mean) / running_std, -self.dmax, self.dmax)
        self.mean, self.inv_std = mean, 1 / std
        y *= (gamma * self.r / std).reshape(shape)
        y += (gamma * self.d + beta).reshape(shape)
        if self.update_statistics:
            _bn._update_running(self._running_mean, self._running_var, mean, var, self.decay,
                                x.size // max(gamma.size, 1))
        return y.astype(x.dtype, copy=False),

    def backward(self, indexes, grad_outputs):
        gy, = grad_outputs
        x, gamma = self.get_retained_inputs()
        r, d = self.r, self.d
        if not _config_obj.enable_backprop:
            g = gamma._data
            gx, gxhat_sum, gbeta = _bn._bn_grad_arrays(
                x._data, g, gy._data, self.axes, self.mean, self.inv_std, g * r)
            # d(y)/d(gamma) = x_hat * r + d
            ggamma = (gxhat_sum * r + gbeta * d).astype(g.dtype, copy=False)
        else:
            gx, gxhat_sum, gbeta = _bn._bn_grad_graph(x, gamma, gy, self.axes, self.eps, r=r)
            ggamma = gxhat_sum * r.astype(gamma.dtype) + gbeta * d.astype(gamma.dtype)
        grads = (gx, ggamma, gbeta)
        return tuple(_bn._as_var(grads[i]) for i in indexes)


def batch_renormalization(x, gamma, beta, rmax, dmax, eps=2e-5, running_mean=None, running_var=None,
                          decay=0.9, update_statistics=False):
    """Batch renormalization (Ioffe 2017): batch normalization pulled towards the running statistics.

    Args:
        x: input Variable or array; the channel shape starts at axis 1.
        gamma, beta: scale and shift of shape ``x.shape[1:1 + gamma.ndim]``.
        rmax: the std ratio ``r`` is clipped to ``[1/rmax, rmax]``.
        dmax: the mean shift ``d`` is clipped to ``[-dmax, dmax]``.
        eps: added to the variances.
        running_mean, running_var: the running statistics (required).
        decay: moving-average decay for the update.
        update_statistics: update ``running_mean`` / ``running_var`` in place
            (the variance with Bessel's correction), as
            :func:`batch_normalization` does.  Off by default, as in Chainer.

    Returns:
        A Variable of ``x``'s shape and dtype.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.normalization.batch_renormalization import batch_renormalization
        >>> x = np.array([[0], [2]], np.float32)    # batch mean 1, std 1
        >>> one = np.ones(1, np.float32)
        >>> y = batch_renormalization(x, one, one * 0, rmax=3, dmax=0.5, eps=0,
        ...                           running_mean=one * 0, running_var=one * 4)
        >>> y.array    # r = clip(1/2, 1/3, 3) = 0.5, d = clip(1/2, -0.5, 0.5) = 0.5
        array([[0.],
               [1.]], dtype=float32)
    """
    func = "batch_renormalization"
    xd, gd, bd = _bn._data(x), _bn._data(gamma), _bn._data(beta)
    type_check.expect_float(func, "x", xd)
    type_check.expect_float(func, "gamma", gd)
    head = 1 + gd.ndim
    if xd.ndim < head or tuple(xd.shape[1:head]) != tuple(gd.shape):
        type_check.fail(func, "gamma", f"shape x.shape[1:{head}] = {tuple(xd.shape[1:head])} "
                        f"(x has shape {tuple(xd.shape)})", str(tuple(gd.shape)))
    _bn._check_like_gamma(func, "beta", bd, gd)
    for name, a in (("running_mean", running_mean), ("running_var", running_var)):
        if a is None:
            type_check.fail(func, name, "an array (it is required)", "None")
        _bn._check_running(func, name, _bn._data(a), gd)
    for name, value, low in (("rmax", rmax, 1), ("dmax", dmax, 0)):
        if not value >= low:
            type_check.fail(func, name, f"a number >= {low}", repr(value))
    axes = (0,) + tuple(range(head, xd.ndim))
    _bn._warn_single_sample(xd.shape, axes)
    node = BatchRenormalizationFunction(axes, eps, _bn._data(running_mean), _bn._data(running_var),
                                        decay, rmax, dmax, update_statistics)
    y, = node.apply((x, gamma, beta))
    return y
