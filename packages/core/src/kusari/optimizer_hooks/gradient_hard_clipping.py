"""Clip every gradient element into ``[lower_bound, upper_bound]``."""
from __future__ import annotations

import numpy


class GradientHardClipping:
    """Clip each gradient element into ``[lower_bound, upper_bound]``, in place.

    Args:
        lower_bound (float): the smallest value a gradient element may take.
        upper_bound (float): the largest.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import optimizer_hooks
        >>> p = kusari.Parameter(np.zeros(3, np.float32)); p.grad = np.array([-3, 0.5, 3], np.float32)
        >>> optimizer_hooks.GradientHardClipping(-1, 1)(None, p); p.grad
        array([-1. ,  0.5,  1. ], dtype=float32)
    """

    name = "GradientHardClipping"
    call_for_each_param = True
    timing = "pre"

    def __init__(self, lower_bound, upper_bound):
        if lower_bound > upper_bound:
            from kusari.serializer import fail_value

            fail_value("GradientHardClipping", "lower_bound", f"a value <= upper_bound ({upper_bound})",
                       repr(lower_bound))
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    def __call__(self, rule, param):
        g = param.grad
        if g is None:
            return
        xp = numpy if type(g) is numpy.ndarray else param.xp
        xp.clip(g, self.lower_bound, self.upper_bound, out=g)
