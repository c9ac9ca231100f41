"""PlotReport: plot observed values against the iteration (or epoch) into a PNG.

matplotlib is an optional extra (``pip install kusari-training[plot]``).  It
is imported only when a plot is drawn, never when this module is imported;
without it the extension warns once and does nothing.  Figures are drawn with
``matplotlib.figure.Figure`` on an Agg canvas, so the user's pyplot state and
global backend are left alone.
"""
from __future__ import annotations

import json
import os
import warnings

from kusari import _atomic
from kusari import reporter as reporter_module
from kusari import serializer as serializer_module
from kusari.training import extension
from kusari.training._util import get_trigger
from kusari.utils import type_check

__all__ = ["PlotReport"]

INSTALL_HINT = "pip install kusari-training[plot]"

# One warning per process, whichever plotting extension notices first.
_warned = False


def matplotlib_available(func: str) -> bool:
    """True when matplotlib imports; otherwise warn (once per process) how to install it.

    Example:
        >>> from kusari.training.extensions.plot_report import matplotlib_available
        >>> matplotlib_available('PlotReport')
        True
    """
    global _warned
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        if not _warned:
            _warned = True
            warnings.warn(f"{func}: matplotlib is not installed, so nothing will be plotted; "
                          f"install it with:\n\n  $ {INSTALL_HINT}\n", stacklevel=3)
        return False
    return True


