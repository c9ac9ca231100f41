"""Differentiable functions, conventionally ``import kusari.functions as F``.

Each name lives in a module of its group (``math``, ``array``,
``activation``, ``loss``, ``evaluation``, ``noise``, ``connection``) and is
imported on first use.  Names contributed by plugins (``n_step_lstm`` from
kusari-rnn, ...) come from the ``functions`` registry; asking for one whose
package is missing says what to install.

Example:
    >>> import numpy as np
    >>> import kusari.functions as F
    >>> F.relu(np.array([-1.0, 2.0], np.float32)).array
    array([0., 2.], dtype=float32)
"""
from __future__ import annotations

from kusari._lazy import lazy_namespace as _lazy_namespace

_M = "kusari.functions."
# name -> module that defines it
_NAMES = {
    # math
    "add": _M + "math.basic_math", "sub": _M + "math.basic_math", "mul": _M + "math.basic_math",
    "div": _M + "math.basic_math", "pow": _M + "math.basic_math", "neg": _M + "math.basic_math",
    "absolute": _M + "math.basic_math",
    "exp": _M + "math.exponential", "log": _M + "math.exponential",
    "log2": _M + "math.exponential", "log10": _M + "math.exponential",
    "sqrt": _M + "math.sqrt", "rsqrt": _M + "math.sqrt",
    "square": _M + "math.square",
    "sum": _M + "math.sum",
    "mean": _M + "math.average",
    "average": _M + "math.average",
    "max": _M + "math.minmax", "min": _M + "math.minmax",
    "argmax": _M + "math.minmax", "argmin": _M + "math.minmax",
    "matmul": _M + "math.matmul",
    "logsumexp": _M + "math.logsumexp",
    "sin": _M + "math.trigonometric",
    "cos": _M + "math.trigonometric",
    "tan": _M + "math.trigonometric",
    "arcsin": _M + "math.trigonometric",
    "arccos": _M + "math.trigonometric",
    "arctan": _M + "math.trigonometric",
    "arctan2": _M + "math.trigonometric",
    "sinh": _M + "math.hyperbolic",
    "cosh": _M + "math.hyperbolic",
    "arctanh": _M + "math.hyperbolic",
    "expm1": _M + "math.exponential_extra",
    "log1p": _M + "math.exponential_extra",
    "sign": _M + "math.rounding",
    "ceil": _M + "math.rounding",
    "floor": _M + "math.rounding",
    "fix": _M + "math.rounding",
    "clip": _M + "math.clip",
    "maximum": _M + "math.minmax_elementwise",
    "minimum": _M + "math.minmax_elementwise",
    "squared_difference": _M + "math.squared_difference",
    "fmod": _M + "math.fmod",
    "erf": _M + "math.erf",
    "erfc": _M + "math.erf",
    "erfinv": _M + "math.erf",
    "lgamma": _M + "math.gamma",
    "prod": _M + "math.prod",
    "cumsum": _M + "math.cumulative",
    "cumprod": _M + "math.cumulative",
    "batch_matmul": _M + "math.batch_matmul",
    "tensordot": _M + "math.tensordot",
    "einsum": _M + "math.einsum",
    "bias": _M + "math.bias_scale",
    "scale": _M + "math.bias_scale",
    "linear_interpolate": _M + "math.linear_interpolate",
    "batch_l2_norm_squared": _M + "math.batch_l2_norm_squared",
    "det": _M + "math.det",
    "batch_det": _M + "math.det",
    "inv": _M + "math.inv",
    "batch_inv": _M + "math.inv",
    "digamma": _M + "math.gamma",
    # array
    "broadcast_to": _M + "array.broadcast", "sum_to": _M + "array.broadcast",
    "reshape": _M + "array.reshape",
    "transpose": _M + "array.transpose",
    "concat": _M + "array.concat",
    "split_axis": _M + "array.split_axis",
    "get_item": _M + "array.get_item",
    "identity": _M + "array.identity",
    "expand_dims": _M + "array.expand_dims",
    "squeeze": _M + "array.squeeze",
    "flatten": _M + "array.flatten",
    "stack": _M + "array.stack",
    "hstack": _M + "array.stack",
    "vstack": _M + "array.stack",
    "dstack": _M + "array.stack",
    "swapaxes": _M + "array.moveaxis",
    "moveaxis": _M + "array.moveaxis",
    "rollaxis": _M + "array.moveaxis",
    "flip": _M + "array.flip",
    "fliplr": _M + "array.flip",
    "flipud": _M + "array.flip",
    "tile": _M + "array.tile",
    "repeat": _M + "array.repeat",
    "cast": _M + "array.cast",
    "where": _M + "array.where",
    "pad": _M + "array.pad",
    "separate": _M + "array.separate",
    "select_item": _M + "array.select_item",
    "broadcast": _M + "array.broadcast_all",
    "copy": _M + "array.copy",
    "transpose_sequence": _M + "array.transpose_sequence",
    "pad_sequence": _M + "array.pad_sequence",
    "permutate": _M + "array.permutate",
    "diagonal": _M + "array.diagonal",
    "scatter_add": _M + "array.scatter_add",
    "depth2space": _M + "array.depth2space",
    "space2depth": _M + "array.depth2space",
    "resize_images": _M + "array.resize_images",
    "im2col": _M + "array.im2col",
    # connection
    "linear": _M + "connection.linear",
    "embed_id": _M + "connection.embed_id",
    # activation
    "relu": _M + "activation.relu",
    "sigmoid": _M + "activation.sigmoid",
    "tanh": _M + "activation.tanh",
    "softmax": _M + "activation.softmax",
    "log_softmax": _M + "activation.log_softmax",
    "leaky_relu": _M + "activation.leaky_relu",
    "elu": _M + "activation.elu",
    "selu": _M + "activation.selu",
    "softplus": _M + "activation.softplus",
    "swish": _M + "activation.swish",
    "hard_sigmoid": _M + "activation.hard_sigmoid",
    "clipped_relu": _M + "activation.clipped_relu",
    "relu6": _M + "activation.relu6",
    "crelu": _M + "activation.crelu",
    "prelu": _M + "activation.prelu",
    "maxout": _M + "activation.maxout",
    "rrelu": _M + "activation.rrelu",
    # loss
    "softmax_cross_entropy": _M + "loss.softmax_cross_entropy",
    "mean_squared_error": _M + "loss.mean_squared_error",
    "sigmoid_cross_entropy": _M + "loss.sigmoid_cross_entropy",
    "mean_absolute_error": _M + "loss.mean_absolute_error",
    "squared_error": _M + "loss.squared_error",
    "absolute_error": _M + "loss.absolute_error",
    "huber_loss": _M + "loss.huber_loss",
    "gaussian_nll": _M + "loss.gaussian_nll",
    "gaussian_kl_divergence": _M + "loss.gaussian_kl_divergence",
    "bernoulli_nll": _M + "loss.bernoulli_nll",
    "hinge": _M + "loss.hinge",
    "contrastive": _M + "loss.contrastive",
    "triplet": _M + "loss.triplet",
    # evaluation
    "accuracy": _M + "evaluation.accuracy",
    # noise
    "dropout": _M + "noise.dropout",
    "batch_normalization": _M + "normalization.batch_normalization",
    "fixed_batch_normalization": _M + "normalization.batch_normalization",
    "batch_renormalization": _M + "normalization.batch_renormalization",
    "layer_normalization": _M + "normalization.layer_normalization",
    "group_normalization": _M + "normalization.group_normalization",
    "local_response_normalization": _M + "normalization.local_response_normalization",
    "normalize": _M + "normalization.l2_normalization",
}

__all__ = sorted(_NAMES)


__getattr__, __dir__ = _lazy_namespace(globals(), _NAMES, "functions")
