"""``create_multi_node_checkpointer``: per-process generational checkpoints that all processes resume from.

Every process writes its own state to ``<path>/<name>.<rank>.<iteration>``
(an NPZ file, written atomically, never pickled).  On restart,
``maybe_load`` finds the newest iteration for which *every* process has a
complete, readable file and loads it, so a job restarted with the same
number of processes continues exactly where the common checkpoint left it.
"""
from __future__ import annotations

import os
import time
import warnings

from kusari.training import extension
from kusari.utils import type_check

_FUNC = "create_multi_node_checkpointer"


def _check_positive_int(func, arg, value):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        type_check.fail(func, arg, "a positive int", f"{type(value).__name__} {value!r}")


def _readable(filename) -> bool:
    """Whether ``filename`` is an NPZ archive whose every member reads back (CRC checked)."""
    from kusari.serializers._archive import NpzArchive

    try:
        with NpzArchive(filename, func="maybe_load") as archive:
            for key in archive.files:
                archive[key]
    except Exception:  # truncated, not a zip, bad CRC, unreadable: all mean "not usable"
        return False
    return True


class _CheckpointStats:
    """Durations of the saves, for :meth:`_MultiNodeCheckpointer.get_stats`."""

    def __init__(self):
        self.durations = []

    def report(self) -> str:
        if not self.durations:
            return "No stats available"
        d = self.durations
        return (f"Snapshot duration stats (sec): avg={sum(d) / len(d):f}, min={min(d):f}, "
                f"max={max(d):f}")


class _MultiNodeCheckpointer(extension.Extension):
    """Built by :func:`create_multi_node_checkpointer`.

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.distributed.checkpoint import _MultiNodeCheckpointer
        >>> cp = _MultiNodeCheckpointer('run', SimpleNamespace(rank=1, size=2), 5, 5, None)
        >>> cp._filename(30), cp._parse_filename('run.1.30'), cp._parse_filename('.run.1.30.x.tmp')
        ('run.1.30', ('run', 1, 30), None)
    """

    def __init__(self, name, comm, cp_interval, gc_interval, path):
        self.name = name
        self.comm = comm
        self.cp_interval = cp_interval
        self.gc_interval = gc_interval
        self.path = None if path is None else os.fspath(path)
        self.files = []
        self.stats = _CheckpointStats()
        self._failed = False
        if self.path is not None:
            os.makedirs(self.path, exist_ok=True)

    # ---- saving --------------------------------------------------------------------

    def __call__(self, trainer):
        if self.path is None:
            self.path = trainer.out
        self.save(trainer, trainer.updater.iteration)

    def save(self, target, iteration):
        """Write this process's checkpoint of ``target`` for ``iteration``; all processes must call it together.

        Every ``gc_interval`` saves beyond ``cp_interval`` the processes agree
        on the iterations they all hold and delete all but the newest
        ``cp_interval`` of them.
        """
        from kusari.serializers import save_npz

        if self.path is None:
            raise RuntimeError(f"{_FUNC}: save() needs a directory; give 'path' to "
                               f"create_multi_node_checkpointer or call it as a trainer extension first")
        os.makedirs(self.path, exist_ok=True)
        filename = self._filename(iteration)
        begin = time.perf_counter()
        save_npz(os.path.join(self.path, filename), target)  # atomic: temp file + rename
        self.stats.durations.append(time.perf_counter() - begin)
        if filename not in self.files:
            self.files.append(filename)
        if len(self.files) - self.cp_interval > self.gc_interval:
            self._sync_file_list(remove_remainder=True)

    def on_error(self, trainer, exc, tb):
        # A failed run keeps its checkpoints: they are what a restart resumes from.
        self._failed = True

    def finalize(self):
        """Delete this process's checkpoints (after a run that ended without an error)."""
        if self._failed or self.path is None:
            return
        for filename in self.files:
            try:
                os.remove(os.path.join(self.path, filename))
            except OSError:
                pass
        self.files = []

    def get_stats(self) -> str:
        """Average, minimum and maximum duration of the saves so far, as a line of text."""
        return self.stats.report()

    # ---- agreement between processes ---------------------------------------------

    def _common_iterations(self, iterations):
        """The iterations in ``iterations`` that every process also has, ascending, the same on all."""
        gathered = self.comm.gather_obj(sorted(iterations))
        common = None
        if self.comm.rank == 0:
            common = set(gathered[0]).intersection(*gathered[1:])
            common = sorted(common)
        return self.comm.bcast_obj(common)

    def _sync_file_list(self, remove_remainder=False):
        local = [self._parse_filename(f)[2] for f in self.files]
        keep = self._common_iterations(local)[-self.cp_interval:]
        files = [self._filename(i) for i in keep]
        if remove_remainder:
            for filename in set(self.files) - set(files):
                try:
                    os.remove(os.path.join(self.path, filename))
                except OSError:
                    pass
        self.files = files

    def _filename(self, iteration):
        return f"{self.name}.{self.comm.rank}.{int(iteration)}"

    def _parse_filename(self, filename):
        """``(name, rank, iteration)`` of a checkpoint file name, or None for any other file."""
        parts = filename.rsplit(".", 2)
        if len(parts) != 3 or parts[0] != self.name or not parts[1].isdigit() or not parts[2].isdigit():
            return None
        return parts[0], int(parts[1]), int(parts[2])

    # ---- loading -------------------------------------------------------------------

    def maybe_load(self, trainer, optimizer=None, path=None):
        """Load the newest checkpoint that every process has intact; return its iteration (None if none).

        All processes must call it together, before ``trainer.run()`` and
        after every extension with state has been added.  The processes
        agree on the iterations they all have files for and, newest first,
        check that every process can read its file completely; the first
        iteration that passes everywhere is loaded into ``trainer`` (any
        object with ``serialize``).  With nothing to load, ``trainer`` is
        left untouched.  When ``optimizer`` (from
        :func:`~kusari.distributed.create_multi_node_optimizer`) is given,
        its first update skips the broadcast of rank 0's parameters, since
        every process already holds its own saved state.
        """
        from kusari.serializers import load_npz

        if self.path is None:
            self.path = os.fspath(path) if path is not None else trainer.out
        try:
            names = os.listdir(self.path)
        except OSError:  # this process has no output directory (yet): it has nothing to offer
            names = []
        local = [parsed[2] for parsed in map(self._parse_filename, names)
                 if parsed is not None and parsed[1] == self.comm.rank]
        common = self._common_iterations(local)
        loaded = None
        for iteration in reversed(common):
            ok = _readable(os.path.join(self.path, self._filename(iteration)))
            # Every process must decide alike: one unreadable file rules the iteration out for all.
            if self.comm.allreduce_obj(0 if ok else 1) == 0:
                loaded = iteration
                break
            if not ok:
                warnings.warn(f"{_FUNC}: checkpoint {self._filename(iteration)!r} in {self.path!r} "
                              f"is unreadable; trying an older one", RuntimeWarning, stacklevel=2)
        self.files = [self._filename(i) for i in common if loaded is not None and i <= loaded]
        if loaded is None:
            return None
        load_npz(os.path.join(self.path, self._filename(loaded)), trainer)
        if optimizer is not None and hasattr(optimizer, "mark_in_sync"):
            optimizer.mark_in_sync()  # a multi-node optimizer: no broadcast before the next step
        return loaded


