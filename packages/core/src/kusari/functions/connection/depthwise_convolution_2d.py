"""``depthwise_convolution_2d``: each input channel convolved with its own filters (a grouped convolution)."""
from __future__ import annotations

from kusari.functions.connection.convolution_nd import check_bias, check_common, convolve
from kusari.utils import type_check


def depthwise_convolution_2d(x, W, b=None, stride=1, pad=0):
    """Depthwise 2-d convolution: ``channel_multiplier`` filters per input channel, channels never mixed.

    Output channel ``c * channel_multiplier + m`` is input channel ``c``
    convolved with ``W[m, c]`` (Chainer's order): a ``convolution_2d`` with
    ``groups = C``.

    Args:
        x: images of shape ``(N, C, H, W)``.
        W: filters of shape ``(channel_multiplier, C, kh, kw)``.
        b: optional bias of shape ``(C * channel_multiplier,)``.
        stride: an int or ``(sy, sx)``.
        pad: zero padding, an int or ``(ph, pw)``.

    Returns:
        A Variable of shape ``(N, C * channel_multiplier, out_H, out_W)``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.connection.depthwise_convolution_2d import depthwise_convolution_2d
        >>> x = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))]).astype(np.float32)[None]
        >>> W = np.stack([np.ones((2, 2, 2)), -np.ones((2, 2, 2))]).astype(np.float32)  # M=2, C=2
        >>> depthwise_convolution_2d(x, W)[0, :, 0, 0].array
        array([ 4., -4.,  8., -8.], dtype=float32)
    """
    from kusari.functions.array.reshape import reshape
    from kusari.functions.array.transpose import transpose

    name = "depthwise_convolution_2d"
    check_common(name, x, W, b, 2, 1)
    multiplier, channels = W.shape[:2]
    if channels != x.shape[1]:
        type_check.fail(name, "x", f"{channels} channels (W.shape[1]; W shape {tuple(W.shape)})",
                        f"shape {tuple(x.shape)}")
    check_bias(name, b, channels * multiplier)
    # Group c's filters must be adjacent: (M, C, kh, kw) -> (C*M, 1, kh, kw).
    w = reshape(transpose(W, (1, 0, 2, 3)), (channels * multiplier, 1) + tuple(W.shape[2:]))
    return convolve(name, x, w, b, stride, pad, False, 1, channels, 2)
