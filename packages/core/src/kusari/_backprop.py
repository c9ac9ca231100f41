"""The backward pass: ``Variable.backward``, ``kusari.backward`` and ``kusari.grad``.

The whole algorithm, in one loop (``_run``):

1. Seed a table of pending gradients with the output gradients and push the
   outputs' creators onto a max-heap keyed by rank.
2. Pop the highest-rank function.  Every consumer of its outputs has a
   higher rank, so their gradients are complete: take them out of the table
   (freeing them as we go unless ``retain_grad``).
3. Call its ``backward`` on Variables and add each input gradient to the
   table (intermediate inputs) or to the result (leaves), pushing creators not
   seen yet.

No recursion anywhere, so a graph 10,000 nodes deep is fine.
"""
from __future__ import annotations

import heapq

import numpy

from kusari import _config
from kusari.function_hook import _backward_with_hooks
from kusari.function_node import FunctionNode
from kusari.variable import Variable, _wrap

_ndarray = numpy.ndarray
_from_array = _wrap
_MISSING = object()
# True while any function hook is registered (kusari.function_hook sets it).
_hooks_in_use = False


def _as_grad_variable(g, like: Variable, caller: str, index: int):
    if g is None:
        return None
    if not isinstance(g, Variable):
        g = _from_array(g, False)
    data = like._data
    if g._data.shape != data.shape:
        raise ValueError(
            f"{caller}: grad_outputs[{index}] expected shape {data.shape}, got {g._data.shape}")
    return g


def _seed(outputs, grad_outputs, caller: str, loss_scale):
    """(node, gradient Variable) for every output that has a creator."""
    seeds = []
    for i, y in enumerate(outputs):
        if not isinstance(y, Variable):
            raise TypeError(f"{caller}: outputs[{i}] expected a Variable, got {type(y).__name__}")
        node = y._node
        if node is None or node.creator_node is None:
            continue  # a leaf: there is nothing behind it
        g = None if grad_outputs is None else _as_grad_variable(grad_outputs[i], y, caller, i)
        if g is None:
            g = y._grad_var
        if g is None:
            if y._data.size != 1:
                raise ValueError(
                    f"{caller}: the output has {y._data.size} elements (shape {y._data.shape}); "
                    f"set its gradient first, e.g. y.grad = xp.ones_like(y.array)")
            # Chainer fills an implicit 1 without storing it on y.grad.
            g = _from_array(_ones_like(y._data), False)
        if loss_scale is not None:
            g = _from_array(g._data * g._data.dtype.type(loss_scale), False)
        seeds.append((node, g))
    return seeds


def _ones_like(a):
    if type(a) is _ndarray:
        if a.ndim == 0:
            return numpy.array(1, a.dtype)  # the usual scalar loss: the cheapest way
        return numpy.ones(a.shape, a.dtype)
    from kusari import backend

    return backend.get_array_module(a).ones_like(a)


