"""The shared driver of the NStep RNN functions: layers, directions, dropout, packing, dispatch.

Layout.  The functional ``n_step_*`` take ``xs`` time-major: ``xs[t]`` is
``(B_t, in_size)`` with non-increasing ``B_t``.  Concatenated, these rows are
the *packed* layout: the rows of step ``t`` are ``offsets[t]:offsets[t]+B_t``
and its active sequences are rows ``[:B_t]`` of the state.  So per layer and
direction the input projection of every step is ONE matrix product
``X @ Wx^T`` over the packed ``(sum B_t, in)`` array, and the time loop does
one ``(B_t, H) @ (H, G*H)`` product per step on the shrinking batch.

Graph.  The whole n-layer, n-direction computation is one
:class:`NStepRNNFunction` node with inputs ``(hx, [cx], *ws, *bs, *xs)``
(``ws``/``bs`` flattened in order) and outputs ``(hy, [cy], *ys)``.  Its
backward is analytic and works on arrays: the gradient is **first order
only** (like Chainer's cuDNN path) -- differentiating the gradient again is
not supported.

Cells (``_lstm.py``-style objects in the ``n_step_*`` modules) implement
``stack`` (Chainer's weight list -> fused matrices), ``forward`` (the time
loop), ``backward`` (the reverse loop) and ``unstack`` (fused gradients ->
Chainer's list); both loops run over :func:`step_rows`.  Chainer's dropout semantics: with ``config.train`` each
layer after the first sees its input through a fresh dropout mask per
direction; the first layer's input is never dropped.

Kernels.  Before the generic code, :func:`dispatch` asks
``kusari.plugins.lookup_kernel(op, backend_name)`` (``op`` is
``'n_step_lstm'``, ``'n_step_gru'`` or ``'n_step_rnn'``; the bidirectional
variants use the same op with ``use_bi_direction=True``).  The calling
convention (what kusari-cuda's cuDNN kernels implement)::

    kernel(n_layers, dropout_ratio, hx, cx, ws, bs, xs, *, use_bi_direction, activation)
        -> (hy, cy, ys)

* arguments are already validated; ``hx``/``cx`` are never None (zeros of
  shape ``(n_layers * n_dir, B, H)`` are filled in); ``cx`` is None and the
  returned ``cy`` must be None for GRU/RNN; ``activation`` is ``'tanh'`` or
  ``'relu'`` for RNN and None otherwise;
* ``hx``, ``cx``, the entries of ``ws`` (lists of 8/6/2 matrices per
  layer-direction), ``bs`` and ``xs`` (time-major list) are Variables or
  arrays, exactly as the caller gave them (kernels should accept both);
* it returns Variables connected to the graph (``ys`` a tuple, time-major);
* it may return ``NotImplemented`` to fall back to the generic code (e.g. an
  unsupported dtype).
"""
from __future__ import annotations

import contextlib
import functools

import numpy

from kusari import _config, _parallel
from kusari.function_node import FunctionNode
from kusari.rnn.functions import _sequence_groups
from kusari.utils import type_check
from kusari.variable import Variable


@functools.cache
def _blas_controller():
    """threadpoolctl's controller, built once (it scans the loaded libraries), or None."""
    try:
        import threadpoolctl

        return threadpoolctl.ThreadpoolController()
    except Exception:  # not installed, or no BLAS it can control
        return None


def blas_single_thread(xp):
    """A context in which NumPy's BLAS runs on one thread (a no-op elsewhere).

    The time loops multiply ``(B_t, H)`` by ``(H, G*H)`` once per step: too
    small to split across threads, and OpenBLAS's hand-off to its worker
    threads then dominates (measured on a busy 2-core machine: 2 GFLOP/s with
    two threads against 77 with one for a 64-row product).  The large
    products outside the loops keep all threads.  Uses ``threadpoolctl`` when
    it is installed; without it this does nothing.
    """
    controller = _blas_controller() if xp is numpy else None
    if controller is None:
        return contextlib.nullcontext()
    return controller.limit(limits=1, user_api="blas")


# Least packed rows x hidden units of one direction for its time loop to get
# a thread of its own: below it the hand-off costs more than it saves.
_PARALLEL_DIRECTION_ELEMENTS = 1 << 14


def _run_directions(xp, loops, elements):
    """Call each direction's time loop (a no-argument callable); returns their results in order.

    The directions of a bidirectional layer are independent; NumPy releases
    the GIL in its products and ufuncs, so two threads (kusari._parallel's
    pool) run the two time loops about 1.3x faster than one after the other
    (measured: the per-step Python work still takes turns on the GIL).
    Each direction is computed exactly as it is serially.
    """
    if len(loops) == 1 or xp is not numpy or elements < _PARALLEL_DIRECTION_ELEMENTS:
        return [loop() for loop in loops]
    results = [None] * len(loops)

    def run(start, stop):
        for d in range(start, stop):
            results[d] = loops[d]()

    _parallel.for_ranges(run, len(loops), grain=1)
    return results


