"""VariableStatisticsPlot: plot mean, std and percentiles of parameters/gradients over training.

Same optional-matplotlib rules as :mod:`~kusari.training.extensions.plot_report`:
matplotlib is imported only when drawing, and without it the extension
warns once (with the install command) and does nothing.
"""
from __future__ import annotations

import os

import numpy

from kusari.backend import CPU_DEVICE, get_array_module
from kusari.link import Link
from kusari.training import extension
from kusari.training._util import fail_value, get_trigger
from kusari.training.extensions.plot_report import matplotlib_available, new_figure, save_png
from kusari.utils import type_check
from kusari.variable import Variable

__all__ = ["VariableStatisticsPlot", "Reservoir"]

_PLOT_COLOR = "#1f77b4"  # matplotlib's C0


def _unpack_variables(targets, func: str) -> tuple:
    if isinstance(targets, Variable):
        return (targets,)
    if isinstance(targets, Link):
        return tuple(targets.params(include_uninit=True))
    if isinstance(targets, (list, tuple)):
        return tuple(v for target in targets for v in _unpack_variables(target, func))
    type_check.fail(func, "targets", "a Variable, a Link or a list of them", type(targets).__name__)


class Reservoir:
    """A fixed-size uniform random sample of a stream (reservoir sampling), kept in arrival order.

    The first ``size`` items are kept; item ``n`` (0-based) then replaces a
    random slot with probability ``size / (n + 1)``, so every item is in the
    sample with the same probability.  Uses ``numpy.random`` (seed it for
    repeatable samples).

    Example:
        >>> import numpy as np
        >>> from kusari.training.extensions.variable_statistics_plot import Reservoir
        >>> r = Reservoir(3, data_shape=(2,))
        >>> for i in range(2):
        ...     r.add(np.full(2, i), idx=10 * i)
        >>> r.get_data()
        (array([ 0, 10], dtype=int32), array([[0., 0.],
               [1., 1.]], dtype=float32))
    """

    def __init__(self, size, data_shape, dtype=numpy.float32):
        self.size = size
        self.data = numpy.zeros((size,) + tuple(data_shape), dtype=dtype)
        self.idxs = numpy.zeros((size,), dtype=numpy.int32)
        self.counter = 0

    def add(self, x, idx=None) -> None:
        """Offer one item (``idx`` labels it; the running count when None)."""
        idx = self.counter if idx is None else idx
        if self.counter < self.size:
            slot = self.counter
        elif numpy.random.random() < self.size / (self.counter + 1):
            slot = numpy.random.randint(self.size)
        else:
            slot = None
        if slot is not None:
            self.data[slot] = x
            self.idxs[slot] = idx
        self.counter += 1

    def get_data(self):
        """``(idxs, data)`` of the kept items, sorted by ``idx``."""
        kept = min(self.counter, self.size)
        order = numpy.argsort(self.idxs[:kept], kind="stable")
        return self.idxs[:kept][order], self.data[:kept][order]


