"""What function hooks and link hooks share: the self-syncing registry dict and the report tables.

Example:
    >>> from kusari._hook_support import summarize
    >>> summarize([('ReLU', 1.0), ('Sum', 0.5), ('ReLU', 2.0)])
    {'ReLU': {'elapsed_time': 3.0, 'occurrence': 2}, 'Sum': {'elapsed_time': 0.5, 'occurrence': 1}}
"""
from __future__ import annotations

import collections
import sys
import threading
import time

import numpy

# The timers' clock (a module global so that tests can replace it).
_perf_counter = time.perf_counter

#: Seconds -> unit factors of the timer reports.
TIME_UNITS = {"sec": 1, "ms": 10 ** 3, "us": 10 ** 6, "ns": 10 ** 9}


class SyncedDict(collections.OrderedDict):
    """An ordered dict that calls ``_changed`` after anything that may change its size.

    The hook registries subclass it to keep the hot paths' "any hook?" flags right.
    """

    def _changed(self) -> None:  # pragma: no cover - overridden
        pass

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key):
        super().__delitem__(key)
        self._changed()

    def pop(self, *args):
        try:
            return super().pop(*args)
        finally:
            self._changed()

    def popitem(self, last=True):
        try:
            return super().popitem(last)
        finally:
            self._changed()

    def setdefault(self, key, default=None):
        try:
            return super().setdefault(key, default)
        finally:
            self._changed()

    def update(self, *args, **kwargs):
        super().update(*args, **kwargs)
        self._changed()

    def clear(self):
        super().clear()
        self._changed()

    def copy(self):
        # A copy is a plain snapshot, not a second registry.
        return collections.OrderedDict(self)

    def __reduce__(self):
        # Pickles and deep copies become plain dicts: they must not count as
        # (or point at) the original registry.
        return (collections.OrderedDict, (list(self.items()),))


class HookCounter:
    """How many registries hold a hook; tells ``on_change(active)`` whenever the total changes.

    The hot paths read a flag that ``on_change`` sets, so they never look at
    the registries themselves.
    """

    def __init__(self, on_change):
        self.total = 0
        self._on_change = on_change
        # Re-entrant: a registry's __del__ may run from the garbage collector
        # while this thread already holds the lock.
        self.lock = threading.RLock()

    def add(self, delta: int) -> None:
        with self.lock:
            self.total += delta
            self._on_change(self.total > 0)


class CountedHooks(SyncedDict):
    """A registry that counts itself in its class's ``counter`` while it holds a hook."""

    counter: HookCounter  # set by each subclass family
    _counted = False

    def _changed(self) -> None:
        nonempty = len(self) > 0
        if nonempty is not self._counted:
            with self.counter.lock:
                self._counted = nonempty
                self.counter.add(1 if nonempty else -1)

    def __del__(self):
        # A thread that ends, or a node that is freed, with hooks still
        # registered must not leave the slow path switched on for everybody.
        if self._counted:
            try:
                with self.counter.lock:
                    self._counted = False
                    self.counter.add(-1)
            except Exception:  # interpreter shutdown: modules already torn down
                pass