def step_rows(batches, offsets, reverse):
    """``(batch size, first row, end row)`` of each non-empty step, in a time loop's order.

    The cells' time loops iterate over this list (built once, before the
    loop), so each step only unpacks a tuple: rows ``first:end`` of the
    packed arrays, rows ``:batch size`` of the state.  ``reverse`` is the
    backward-in-time direction; a backward pass walks the forward's order
    backwards, ``reversed(step_rows(batches, offsets, reverse))``.

    Example:
        >>> step_rows([2, 1, 0], [0, 2, 3, 3], reverse=False)
        [(2, 0, 2), (1, 2, 3)]
        >>> step_rows([2, 1, 0], [0, 2, 3, 3], reverse=True)
        [(1, 2, 3), (2, 0, 2)]
    """
    rows = [(b, s, s + b) for b, s in zip(batches, offsets) if b]
    if reverse:
        rows.reverse()
    return rows


def _data(x):
    return x._data if isinstance(x, Variable) else x


def _xp(x):
    if type(x) is numpy.ndarray:
        return numpy
    from kusari import backend

    return backend.get_array_module(x)


class NStepRNNFunction(FunctionNode):
    """All layers and directions of one NStep RNN as one graph node.

    Inputs ``(hx, [cx], *ws_flat, *bs_flat, *xs)``, outputs ``(hy, [cy], *ys)``.
    """

    def __init__(self, cell, n_layers, n_dir, dropout_ratio, n_steps):
        self.cell = cell
        self.n_layers = n_layers
        self.n_dir = n_dir
        self.dropout_ratio = dropout_ratio
        self.n_steps = n_steps

    @property
    def label(self):
        return self.cell.name

    def _split_inputs(self, inputs):
        cell = self.cell
        i = 0
        hx = inputs[i]
        i += 1
        cx = None
        if cell.has_cell:
            cx = inputs[i]
            i += 1
        n = self.n_layers * self.n_dir * cell.n_weights
        ws = inputs[i:i + n]
        bs = inputs[i + n:i + 2 * n]
        xs = inputs[i + 2 * n:]
        return hx, cx, ws, bs, xs

    def forward(self, inputs):
        hx, cx, ws, bs, xs = self._split_inputs(inputs)
        cell = self.cell
        xp = _xp(hx)
        n_dir = self.n_dir
        nw = cell.n_weights
        batches = [int(x.shape[0]) for x in xs]
        offsets = [0]
        for b in batches:
            offsets.append(offsets[-1] + b)
        self._batches = batches
        self._offsets = offsets
        H = hx.shape[2]
        X = xp.concatenate(xs, axis=0) if len(xs) > 1 else xs[0]
        use_dropout = self.dropout_ratio > 0 and _config.config.train
        scale = 1.0 / (1.0 - self.dropout_ratio) if use_dropout else 1.0
        hy = xp.empty_like(hx)
        cy = xp.empty_like(cx) if cx is not None else None
        self._saved = []
        groups = _sequence_groups.plan(xp, batches, offsets, n_dir)
        for layer in range(self.n_layers):
            # Masks and input projections direction by direction (the random
            # draws in Chainer's order), then the time loops, which are
            # independent across directions and may run side by side.
            prepared = []
            for d in range(n_dir):
                idx = layer * n_dir + d
                w = ws[idx * nw:(idx + 1) * nw]
                b = bs[idx * nw:(idx + 1) * nw]
                Wx, Wh, bx, bh = cell.stack(xp, w, b)
                inp = X
                mask = None
                if layer > 0 and use_dropout:
                    mask = xp.random.rand(*X.shape) >= self.dropout_ratio
                    mask = mask.astype(X.dtype)
                    mask *= X.dtype.type(scale)
                    inp = X * mask
                XW = inp @ Wx.T
                XW += bx
                prepared.append((inp, mask, Wx, Wh, bh, XW))
            if groups is None:
                loops = [functools.partial(cell.forward, xp, XW, Wh, bh, hx[layer * n_dir + d],
                                           None if cx is None else cx[layer * n_dir + d],
                                           batches, offsets, reverse=(d == 1))
                         for d, (_, _, _, Wh, bh, XW) in enumerate(prepared)]
            else:  # one direction, a wide batch: groups of sequences side by side
                _, _, _, Wh, bh, XW = prepared[0]
                loops = [functools.partial(_sequence_groups.forward, cell, xp, groups, XW, Wh, bh,
                                           hx[layer], None if cx is None else cx[layer], False)]
            with blas_single_thread(xp):
                results = _run_directions(xp, loops, X.shape[0] * H)
            saved_layer = []
            layer_out = None
            for d in range(n_dir):
                idx = layer * n_dir + d
                h, c, Y, state = results[d]
                inp, mask, Wx, Wh, _, _ = prepared[d]
                hy[idx] = h
                if cy is not None:
                    cy[idx] = c
                saved_layer.append((inp, mask, Wx, Wh, state))
                if n_dir == 1:
                    layer_out = Y
                else:
                    if layer_out is None:
                        layer_out = xp.empty((X.shape[0], n_dir * H), X.dtype)
                    layer_out[:, d * H:(d + 1) * H] = Y
            self._saved.append(saved_layer)
            X = layer_out
        ys = tuple(X[offsets[t]:offsets[t + 1]] for t in range(len(batches)))
        head = (hy, cy) if cell.has_cell else (hy,)
        return head + ys

    def backward(self, indexes, grad_outputs):
        cell = self.cell
        n_dir = self.n_dir
        nw = cell.n_weights
        batches, offsets = self._batches, self._offsets
        n_head = 2 if cell.has_cell else 1
        ghy = grad_outputs[0]
        gcy = grad_outputs[1] if cell.has_cell else None
        gys = grad_outputs[n_head:]
        in_nodes = self.inputs
        hx_shape = in_nodes[0].shape
        dtype = in_nodes[0].dtype
        L, B, H = hx_shape
        xp = _xp(self._saved[0][0][0])
        N = offsets[-1]
        gY = xp.zeros((N, n_dir * H), dtype)
        for t, g in enumerate(gys):
            if g is not None:
                gY[offsets[t]:offsets[t + 1]] = g._data
        ghy = xp.zeros(hx_shape, dtype) if ghy is None else ghy._data
        if cell.has_cell:
            gcy = xp.zeros(hx_shape, dtype) if gcy is None else gcy._data
        ghx = xp.empty(hx_shape, dtype)
        gcx = xp.empty(hx_shape, dtype) if cell.has_cell else None
        n_w = self.n_layers * n_dir * nw
        gws = [None] * n_w
        gbs = [None] * n_w
        need_x = any(i >= n_head + 2 * n_w for i in indexes)
        for layer in reversed(range(self.n_layers)):
            g_in = None
            loops = []
            for d, (_, _, _, Wh, state) in enumerate(self._saved[layer]):
                gYd = gY if n_dir == 1 else gY[:, d * H:(d + 1) * H]
                gh_d = ghy[layer * n_dir + d]
                gc_d = None if gcx is None else gcy[layer * n_dir + d]
                if isinstance(state, _sequence_groups.GroupedState):
                    loops.append(functools.partial(_sequence_groups.backward, cell, xp, state, gYd,
                                                   gh_d, gc_d, Wh, d == 1))
                else:
                    loops.append(functools.partial(cell.backward, xp, state, gYd, gh_d, gc_d,
                                                   Wh, batches, offsets, reverse=(d == 1)))
            with blas_single_thread(xp):
                results = _run_directions(xp, loops, N * H)
            for d in range(n_dir):
                idx = layer * n_dir + d
                inp, mask, Wx, Wh, state = self._saved[layer][d]
                dGx, dGh, Hprev, gh0, gc0 = results[d]
                ghx[idx] = gh0
                if gcx is not None:
                    gcx[idx] = gc0
                gWx = dGx.T @ inp
                gWh = dGh.T @ Hprev
                gbx = dGx.sum(axis=0)
                gbh = gbx if dGh is dGx else dGh.sum(axis=0)
                gw, gb = cell.unstack(gWx, gWh, gbx, gbh)
                gws[idx * nw:(idx + 1) * nw] = gw
                gbs[idx * nw:(idx + 1) * nw] = gb
                if layer > 0 or need_x:
                    gi = dGx @ Wx
                    if mask is not None:
                        gi *= mask
                    if g_in is None:
                        g_in = gi
                    else:
                        g_in += gi
            self._saved[layer] = None  # free as we go
            gY = g_in
        head = [ghx, gcx] if cell.has_cell else [ghx]
        if need_x:
            gxs = [gY[offsets[t]:offsets[t + 1]] for t in range(len(batches))]
        else:
            gxs = [None] * len(batches)
        grads = head + gws + gbs + gxs
        return tuple(grads[i] for i in indexes)


