"""Rescale all gradients together when their global L2 norm exceeds a threshold."""
from __future__ import annotations

import math

import numpy


def _sum_of_squares(grads) -> float:
    # One dot product per array: no squared temporaries.  Accumulated in
    # float64 on the host, so many parameters cannot overflow float32.
    total = 0.0
    for g in grads:
        flat = g.reshape(-1) if g.flags.c_contiguous else g.ravel()
        if flat.dtype.itemsize < 4:  # a float16 sum of squares overflows at 65504
            flat = flat.astype(numpy.float32)
        total += float(flat.dot(flat))
    return total


class GradientClipping:
    """Scale every gradient by ``threshold / norm`` when the global norm exceeds ``threshold``.

    The norm is the L2 norm of all gradients of the target taken together.

    Args:
        threshold (float): the largest allowed norm.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import optimizer_hooks
        >>> class Opt:  # stands in for an optimizer whose target has one parameter
        ...     class target:
        ...         p = kusari.Parameter(np.zeros(2, np.float32))
        ...         def params(include_uninit=True): yield Opt.target.p
        >>> Opt.target.p.grad = np.array([3.0, 4.0], np.float32)   # norm 5
        >>> optimizer_hooks.GradientClipping(1.0)(Opt); Opt.target.p.grad
        array([0.6, 0.8], dtype=float32)
    """

    name = "GradientClipping"
    timing = "pre"

    def __init__(self, threshold):
        self.threshold = threshold

    def __call__(self, opt):
        grads = [p.grad for p in opt.target.params(False) if p.grad is not None]
        if not grads:
            return
        norm = math.sqrt(_sum_of_squares(grads))
        if norm == 0.0 or not norm > self.threshold:
            return  # also leaves NaN/inf gradients for the NaN check to report
        rate = self.threshold / norm
        for g in grads:
            g *= g.dtype.type(rate) if type(g) is numpy.ndarray else rate
