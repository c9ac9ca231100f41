"""``softmax_cross_entropy``: softmax followed by the cross-entropy loss (Chainer v7 semantics).

Two implementations, as in Chainer:

* the default one is a single ``FunctionNode`` whose backward is computed
  directly from the cached softmax (fast, once differentiable; differentiating
  it again raises an error that says to pass ``enable_double_backprop=True``);
* ``enable_double_backprop=True`` builds the loss from differentiable pieces
  (``log_softmax``, a class-picking node, ``sum_to``), so it can be
  differentiated any number of times.

Differences from Chainer, on purpose:

* labels outside ``[0, n_classes)`` that are not ``ignore_label`` raise a
  ``ValueError`` naming the label on every call (Chainer checked only in
  debug mode and otherwise read out of bounds);
* with soft targets the gradient is ``softmax * sum(t) - t``, the true
  derivative; Chainer used ``softmax - t``, which agrees when each target
  distribution sums to 1 (the documented use);
* ``enable_double_backprop=True`` also supports soft targets;
* ignored entries contribute exactly 0 even where the logit of class 0 is
  ``-inf`` (Chainer gave NaN there).
"""
from __future__ import annotations

import warnings

import numpy

from kusari import _parallel, utils
from kusari.function_node import FunctionNode
from kusari.functions.activation.log_softmax import log_softmax
from kusari.functions.activation.softmax import _softmax_array
from kusari.functions.array.broadcast import sum_to
from kusari.functions.array.reshape import reshape
from kusari.utils import type_check
from kusari.variable import Variable, as_array

_FN = "softmax_cross_entropy"
# Chainer's KL divergence uses log(t + eps), so zero targets contribute 0, not NaN.
_KL_EPS = 1e-7


def _reduction_dtype(dtype):
    # float16 losses are summed in float32 (as Chainer does).
    return numpy.float32 if dtype == numpy.float16 else dtype


def _on_class_axis(a):
    """A per-sample array (``t``'s shape) with the class axis 1 inserted, to broadcast against ``x``."""
    return a.reshape(a.shape[:1] + (1,) + a.shape[1:])


def _class_index(xp, t_safe):
    """Fancy index selecting ``a[n, t[n, p], p]`` of ``a`` viewed as (N, C, P); P covers axes 2+."""
    n = t_safe.shape[0]
    p = utils.size_of_shape(t_safe.shape[1:])
    return xp.arange(n)[:, None], t_safe.reshape(n, p), xp.arange(p)[None, :]


def _three_d(a):
    """``a`` viewed as (N, C, P)."""
    return a.reshape(a.shape[0], a.shape[1], utils.size_of_shape(a.shape[2:]))


def _pick(xp, a, t_safe):
    """``a[n, t[n, ...], ...]``: one entry of the class axis per label (shape of ``t``)."""
    return _three_d(a)[_class_index(xp, t_safe)].reshape(t_safe.shape)


# Rows per block of the blocked exp pass: about 1 MiB of float32 per block, so
# the shift, exp and row sums of a block run from cache instead of making
# three trips through memory over the whole (N, C) array.
_BLOCK_ELEMENTS = 1 << 18
# Least elements per thread when the pass is split over cores: the hand-off
# (tens of microseconds) is then a few percent of the thread's work.
_PARALLEL_ELEMENTS = 1 << 19