def _shape(a):
    return tuple(a.shape)


def check_args(func, cell, n_layers, dropout_ratio, hx, cx, ws, bs, xs, n_dir):
    """Validate the arguments of an ``n_step_*`` function; returns ``(H, batch, dtype)``."""
    if type(n_layers) is not int or n_layers < 1:
        type_check.fail(func, "n_layers", "a positive int", repr(n_layers))
    if not 0 <= float(dropout_ratio) < 1:
        type_check.fail(func, "dropout_ratio", "a float in [0, 1)", repr(dropout_ratio))
    if not isinstance(xs, (list, tuple)) or len(xs) == 0:
        type_check.fail(func, "xs", "a non-empty list of (B_t, in_size) arrays (time-major)",
                        repr(type(xs).__name__) if not isinstance(xs, (list, tuple)) else "an empty list")
    x0 = _data(xs[0])
    type_check.expect_ndim(func, "xs[0]", x0, 2)
    type_check.expect_float(func, "xs[0]", x0)
    dtype = x0.dtype
    in_size = x0.shape[1]
    prev = x0.shape[0]
    for t in range(1, len(xs)):
        x = _data(xs[t])
        if x.ndim != 2 or x.shape[1] != in_size or x.dtype != dtype:
            type_check.fail(func, f"xs[{t}]", f"a {dtype} array of shape (B_t, {in_size})",
                            f"{x.dtype} array of shape {_shape(x)}")
        if x.shape[0] > prev:
            type_check.fail(func, "xs", "non-increasing batch sizes B_t (time-major xs sorted by length, "
                            "as transpose_sequence makes them)",
                            f"B_{t - 1}={prev} < B_{t}={x.shape[0]}")
        prev = x.shape[0]
    batch = x0.shape[0]
    n_total = n_layers * n_dir
    nw = cell.n_weights
    for name, lst in (("ws", ws), ("bs", bs)):
        if not isinstance(lst, (list, tuple)) or len(lst) != n_total:
            got = f"length {len(lst)}" if isinstance(lst, (list, tuple)) else type(lst).__name__
            type_check.fail(func, name, f"a list of {n_total} lists (n_layers * {n_dir} directions)", got)
        for i, item in enumerate(lst):
            if not isinstance(item, (list, tuple)) or len(item) != nw:
                got = f"length {len(item)}" if isinstance(item, (list, tuple)) else type(item).__name__
                type_check.fail(func, f"{name}[{i}]", f"a list of {nw} arrays", got)
    H = _data(ws[0][nw - 1]).shape[0]
    for i in range(n_total):
        layer_in = in_size if i < n_dir else n_dir * H
        for j in range(nw):
            w = _data(ws[i][j])
            shape = (H, layer_in) if j < nw // 2 else (H, H)
            if _shape(w) != shape or w.dtype != dtype:
                type_check.fail(func, f"ws[{i}][{j}]", f"a {dtype} array of shape {shape}",
                                f"{w.dtype} array of shape {_shape(w)}")
            b = _data(bs[i][j])
            if _shape(b) != (H,) or b.dtype != dtype:
                type_check.fail(func, f"bs[{i}][{j}]", f"a {dtype} array of shape ({H},)",
                                f"{b.dtype} array of shape {_shape(b)}")
    for name, s in (("hx", hx), ("cx", cx)):
        if s is None:
            continue
        s = _data(s)
        if _shape(s) != (n_total, batch, H) or s.dtype != dtype:
            type_check.fail(func, name, f"a {dtype} array of shape ({n_total}, {batch}, {H}) "
                            "(n_layers * n_dir, B_0, hidden)", f"{s.dtype} array of shape {_shape(s)}")
    return H, batch, dtype