def create_multi_node_checkpointer(name, comm, cp_interval=5, gc_interval=5, path=None):
    """A trainer extension that keeps recent per-process checkpoints and resumes from the newest common one.

    Each call (at the trigger given to ``trainer.extend``) makes every
    process save its whole trainer state to
    ``<path>/<name>.<rank>.<iteration>`` (atomically; NPZ without pickle;
    ``path`` defaults to ``trainer.out``).  ``cp_interval`` is how many
    common checkpoints are kept; once ``gc_interval`` more have been written
    the processes agree on the iterations all of them hold and delete the
    rest.  Before ``trainer.run()``, ``checkpointer.maybe_load(trainer,
    optimizer)`` loads the newest iteration for which every process has an
    intact file.  A run that ends without an error deletes the checkpoints
    (``finalize``); one that fails keeps them.  ``save``, ``maybe_load``
    and the garbage collection are collective: every process calls them at
    the same iteration.  As in ChainerMN, this is deprecated in favour of
    :func:`~kusari.distributed.multi_node_snapshot` (a DeprecationWarning).

    Args:
        name (str): identifier of the run (no path separators).
        comm: a kusari communicator.
        cp_interval (int): number of checkpoints to keep.
        gc_interval (int): extra checkpoints written between collections.
        path: directory of the files (``trainer.out`` when None).

    Example (run under ``mpiexec``; not executed here)::

        checkpointer = kusari.distributed.create_multi_node_checkpointer(name='run1', comm=comm)
        trainer.extend(checkpointer, trigger=(100, 'iteration'))
        checkpointer.maybe_load(trainer, optimizer)
        trainer.run()

    >>> from types import SimpleNamespace
    >>> from kusari.distributed.checkpoint import create_multi_node_checkpointer
    >>> create_multi_node_checkpointer('run', SimpleNamespace(rank=0, size=1, gather_obj=None), cp_interval=0)
    Traceback (most recent call last):
    ...
    kusari.utils.type_check.InvalidType: create_multi_node_checkpointer: argument 'cp_interval' expected a positive int, got int 0
    """
    if not isinstance(name, str) or not name or "/" in name or os.sep in name:
        type_check.fail(_FUNC, "name", "a non-empty str without path separators", repr(name))
    if comm is None or not hasattr(comm, "gather_obj"):
        type_check.fail(_FUNC, "comm", "a kusari communicator", type(comm).__name__)
    _check_positive_int(_FUNC, "cp_interval", cp_interval)
    _check_positive_int(_FUNC, "gc_interval", gc_interval)
    if path is not None and not isinstance(path, (str, os.PathLike)):
        type_check.fail(_FUNC, "path", "a str, an os.PathLike or None", type(path).__name__)
    warnings.warn("create_multi_node_checkpointer is deprecated; use kusari.distributed.multi_node_snapshot",
                  DeprecationWarning, stacklevel=2)
    return _MultiNodeCheckpointer(name, comm, cp_interval, gc_interval, path)
