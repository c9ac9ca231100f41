"""Links (layers with parameters), conventionally ``import kusari.links as L``.

Names load on first use.  Links contributed by plugins (``NStepLSTM`` from
kusari-rnn, ...) come from the ``links`` registry; asking for one whose
package is missing says what to install.

Example:
    >>> import kusari.links as L
    >>> L.Linear(3, 2).W.shape
    (2, 3)
"""
from __future__ import annotations

from kusari._lazy import lazy_namespace as _lazy_namespace

_M = "kusari.links."
_NAMES = {
    "Linear": _M + "connection.linear",
    "EmbedID": _M + "connection.embed_id",
    "Classifier": _M + "model.classifier",
    "BatchNormalization": _M + "normalization.batch_normalization",
    "BatchRenormalization": _M + "normalization.batch_renormalization",
    "LayerNormalization": _M + "normalization.layer_normalization",
    "GroupNormalization": _M + "normalization.group_normalization",
    "CRF1d": _M + "loss.crf1d",
    "NegativeSampling": _M + "loss.negative_sampling",
    "BlackOut": _M + "loss.black_out",
    "SimplifiedDropconnect": _M + "noise.simplified_dropconnect",
    "Bilinear": _M + "connection.bilinear",
    "Bias": _M + "connection.bias",
    "Scale": _M + "connection.scale",
    "Highway": _M + "connection.highway",
    "Parameter": _M + "connection.parameter",
    "Maxout": _M + "activation.maxout",
    "PReLU": _M + "activation.prelu",
    "Swish": _M + "activation.swish",
    "Convolution2D": _M + "connection.convolution_2d",
    "ConvolutionND": _M + "connection.convolution_nd",
    "Convolution1D": _M + "connection.convolution_nd",
    "Convolution3D": _M + "connection.convolution_nd",
    "Deconvolution2D": _M + "connection.deconvolution_2d",
    "DeconvolutionND": _M + "connection.deconvolution_nd",
    "Deconvolution1D": _M + "connection.deconvolution_nd",
    "Deconvolution3D": _M + "connection.deconvolution_nd",
    "DepthwiseConvolution2D": _M + "connection.depthwise_convolution_2d",
    "DilatedConvolution2D": _M + "connection.dilated_convolution_2d",
}

__all__ = sorted(_NAMES)


__getattr__, __dir__ = _lazy_namespace(globals(), _NAMES, "links")
