"""``transpose_sequence``: batch-major variable-length sequences <-> time-major steps."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check


def _transpose(xs):
    """Time-major steps of length-sorted arrays: step t stacks ``x[t]`` of every x longer than t."""
    xp = utils._xp(*xs)
    steps = []
    for t in range(len(xs[0])):  # one stack per time step, not per element
        steps.append(xp.stack([x[t] for x in xs if len(x) > t]))
    return tuple(steps)


class TransposeSequence(FunctionNode):
    def __init__(self, lengths):
        self._lengths = lengths

    def forward(self, inputs):
        self._shape_dtype = [(x.shape, x.dtype) for x in inputs]
        return _transpose(inputs)

    def backward(self, indexes, grad_outputs):
        # Transposing is its own inverse on length-sorted sequences.
        xp = utils._xp(*[g._data for g in grad_outputs if g is not None])
        out_lengths = [sum(1 for n in self._lengths if n > t) for t in range(len(grad_outputs))]
        rest_dtype = self._shape_dtype[0]
        gys = [xp.zeros((n,) + rest_dtype[0][1:], rest_dtype[1]) if g is None else g
               for g, n in zip(grad_outputs, out_lengths, strict=True)]
        gxs = TransposeSequence(out_lengths).apply(gys)
        return tuple(gxs[i] for i in indexes)


def transpose_sequence(xs):
    """Turn a batch of sequences into a sequence of batches (and back).

    ``xs`` must be sorted by decreasing length.  The result has one array per
    time step: step ``t`` stacks ``x[t]`` of every ``x`` longer than ``t``,
    so the steps get shorter in batch size.  Applied to its own result it
    gives back ``xs``.

    Args:
        xs: a list or tuple of Variables or arrays of shape ``(L_i, ...)``,
            ``L_0 >= L_1 >= ...``, equal in the other axes.

    Returns:
        A tuple of ``L_0`` Variables.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.array.transpose_sequence import transpose_sequence
        >>> xs = [np.array([0., 1., 2.]), np.array([10., 11.]), np.array([20.])]
        >>> [y.array.tolist() for y in transpose_sequence(xs)]
        [[0.0, 10.0, 20.0], [1.0, 11.0], [2.0]]
    """
    name = "transpose_sequence"
    if not isinstance(xs, (list, tuple)):
        type_check.fail(name, "xs", "a list or tuple of Variables or arrays", type(xs).__name__)
    if not xs:
        return ()
    for i, x in enumerate(xs):
        type_check.expect_min_ndim(name, f"xs[{i}]", x, 1)
        if tuple(x.shape[1:]) != tuple(xs[0].shape[1:]):
            type_check.fail(name, f"xs[{i}]", f"shape (*, {', '.join(map(str, xs[0].shape[1:]))}) "
                            "(the shape of xs[0] except on axis 0)", str(tuple(x.shape)))
        if i and len(x) > len(xs[i - 1]):
            type_check.fail(name, "xs", "sequences sorted by decreasing length",
                            f"length {len(x)} after {len(xs[i - 1])} at xs[{i}]")
    lengths = [len(x) for x in xs]
    return TransposeSequence(lengths).apply(tuple(xs))