def new_figure(**figure_kwargs):
    """A matplotlib Figure on its own Agg canvas (no pyplot, no global backend change).

    Example:
        >>> from kusari.training.extensions.plot_report import new_figure
        >>> type(new_figure().canvas).__name__
        'FigureCanvasAgg'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(**figure_kwargs)
    FigureCanvasAgg(figure)
    return figure


def save_png(figure, path: str, **savefig_kwargs) -> None:
    """Write ``figure`` as a PNG to ``path`` atomically (no half-written image on a crash).

    Example:
        >>> import os, tempfile
        >>> from kusari.training.extensions.plot_report import new_figure, save_png
        >>> path = os.path.join(tempfile.mkdtemp(), 'a.png')
        >>> save_png(new_figure(figsize=(1, 1)), path)
        >>> open(path, 'rb').read(4)
        b'\\x89PNG'
    """
    with _atomic.atomic_write(path, "wb") as f:
        figure.savefig(f, format="png", **savefig_kwargs)


def _check_filename(func: str, filename) -> None:
    if not isinstance(filename, str) or not filename:
        type_check.fail(func, "filename", "a non-empty file name (str)", repr(filename))


class PlotReport(extension.Extension):
    """Accumulate observed values and plot them (``y_keys`` against ``x_key``) into a PNG.

    Called every iteration (its own default trigger), it adds the
    observation of ``y_keys`` to a ``DictSummary``; when ``trigger`` fires,
    the means become one point per key at ``x`` (the ``epoch``, the
    ``iteration``, or the mean of an observed ``x_key``), and the whole
    history is drawn and written to ``trainer.out/filename`` (atomically).
    ``postprocess(figure, axes, summary)`` may edit the figure before it is
    saved.  ``serialize`` keeps the accumulated points under
    ``_plot_{filename}`` (Chainer's key), so a resumed run plots the whole
    history; unlike Chainer it also keeps ``_trigger/`` and ``_summary/``
    (as LogReport does), so a run resumed mid-interval adds no spurious point
    and averages the whole interval.  A Chainer snapshot without those keys
    still loads.

    Args:
        y_keys (str or list of str): the observation keys to plot.
        x_key (str): ``'iteration'`` (default), ``'epoch'`` or an observed key.
        trigger: when to add points and draw, ``(1, 'epoch')`` by default.
        postprocess: ``postprocess(figure, axes, summary)``, or None.
        filename (str): the image file name; ``'plot.png'`` when None.
        marker (str): matplotlib marker, ``'x'`` by default; None for none.
        grid (bool): draw the axis grid.
        file_name: the older name of ``filename``.

    Example:
        >>> from types import SimpleNamespace
        >>> import tempfile
        >>> from kusari.training.extensions.plot_report import PlotReport
        >>> plot = PlotReport('main/loss', trigger=(2, 'iteration'))
        >>> up = SimpleNamespace(iteration=0, epoch=0, epoch_detail=0.0, previous_epoch_detail=None)
        >>> tr = SimpleNamespace(updater=up, is_before_training=False, out=tempfile.mkdtemp())
        >>> for loss in (1.0, 2.0, 3.0, 5.0):
        ...     up.iteration += 1; tr.observation = {'main/loss': loss}; plot(tr)
        >>> plot.data
        {'main/loss': [(2, 1.5), (4, 4.0)]}
    """

    def __init__(self, y_keys, x_key="iteration", trigger=(1, "epoch"), postprocess=None,
                 filename=None, marker="x", grid=True, **kwargs):
        file_name = kwargs.pop("file_name", "plot.png")
        if kwargs:
            raise TypeError(f"PlotReport: unexpected keyword argument(s) {sorted(kwargs)}")
        if filename is None:
            filename = file_name
        _check_filename("PlotReport", filename)
        if isinstance(y_keys, str):
            y_keys = (y_keys,)
        if y_keys is None or not all(isinstance(key, str) for key in y_keys):
            type_check.fail("PlotReport", "y_keys", "a key (str) or a list of keys", repr(y_keys))
        if not isinstance(x_key, str):
            type_check.fail("PlotReport", "x_key", "a key (str)", repr(x_key))
        if postprocess is not None and not callable(postprocess):
            type_check.fail("PlotReport", "postprocess", "a callable or None", type(postprocess).__name__)
        self._y_keys = tuple(y_keys)
        self._x_key = x_key
        self._trigger = get_trigger(trigger)
        self._postprocess = postprocess
        self._file_name = filename
        self._marker = marker
        self._grid = grid
        self._summary = reporter_module.DictSummary()
        self._data = {key: [] for key in self._y_keys}
        matplotlib_available("PlotReport")

    @staticmethod
    def available() -> bool:
        """Whether matplotlib can be imported (warns once, with the install command, when not).

        Example:
            >>> from kusari.training.extensions.plot_report import PlotReport
            >>> PlotReport.available()
            True
        """
        return matplotlib_available("PlotReport")

    @property
    def data(self) -> dict:
        """The plotted points: ``{y_key: [(x, y), ...]}`` (the dict itself, not a copy)."""
        return self._data

    def __call__(self, trainer):
        if not matplotlib_available("PlotReport"):
            return
        observation = trainer.observation
        # An observed x_key is averaged like the y values.
        keys = self._y_keys + (self._x_key,)
        self._summary.add({key: observation[key] for key in keys if key in observation})
        if not (trainer.is_before_training or self._trigger(trainer)):
            return
        # float() brings device scalars to the host (and makes the data JSON-able).
        stats = {name: float(value) for name, value in self._summary.compute_mean().items()}
        stats["epoch"] = trainer.updater.epoch
        stats["iteration"] = trainer.updater.iteration
        if self._x_key not in stats:
            raise KeyError(f"PlotReport: x_key {self._x_key!r} is neither 'epoch', 'iteration' "
                           f"nor an observed key (observed: {sorted(observation)})")
        x = stats[self._x_key]
        for key in self._y_keys:
            if key in stats:
                self._data[key].append((x, stats[key]))
        self._draw(os.path.join(trainer.out, self._file_name))
        self._summary = reporter_module.DictSummary()

    def _draw(self, path: str) -> None:
        figure = new_figure()
        axes = figure.add_subplot(111)
        axes.set_xlabel(self._x_key)
        if self._grid:
            axes.grid()
        for key in self._y_keys:
            points = self._data[key]
            if points:
                xs, ys = zip(*points)
                axes.plot(xs, ys, marker=self._marker, label=key)
        if not axes.has_data():
            return
        if self._postprocess is not None:
            self._postprocess(figure, axes, self._summary)
        # The legend sits right of the axes; 'tight' grows the image to include it.
        legend = axes.legend(bbox_to_anchor=(1.05, 1), loc=2, borderaxespad=0.0)
        save_png(figure, path, bbox_extra_artists=(legend,), bbox_inches="tight")

    def serialize(self, serializer) -> None:
        """Save/load the points as JSON under ``_plot_{filename}`` (Chainer's key), the trigger and summary.

        Example:
            >>> from kusari.serializers import DictionarySerializer
            >>> from kusari.training.extensions.plot_report import PlotReport
            >>> plot = PlotReport('loss'); plot.data['loss'].append((1, 0.5))
            >>> s = DictionarySerializer(); plot.serialize(s)
            >>> sorted(s.target)
            ['_plot_plot.png', '_summary/_names', '_trigger/previous_epoch_detail', '_trigger/previous_iteration']
            >>> str(s.target['_plot_plot.png'])
            '{"loss": [[1, 0.5]]}'
        """
        if hasattr(self._trigger, "serialize"):
            self._trigger.serialize(serializer["_trigger"])
        self._summary.serialize(serializer["_summary"])
        key = f"_plot_{self._file_name}"
        if isinstance(serializer, serializer_module.Serializer):
            serializer(key, json.dumps(self._data))
            return
        text = str(serializer(key, ""))
        if not text:  # a lenient deserializer without the key: keep the current points
            return
        loaded = json.loads(text)
        self._data = {k: [tuple(point) for point in loaded.get(k, [])] for k in self._y_keys}
