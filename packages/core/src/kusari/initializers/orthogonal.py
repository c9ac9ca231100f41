"""``Orthogonal``: a scaled (semi-)orthogonal matrix (Saxe et al. 2013)."""
from __future__ import annotations

import numpy

from kusari.initializer import Initializer
from kusari.initializers._random import check_dtype
from kusari.utils import type_check

# mode -> (refuse more columns than rows, refuse more rows than columns)
_MODES = {
    "auto": (False, False),
    "projection": (False, True),
    "embedding": (True, False),
    "basis": (True, True),
}


class Orthogonal(Initializer):
    """Fill with ``scale`` times a random (semi-)orthogonal matrix.

    The array is read as a matrix of ``shape[0]`` rows by
    ``prod(shape[1:])`` columns.  A standard Gaussian matrix is drawn, QR
    decomposed (of its transpose when it is wide) with R's diagonal made
    non-negative, so the result is uniform over orthogonal matrices: rows
    are orthonormal when there are no more rows than columns, columns
    otherwise.  A 0-dimensional array gets ``±scale``.

    Args:
        scale: the factor applied to the orthogonal matrix (Chainer's 1.1).
        dtype: the dtype of arrays it fills (None: any).
        mode: which shapes are accepted: ``'auto'`` (any), ``'projection'``
            (rows <= columns: orthonormal rows), ``'embedding'`` (rows >=
            columns: orthonormal columns) or ``'basis'`` (square).
        rng: a ``numpy.random.RandomState``-like generator; None uses
            ``numpy.random``.

    Example:
        >>> import numpy as np
        >>> from kusari import initializers
        >>> a = np.empty((3, 5), np.float32)
        >>> initializers.Orthogonal(scale=1.0)(a)
        >>> np.allclose(a @ a.T, np.eye(3), atol=1e-5)
        True
    """

    def __init__(self, scale=1.1, dtype=None, mode="auto", *, rng=None):
        if mode not in _MODES:
            raise ValueError(
                f"Orthogonal: argument 'mode' expected one of {', '.join(map(repr, _MODES))}, got {mode!r}")
        super().__init__(dtype)
        self.scale = scale
        self.mode = mode
        self.rng = rng

    def __call__(self, array):
        check_dtype("Orthogonal", self, array)
        rng = numpy.random if self.rng is None else self.rng
        if array.ndim == 0:
            array[...] = self.scale * (2 * int(rng.randint(2)) - 1)
            return
        if array.size == 0:
            type_check.fail("Orthogonal", "array", "a non-empty array", f"shape {tuple(array.shape)}")
        rows = array.shape[0]
        cols = array.size // rows
        no_wide, no_tall = _MODES[self.mode]
        if (no_wide and cols > rows) or (no_tall and cols < rows):
            wanted = {"projection": "rows <= columns", "embedding": "rows >= columns",
                      "basis": "rows == columns"}[self.mode]
            type_check.fail("Orthogonal", "array",
                            f"a shape with {wanted} for mode {self.mode!r}",
                            f"shape {tuple(array.shape)} ({rows} rows, {cols} columns)")
        # Drawn on the host in float64, as Chainer does: same numbers for the same seed.
        a = numpy.asarray(rng.normal(size=(rows, cols)), dtype=numpy.float64)
        wide = cols > rows
        if wide:
            a = a.T
        q, r = numpy.linalg.qr(a)
        # Flip columns so R's diagonal is non-negative: makes Q unique and Haar-distributed.
        q *= numpy.copysign(self.scale, numpy.diag(r))
        if wide:
            q = q.T
        q = q.reshape(array.shape)
        if type(array) is numpy.ndarray:
            array[...] = q
        else:
            from kusari import backend

            backend.copyto(array, q.astype(array.dtype))

    def __repr__(self):
        return f"Orthogonal(scale={self.scale}, mode={self.mode!r})"