def _run(seeds, *, retain_grad: bool, targets=None, needed=None, double: bool):
    """Backpropagate from ``seeds``.

    With ``targets`` None (``backward``): leaf gradients accumulate into the
    leaves' ``grad_var``.  Otherwise (``grad``): gradients of the target nodes
    are returned as a dict and no ``grad`` attribute is touched;
    ``needed`` is the set of function ids that lie on a path to a target.
    """
    pending = {}
    heap = []
    pushed = set()
    results = {}
    owned = set()  # ids of arrays already handed out (never alias two grads)
    heappush = heapq.heappush
    heappop = heapq.heappop

    # Most graphs are chains: after a function's backward exactly one creator
    # is ready.  ``ready`` holds that sole candidate while the heap is empty,
    # so the common case skips a tuple allocation, a heappush and a heappop.
    ready = None

    for node, g in seeds:
        prev = pending.get(node)
        pending[node] = g if prev is None else prev + g
        owned.add(id(g._data))
        func = node.creator_node
        fid = id(func)
        if fid not in pushed and (needed is None or fid in needed):
            pushed.add(fid)
            heappush(heap, (-func.rank, len(pushed), func))

    while True:
        if ready is not None:
            func = ready
            ready = None
        elif heap:
            func = heappop(heap)[2]
        else:
            break
        # 2. the output gradients are complete now
        outputs = func.outputs
        if len(outputs) == 1:
            # One output (nearly every function): no list to build.
            node = outputs[0]()
            g = None if node is None else pending.pop(node, None)
            if g is None:
                continue
            if targets is not None or retain_grad:
                _keep_output_grad(node, g, targets, results, retain_grad)
            grad_outputs = (g,)
        else:
            grad_outputs = []
            any_grad = False
            for ref in outputs:
                node = ref()
                g = None if node is None else pending.pop(node, None)
                if g is not None:
                    any_grad = True
                    if targets is not None or retain_grad:
                        _keep_output_grad(node, g, targets, results, retain_grad)
                grad_outputs.append(g)
            if not any_grad:
                continue
            grad_outputs = tuple(grad_outputs)
        in_nodes = func.inputs
        # A plain loop: a list comprehension is a function call in 3.11.
        indexes = []
        i = 0
        for n in in_nodes:
            if n.requires_grad:
                indexes.append(i)
            i += 1
        if not indexes:
            continue
        indexes = tuple(indexes)
        # 3. the function's own backward, on Variables (one flag read when
        # no function hook is registered anywhere)
        if _hooks_in_use:
            gxs = _backward_with_hooks(func, indexes, grad_outputs)
        else:
            gxs = func.backward(indexes, grad_outputs)
        if len(gxs) != len(indexes):
            if len(gxs) != len(in_nodes):
                raise ValueError(
                    f"{func.label}.backward returned {len(gxs)} gradients; expected {len(indexes)} "
                    f"(one per target index) or {len(in_nodes)} (one per input)")
            gxs = [gxs[i] for i in indexes]
        for i, gx in zip(indexes, gxs):
            if gx is None:
                continue
            node = in_nodes[i]
            if not isinstance(gx, Variable):
                gx = _from_array(gx, False)
            data = gx._data
            # dtypes are usually the same (cached) object: ``is`` skips numpy's
            # richer comparison.
            dtype = data.dtype
            if data.shape != node.shape or (dtype is not node.dtype and dtype != node.dtype):
                _wrong_gradient(func, i, data, node)
            creator = node.creator_node
            if creator is None or (needed is not None and id(creator) not in needed):
                if targets is None:
                    # A leaf: its gradient lands in var.grad (inlined: hot path).
                    var = node._variable()
                    if var is None:
                        continue  # nobody can read this gradient
                    key = id(data)
                    if type(data) is _ndarray and data.base is None and key not in owned:
                        owned.add(key)  # a fresh array nobody else holds: _unshared's common case, inlined
                    else:
                        gx = _unshared(gx, owned, double)
                    prev = var._grad_var
                    var._grad_var = gx if prev is None else prev + gx
                    if type(var) is not Variable:
                        # Parameters remember the scale of their latest
                        # backward (None included) for the update rule.
                        var._loss_scale = _current_loss_scale
                elif node in targets:
                    prev = results.get(node)
                    results[node] = gx if prev is None else prev + gx
                continue
            prev = pending.get(node)
            pending[node] = gx if prev is None else prev + gx
            fid = id(creator)
            if fid not in pushed:
                pushed.add(fid)
                if ready is None and not heap:
                    ready = creator
                else:
                    if ready is not None:
                        heappush(heap, (-ready.rank, len(pushed) - 1, ready))
                        ready = None
                    heappush(heap, (-creator.rank, len(pushed), creator))

    if targets is not None:
        # What is still pending for a target never went through its creator:
        # a seed placed directly on a leaf target (grad(y, [y]) or an output
        # that is also an input). Add it to what functions sent there.
        for node in targets:
            g = pending.pop(node, None)
            if g is not None:
                prev = results.get(node)
                results[node] = g if prev is None else prev + g
    return results


def _wrong_gradient(func, index, data, node):
    if data.shape != node.shape:
        raise ValueError(
            f"{func.label}.backward returned a gradient of shape {data.shape} for "
            f"input {index} of shape {node.shape}")
    raise TypeError(
        f"{func.label}.backward returned a gradient of dtype {data.dtype} for "
        f"input {index} of dtype {node.dtype}")


def _keep_output_grad(node, g, targets, results, retain_grad) -> None:
    """A function's output gradient is final: hand it to grad()'s results and,
    with ``retain_grad``, to the output Variable (off the common path)."""
    if targets is not None and node in targets:
        results[node] = g
    if retain_grad:
        var = node._variable()
        if var is not None:
            var._grad_var = g


def _unshared(gx, owned, double=False):
    """``gx``, copied if its memory is already some other gradient's or read-only.

    A backward may hand the same array to several inputs (``add``) or return a
    read-only broadcast view (``sum``); optimizers update grads in place, so
    each leaf must own its gradient.
    """
    arr = gx._data
    base = getattr(arr, "base", None)
    if base is None:
        # An array owning its memory is writeable unless someone said otherwise.
        key = id(arr)
        copy = key in owned
    else:
        key = id(base)
        copy = key in owned or (type(arr) is _ndarray and not arr.flags.writeable)
    if copy:
        if double and gx._requires_grad:
            # Keep the copy in the graph: the gradient is differentiated again.
            gx, = _CopyGrad().apply((gx,))
            arr = gx._data
        else:
            arr = arr.copy()
            gx = _from_array(arr, False)
        key = id(arr)
    owned.add(key)
    return gx


