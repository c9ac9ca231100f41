"""The ``snapshot`` and ``snapshot_object`` extensions (Chainer's ``extensions.snapshot``).

A snapshot of the trainer holds everything needed to resume: the updater
(iteration, iterators, optimizers, models), the stop trigger and every
extension with its trigger, under Chainer's key layout, so a file written by
Chainer 7 resumes here.  Files are written atomically by the writers of
:mod:`~kusari.training.extensions.snapshot_writers`.

With ``autoload=True`` the extension loads, when training starts, the newest
file in ``trainer.out`` whose name matches the template (same text before the
first ``{`` and after the last ``}``), newest by modification time, ties
broken by the numbers in the name.  A file that cannot be read (truncated,
damaged) is named in a :class:`SnapshotLoadWarning` and the one before it is
tried.  The whole file is read before anything is loaded, so a damaged file
never leaves the trainer half-restored.
"""
from __future__ import annotations

import os
import re
import warnings

import numpy

from kusari.serializers import CorruptedFileError, NpzDeserializer
from kusari.serializers import npz as npz_module
from kusari.serializers._archive import NpzArchive
from kusari.training import extension
from kusari.training.extensions import snapshot_writers
from kusari.utils import type_check

__all__ = ["snapshot", "snapshot_object", "SnapshotLoadWarning"]


class SnapshotLoadWarning(UserWarning):
    """An autoload candidate could not be read (or a snapshot was not written); says which and why.

    Example:
        >>> from kusari.training.extensions._snapshot import SnapshotLoadWarning
        >>> issubclass(SnapshotLoadWarning, UserWarning)
        True
    """


def _template_ends(fmt: str) -> tuple[str, str]:
    return fmt.split("{")[0], fmt.split("}")[-1]


def _natural_key(name: str):
    # 'snapshot_iter_10' after 'snapshot_iter_9': compare the digit runs as numbers.
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", name)]


def _find_snapshot_files(fmt: str, path: str) -> list[str]:
    """Regular files directly under ``path`` matching ``fmt``'s prefix and suffix, oldest first."""
    if not os.path.isdir(path):
        return []
    prefix, suffix = _template_ends(fmt)
    found = []
    for entry in os.scandir(path):
        name = entry.name
        if (name.startswith(prefix) and name.endswith(suffix) and len(name) >= len(prefix) + len(suffix)
                and entry.is_file(follow_symlinks=False)):
            # Coarse file-system clocks give snapshots taken in quick succession
            # the same mtime; the iteration number in the name then decides.
            try:
                mtime = entry.stat(follow_symlinks=False).st_mtime_ns
            except FileNotFoundError:  # removed meanwhile by a background writer's cleanup
                continue
            found.append((mtime, _natural_key(name), name))
    return [name for _, _, name in sorted(found)]


class _LoadedSnapshot(dict):
    # A dict of the arrays read from a file, carrying the file name for the
    # deserializer's error messages.
    filename = ""


def _read_whole(path: str) -> _LoadedSnapshot:
    data = _LoadedSnapshot()
    with NpzArchive(path, func="snapshot") as archive:
        for key in archive.files:
            data[key] = archive[key]
    data.filename = path
    return data


def _holds_non_finite(target) -> bool:
    # Parameters and optimizer states are arrays of rank >= 1; 0-d floats
    # (summaries, best values) may legitimately be NaN or Inf.
    for value in target.values():
        dtype = getattr(value, "dtype", None)
        if dtype is not None and dtype.kind in "fc" and getattr(value, "ndim", 0) >= 1:
            if not numpy.isfinite(value).all():
                return True
    return False


def _always_true():
    return True


