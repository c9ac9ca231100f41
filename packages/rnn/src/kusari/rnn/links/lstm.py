"""``LSTM`` (stateful) and ``StatelessLSTM``: the LSTM layer over one time step.

Both hold two children, exactly as Chainer (so npz files are interchangeable):
``upward`` (Linear ``in_size -> 4H`` with bias) and ``lateral`` (Linear
``H -> 4H``, no bias).  Their outputs are summed and fed to
:func:`kusari.rnn.functions.lstm.lstm`, so rows ``4u .. 4u+3`` of the weights
are unit ``u``'s gates ``a, i, f, o`` (interleaved).  The weights are
initialized in four contiguous blocks of ``H`` rows (Chainer's order of
random draws); the forget-gate biases (``upward.b[2::4]``) start at 1.
"""
from __future__ import annotations

from kusari import initializers
from kusari.backend import using_device
from kusari.link import Chain
from kusari.links.connection.linear import Linear
from kusari.rnn.functions.lstm import lstm
from kusari.utils import size_of_shape, type_check
from kusari.variable import Variable


class LSTMBase(Chain):
    """The parameters shared by :class:`LSTM` and :class:`StatelessLSTM`.

    Args:
        in_size: input size, or None to infer it from the first input
            (``LSTMBase(out_size)`` is the same as ``LSTMBase(None, out_size)``).
        out_size: the number of units ``H``.
        lateral_init: initializer of ``lateral.W`` (default LeCunNormal).
        upward_init: initializer of ``upward.W`` (default LeCunNormal).
        bias_init: initializer of the a, i, o biases (default 0).
        forget_bias_init: initializer of the forget-gate biases (default 1).

    Example:
        >>> from kusari.rnn.links.lstm import LSTMBase
        >>> base = LSTMBase(3, 2)
        >>> base.upward.W.shape, base.lateral.W.shape, base.upward.b.array
        ((8, 3), (8, 2), array([0., 0., 1., 0., 0., 0., 1., 0.], dtype=float32))
    """

    def __init__(self, in_size, out_size=None, lateral_init=None, upward_init=None,
                 bias_init=None, forget_bias_init=None):
        if out_size is None:
            in_size, out_size = None, in_size
        super().__init__()
        self.state_size = out_size
        self.lateral_init = lateral_init
        self.upward_init = upward_init
        self.bias_init = 0 if bias_init is None else bias_init
        self.forget_bias_init = 1 if forget_bias_init is None else forget_bias_init
        with self.init_scope():
            # Zeros first; _initialize_params then fills them block by block.
            self.upward = Linear(in_size, 4 * out_size, initialW=0)
            self.lateral = Linear(out_size, 4 * out_size, initialW=0, nobias=True)
        if in_size is not None:
            self._initialize_params()

    def _initialize_params(self):
        lateral_init = initializers._get_initializer(self.lateral_init)
        upward_init = initializers._get_initializer(self.upward_init)
        bias_init = initializers._get_initializer(self.bias_init)
        forget_bias_init = initializers._get_initializer(self.forget_bias_init)
        size = self.state_size
        # One block of rows per gate, lateral before upward: Chainer's draw order.
        for start in range(0, 4 * size, size):
            lateral_init(self.lateral.W.array[start:start + size, :])
            upward_init(self.upward.W.array[start:start + size, :])
        gates = self.upward.b.array.reshape(1, size, 4, 1)
        bias_init(gates[:, :, 0])
        bias_init(gates[:, :, 1])
        forget_bias_init(gates[:, :, 2])
        bias_init(gates[:, :, 3])

    def _initialize_lazily(self, x):
        if self.upward.W.array is None:
            with using_device(self.device):
                self.upward._initialize_params(size_of_shape(x.shape[1:]))
                self._initialize_params()

    @property
    def printable_specs(self):
        yield "in_size", self.upward.W.shape[1] if self.upward.W.array is not None else None
        yield "out_size", self.state_size

    def _zeros(self, batch, dtype):
        return Variable(self.xp.zeros((batch, self.state_size), dtype=dtype))