def n_step(func, op, cell, n_layers, dropout_ratio, hx, cx, ws, bs, xs, n_dir, activation=None):
    """Validate, try a registered kernel, else run :class:`NStepRNNFunction`.

    Returns ``(hy, cy, ys)`` (``cy`` None for cells without a memory cell).
    """
    H, batch, dtype = check_args(func, cell, n_layers, dropout_ratio, hx, cx, ws, bs, xs, n_dir)
    x0 = _data(xs[0])
    xp = _xp(x0)
    shape = (n_layers * n_dir, batch, H)
    if hx is None:
        hx = xp.zeros(shape, dtype)
    if cell.has_cell and cx is None:
        cx = xp.zeros(shape, dtype)
    from kusari import backend, plugins

    kernel = plugins.lookup_kernel(op, backend.get_device_from_array(x0).backend_name)
    if kernel is not None:
        out = kernel(n_layers, dropout_ratio, hx, cx, ws, bs, xs,
                     use_bi_direction=n_dir == 2, activation=activation)
        if out is not NotImplemented:
            return out
    flat_w = [w for ww in ws for w in ww]
    flat_b = [b for bb in bs for b in bb]
    head = (hx, cx) if cell.has_cell else (hx,)
    outs = NStepRNNFunction(cell, n_layers, n_dir, float(dropout_ratio), len(xs)).apply(
        head + tuple(flat_w) + tuple(flat_b) + tuple(xs))
    if cell.has_cell:
        return outs[0], outs[1], outs[2:]
    return outs[0], None, outs[1:]
