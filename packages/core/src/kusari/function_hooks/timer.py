"""``TimerHook``: how long each function's forward and backward takes.

CPU work is timed with ``time.perf_counter``.  For CuPy arrays the hook
records CUDA events around the call and waits for the second one, so the
time is what the GPU spent, not how long the launch took (as Chainer).
Nested calls (functions a backward applies) are recorded too, but only the
outermost ones count towards :meth:`TimerHook.total_time`.
"""
from __future__ import annotations

import numpy

from kusari._hook_support import TIME_UNITS, CallTimer, print_time_report
from kusari.function_hook import FunctionHook

_HOST_TYPES = (numpy.ndarray, numpy.generic)


def _function_name(function) -> str:
    return getattr(function, "_impl_name", None) or type(function).__name__


def _array_module(arrays):
    for a in arrays:
        if a is not None and not isinstance(a, _HOST_TYPES):
            from kusari import backend

            return backend.get_array_module(*arrays)
    return numpy


class TimerHook(CallTimer, FunctionHook):
    """Measures the time each function's forward and backward takes.

    Attributes:
        call_history: a list of ``(function name, seconds)``, one per call, in
            the order the calls finished.  The name is the function's class
            (the wrapped class for an old-style ``Function``).

    Example:
        >>> import numpy as np, kusari
        >>> import kusari.functions as F
        >>> from kusari.function_hooks import TimerHook
        >>> x = kusari.Variable(np.ones((2, 3), np.float32))
        >>> with TimerHook() as hook:
        ...     loss = F.sum(F.relu(x))
        ...     loss.backward()
        >>> sorted(hook.summary())
        ['ReLU', 'Sum']
        >>> hook.summary()['ReLU']['occurrence']
        2
        >>> hook.total_time() > 0
        True
        >>> hook.print_report()  # doctest: +SKIP
        FunctionName  ElapsedTime  Occurrence
                ReLU     21.30us           2
                 Sum     17.92us           2
    """

    name = "TimerHook"
    table = dict(TIME_UNITS)

    # ---- measuring (the timing state is CallTimer's) ----------------------
    def _start(self, arrays) -> None:
        self._start_timing(_array_module(arrays))

    def _stop(self, function) -> None:
        self._stop_timing(_function_name(function))

    def forward_preprocess(self, function, in_data) -> None:
        self._start(in_data)

    def forward_postprocess(self, function, in_data) -> None:
        self._stop(function)

    def backward_preprocess(self, function, in_data, out_grad) -> None:
        self._start(in_data + out_grad)

    def backward_postprocess(self, function, in_data, out_grad) -> None:
        self._stop(function)

    # ---- reporting ---------------------------------------------------------
    def print_report(self, unit="auto", file=None) -> None:
        """Print a table of the total time and number of calls per function.

        Args:
            unit: 'sec', 'ms', 'us' or 'ns'; 'auto' (default) picks one unit
                that suits the largest total; 'auto_foreach' picks per row.
            file: where to write (``sys.stdout`` by default).

        Example:
            >>> import numpy as np, kusari
            >>> from kusari.function_hooks import TimerHook
            >>> hook = TimerHook()
            >>> hook.call_history = [('ReLU', 0.0015), ('Sum', 0.0005), ('ReLU', 0.0005)]
            >>> hook.print_report()
            FunctionName  ElapsedTime  Occurrence
                    ReLU       2.00ms           2
                     Sum       0.50ms           1
            >>> hook.print_report(unit='auto_foreach')
            FunctionName  ElapsedTime  Occurrence
                    ReLU       2.00ms           2
                     Sum     500.00us           1
        """
        print_time_report("TimerHook.print_report", "FunctionName", self.call_history, unit, file)
