"""``einsum``: Einstein summation over operands described by a subscripts string."""
from __future__ import annotations

import string

from kusari import utils
from kusari.function_node import FunctionNode
from kusari.utils import type_check

_LETTERS = string.ascii_letters


def _spec(inputs, output):
    return ",".join(inputs) + "->" + output


class EinSum(FunctionNode):
    """``inputs``: one string of letters per operand (no ellipsis); ``output`` likewise."""

    def __init__(self, inputs, output):
        self._inputs = inputs
        self._output = output

    @property
    def label(self):
        return "einsum"

    def forward(self, arrays):
        self.retain_inputs(tuple(range(len(arrays))))
        xp = utils._xp(*arrays)
        # Contraction order matters only with three or more operands.
        return utils.force_array(xp.einsum(_spec(self._inputs, self._output), *arrays,
                                           optimize=len(arrays) > 2)),

    def backward(self, indexes, grad_outputs):
        operands = self.get_retained_inputs()
        gy, = grad_outputs
        return tuple(self._operand_grad(k, operands, gy) for k in indexes)

    def _operand_grad(self, k, operands, gy):
        """The gradient of operand ``k``: the einsum of ``gy`` with the other operands."""
        from kusari.functions.array.broadcast import broadcast_to
        from kusari.functions.array.reshape import reshape

        target = self._inputs[k]
        x = operands[k]
        others = [s for i, s in enumerate(self._inputs) if i != k] + [self._output]
        elsewhere = set("".join(others))
        unique = "".join(dict.fromkeys(target))
        # Letters only operand k carries were summed inside it: the gradient
        # is constant along them (broadcast below), so einsum leaves them out.
        kept = "".join(c for c in unique if c in elsewhere)
        g = _einsum(others, kept, [v for i, v in enumerate(operands) if i != k] + [gy])
        # Lay g out on operand k's axes: size-1 axes for the left-out letters
        # and for repeats of a letter, then broadcast and, where a letter
        # repeats (a diagonal), keep only the diagonal.
        firsts = {c: target.index(c) for c in unique}
        order = "".join(sorted(kept, key=firsts.get))
        if order != kept:
            g = _einsum([kept], order, [g])
        laid_out = tuple(x.shape[p] if firsts[c] == p and c in elsewhere else 1 for p, c in enumerate(target))
        g = broadcast_to(reshape(g, laid_out), x.shape)
        if len(unique) != len(target):
            g = g * _diagonal_mask(target, x.shape, utils._xp(x.array), x.dtype)
        return g


def _diagonal_mask(target, shape, xp, dtype):
    """1 where every repeated letter of ``target`` takes one index on all its axes, else 0."""
    mask = xp.ones((1,) * len(shape), dtype)
    for p, c in enumerate(target):
        f = target.index(c)
        if f != p:
            index_shape = [1] * len(shape)
            index_shape[p] = shape[p]
            here = xp.arange(shape[p]).reshape(index_shape)
            index_shape[p], index_shape[f] = 1, shape[f]
            there = xp.arange(shape[f]).reshape(index_shape)
            mask = mask * (here == there).astype(dtype)
    return mask


def _einsum(inputs, output, operands):
    if len(inputs) == 1 and inputs[0] == output:
        return operands[0]
    y, = EinSum(tuple(inputs), output).apply(tuple(operands))
    return y


def _expand_ellipsis(func, inputs, output, operands):
    """Replace ``...`` by letters unused elsewhere, aligned from the right as in NumPy."""
    spare = [c for c in _LETTERS if c not in "".join(inputs) + (output or "")]
    widths = []
    for i, (s, x) in enumerate(zip(inputs, operands, strict=True)):
        width = x.ndim - (len(s) - 3) if "..." in s else 0
        if width < 0:
            type_check.fail(func, f"operands[{i}]", f"at least {len(s) - 3} dimensions for subscripts {s!r}",
                            f"{x.ndim} (shape {tuple(x.shape)})")
        widths.append(width)
    most = max(widths, default=0)
    pool = "".join(spare[:most])
    inputs = [s.replace("...", pool[most - w:]) for s, w in zip(inputs, widths, strict=True)]
    if output is not None:
        output = output.replace("...", pool)
    return inputs, output, pool


def _parse(func, subscripts, operands):
    if not isinstance(subscripts, str):
        type_check.fail(func, "subscripts", "a str such as 'ij,jk->ik' as the first argument", repr(subscripts))
    spec = subscripts.replace(" ", "")
    lhs, arrow, rhs = spec.partition("->")
    output = rhs if arrow else None
    inputs = lhs.split(",")
    allowed = set(_LETTERS)
    for part in inputs + ([output] if arrow else []):
        rest = part.replace("...", "", 1)
        if not set(rest) <= allowed:
            type_check.fail(func, "subscripts", "letters, commas, one '->' and at most one '...' per term",
                            repr(subscripts))
    if len(inputs) != len(operands):
        type_check.fail(func, "operands", f"{len(inputs)} arrays (one per term of {subscripts!r})",
                        f"{len(operands)}")
    inputs, output, pool = _expand_ellipsis(func, inputs, output, operands)
    if output is None:  # implicit mode: broadcast axes, then letters used once, sorted
        counts = "".join(inputs)
        output = pool + "".join(sorted(c for c in set(counts) if counts.count(c) == 1 and c not in pool))
    if len(set(output)) != len(output) or not set(output) <= set("".join(inputs)):
        type_check.fail(func, "subscripts", "output letters that are distinct and appear in the inputs",
                        repr(subscripts))
    return inputs, output


def einsum(*operands):
    """Einstein summation: ``einsum('ij,jk->ik', a, b)`` is the matrix product.

    The first argument is the subscripts string (NumPy's notation, with
    ``...`` for leading axes and implicit output when ``->`` is left out),
    followed by the operands.  Sizes of one letter must agree exactly (no
    broadcasting of length-1 axes, as in Chainer).  The gradient of each
    operand is the einsum of the output gradient with the other operands.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.math.einsum import einsum
        >>> a = np.arange(6, dtype=np.float32).reshape(2, 3)
        >>> einsum('ij,kj->ik', a, a).array
        array([[ 5., 14.],
               [14., 50.]], dtype=float32)
        >>> einsum('ii->i', np.eye(2, dtype=np.float32) * 3).array
        array([3., 3.], dtype=float32)
    """
    func = "einsum"
    if not operands:
        type_check.fail(func, "subscripts", "a str such as 'ij,jk->ik' as the first argument", "nothing")
    subscripts, arrays = operands[0], operands[1:]
    inputs, output = _parse(func, subscripts, arrays)
    sizes = {}
    for i, (s, x) in enumerate(zip(inputs, arrays, strict=True)):
        type_check.expect_float(func, f"operands[{i}]", x)
        type_check.expect_same_dtype(func, f"operands[{i}]", x, "operands[0]", arrays[0])
        if len(s) != x.ndim:
            type_check.fail(func, f"operands[{i}]", f"{len(s)} dimensions for subscripts {s!r}",
                            f"{x.ndim} (shape {tuple(x.shape)})")
        for c, n in zip(s, x.shape, strict=True):
            if sizes.setdefault(c, n) != n:
                type_check.fail(func, f"operands[{i}]", f"size {sizes[c]} for letter {c!r}",
                                f"shape {tuple(x.shape)}")
    y, = EinSum(tuple(inputs), output).apply(arrays)
    return y
