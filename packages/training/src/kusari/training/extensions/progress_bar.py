"""ProgressBar: the training progress, speed and estimated time to finish."""
from __future__ import annotations

import sys

from kusari.training import extension
from kusari.training.extensions import _progress
from kusari.utils.type_check import fail

__all__ = ["ProgressBar"]


class ProgressBar(extension.Extension):
    """Show the progress of the whole training and of the current epoch.

    Every ``update_interval`` iterations it writes four lines::

             total [#####.............................................]  10.00%
        this epoch [#########################.........................]  50.00%
                20 iter, 2 epoch / 20 epochs
            12.345 iters/sec. Estimated time to finish: 0:01:10.200000.

    The speed is measured in wall time between the updates (the last 100
    kept), so time spent in evaluation and snapshots is included in the
    speed and the estimate.  On a terminal the block is redrawn in place;
    on any other stream (a file, a pipe, a ``StringIO``) each update is
    written as plain lines with no escape codes.

    Args:
        training_length: ``(length, unit)``; taken from the trainer's stop
            trigger (``get_training_length()``) when None.
        update_interval (int): iterations between two updates of the bar.
        bar_length (int): characters inside the brackets.
        out: the stream to write to.

    Example:
        >>> import io
        >>> from types import SimpleNamespace
        >>> from kusari.training.extensions.progress_bar import ProgressBar
        >>> out = io.StringIO()
        >>> bar = ProgressBar((4, 'epoch'), update_interval=2, bar_length=8, out=out)
        >>> up = SimpleNamespace(iteration=2, epoch=1, epoch_detail=1.5)
        >>> bar(SimpleNamespace(updater=up))
        >>> print(out.getvalue().splitlines()[:3])
        ['     total [###.....] 37.50%', 'this epoch [####....] 50.00%', '         2 iter, 1 epoch / 4 epochs']
    """

    def __init__(self, training_length=None, update_interval=100, bar_length=50, out=sys.stdout):
        if int(update_interval) != update_interval or update_interval < 1:
            fail("ProgressBar", "update_interval", "a positive integer", repr(update_interval))
        self._update_interval = int(update_interval)
        self._pbar = _TrainerProgressBar(training_length, bar_length=bar_length, out=out)

    def __call__(self, trainer):
        self._pbar.trainer = trainer
        if trainer.updater.iteration % self._update_interval == 0:
            self._pbar.update()

    def finalize(self) -> None:
        """Clear the bar from the terminal."""
        self._pbar.close()


class _TrainerProgressBar(_progress.TextProgressBar):
    trainer = None

    def __init__(self, training_length, bar_length=None, out=None):
        super().__init__(bar_length=bar_length, out=out)
        self.training_length = training_length
        self.status_template = None

    def _length(self):
        if self.training_length is None:
            stop_trigger = getattr(self.trainer, "stop_trigger", None)
            get_length = getattr(stop_trigger, "get_training_length", None)
            if get_length is None:
                fail("ProgressBar", "training_length",
                     "(length, unit) when the stop trigger has no get_training_length()",
                     "None")
            self.training_length = get_length()
        return self.training_length

    def get_lines(self):
        length, unit = self._length()
        updater = self.trainer.updater
        iteration = updater.iteration
        epoch = updater.epoch_detail
        rate = min((iteration if unit == "iteration" else epoch) / length, 1.0)
        epoch_rate = epoch - int(epoch)
        n = self._bar_length
        lines = [f"     total {_progress.bar(rate, n)} {rate:6.2%}\n",
                 f"this epoch {_progress.bar(epoch_rate, n)} {epoch_rate:6.2%}\n",
                 f"{updater.iteration:10} iter, {updater.epoch} epoch / {length} {unit}s\n"]
        speed_t, speed_e = self.update_speed(iteration, epoch)
        if unit == "iteration":
            remaining, speed = length - iteration, speed_t
        else:
            remaining, speed = length - epoch, speed_e
        estimated = max(remaining / speed, 0.0) if speed else float("inf")
        lines.append(f"{speed_t:10.5g} iters/sec. Estimated time to finish: "
                     f"{_progress.format_eta(estimated)}.\n")
        return lines
