"""PrintReport: print chosen entries of a LogReport's log as a table."""
from __future__ import annotations

import sys

from kusari.training import extension
from kusari.training.extensions import _progress
from kusari.training.extensions import log_report as log_report_module
from kusari.utils.type_check import fail

__all__ = ["PrintReport"]


class PrintReport(extension.Extension):
    """Print the entries of the log as table rows, each new row once.

    The header (the entry names) is printed at the first call; each column
    is ``max(len(entry), 10)`` characters wide, columns are separated by two
    spaces, numbers use the ``g`` format and a missing entry leaves its
    column blank.  On a terminal each row is preceded by an erase-below
    sequence so it overwrites a ``ProgressBar``; elsewhere no escape codes
    are written.

    Args:
        entries: the log keys to print, in order.
        log_report: the name of the LogReport extension in the trainer, or a
            LogReport object (then it is called by this extension).
        out: the stream to print to.

    Example:
        >>> import io
        >>> from types import SimpleNamespace
        >>> from kusari.training.extensions.print_report import PrintReport
        >>> log = SimpleNamespace(log=[{'epoch': 1, 'main/loss': 0.25}])
        >>> out = io.StringIO()
        >>> rep = PrintReport(['epoch', 'main/loss'], out=out)
        >>> rep(SimpleNamespace(get_extension=lambda name: log))
        >>> out.getvalue().splitlines()
        ['epoch       main/loss ', '1           0.25        ']
    """

    def __init__(self, entries, log_report="LogReport", out=sys.stdout):
        if not isinstance(log_report, (str, log_report_module.LogReport)):
            fail("PrintReport", "log_report", "an extension name or a LogReport",
                 type(log_report).__name__)
        self._entries = list(entries)
        self._log_report = log_report
        self._out = out
        self._log_len = 0  # rows already printed
        widths = [max(10, len(entry)) for entry in self._entries]
        self._header = "  ".join(f"{entry:{w}}" for entry, w in zip(self._entries, widths)) + "\n"
        self._templates = [(entry, f"{{:<{w}g}}  ", " " * (w + 2))
                           for entry, w in zip(self._entries, widths)]

    def __call__(self, trainer):
        out = self._out
        if self._header:
            out.write(self._header)
            self._header = None
        log_report = self._log_report
        if isinstance(log_report, str):
            log_report = trainer.get_extension(log_report)
        else:
            log_report(trainer)  # an owned LogReport is updated here
        log = log_report.log
        erase = _progress.is_terminal(out)
        while len(log) > self._log_len:
            if erase:
                out.write(_progress._ERASE_BELOW)
            self._print(log[self._log_len])
            self._log_len += 1

    def _print(self, observation):
        out = self._out
        for entry, template, blank in self._templates:
            if entry in observation:
                out.write(template.format(observation[entry]))
            else:
                out.write(blank)
        out.write("\n")
        flush = getattr(out, "flush", None)
        if flush is not None:
            flush()

    def serialize(self, serializer) -> None:
        """Save/load an owned LogReport under ``_log_report/``.

        ``_log_len`` is not saved (as in Chainer): after a resume the rows of
        the restored log are printed again once.
        """
        if isinstance(self._log_report, log_report_module.LogReport):
            self._log_report.serialize(serializer["_log_report"])