def _shifted_exp(xp, x, row_weight=None):
    """``exp(x - max)`` along axis 1 into a new array; returns it, the max (keepdims) and its sums.

    With ``row_weight`` (``t``'s shape) each row of the result is then scaled
    by ``row_weight / sums`` while it is still in cache; the sums returned are
    those before the scaling.  On NumPy the work goes in blocks of rows that
    fit in cache, and large inputs are split by rows over several cores
    (:mod:`kusari._parallel`; every row is computed exactly as serially).
    Other array modules run it in one block (a loop of small kernels would
    only add launches).
    """
    n = x.shape[0]
    m = xp.empty(x.shape[:1] + (1,) + x.shape[2:], x.dtype)
    exps = xp.empty_like(x)
    sums = xp.empty(x.shape[:1] + x.shape[2:], x.dtype)
    per_row = max(utils.size_of_shape(x.shape[1:]), 1)
    rows = max(1, _BLOCK_ELEMENTS // per_row) if xp is numpy else max(n, 1)

    def rows_between(start, stop):
        for s in range(start, stop, rows):
            block = slice(s, min(s + rows, stop))
            xb, eb = x[block], exps[block]
            xp.max(xb, axis=1, keepdims=True, out=m[block])
            xp.subtract(xb, m[block], out=eb)
            xp.exp(eb, out=eb)
            xp.sum(eb, axis=1, out=sums[block])
            if row_weight is not None:
                eb *= _on_class_axis(row_weight[block] / sums[block])

    if xp is numpy:
        _parallel.for_ranges(rows_between, n, grain=-(-_PARALLEL_ELEMENTS // per_row))
    else:
        rows_between(0, n)
    return exps, m, sums


def _label_weights(xp, t, ignore_label, class_weight, dtype):
    """Labels safe to index with (ignored -> 0), the mask of used labels, the per-label weight."""
    valid = t != ignore_label
    t_safe = xp.where(valid, t, 0)
    if class_weight is None:
        weight = valid.astype(dtype)
    else:
        weight = class_weight[t_safe]
        weight *= valid
    return t_safe, valid, weight


class SoftmaxCrossEntropy(FunctionNode):
    """The single-backprop implementation; inputs ``(x, t)``."""

    def __init__(self, normalize=True, cache_score=True, class_weight=None, ignore_label=-1,
                 reduce="mean", soft_target_loss="cross-entropy", soft_target=False):
        self.normalize = normalize
        self.cache_score = cache_score
        self.class_weight = class_weight
        self.ignore_label = ignore_label
        self.reduce = reduce
        self.soft_target_loss = soft_target_loss
        self.soft_target = soft_target
        self.y = None        # cached softmax (cache_score=True, soft targets)
        # Hard labels: softmax * weight (* 1 / count for the mean), see _forward_labels.
        self._exps = None
        self._coeff = None   # 1 / denominator of the mean (reduce='mean')

    def forward(self, inputs):
        x, t = inputs
        xp = utils._xp(x)
        if not self.soft_target and x.size:
            return self._forward_labels(xp, x, t)
        # Soft targets (or an empty x).  One exp pass gives both the loss and
        # the cached softmax: log_softmax = shifted - log(s), softmax = exp(shifted) / s.
        shifted = x - x.max(axis=1, keepdims=True) if x.size else x.copy()
        if self.soft_target:
            self._t = t
            self._t_sum = t.sum(axis=1)
            t_shifted = (t * shifted).sum(axis=1)
        else:
            t_safe, valid, weight = _label_weights(xp, t, self.ignore_label, self.class_weight, x.dtype)
            self._t_safe, self._weight = t_safe, weight
            picked = _pick(xp, shifted, t_safe)
        exps = xp.exp(shifted, out=shifted)
        sums = exps.sum(axis=1)
        log_sums = xp.log(sums)
        if self.cache_score:
            exps /= _on_class_axis(sums)
            self.y = exps
        # x is kept even with the cached softmax: the gradient node takes it
        # as an input so that differentiating the gradient again reaches it
        # and raises, instead of silently giving no second-order term.
        self.retain_inputs((0,))
        if self.soft_target:
            # -sum(t * log_softmax) = log(s) * sum(t) - sum(t * shifted)
            elems = log_sums * self._t_sum - t_shifted
            if self.soft_target_loss == "kl-divergence":
                elems += (t * xp.log(t + _KL_EPS)).sum(axis=1)
            count = elems.size  # Chainer: mean over samples and positions, always
        else:
            # where() rather than a product with the mask: 0 * inf would be
            # NaN for an ignored entry; the weights are applied after it.
            elems = xp.where(valid, log_sums - picked, 0).astype(x.dtype, copy=False)
            if self.class_weight is not None:
                elems *= weight
            count = int(valid.sum()) if self.normalize else len(x)
        return self._reduce(elems, count, x.dtype)

    def _forward_labels(self, xp, x, t):
        """Hard labels on a non-empty ``x``: one blocked pass for exp(x - max) and its sums.

        The cached softmax is stored already multiplied by each label's weight
        (and by 1 / count for ``reduce='mean'``): that is the gradient for an
        output gradient of 1 up to the onehot term, so the common backward
        (``loss.backward()`` on the mean) needs no pass over it before the
        onehot subtraction.
        """
        t_safe, valid, weight = _label_weights(xp, t, self.ignore_label, self.class_weight, x.dtype)
        self._t_safe, self._weight = t_safe, weight
        count = int(valid.sum()) if self.normalize else len(x)
        coeff = self._mean_coeff(count, x.dtype) if self.reduce == "mean" else None
        row_weight = None
        if self.cache_score:
            row_weight = weight if coeff is None else weight * coeff
        exps, m, sums = _shifted_exp(xp, x, row_weight)
        # x[label] - max, the same float32 subtraction as in the shifted array.
        picked = _pick(xp, x, t_safe) - m.reshape(t_safe.shape)
        log_sums = xp.log(sums)
        if self.cache_score:
            self._exps = exps
        self.retain_inputs((0,))
        # where() rather than a product with the mask: 0 * inf would be
        # NaN for an ignored entry; the weights are applied after it.
        elems = xp.where(valid, log_sums - picked, 0).astype(x.dtype, copy=False)
        if self.class_weight is not None:
            elems *= weight
        return self._reduce(elems, count, x.dtype)

    def _mean_coeff(self, count, dtype_in):
        dtype = numpy.dtype(_reduction_dtype(dtype_in))
        self._coeff = dtype.type(1) / dtype.type(max(count, 1))
        return self._coeff

    def _reduce(self, elems, count, dtype_out):
        if self.reduce == "no":
            return utils.force_array(elems, dtype_out),
        dtype = numpy.dtype(_reduction_dtype(dtype_out))
        denom = dtype.type(max(count, 1))
        self._mean_coeff(count, dtype_out)
        return utils.force_array(elems.sum(dtype=dtype) / denom, dtype_out),

    def backward(self, indexes, grad_outputs):
        x, = self.get_retained_inputs()
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(_SoftmaxCrossEntropyGrad(self).apply((x, grad_outputs[0]))[0])
            else:
                ret.append(None)  # labels have no gradient
        return tuple(ret)


class _SoftmaxCrossEntropyGrad(FunctionNode):
    """Inputs ``(x, gloss)``, output ``gx``; not differentiable itself (as in Chainer)."""

    def __init__(self, func):
        self.func = func

    def forward(self, inputs):
        x, gloss = inputs
        f = self.func
        xp = utils._xp(x)
        # per-label multiplier (shape of t, or 0-d)
        scale = gloss * f._coeff if f.reduce == "mean" else gloss
        if not f.soft_target:
            return self._labels_grad(xp, x, f, gloss, scale),
        y = f.y if f.y is not None else _softmax_array(x, 1)
        # d/dx of -sum(t * log_softmax(x)) is softmax * sum(t) - t.
        gx = y * _on_class_axis(f._t_sum * scale)
        gx -= f._t * (scale if f.reduce == "mean" else _on_class_axis(scale))
        return utils.force_array(gx, x.dtype),

    @staticmethod
    def _labels_grad(xp, x, f, gloss, scale):
        """(softmax - onehot(t)) * weight * scale for hard labels, written over one fresh array."""
        per_label = f._weight * scale
        if f._exps is not None:
            # The cached softmax * weight (* 1 / count) becomes the gradient in
            # place; a second backward through this node recomputes it from x.
            gx, f._exps = f._exps, None
            if f.reduce == "no":
                gx *= _on_class_axis(gloss)
            elif xp is not numpy or gloss != 1:
                gx *= gloss
        else:
            gx = f.y.copy() if f.y is not None else _softmax_array(x, 1)
            gx *= _on_class_axis(per_label)
        # the onehot part, subtracted in place at the label positions only
        index = _class_index(xp, f._t_safe)
        _three_d(gx)[index] -= per_label.reshape(index[1].shape)
        return utils.force_array(gx, x.dtype)

    def backward(self, indexes, grad_outputs):
        raise RuntimeError(
            "softmax_cross_entropy was called with enable_double_backprop=False, but its gradient "
            "is being differentiated again; call it with enable_double_backprop=True")


class _PickClass(FunctionNode):
    """``log_y[n, t[n, ...], ...]`` for used labels, 0 for ignored ones; linear, so any order."""

    def __init__(self, t_safe, valid):
        self.t_safe = t_safe
        self.valid = valid

    def forward(self, inputs):
        a, = inputs
        xp = utils._xp(a)
        self._shape = a.shape
        return xp.where(self.valid, _pick(xp, a, self.t_safe), 0).astype(a.dtype, copy=False),

    def backward(self, indexes, grad_outputs):
        return _PlaceClass(self.t_safe, self.valid, self._shape).apply(grad_outputs)


class _PlaceClass(FunctionNode):
    """The adjoint of ``_PickClass``: ``g`` placed at each used label's class, zeros elsewhere."""

    def __init__(self, t_safe, valid, shape):
        self.t_safe = t_safe
        self.valid = valid
        self.shape = shape

    def forward(self, inputs):
        g, = inputs
        xp = utils._xp(g)
        out = xp.zeros(self.shape, g.dtype)
        index = _class_index(xp, self.t_safe)
        _three_d(out)[index] = xp.where(self.valid, g, 0).reshape(index[1].shape)
        return out,

    def backward(self, indexes, grad_outputs):
        return _PickClass(self.t_safe, self.valid).apply(grad_outputs)


def _double_backprop_loss(x, t, soft, class_weight, ignore_label, normalize, reduce, soft_target_loss):
    """The loss built from differentiable functions (``enable_double_backprop=True``)."""
    xp = utils._xp(as_array(x))
    log_y = log_softmax(x, axis=1)
    if soft:
        class_shape = (x.shape[0], 1) + x.shape[2:]
        elems = -reshape(sum_to(log_y * t, class_shape), t.shape[:1] + t.shape[2:])
        if soft_target_loss == "kl-divergence":
            elems = elems + (t * xp.log(t + _KL_EPS)).sum(axis=1)
        count = elems.size
    else:
        t_safe, valid, weight = _label_weights(xp, t, ignore_label, class_weight, x.dtype)
        elems = _PickClass(t_safe, valid).apply((log_y,))[0]
        elems = -elems if class_weight is None else elems * -weight
        count = int(valid.sum()) if normalize else len(x)
    if reduce == "no":
        return elems
    return sum_to(elems, ()) * (1.0 / max(count, 1))


def _check_labels(x, t, ignore_label):
    n_class = x.shape[1]
    if t.size == 0 or (int(t.min()) >= 0 and int(t.max()) < n_class):
        return  # the common case, without temporaries
    ok = ((t >= 0) & (t < n_class)) | (t == ignore_label)
    if not bool(ok.all()):
        xp = utils._xp(t)
        first = int(xp.argmax(~ok.reshape(-1)))
        index = tuple(int(i) for i in numpy.unravel_index(first, t.shape))
        value = int(t.reshape(-1)[first])
        raise ValueError(
            f"{_FN}: argument 't' expected labels in [0, {n_class}) or ignore_label ({ignore_label}), "
            f"got {value} at index {index}")


def _check_class_weight(class_weight, x):
    if isinstance(class_weight, Variable):
        type_check.fail(_FN, "class_weight", "an array (numpy/cupy), not a Variable "
                        "(class weights are constants)", "Variable")
    if not hasattr(class_weight, "dtype"):
        type_check.fail(_FN, "class_weight", "an array", type(class_weight).__name__)
    type_check.expect_float(_FN, "class_weight", class_weight)
    type_check.expect_shape(_FN, "class_weight", class_weight, (x.shape[1],), "(one weight per class)")
    return class_weight.astype(x.dtype, copy=False)


def softmax_cross_entropy(x, t, normalize=True, cache_score=True, class_weight=None, ignore_label=-1,
                          reduce="mean", enable_double_backprop=False, soft_target_loss="cross-entropy"):
    """Cross-entropy loss of ``softmax(x)`` along the class axis 1 against labels ``t``.

    Args:
        x: float scores of shape ``(N, C, ...)`` (pre-softmax), a Variable or array.
        t: integer labels of shape ``(N, ...)`` (``x``'s shape without axis 1);
            entries equal to ``ignore_label`` are ignored.  Or *soft targets*:
            a float array of ``x``'s shape holding a distribution over classes.
        normalize: with ``reduce='mean'``, divide the summed loss by the count
            of non-ignored labels (True) or by the batch size ``N`` (False).
            An all-ignored batch gives 0, not NaN.  Soft targets always divide
            by the number of distributions, ``x.size / C``.
        cache_score: keep the softmax from forward for backward (faster, more
            memory); False recomputes it from ``x``.
        class_weight: constant array of shape ``(C,)``; each label's loss is
            multiplied by its class's weight (the count used by ``normalize``
            is not weighted).  Ignored with soft targets, as in Chainer (a
            warning says so).
        ignore_label: the label value to ignore (default -1).
        reduce: ``'mean'`` for a scalar loss, ``'no'`` for one loss per label
            (shape of ``t``; ignored entries are 0).
        enable_double_backprop: build the loss from differentiable functions
            so its gradient can be differentiated again (slower).
        soft_target_loss: ``'cross-entropy'`` (``-sum t log softmax(x)``) or
            ``'kl-divergence'`` (``sum t (log t - log softmax(x))``).

    Returns:
        Variable: 0-d with ``reduce='mean'``, else of ``t``'s shape (soft
        targets: ``x``'s shape without axis 1); ``x``'s dtype.

    Raises:
        InvalidType: bad dtypes or shapes of ``x``, ``t``, ``class_weight``.
        ValueError: a label outside ``[0, C)`` that is not ``ignore_label``;
            an unknown ``reduce`` or ``soft_target_loss``.

    Example:
        >>> import numpy as np
        >>> import kusari, kusari.functions as F
        >>> x = kusari.Variable(np.array([[-1, 0, 1, 2], [2, 0, 1, -1]], np.float32))
        >>> t = np.array([3, 0], np.int32)
        >>> loss = F.softmax_cross_entropy(x, t)
        >>> loss.array
        array(0.44018966, dtype=float32)
        >>> loss.backward()
        >>> x.grad.round(3)
        array([[ 0.016,  0.044,  0.118, -0.178],
               [-0.178,  0.044,  0.118,  0.016]], dtype=float32)
        >>> F.softmax_cross_entropy(x, np.array([3, -1], np.int32), reduce='no').array
        array([0.44018966, 0.        ], dtype=float32)
    """
    if reduce not in ("mean", "no"):
        raise ValueError(f"{_FN}: argument 'reduce' expected 'mean' or 'no', got {reduce!r}")
    if soft_target_loss not in ("cross-entropy", "kl-divergence"):
        raise ValueError(f"{_FN}: argument 'soft_target_loss' expected 'cross-entropy' or "
                         f"'kl-divergence', got {soft_target_loss!r}")
    x_array = as_array(x)
    t = as_array(t)
    type_check.expect_float(_FN, "x", x_array)
    type_check.expect_min_ndim(_FN, "x", x_array, 2)
    label_shape = x_array.shape[:1] + x_array.shape[2:]
    soft = t.dtype.kind == "f"
    if soft:
        if t.shape != x_array.shape:
            type_check.fail(_FN, "t", f"an integer dtype (labels of shape {label_shape}), or soft "
                            f"targets of x's float dtype and shape {x_array.shape}",
                            f"{t.dtype} with shape {t.shape}")
        type_check.expect_same_dtype(_FN, "t", t, "x", x_array)
    else:
        type_check.expect_int(_FN, "t", t)
        type_check.expect_shape(_FN, "t", t, label_shape, "(x's shape without the class axis 1)")
    if class_weight is not None:
        class_weight = _check_class_weight(class_weight, x_array)
        if soft:
            warnings.warn(f"{_FN}: class_weight is ignored with soft targets (as in Chainer v7)",
                          UserWarning, stacklevel=2)
            class_weight = None
    if not soft:
        _check_labels(x_array, t, ignore_label)

    if enable_double_backprop:
        return _double_backprop_loss(x, t, soft, class_weight, ignore_label, normalize, reduce,
                                     soft_target_loss)
    func = SoftmaxCrossEntropy(normalize, cache_score, class_weight, ignore_label, reduce,
                               soft_target_loss, soft_target=soft)
    loss, = func.apply((x, t))
    return loss
