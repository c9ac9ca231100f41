"""``TimerHook``: how long each link's forward takes.

CPU work is timed with ``time.perf_counter``.  For a link on a CuPy device
the hook records CUDA events around the call and waits for the second one,
so the time is what the GPU spent, not how long the launch took (as
Chainer).  Links call links, so the recorded times overlap: a Chain's time
includes its children's.  :meth:`TimerHook.total_time` counts only the
outermost calls, so it is the wall time spent inside hooked links.
"""
from __future__ import annotations

import time

import numpy

from kusari._hook_support import TIME_UNITS, print_time_report, summarize
from kusari.link_hook import LinkHook

_perf_counter = time.perf_counter


class TimerHook(LinkHook):
    """Measures the time each link's forward takes.

    Attributes:
        call_history: a list of ``(link class name, seconds)``, one per call,
            in the order the calls finished (children before their parent).

    Example:
        >>> import numpy as np, kusari, kusari.links as L
        >>> from kusari.link_hooks import TimerHook
        >>> model = kusari.Sequential(L.Linear(3, 4), L.Linear(4, 2))
        >>> with TimerHook() as hook:
        ...     y = model(np.ones((1, 3), np.float32))
        >>> [name for name, _ in hook.call_history]
        ['Linear', 'Linear', 'Sequential']
        >>> hook.summary()['Linear']['occurrence']
        2
        >>> hook.total_time() == hook.call_history[-1][1]
        True
        >>> hook.print_report()  # doctest: +SKIP
          LinkName  ElapsedTime  Occurrence
            Linear     12.40us           2
        Sequential     19.30us           1
    """

    name = "TimerHook"
    table = dict(TIME_UNITS)

    def __init__(self):
        self.call_history = []
        # One entry per call in progress: (start time or CUDA event, xp or None).
        self._running_stack = []
        self._total_time = 0.0

    # ---- measuring ---------------------------------------------------------
    def forward_preprocess(self, args) -> None:
        xp = args.link.xp
        if xp is numpy or not hasattr(xp, "cuda"):
            self._running_stack.append((_perf_counter(), None))
            return
        start = xp.cuda.Event()
        start.record()
        self._running_stack.append((start, xp))

    def forward_postprocess(self, args) -> None:
        start, xp = self._running_stack.pop()
        if xp is None:
            elapsed = _perf_counter() - start
        else:
            stop = xp.cuda.Event()
            stop.record()
            stop.synchronize()
            elapsed = xp.cuda.get_elapsed_time(start, stop) / 1000  # ms -> s
        self.call_history.append((type(args.link).__name__, elapsed))
        if not self._running_stack:
            self._total_time += elapsed

    # ---- reporting ---------------------------------------------------------
    def total_time(self) -> float:
        """Seconds spent in the outermost hooked calls (a child is not counted twice).

        Example:
            >>> from kusari.link_hooks import TimerHook
            >>> TimerHook().total_time()
            0.0
        """
        return self._total_time

    def summary(self) -> dict:
        """``{link name: {'elapsed_time': seconds, 'occurrence': calls}}`` in first-finish order.

        Example:
            >>> from kusari.link_hooks import TimerHook
            >>> hook = TimerHook()
            >>> hook.call_history = [('Linear', 0.5), ('MLP', 2.0), ('Linear', 0.25)]
            >>> hook.summary()
            {'Linear': {'elapsed_time': 0.75, 'occurrence': 2}, 'MLP': {'elapsed_time': 2.0, 'occurrence': 1}}
        """
        return summarize(self.call_history)

    def print_report(self, unit="auto", file=None) -> None:
        """Print a table of the total time and number of calls per link class.

        Args:
            unit: 'sec', 'ms', 'us' or 'ns'; 'auto' (default) picks the unit
                that suits the largest total; 'auto_foreach' picks one per row.
            file: where to write (``sys.stdout`` by default).

        Example:
            >>> from kusari.link_hooks import TimerHook
            >>> hook = TimerHook()
            >>> hook.call_history = [('Linear', 0.0015), ('MLP', 0.0025), ('Linear', 0.0005)]
            >>> hook.print_report()
            LinkName  ElapsedTime  Occurrence
              Linear       2.00ms           2
                 MLP       2.50ms           1
            >>> hook.print_report(unit='us')
            LinkName  ElapsedTime  Occurrence
              Linear    2000.00us           2
                 MLP    2500.00us           1
        """
        print_time_report("TimerHook.print_report", "LinkName", self.call_history, unit, file)
