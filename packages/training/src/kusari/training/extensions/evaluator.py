"""Evaluator: the mean of what the target reports over a validation iterator."""
from __future__ import annotations

import copy
import warnings

from kusari import _config, backend
from kusari import link as link_module
from kusari import reporter as reporter_module
from kusari.dataset import convert
from kusari.dataset import iterator as iterator_module
from kusari.training import extension
from kusari.training.extensions import _progress
from kusari.utils.type_check import fail

__all__ = ["Evaluator"]


class Evaluator(extension.Extension):
    """Run the target over a whole validation iterator and report the means.

    Each call resets the ``'main'`` iterator (``iterator.reset()``; a copy
    for iterators without ``reset``, as Chainer did, with a
    DeprecationWarning), then for every batch converts it with
    ``converter`` onto ``device`` and calls ``eval_func`` (the ``'main'``
    target by default) inside ``no_backprop_mode`` and with
    ``config.train = False``.  What the targets report is averaged with a
    ``DictSummary``; the keys carry the extension's name as a prefix
    (``'validation/main/loss'``).  The result is returned and reported to
    the current reporter, so the trainer's observation (and ``LogReport``)
    sees it.  Runs once per epoch with priority ``PRIORITY_WRITER`` by default.

    Args:
        iterator: an Iterator, or a dict of them with a ``'main'`` one.
        target: a Link, or a dict of them with a ``'main'`` one.
        converter: ``converter(batch, device)``; ``concat_examples`` by default.
        device: where batches are sent (a device specifier), or None.
        eval_hook: ``eval_hook(evaluator)`` called before each evaluation.
        eval_func: the callable run on each batch; the main target when None.
        progress_bar: show a progress bar of the validation pass.

    Example:
        >>> import numpy as np, kusari, kusari.links as L
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.training.extensions.evaluator import Evaluator
        >>> model = L.Classifier(L.Linear(2, 2))
        >>> data = [(np.ones(2, np.float32), np.int32(0))] * 3
        >>> ev = Evaluator(SerialIterator(data, 2, repeat=False, shuffle=False), model)
        >>> ev.name = 'validation'
        >>> sorted(ev())
        ['validation/main/accuracy', 'validation/main/loss']
    """

    trigger = 1, "epoch"
    default_name = "validation"
    priority = extension.PRIORITY_WRITER
    name = None

    def __init__(self, iterator, target, converter=convert.concat_examples, device=None,
                 eval_hook=None, eval_func=None, *, progress_bar=False):
        if isinstance(iterator, iterator_module.Iterator):
            iterator = {"main": iterator}
        if not isinstance(iterator, dict) or "main" not in iterator:
            fail("Evaluator", "iterator", "an Iterator or a dict of them with a 'main' key",
                 repr(iterator) if not isinstance(iterator, dict) else f"keys {sorted(iterator)}")
        if isinstance(target, link_module.Link):
            target = {"main": target}
        if not isinstance(target, dict) or "main" not in target:
            fail("Evaluator", "target", "a Link or a dict of them with a 'main' key",
                 repr(target) if not isinstance(target, dict) else f"keys {sorted(target)}")
        self._iterators = iterator
        self._targets = target
        self.converter = converter
        self.device = None if device is None else backend.get_device(device)
        self.eval_hook = eval_hook
        self.eval_func = eval_func
        self._progress_bar = progress_bar
        for key, it in iterator.items():
            # A repeating iterator never raises StopIteration: the pass would never end.
            if getattr(it, "repeat", False) is True:
                warnings.warn(f"Evaluator: the iterator {key!r} has repeat=True; an evaluation "
                              "pass runs until the iterator stops, so it may never end",
                              stacklevel=2)

    def get_iterator(self, name):
        """The iterator named ``name``."""
        return self._iterators[name]

    def get_all_iterators(self) -> dict:
        """A new ``{name: iterator}`` dict."""
        return dict(self._iterators)

    def get_target(self, name):
        """The target link named ``name``."""
        return self._targets[name]

    def get_all_targets(self) -> dict:
        """A new ``{name: target}`` dict."""
        return dict(self._targets)

    def __call__(self, trainer=None):
        """Evaluate with ``config.train = False``, report the result and return it.

        Works without a trainer: values are reported to the current reporter if any.
        """
        reporter = reporter_module.Reporter()
        prefix = "" if self.name is None else self.name + "/"
        for name, target in self._targets.items():
            reporter.add_observer(prefix + name, target)
            namedlinks = getattr(target, "namedlinks", None)
            if namedlinks is not None:
                reporter.add_observers(prefix + name, namedlinks(skipself=True))
        with reporter, _config.using_config("train", False):
            result = self.evaluate()
        reporter_module.report(result)
        return result

    def _fresh_main_iterator(self):
        iterator = self._iterators["main"]
        if hasattr(iterator, "reset"):
            iterator.reset()
            return iterator
        warnings.warn("Evaluator: the iterator has no reset(); it is copied instead, which is "
                      "deprecated. Implement Iterator.reset().", DeprecationWarning, stacklevel=3)
        return copy.copy(iterator)

    def evaluate(self) -> dict:
        """One pass over the ``'main'`` iterator; the means of the reported values.

        Override it for a custom evaluation loop (call it inside a reporter,
        as ``__call__`` does).
        """
        eval_func = self.eval_func or self._targets["main"]
        if self.eval_hook:
            self.eval_hook(self)
        it = self._fresh_main_iterator()
        summary = reporter_module.DictSummary()
        pbar = _IteratorProgressBar(it) if self._progress_bar else None
        for batch in it:
            observation = {}
            with reporter_module.report_scope(observation):
                in_arrays = convert._call_converter(self.converter, batch, self.device)
                with _config.no_backprop_mode():
                    if isinstance(in_arrays, tuple):
                        eval_func(*in_arrays)
                    elif isinstance(in_arrays, dict):
                        eval_func(**in_arrays)
                    else:
                        eval_func(in_arrays)
            summary.add(observation)
            if pbar is not None:
                pbar.update()
        if pbar is not None:
            pbar.close()
        return summary.compute_mean()

    def finalize(self) -> None:
        """Finalize every iterator (called when training ends)."""
        for it in self._iterators.values():
            it.finalize()


class _IteratorProgressBar(_progress.TextProgressBar):
    """``validation [###...]  xx.xx%`` over one pass of an iterator."""

    def __init__(self, iterator, bar_length=None, out=None):
        if not (hasattr(iterator, "current_position") and hasattr(iterator, "epoch_detail")):
            fail("Evaluator", "iterator",
                 "an iterator with current_position and epoch_detail for progress_bar=True",
                 type(iterator).__name__)
        self._iterator = iterator
        super().__init__(bar_length=bar_length, out=out)

    def get_lines(self):
        iteration = self._iterator.current_position
        epoch_detail = self._iterator.epoch_detail
        epoch_size = getattr(self._iterator, "_epoch_size", None)
        lines = [f"validation {_progress.bar(epoch_detail, self._bar_length)} "
                 f"{epoch_detail:6.2%}\n"]
        if epoch_size:
            lines.append(f"{iteration:10} / {epoch_size} iterations\n")
        else:
            lines.append(f"{iteration:10} iterations\n")
        speed_t, speed_e = self.update_speed(iteration, epoch_detail)
        estimated = (1.0 - epoch_detail) / speed_e if speed_e else float("inf")
        lines.append(f"{speed_t:10.5g} iters/sec. Estimated time to finish: "
                     f"{_progress.format_eta(estimated)}.\n")
        return lines