class CallTimer:
    """The timing state of the TimerHooks: nested calls on a stack, outermost calls summed.

    On NumPy a call is timed with ``time.perf_counter``; on an array module
    with CUDA events (CuPy) with a pair of events, synchronised at the end.

    Example:
        >>> import numpy as np
        >>> from kusari._hook_support import CallTimer
        >>> timer = CallTimer()
        >>> timer._start_timing(np); timer._start_timing(np)
        >>> timer._stop_timing('inner'); timer._stop_timing('outer')
        >>> [name for name, _ in timer.call_history], timer.total_time() == timer.call_history[1][1]
        (['inner', 'outer'], True)
    """

    def __init__(self):
        self.call_history = []
        # One entry per call in progress: (start time or CUDA event, xp or None).
        self._running_stack = []
        self._total_time = 0.0

    def _start_timing(self, xp) -> None:
        if xp is numpy or not hasattr(xp, "cuda"):
            self._running_stack.append((_perf_counter(), None))
            return
        start = xp.cuda.Event()
        start.record()
        self._running_stack.append((start, xp))

    def _stop_timing(self, name: str) -> None:
        start, xp = self._running_stack.pop()
        if xp is None:
            elapsed = _perf_counter() - start
        else:
            stop = xp.cuda.Event()
            stop.record()
            stop.synchronize()
            elapsed = xp.cuda.get_elapsed_time(start, stop) / 1000  # ms -> s
        self.call_history.append((name, elapsed))
        if not self._running_stack:
            self._total_time += elapsed

    def total_time(self) -> float:
        """Seconds spent in the outermost timed calls (a nested call is not counted twice)."""
        return self._total_time

    def summary(self) -> dict:
        """``{name: {'elapsed_time': seconds, 'occurrence': calls}}`` in first-finish order."""
        return summarize(self.call_history)


def summarize(call_history) -> dict:
    """``{name: {'elapsed_time': seconds, 'occurrence': calls}}`` in first-seen order."""
    summary = {}
    for name, elapsed in call_history:
        record = summary.get(name)
        if record is None:
            record = summary[name] = {"elapsed_time": 0.0, "occurrence": 0}
        record["elapsed_time"] += elapsed
        record["occurrence"] += 1
    return summary


def choose_time_unit(seconds):
    """``(factor, unit)``: the largest unit in which ``seconds`` is at least 1 (ns below 1 us)."""
    factor = 1
    for unit in ("sec", "ms", "us"):
        if seconds * factor >= 1:
            return factor, unit
        factor *= 1000.0
    return factor, "ns"


def print_time_report(func: str, name_column: str, call_history, unit="auto", file=None) -> None:
    """Chainer's timer table: total time and calls per name, in ``unit`` ('auto', 'auto_foreach' or fixed).

    Example:
        >>> print_time_report("TimerHook.print_report", "Name", [('ReLU', 0.0015), ('Sum', 0.0005)])
        Name  ElapsedTime  Occurrence
        ReLU       1.50ms           1
         Sum       0.50ms           1
    """
    check_unit(func, unit, TIME_UNITS)
    summary = summarize(call_history)
    if unit == "auto":
        longest = max((r["elapsed_time"] for r in summary.values()), default=0.0)
        factor, unit = choose_time_unit(longest)
    elif unit != "auto_foreach":
        factor = TIME_UNITS[unit]
    rows = [[name_column, "ElapsedTime", "Occurrence"]]
    for name, record in summary.items():
        seconds = record["elapsed_time"]
        shown_unit = unit
        if unit == "auto_foreach":
            factor, shown_unit = choose_time_unit(seconds)
        rows.append([name, "%3.2f%s" % (seconds * factor, shown_unit), str(record["occurrence"])])
    write_table(rows, file)


def write_table(rows, file=None) -> None:
    """Write ``rows`` (lists of strings, header first) right-aligned, two spaces apart.

    Example:
        >>> from kusari._hook_support import write_table
        >>> write_table([['Name', 'Time'], ['ReLU', '1.00ms']])
        Name    Time
        ReLU  1.00ms
    """
    file = sys.stdout if file is None else file
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        file.write("  ".join(cell.rjust(width) for cell, width in zip(row, widths)) + "\n")
    if hasattr(file, "flush"):
        file.flush()


def check_unit(func: str, unit, units) -> None:
    """Raise InvalidType unless ``unit`` is 'auto', 'auto_foreach' or one of ``units``."""
    from kusari.utils import type_check

    allowed = ("auto", "auto_foreach", *units)
    if not isinstance(unit, str) or unit not in allowed:
        type_check.fail(func, "unit", "one of " + ", ".join(repr(u) for u in allowed), repr(unit))
