"""Stacked RNN links over lists of variable-length sequences (Chainer's ``NStep*`` links).

The links own one child Link per layer and direction holding ``w0..w{n-1}``
and ``b0..b{n-1}`` (Chainer's npz layout), take one array per sequence in any
order, and hand the time-major, length-sorted batch to the functional
``n_step_*``; outputs come back in the caller's order.
"""
from __future__ import annotations

import numpy

from kusari import initializers
from kusari.functions.array.concat import concat
from kusari.functions.array.permutate import permutate
from kusari.functions.array.split_axis import split_axis
from kusari.link import ChainList, Link
from kusari.rnn.functions.n_step_rnn import n_step_birnn, n_step_rnn
from kusari.utils import type_check
from kusari.variable import Parameter


def _time_major_packing(lengths):
    """Row order and step sizes of the packed time-major layout of length-sorted sequences.

    ``lengths`` is non-increasing.  Returns ``(index, batch_sizes)``: row
    ``k`` of the packed array is row ``index[k]`` of the sequences
    concatenated one after another (steps ``t = 0, 1, ...`` in turn, the
    ``batch_sizes[t]`` sequences still running at step ``t`` within each),
    which is what ``transpose_sequence`` followed by ``concatenate`` gives.
    """
    starts = numpy.concatenate(([0], numpy.cumsum(lengths)[:-1]))
    steps = numpy.arange(int(lengths[0]))
    running = lengths[None, :] > steps[:, None]  # (T, B), row-major = time-major
    index = (starts[None, :] + steps[:, None])[running]
    return index.astype(numpy.int32), running.sum(axis=1)


