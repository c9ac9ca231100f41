"""``CupyMemoryProfileHook``: CuPy memory-pool use of each function (needs kusari-cuda).

While registered it installs a CuPy memory hook that adds up what the
memory pool hands out (*used* bytes) and what the pool itself gets from the
GPU (*acquired* bytes); each function's share is the growth of those totals
between its pre- and post-callback.  Nested calls are recorded too, but only
the outermost count towards the totals.
"""
from __future__ import annotations

from kusari._hook_support import check_unit, write_table
from kusari.function_hook import FunctionHook
from kusari.function_hooks._cupy import require_cupy
from kusari.function_hooks.timer import _function_name

_cumulative_classes = {}


def _cumulative_memory_hook(cupy):
    """A CuPy ``MemoryHook`` that sums the sizes of pool allocations and GPU mallocs."""
    cls = _cumulative_classes.get(id(cupy))
    if cls is None:
        base = cupy.cuda.memory_hook.MemoryHook

        class CupyMemoryCumulativeHook(base):
            name = "CupyMemoryCumulativeHook"

            def __init__(self):
                self.used_bytes = 0
                self.acquired_bytes = 0

            def alloc_preprocess(self, **kwargs):
                self.acquired_bytes += kwargs["mem_size"]

            def malloc_preprocess(self, **kwargs):
                self.used_bytes += kwargs["mem_size"]

        cls = _cumulative_classes[id(cupy)] = CupyMemoryCumulativeHook
    return cls()


class CupyMemoryProfileHook(FunctionHook):
    """Records how much of CuPy's memory pool each function uses.

    Needs CuPy (kusari-cuda); without it the constructor raises
    ``RuntimeError`` saying what to install.

    Attributes:
        call_history: a list of ``(function name, used bytes, acquired bytes,
            depth)``, one per call; depth 0 is an outermost call.

    Example:
        >>> from kusari import cuda
        >>> from kusari.function_hooks import CupyMemoryProfileHook
        >>> if cuda.available:
        ...     hook = CupyMemoryProfileHook()   # then: with hook: ...; hook.print_report()
        ... else:
        ...     try:
        ...         CupyMemoryProfileHook()
        ...     except RuntimeError as e:
        ...         print('kusari-cuda' in str(e))
        True
    """

    name = "CupyMemoryProfileHook"
    _units = ("B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB")
    _table = {unit: 1024.0 ** i for i, unit in enumerate(_units)}

    def __init__(self):
        cupy = require_cupy("CupyMemoryProfileHook")
        self._memory_hook = _cumulative_memory_hook(cupy)
        self.call_history = []
        self._running_stack = []
        self._total_used_bytes = 0
        self._total_acquired_bytes = 0

    def added(self, function=None) -> None:
        self._memory_hook.__enter__()

    def deleted(self, function=None) -> None:
        self._memory_hook.__exit__()

    def _start(self) -> None:
        hook = self._memory_hook
        self._running_stack.append((hook.used_bytes, hook.acquired_bytes))

    def _stop(self, function) -> None:
        used_before, acquired_before = self._running_stack.pop()
        used = self._memory_hook.used_bytes - used_before
        acquired = self._memory_hook.acquired_bytes - acquired_before
        depth = len(self._running_stack)
        self.call_history.append((_function_name(function), used, acquired, depth))
        if depth == 0:
            self._total_used_bytes += used
            self._total_acquired_bytes += acquired

    def forward_preprocess(self, function, in_data) -> None:
        self._start()

    def forward_postprocess(self, function, in_data) -> None:
        self._stop(function)

    def backward_preprocess(self, function, in_data, out_grad) -> None:
        self._start()

    def backward_postprocess(self, function, in_data, out_grad) -> None:
        self._stop(function)

    def total_used_bytes(self) -> int:
        """Bytes the outermost hooked calls took from CuPy's memory pool."""
        return self._total_used_bytes

    def total_acquired_bytes(self) -> int:
        """Bytes CuPy's memory pool got from the GPU during the outermost hooked calls."""
        return self._total_acquired_bytes

    def summary(self) -> dict:
        """``{name: {'used_bytes', 'acquired_bytes', 'occurrence'}}`` in first-call order.

        As Chainer, nested calls are counted again under their own names.
        """
        summary = {}
        for name, used, acquired, _depth in self.call_history:
            record = summary.get(name)
            if record is None:
                record = summary[name] = {"used_bytes": 0, "acquired_bytes": 0, "occurrence": 0}
            record["used_bytes"] += used
            record["acquired_bytes"] += acquired
            record["occurrence"] += 1
        return summary

    @classmethod
    def _choose_unit(cls, size):
        divisor = 1.0
        if size <= 0:
            return divisor, cls._units[0]
        for unit in cls._units[:-1]:
            if size / (divisor * 1024) < 1:
                return divisor, unit
            divisor *= 1024
        return divisor, cls._units[-1]

    def print_report(self, unit="auto", file=None) -> None:
        """Print used and acquired bytes and the number of calls per function.

        Args:
            unit: 'B', 'KB', ... 'ZB' (powers of 1024); 'auto' (default) picks
                one unit per column from its largest value; 'auto_foreach'
                picks per cell.
            file: where to write (``sys.stdout`` by default).
        """
        check_unit("CupyMemoryProfileHook.print_report", unit, self._units)
        summary = self.summary()
        if unit == "auto":
            used_div, used_unit = self._choose_unit(
                max((r["used_bytes"] for r in summary.values()), default=0))
            acq_div, acq_unit = self._choose_unit(
                max((r["acquired_bytes"] for r in summary.values()), default=0))
        elif unit != "auto_foreach":
            used_div = acq_div = self._table[unit]
            used_unit = acq_unit = unit
        rows = [["FunctionName", "UsedBytes", "AcquiredBytes", "Occurrence"]]
        for name, record in summary.items():
            used, acquired = record["used_bytes"], record["acquired_bytes"]
            if unit == "auto_foreach":
                used_div, used_unit = self._choose_unit(used)
                acq_div, acq_unit = self._choose_unit(acquired)
            rows.append([name, "%3.2f%s" % (used / used_div, used_unit),
                         "%3.2f%s" % (acquired / acq_div, acq_unit), str(record["occurrence"])])
        write_table(rows, file)
