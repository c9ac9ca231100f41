"""Shared text progress bar for ``ProgressBar`` and ``Evaluator(progress_bar=True)``.

On a terminal the block of lines is redrawn in place (erase below the cursor,
write, move the cursor back up), as Chainer does.  On anything else (a file,
a pipe, a ``StringIO``) the lines are written plainly, one block per update,
so logs hold no escape codes.

Speeds are measured in wall time between updates (``_now``), so time spent
in evaluation, snapshots or any other extension counts: the estimate says
when training will really end.
"""
from __future__ import annotations

import collections
import datetime
import sys
import time

# Module-level so tests can replace the clock.
_now = time.perf_counter

_ERASE_BELOW = "\033[J"


def is_terminal(out) -> bool:
    """Whether ``out`` is an interactive terminal (``out.isatty()`` is True).

    Example:
        >>> import io
        >>> from kusari.training.extensions._progress import is_terminal
        >>> is_terminal(io.StringIO())
        False
    """
    isatty = getattr(out, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (ValueError, OSError):  # closed or detached stream
        return False


def bar(rate: float, length: int) -> str:
    """``[###...]`` filled to ``rate`` (0..1) over ``length`` characters.

    Example:
        >>> from kusari.training.extensions._progress import bar
        >>> bar(0.5, 10)
        '[#####.....]'
    """
    marks = int(rate * length)
    return "[" + "#" * marks + "." * (length - marks) + "]"


def format_eta(seconds: float) -> str:
    """An estimated time as ``datetime.timedelta`` prints it (``0:01:05.500000``).

    Example:
        >>> from kusari.training.extensions._progress import format_eta
        >>> format_eta(65.5), format_eta(float('inf'))
        ('0:01:05.500000', 'inf')
    """
    try:
        return str(datetime.timedelta(seconds=seconds))
    except (OverflowError, ValueError):  # inf or nan when no time has passed yet
        return str(seconds)


class TextProgressBar:
    """Base of the progress bars: speed over the last 100 updates and (re)drawing.

    Subclasses implement ``get_lines()`` returning lines ending in ``\\n``.

    Example:
        >>> import io
        >>> from kusari.training.extensions._progress import TextProgressBar
        >>> class Two(TextProgressBar):
        ...     def get_lines(self):
        ...         return ['a\\n', 'b\\n']
        >>> out = io.StringIO(); p = Two(out=out); p.update(); out.getvalue()
        'a\\nb\\n'
    """

    def __init__(self, bar_length=None, out=None):
        self._bar_length = 50 if bar_length is None else bar_length
        self._out = sys.stdout if out is None else out
        self._recent_timing = collections.deque([], maxlen=100)

    def update_speed(self, iteration, epoch_detail):
        """Record a point and return ``(iterations/sec, epochs/sec)`` since the oldest kept one."""
        now = _now()
        self._recent_timing.append((iteration, epoch_detail, now))
        old_iteration, old_epoch, old_time = self._recent_timing[0]
        span = now - old_time
        if span == 0:
            return float("inf"), float("inf")
        return (iteration - old_iteration) / span, (epoch_detail - old_epoch) / span

    def get_lines(self):
        raise NotImplementedError

    def update(self) -> None:
        """Write the current lines (in place on a terminal)."""
        out = self._out
        lines = self.get_lines()
        if is_terminal(out):
            out.write(_ERASE_BELOW)
            out.writelines(lines)
            out.write(f"\033[{len(lines):d}A")
        else:
            out.writelines(lines)
        self.flush()

    def close(self) -> None:
        """Clear the drawn block on a terminal; flush."""
        if is_terminal(self._out):
            self._out.write(_ERASE_BELOW)
        self.flush()

    def flush(self) -> None:
        flush = getattr(self._out, "flush", None)
        if flush is not None:
            flush()