class NStepRNNBase(ChainList):
    """Base of the stacked RNN links; subclasses set ``n_weights``, ``use_bi_direction`` and ``rnn``.

    Args:
        n_layers: the number of layers.
        in_size: the input size; None infers it from the first input.
        out_size: the size of the hidden states (and of each direction's output).
        dropout: the dropout ratio applied to the input of every layer but the first
            (in training mode, ``kusari.config.train``).
        initialW: initializer, array or scalar for every weight (default
            ``LeCunNormal()``: N(0, 1/fan_in)).
        initial_bias: initializer, array or scalar for every bias (default 0).

    Attributes:
        n_layers, out_size, dropout, direction (1 or 2), in_size (None until known).
        ws, bs: ``ws[layer * direction + d]`` is the list of that layer-direction's weights.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.n_step_rnn import NStepRNNTanh
        >>> rnn = NStepRNNTanh(1, 3, 4, 0.0)
        >>> xs = [np.ones((2, 3), np.float32), np.ones((5, 3), np.float32)]
        >>> hy, ys = rnn(None, xs)
        >>> hy.shape, [y.shape for y in ys]
        ((1, 2, 4), [(2, 4), (5, 4)])
    """

    n_weights = 2
    use_bi_direction = False

    def __init__(self, n_layers, in_size, out_size, dropout, *, initialW=None, initial_bias=None):
        super().__init__()
        direction = 2 if self.use_bi_direction else 1
        W_init = initializers._get_initializer(initialW)
        b_init = initializers._get_initializer(0 if initial_bias is None else initial_bias)
        n_input_weights = self.n_weights // 2
        for layer in range(n_layers):
            layer_in = in_size if layer == 0 else out_size * direction
            for _ in range(direction):
                cell = Link()
                with cell.init_scope():
                    for j in range(self.n_weights):
                        w_in = layer_in if j < n_input_weights else out_size
                        # w_in None: the first layer's input weights wait for the first input.
                        w_shape = None if w_in is None else (out_size, w_in)
                        setattr(cell, f"w{j}", Parameter(W_init, w_shape))
                        setattr(cell, f"b{j}", Parameter(b_init, (out_size,)))
                self.add_link(cell)
        self.n_layers = n_layers
        self.in_size = in_size
        self.out_size = out_size
        self.dropout = dropout
        self.direction = direction

    @property
    def ws(self):
        """Weights per layer-direction, read from the children (so copies stay consistent)."""
        return [[getattr(cell, f"w{j}") for j in range(self.n_weights)] for cell in self]

    @property
    def bs(self):
        """Biases per layer-direction, read from the children."""
        return [[getattr(cell, f"b{j}") for j in range(self.n_weights)] for cell in self]

    @property
    def n_cells(self):
        """How many state arrays the cell carries (1; 2 for LSTMs: h and c)."""
        return 1

    @property
    def printable_specs(self):
        yield "n_layers", self.n_layers
        yield "in_size", self.in_size
        yield "out_size", self.out_size
        yield "dropout", self.dropout

    def rnn(self, *args):
        """Call the functional n_step_* with time-major ``xs`` (set by subclasses)."""
        raise NotImplementedError

    def init_hx(self, xs):
        """A zero initial state of shape ``(n_layers * direction, len(xs), out_size)``."""
        from kusari.variable import Variable

        shape = (self.n_layers * self.direction, len(xs), self.out_size)
        return Variable(self.xp.zeros(shape, dtype=xs[0].dtype))

    def forward(self, hx, xs):
        """Run the stack over ``xs``.

        Args:
            hx: the initial hidden states ``(n_layers * direction, B, out_size)``
                (row ``b`` for ``xs[b]``), or None for zeros.
            xs: a list of ``B`` arrays or Variables of shape ``(L_i, in_size)``,
                ``L_i >= 1``, in any order.

        Returns:
            ``(hy, ys)``: ``hy`` the final hidden states, shaped like ``hx``;
            ``ys`` a list of ``(L_i, out_size * direction)`` Variables, the last
            layer's outputs for ``xs[i]``.
        """
        (hy,), ys = self._call([hx], xs)
        return hy, ys

    # ---- shared machinery -------------------------------------------------------
    def _check_inputs(self, states, xs):
        name = type(self).__name__
        if not isinstance(xs, (list, tuple)) or not xs:
            shown = f"an empty {type(xs).__name__}" if isinstance(xs, (list, tuple)) else type(xs).__name__
            type_check.fail(name, "xs", "a non-empty list or tuple of sequences", shown)
        feature = self.in_size if self.in_size is not None else xs[0].shape[-1] if xs[0].ndim else None
        note = f"(in_size {self.in_size})" if self.in_size is not None else "(in_size of xs[0])"
        for i, x in enumerate(xs):
            type_check.expect_ndim(name, f"xs[{i}]", x, 2)
            type_check.expect_shape(name, f"xs[{i}]", x, (None, feature), note)
            if len(x) == 0:
                type_check.fail(name, f"xs[{i}]", "a sequence of length >= 1", "length 0")
        state_shape = (self.n_layers * self.direction, len(xs), self.out_size)
        for arg, h in zip(("hx", "cx"), states, strict=False):
            if h is not None:
                type_check.expect_shape(name, arg, h, state_shape,
                                        "(n_layers * direction, len(xs), out_size)")

    def _call(self, states, xs):
        """Sort by length, go time-major, run ``rnn`` and put everything back in the caller's order."""
        self._check_inputs(states, xs)
        if self.in_size is None:
            self._initialize_input_weights(xs[0].shape[1])
        lengths = numpy.fromiter((len(x) for x in xs), numpy.int64, len(xs))
        # Stable, so equal-length sequences keep their order (the identity needs no permutation).
        order = numpy.argsort(-lengths, kind="stable")
        identity = bool((order == numpy.arange(len(xs))).all())
        if not identity:
            xs = [xs[i] for i in order]
            perm = self.xp.asarray(order.astype(numpy.int32))
            states = [None if h is None else permutate(h, perm, axis=1) for h in states]
        sorted_lengths = lengths[order]
        packing, batch_sizes = _time_major_packing(sorted_lengths)
        packing = self.xp.asarray(packing)
        # Three graph nodes (concat, one row permutation, split) instead of
        # transpose_sequence's per-step stacking: the same layout, vectorised.
        flat = concat(xs, axis=0) if len(xs) > 1 else xs[0]
        packed = permutate(flat, packing) if len(xs) > 1 else flat
        xs_time = split_axis(packed, numpy.cumsum(batch_sizes)[:-1].tolist(), axis=0)
        results = self.rnn(self.n_layers, self.dropout, *states, self.ws, self.bs, list(xs_time))
        ys_time = results[-1]
        ys_packed = concat(ys_time, axis=0) if len(ys_time) > 1 else ys_time[0]
        ys_flat = permutate(ys_packed, packing, inv=True) if len(xs) > 1 else ys_packed
        ys = list(split_axis(ys_flat, numpy.cumsum(sorted_lengths)[:-1].tolist(), axis=0))
        finals = list(results[:-1])
        if not identity:
            restored = [None] * len(ys)
            for sorted_pos, original in enumerate(order.tolist()):
                restored[original] = ys[sorted_pos]
            ys = restored
            finals = [permutate(h, perm, axis=1, inv=True) for h in finals]
        return finals, ys

    def _initialize_input_weights(self, in_size):
        for d in range(self.direction):
            cell = self[d]
            for j in range(self.n_weights // 2):
                w = getattr(cell, f"w{j}")
                if not w.is_initialized:
                    w.initialize((self.out_size, in_size))
        self.in_size = in_size

    def serialize(self, serializer):
        super().serialize(serializer)
        # Loading an npz into a lazy link fills the first layer's weights: learn in_size from them.
        if self.in_size is None and len(self) and self[0].w0.is_initialized:
            self.in_size = self[0].w0.shape[1]


class _NStepElmanRNN(NStepRNNBase):
    """The four Elman RNN links: subclasses set ``activation`` and ``use_bi_direction``."""

    def rnn(self, *args):
        n_step = n_step_birnn if self.use_bi_direction else n_step_rnn
        return n_step(*args, activation=self.activation)


class NStepRNNTanh(_NStepElmanRNN):
    """Stacked uni-directional tanh RNN over a list of sequences: ``h' = tanh(W0 x + b0 + W1 h + b1)``.

    Each layer-direction child holds ``w0`` ``(out_size, in)`` / ``b0`` for the
    input and ``w1`` ``(out_size, out_size)`` / ``b1`` for the hidden state.
    See :class:`NStepRNNBase` for the arguments and ``forward(hx, xs) -> (hy, ys)``.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.n_step_rnn import NStepRNNTanh
        >>> rnn = NStepRNNTanh(2, None, 4, 0.0)
        >>> hy, ys = rnn(None, [np.ones((3, 5), np.float32)])
        >>> rnn[0].w0.shape, rnn[1].w0.shape, hy.shape, ys[0].shape
        ((4, 5), (4, 4), (2, 1, 4), (3, 4))
    """

    use_bi_direction = False
    activation = "tanh"


class NStepRNNReLU(_NStepElmanRNN):
    """Stacked uni-directional ReLU RNN over a list of sequences: ``h' = relu(W0 x + b0 + W1 h + b1)``.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.n_step_rnn import NStepRNNReLU
        >>> rnn = NStepRNNReLU(1, 2, 3, 0.0)
        >>> hy, ys = rnn(None, [np.ones((4, 2), np.float32)])
        >>> bool((ys[0].array >= 0).all())
        True
    """

    use_bi_direction = False
    activation = "relu"


class NStepBiRNNTanh(_NStepElmanRNN):
    """Stacked bi-directional tanh RNN; outputs concatenate the forward and backward states.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.n_step_rnn import NStepBiRNNTanh
        >>> rnn = NStepBiRNNTanh(2, 3, 4, 0.0)
        >>> len(rnn), rnn[2].w0.shape
        (4, (4, 8))
        >>> hy, ys = rnn(None, [np.ones((2, 3), np.float32)])
        >>> hy.shape, ys[0].shape
        ((4, 1, 4), (2, 8))
    """

    use_bi_direction = True
    activation = "tanh"


class NStepBiRNNReLU(_NStepElmanRNN):
    """Stacked bi-directional ReLU RNN; outputs concatenate the forward and backward states.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.n_step_rnn import NStepBiRNNReLU
        >>> rnn = NStepBiRNNReLU(1, 3, 2, 0.0)
        >>> hy, ys = rnn(None, [np.ones((2, 3), np.float32), np.ones((1, 3), np.float32)])
        >>> hy.shape, [y.shape for y in ys]
        ((2, 2, 2), [(2, 4), (1, 4)])
    """

    use_bi_direction = True
    activation = "relu"