class StatelessLSTM(LSTMBase):
    """LSTM layer without state: ``forward(c, h, x) -> (c_new, h_new)``.

    Same constructor and parameters as :class:`LSTM`.  ``c`` and ``h`` may be
    None (zeros of ``x``'s batch size).

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.lstm import StatelessLSTM
        >>> layer = StatelessLSTM(3, 2)
        >>> x = np.ones((4, 3), np.float32)
        >>> c, h = layer(None, None, x)
        >>> c, h = layer(c, h, x)
        >>> c.shape, h.shape
        ((4, 2), (4, 2))
    """

    def forward(self, c, h, x):
        self._initialize_lazily(x)
        lstm_in = self.upward(x)
        if h is not None:
            lstm_in = lstm_in + self.lateral(h)
        if c is None:
            c = self._zeros(x.shape[0], x.dtype)
        return lstm(c, lstm_in)


class LSTM(LSTMBase):
    """Stateful LSTM layer (Chainer's ``L.LSTM``): keeps ``c`` and ``h`` between calls.

    Args:
        in_size: input size, or None (or give only ``out_size``:
            ``LSTM(out_size)``) to infer it from the first input.
        out_size: the number of units ``H``.
        lateral_init, upward_init, bias_init, forget_bias_init: as in
            :class:`LSTMBase` (forget-gate biases start at 1).

    Attributes:
        upward: Linear ``in_size -> 4H`` (gates interleaved per unit: a, i, f, o).
        lateral: Linear ``H -> 4H`` without bias, applied to the previous ``h``.
        c, h: the cell state and output of the last step (None after
            :meth:`reset_state`).

    A call with fewer rows than the state updates only the first rows; the
    others keep their ``c`` and ``h`` (a batch of length-sorted sequences that
    end one after another).  More rows than the state is an error.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.links.lstm import LSTM
        >>> rnn = LSTM(3, 2)
        >>> rnn(np.ones((4, 3), np.float32)).shape
        (4, 2)
        >>> rnn(np.ones((3, 3), np.float32)).shape    # the last row keeps its state
        (3, 2)
        >>> rnn.h.shape, rnn.c.shape
        ((4, 2), (4, 2))
        >>> rnn.reset_state()
        >>> rnn.h is None
        True
    """

    def __init__(self, in_size, out_size=None, lateral_init=None, upward_init=None,
                 bias_init=None, forget_bias_init=None):
        super().__init__(in_size, out_size, lateral_init, upward_init, bias_init, forget_bias_init)
        self.reset_state()

    def to_device(self, device):
        """Send the parameters and the state to ``device``; returns self."""
        super().to_device(device)
        for state in (self.c, self.h):
            if state is not None:
                state.to_device(self.device)
        return self

    def set_state(self, c, h):
        """Set the cell state ``c`` and output ``h`` (Variables of shape ``(B, H)``).

        Example:
            >>> import numpy as np, kusari
            >>> from kusari.rnn.links.lstm import LSTM
            >>> rnn = LSTM(3, 2)
            >>> rnn.set_state(kusari.Variable(np.zeros((1, 2), np.float32)),
            ...               kusari.Variable(np.ones((1, 2), np.float32)))
            >>> rnn.h.array
            array([[1., 1.]], dtype=float32)
        """
        for name, value in (("c", c), ("h", h)):
            if not isinstance(value, Variable):
                type_check.fail("LSTM.set_state", name, "a Variable", type(value).__name__)
        c.to_device(self.device)
        h.to_device(self.device)
        self.c = c
        self.h = h

    def reset_state(self):
        """Forget the state: the next call starts from zeros."""
        self.c = self.h = None

    def forward(self, x):
        """One step: ``x`` of shape ``(b, in_size)`` -> ``h`` of shape ``(b, H)``."""
        self._initialize_lazily(x)
        batch = x.shape[0]
        lstm_in = self.upward(x)
        h_rest = None
        if self.h is not None:
            import kusari.functions as F

            rows = self.h.shape[0]
            if batch == 0:
                h_rest = self.h
            elif rows < batch:
                type_check.fail("LSTM", "x", f"at most {rows} rows (the batch size of the state h)",
                                f"{batch} (shape {tuple(x.shape)})")
            elif rows > batch:
                h_update, h_rest = F.split_axis(self.h, [batch], axis=0)
                lstm_in = lstm_in + self.lateral(h_update)
            else:
                lstm_in = lstm_in + self.lateral(self.h)
        if self.c is None:
            self.c = self._zeros(batch, x.dtype)
        self.c, y = lstm(self.c, lstm_in)
        if h_rest is None:
            self.h = y
        elif batch == 0:
            self.h = h_rest
        else:
            import kusari.functions as F

            self.h = F.concat((y, h_rest), axis=0)
        return y