class _Snapshot(extension.Extension):
    """Trainer extension taking snapshots; build it with :func:`snapshot` or :func:`snapshot_object`.

    Trigger ``(1, 'epoch')``, priority -100 (after every other extension of
    the iteration), default name ``'_Snapshot'``.

    Example:
        >>> from kusari.training.extensions._snapshot import snapshot
        >>> ext = snapshot()
        >>> ext.default_name, ext.trigger, ext.priority, ext.filename
        ('_Snapshot', (1, 'epoch'), -100, 'snapshot_iter_{.updater.iteration}')
    """

    trigger = 1, "epoch"
    priority = -100

    def __init__(self, target=None, condition=None, writer=None,
                 filename="snapshot_iter_{.updater.iteration}", snapshot_on_error=False,
                 n_retains=-1, autoload=False):
        self._target = target
        self.filename = filename
        self.condition = _always_true if condition is None else condition
        self.writer = snapshot_writers.SimpleWriter() if writer is None else writer
        self._snapshot_on_error = snapshot_on_error
        self.n_retains = n_retains
        self.autoload = autoload

    def initialize(self, trainer) -> None:
        """Autoload the newest readable snapshot; hook the ``n_retains`` cleanup into the writer.

        Example:
            >>> import tempfile, numpy as np
            >>> from types import SimpleNamespace
            >>> from kusari.serializers import save_npz
            >>> from kusari.training.extensions._snapshot import snapshot_object
            >>> class Box:
            ...     x = np.zeros(1)
            ...     def serialize(self, s): s('x', self.x)
            >>> out = tempfile.mkdtemp(); save_npz(out + '/box_7', {'x': np.full(1, 7.)})
            >>> box = Box(); snapshot_object(box, 'box_{.updater.iteration}', autoload=True).initialize(
            ...     SimpleNamespace(out=out))
            >>> box.x
            array([7.])
        """
        target = trainer if self._target is None else self._target
        outdir = trainer.out
        if self.autoload and isinstance(self.filename, str):
            self._autoload(target, outdir)
        if (hasattr(self.writer, "_add_cleanup_hook") and self.n_retains > 0
                and isinstance(self.filename, str)):
            def _cleanup():
                files = _find_snapshot_files(self.filename, outdir)
                for name in files[:max(len(files) - self.n_retains, 0)]:
                    try:
                        os.remove(os.path.join(outdir, name))
                    except FileNotFoundError:
                        pass

            self.writer._add_cleanup_hook(_cleanup)

    def _autoload(self, target, outdir) -> None:
        candidates = _find_snapshot_files(self.filename, outdir)
        for name in reversed(candidates):
            path = os.path.join(outdir, name)
            try:
                data = _read_whole(path)
            except CorruptedFileError as error:
                warnings.warn(f"snapshot: cannot autoload {path!r}, trying the previous snapshot: {error}",
                              SnapshotLoadWarning, stacklevel=2)
                continue
            NpzDeserializer(data).load(target)
            return
        if candidates:
            warnings.warn(f"snapshot: none of the snapshots matching {self.filename!r} in {outdir!r} "
                          "could be read; training starts from the beginning",
                          SnapshotLoadWarning, stacklevel=2)

    def on_error(self, trainer, exc, tb) -> None:
        """With ``snapshot_on_error``, snapshot the state the failed loop left.

        A state whose parameters or optimizer arrays hold NaN/Inf (a diverged
        run stopped by FailOnNonNumber) is not written: it would become the
        newest snapshot and autoload would resume from it.  The last good
        snapshot stays the newest, and a warning says so.
        """
        if self._snapshot_on_error:
            self._make_snapshot(trainer, skip_non_finite=True)

    def __call__(self, trainer):
        if self.condition():
            self._make_snapshot(trainer)

    def _make_snapshot(self, trainer, skip_non_finite=False) -> None:
        target = trainer if self._target is None else self._target
        serialized = npz_module.serialize(target)
        filename = self.filename
        filename = filename(trainer) if callable(filename) else filename.format(trainer)
        if skip_non_finite and _holds_non_finite(serialized):
            kept = _find_snapshot_files(self.filename, trainer.out) if isinstance(self.filename, str) else []
            warnings.warn(f"snapshot: {filename!r} not written on error: the state holds NaN or Inf; "
                          f"the last good snapshot is {kept[-1] if kept else None!r}",
                          SnapshotLoadWarning, stacklevel=2)
            return
        self.writer(filename, trainer.out, serialized)

    def finalize(self) -> None:
        """Let the writer finish its pending writes."""
        if hasattr(self.writer, "finalize"):
            self.writer.finalize()


def _check_arguments(func, filename, savefun, writer, condition, n_retains):
    if savefun is not None and writer is not None:
        type_check.fail(func, "writer", "None when savefun is given (they cannot be used together)",
                        type(writer).__name__)
    if not (isinstance(filename, str) or callable(filename)):
        type_check.fail(func, "filename", "a format string or a callable f(trainer)",
                        type(filename).__name__)
    if condition is not None and not callable(condition):
        type_check.fail(func, "condition", "a callable returning bool, or None", type(condition).__name__)
    if isinstance(n_retains, bool) or not isinstance(n_retains, int):
        type_check.fail(func, "n_retains", "an int", type(n_retains).__name__)