class _CopyGrad(FunctionNode):
    """A differentiable copy, so two leaves never share one gradient array."""

    def forward(self, inputs):
        return inputs[0].copy(),

    def backward(self, indexes, grad_outputs):
        return grad_outputs


_current_loss_scale = None


def backward(outputs, grad_outputs=None, *, retain_grad=False, enable_double_backprop=False,
             loss_scale=None, caller="kusari.backward"):
    """Backpropagate from several outputs at once (gradients add up).

    Example:
        >>> import numpy as np, kusari
        >>> x = kusari.Variable(np.array([2.0], np.float32))
        >>> kusari.backward([x * 3, x * x]); x.grad
        array([7.], dtype=float32)
    """
    global _current_loss_scale
    if isinstance(outputs, Variable):
        outputs = (outputs,)
    if grad_outputs is not None and len(grad_outputs) != len(outputs):
        raise ValueError(f"{caller}: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    seeds = _seed(outputs, grad_outputs, caller, loss_scale)
    if not seeds:
        return
    _current_loss_scale = loss_scale
    local = _config.config.__dict__
    previous = local.get("enable_backprop", _MISSING)
    local["enable_backprop"] = enable_double_backprop
    try:
        _run(seeds, retain_grad=retain_grad, double=enable_double_backprop)
    finally:
        _current_loss_scale = None
        if previous is _MISSING:
            del local["enable_backprop"]
        else:
            local["enable_backprop"] = previous


def _functions_leading_to(seeds, target_nodes):
    """Ids of the functions behind ``seeds`` that have a target node upstream."""
    funcs = {}
    stack = [n.creator_node for n, _ in seeds if n.creator_node is not None]
    while stack:  # every function behind the seeds
        func = stack.pop()
        if id(func) in funcs:
            continue
        funcs[id(func)] = func
        stack.extend(n.creator_node for n in func.inputs if n.creator_node is not None)
    needed = set()
    # Creators have lower ranks than their consumers: decide them first.
    for func in sorted(funcs.values(), key=lambda f: f.rank):
        for n in func.inputs:
            c = n.creator_node
            if n in target_nodes or (c is not None and id(c) in needed):
                needed.add(id(func))
                break
    return needed


def grad(outputs, inputs, grad_outputs=None, grad_inputs=None, set_grad=False,
         retain_grad=False, enable_double_backprop=False, loss_scale=None):
    """Gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    Returns a list with a Variable (or None when unreachable) per input.  With
    ``enable_double_backprop=True`` the results are differentiable again.

    Example:
        >>> import numpy as np, kusari
        >>> x = kusari.Variable(np.array([3.0], np.float32))
        >>> y = x ** 3
        >>> gx, = kusari.grad([y], [x], enable_double_backprop=True)
        >>> gx.array
        array([27.], dtype=float32)
        >>> ggx, = kusari.grad([gx], [x]); ggx.array
        array([18.], dtype=float32)
    """
    if isinstance(outputs, Variable):
        outputs = [outputs]
    if isinstance(inputs, Variable):
        inputs = [inputs]
    for i, x in enumerate(inputs):
        if not isinstance(x, Variable):
            raise TypeError(f"grad: inputs[{i}] expected a Variable, got {type(x).__name__}")
    if grad_outputs is not None and len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    if grad_inputs is not None and len(grad_inputs) != len(inputs):
        raise ValueError(f"grad: {len(inputs)} inputs but {len(grad_inputs)} grad_inputs")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    seeds = []
    for i, (y, gy) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(y, Variable):
            raise TypeError(f"grad: outputs[{i}] expected a Variable, got {type(y).__name__}")
        if gy is None:
            if y._data.size != 1:
                raise ValueError(
                    f"grad: outputs[{i}] has {y._data.size} elements; pass its grad_outputs entry")
            gy = _from_array(_ones_like(y._data), False)
        else:
            gy = _as_grad_variable(gy, y, "grad", i)
        if loss_scale is not None:
            gy = gy * loss_scale
        seeds.append((y.node, gy))
    targets = {x.node for x in inputs}
    needed = _functions_leading_to(seeds, targets)
    with _config.using_config("enable_backprop", enable_double_backprop):
        results = _run(seeds, retain_grad=retain_grad, targets=targets, needed=needed,
                       double=enable_double_backprop)
        out = [results.get(x._node) for x in inputs]
        if grad_inputs is not None:
            for i, gi in enumerate(grad_inputs):
                if gi is None:
                    continue
                gi = gi if isinstance(gi, Variable) else _from_array(gi, False)
                out[i] = gi if out[i] is None else out[i] + gi
    if set_grad:
        for x, g in zip(inputs, out):
            x._grad_var = g
    return out