class VariableStatisticsPlot(extension.Extension):
    """Plot statistics of the data and gradients of Variables (or Links' parameters) over iterations.

    Each call (every iteration by default) flattens and concatenates the
    ``data`` (and ``grad``) of all targets, and computes their mean, standard
    deviation and ``percentile_sigmas`` percentiles in one vectorised pass;
    the row is added to a :class:`Reservoir` of at most ``max_sample_size``
    iterations.  When ``trigger`` fires, the sample is drawn into
    ``trainer.out/filename`` (atomically): one column per ``data``/``grad``,
    a mean +- std row and a percentile-band row.  Statistics of arrays not
    allocated yet (no gradient before the first backward) are NaN, which
    matplotlib leaves out.

    Args:
        targets: a Variable, a Link, or a list of either.
        max_sample_size (int): iterations kept in the reservoir.
        report_data (bool): compute and plot statistics of ``data``.
        report_grad (bool): compute and plot statistics of ``grad``.
        plot_mean (bool): plot the means.
        plot_std (bool): plot the standard deviations.
        percentile_sigmas (float or tuple of float): percentiles in [0, 100];
            empty for none.
        trigger: when to draw, ``(1, 'epoch')`` by default.
        filename (str): the image file name; ``'statistics.png'`` when None.
        figsize (tuple): matplotlib figure size in inches, or None.
        marker (str): matplotlib marker, or None.
        grid (bool): draw the axis grid.
        file_name: the older name of ``filename``.

    Example:
        >>> from types import SimpleNamespace
        >>> import numpy as np, kusari
        >>> from kusari.training.extensions.variable_statistics_plot import VariableStatisticsPlot
        >>> v = kusari.Variable(np.arange(5, dtype=np.float32))
        >>> ext = VariableStatisticsPlot(v, report_grad=False, percentile_sigmas=(0, 50, 100),
        ...                              trigger=(10, 'iteration'))
        >>> ext(SimpleNamespace(updater=SimpleNamespace(iteration=1, epoch_detail=0.1,
        ...                                             previous_epoch_detail=0.0)))
        >>> idxs, rows = ext.samples.get_data()   # rows: [data] x [mean, std, p0, p50, p100]
        >>> idxs.tolist(), rows.astype(float).round(3).tolist()
        ([1], [[[2.0, 1.414, 0.0, 2.0, 4.0]]])
    """

    def __init__(self, targets, max_sample_size=1000, report_data=True, report_grad=True,
                 plot_mean=True, plot_std=True,
                 percentile_sigmas=(0, 0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87, 100),
                 trigger=(1, "epoch"), filename=None, figsize=None, marker=None, grid=True,
                 **kwargs):
        func = "VariableStatisticsPlot"
        file_name = kwargs.pop("file_name", "statistics.png")
        if kwargs:
            raise TypeError(f"{func}: unexpected keyword argument(s) {sorted(kwargs)}")
        if filename is None:
            filename = file_name
        if not isinstance(filename, str) or not filename:
            type_check.fail(func, "filename", "a non-empty file name (str)", repr(filename))
        self._vars = _unpack_variables(targets, func)
        if not self._vars:
            fail_value(func, "targets", "at least one Variable to collect statistics of", "none")
        if isinstance(max_sample_size, bool) or not isinstance(max_sample_size, int) or max_sample_size < 1:
            fail_value(func, "max_sample_size", "a positive int", repr(max_sample_size))
        sigmas = numpy.atleast_1d(numpy.asarray(percentile_sigmas, dtype=numpy.float64))
        if sigmas.ndim != 1 or ((sigmas < 0) | (sigmas > 100)).any():
            fail_value(func, "percentile_sigmas", "percentiles in [0, 100]", repr(percentile_sigmas))
        if not (plot_mean or plot_std or sigmas.size):
            fail_value(func, "plot_mean/plot_std/percentile_sigmas", "something to plot", "nothing")
        if not (report_data or report_grad):
            fail_value(func, "report_data/report_grad", "data or grad to report", "neither")
        self._keys = [key for key, on in (("data", report_data), ("grad", report_grad)) if on]
        self._plot_mean = bool(plot_mean)
        self._plot_std = bool(plot_std)
        self._percentile_sigmas = sigmas
        self._trigger = get_trigger(trigger)
        self._filename = filename
        self._figsize = figsize
        self._marker = marker
        self._grid = grid
        n_stats = int(self._plot_mean) + int(self._plot_std) + sigmas.size
        self._samples = Reservoir(max_sample_size, data_shape=(len(self._keys), n_stats))
        matplotlib_available(func)

    @staticmethod
    def available() -> bool:
        """Whether matplotlib can be imported (warns once, with the install command, when not).

        Example:
            >>> from kusari.training.extensions.variable_statistics_plot import VariableStatisticsPlot
            >>> VariableStatisticsPlot.available()
            True
        """
        return matplotlib_available("VariableStatisticsPlot")

    @property
    def samples(self) -> Reservoir:
        """The reservoir: rows of ``[data|grad] x [mean, std, percentiles...]`` per sampled iteration."""
        return self._samples

    def _statistics(self, attr: str) -> numpy.ndarray:
        arrays = [getattr(v, "array" if attr == "data" else "grad") for v in self._vars]
        arrays = [a.ravel() for a in arrays if a is not None]
        n_stats = self._samples.data.shape[-1]
        if not arrays:
            return numpy.full(n_stats, numpy.nan, numpy.float32)
        xp = get_array_module(arrays[0])
        flat = xp.concatenate(arrays)
        parts = []
        if self._plot_mean:
            parts.append(flat.mean(keepdims=True))
        if self._plot_std:
            parts.append(flat.std(keepdims=True))
        if self._percentile_sigmas.size:
            parts.append(xp.percentile(flat, xp.asarray(self._percentile_sigmas)).astype(flat.dtype))
        # One transfer per key, not one per statistic.
        return CPU_DEVICE.send(xp.concatenate(parts))

    def __call__(self, trainer):
        if not matplotlib_available("VariableStatisticsPlot"):
            return
        row = numpy.stack([self._statistics(key) for key in self._keys])
        self._samples.add(row, idx=trainer.updater.iteration)
        if self._trigger(trainer):
            self._draw(os.path.join(trainer.out, self._filename))

    def _draw(self, path: str) -> None:
        from matplotlib.colors import to_rgba

        color = to_rgba(_PLOT_COLOR)
        band = color[:3] + (0.2,)
        has_moments = self._plot_mean or self._plot_std
        n_percentile = self._percentile_sigmas.size
        nrows = int(has_moments) + int(n_percentile > 0)
        figure = new_figure(figsize=self._figsize)
        axes = figure.subplots(nrows, len(self._keys), sharex=True, squeeze=False)
        idxs, data = self._samples.get_data()
        offset = int(self._plot_mean) + int(self._plot_std)
        for col, key in enumerate(self._keys):
            axes[0, col].set_title(key)
            row = 0
            if has_moments:
                ax = axes[row, col]
                if self._plot_mean and self._plot_std:
                    ax.errorbar(idxs, data[:, col, 0], data[:, col, 1], color=color, ecolor=band,
                                label="mean, std", marker=self._marker)
                else:
                    ax.plot(idxs, data[:, col, 0], color=color, marker=self._marker,
                            label="mean" if self._plot_mean else "std")
                row += 1
            if n_percentile:
                ax = axes[row, col]
                # Bands between symmetric percentiles (outermost first); a middle one is a line.
                for i in range((n_percentile + 1) // 2):
                    low, high = data[:, col, offset + i], data[:, col, offset + n_percentile - 1 - i]
                    last = i == (n_percentile + 1) // 2 - 1
                    if n_percentile % 2 and last:
                        ax.plot(idxs, low, color=color, label="percentile", marker=self._marker)
                    else:
                        ax.fill_between(idxs, low, high, color=band, linewidth=0,
                                        label="percentile" if last else "_nolegend_")
                ax.set_xlabel("iteration")
        for ax in axes.ravel():
            ax.legend()
            if self._grid:
                ax.grid()
                ax.set_axisbelow(True)
        save_png(figure, path)
