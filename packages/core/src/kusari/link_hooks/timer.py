"""``TimerHook``: how long each link's forward takes.

CPU work is timed with ``time.perf_counter``.  For a link on a CuPy device
the hook records CUDA events around the call and waits for the second one,
so the time is what the GPU spent, not how long the launch took (as
Chainer).  Links call links, so the recorded times overlap: a Chain's time
includes its children's.  :meth:`TimerHook.total_time` counts only the
outermost calls, so it is the wall time spent inside hooked links.
"""
from __future__ import annotations

from kusari._hook_support import TIME_UNITS, CallTimer, print_time_report
from kusari.link_hook import LinkHook


class TimerHook(CallTimer, LinkHook):
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

    # ---- measuring (the timing state is CallTimer's) ----------------------
    def forward_preprocess(self, args) -> None:
        self._start_timing(args.link.xp)

    def forward_postprocess(self, args) -> None:
        self._stop_timing(type(args.link).__name__)

    # ---- reporting ---------------------------------------------------------
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