def _retains(kwargs, n_retains):
    if "num_retain" in kwargs:
        warnings.warn("Argument `num_retain` is deprecated. Please use `n_retains` instead",
                      DeprecationWarning, stacklevel=3)
        return kwargs.pop("num_retain")
    return n_retains


def snapshot(savefun=None, filename="snapshot_iter_{.updater.iteration}", *, target=None,
             condition=None, writer=None, snapshot_on_error=False, n_retains=-1, autoload=False,
             **kwargs):
    """Extension taking snapshots of the trainer (or of ``target``) to resume training.

    Args:
        savefun: ``savefun(path, serialized_dict)``; by default
            :func:`~kusari.training.extensions.snapshot_writers.save_snapshot_npz`,
            an uncompressed npz (Chainer compresses; deflate saves ~7% on
            weights and costs ~1 s per 20 MB).  Cannot be given together with ``writer``.
        filename (str or callable): file name in ``trainer.out``, formatted
            with the trainer (``'snapshot_iter_{.updater.iteration}'``), or
            ``f(trainer) -> str``.
        target: object to snapshot instead of the trainer.
        condition: ``condition() -> bool``; the snapshot is skipped when False.
        writer: a :mod:`~kusari.training.extensions.snapshot_writers` writer
            (default ``SimpleWriter(savefun)``).
        snapshot_on_error (bool): also snapshot when the training loop fails.
        n_retains (int): keep only the newest ``n_retains`` matching files
            (positive values only; string filenames only).
        autoload (bool): load the newest readable matching snapshot when
            training starts (string filenames only; npz files).

    Example:
        >>> import os, tempfile, numpy as np, kusari, kusari.links as L
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.training.trainer import Trainer
        >>> from kusari.training.updaters.standard_updater import StandardUpdater
        >>> from kusari.training.extensions import _snapshot
        >>> data = [(np.ones(2, np.float32), np.int32(1))] * 4
        >>> opt = kusari.optimizers.SGD(); _ = opt.setup(L.Classifier(L.Linear(2, 2)))
        >>> out = tempfile.mkdtemp()
        >>> t = Trainer(StandardUpdater(SerialIterator(data, 2), opt), (2, 'epoch'), out=out)
        >>> t.extend(_snapshot.snapshot(n_retains=1))
        >>> t.run(); os.listdir(out)
        ['snapshot_iter_4']
    """
    n_retains = _retains(kwargs, n_retains)
    if kwargs:
        raise TypeError(f"snapshot() got unexpected keyword argument(s) {sorted(kwargs)}")
    _check_arguments("snapshot", filename, savefun, writer, condition, n_retains)
    if writer is None:
        writer = snapshot_writers.SimpleWriter(savefun=savefun)
    return _Snapshot(target=target, condition=condition, writer=writer, filename=filename,
                     snapshot_on_error=snapshot_on_error, n_retains=n_retains, autoload=autoload)


def snapshot_object(target, filename, savefun=None, **kwargs):
    """Extension taking snapshots of ``target`` (a model, an optimizer...).

    Same options as :func:`snapshot` (``condition``, ``writer``,
    ``snapshot_on_error``, ``n_retains``, ``autoload``).

    Example:
        >>> import os, tempfile, numpy as np, kusari, kusari.links as L
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.training.trainer import Trainer
        >>> from kusari.training.updaters.standard_updater import StandardUpdater
        >>> from kusari.training.extensions import _snapshot
        >>> data = [(np.ones(2, np.float32), np.int32(1))] * 4
        >>> model = L.Classifier(L.Linear(2, 2))
        >>> opt = kusari.optimizers.SGD(); _ = opt.setup(model)
        >>> out = tempfile.mkdtemp()
        >>> t = Trainer(StandardUpdater(SerialIterator(data, 2), opt), (1, 'epoch'), out=out)
        >>> t.extend(_snapshot.snapshot_object(model, 'model_{.updater.epoch}'))
        >>> t.run(); sorted(np.load(os.path.join(out, 'model_1')))
        ['predictor/W', 'predictor/b']
    """
    return snapshot(savefun, filename, target=target, **kwargs)
