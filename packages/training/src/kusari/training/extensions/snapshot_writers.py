"""Snapshot writers: how (and on which thread or process) a snapshot file gets written.

The :func:`~kusari.training.extensions.snapshot` extension serializes its
target into a ``{key: array}`` dict and hands it to a writer, which saves it
under ``outdir/filename``.  Every writer saves atomically: ``savefun`` writes
into a private temporary directory inside ``outdir`` (so it sees the real file
name, which matters for savefuns that add a suffix), the file is fsynced and
renamed over the final name.  A crash or a SIGKILL at any moment leaves either
the previous file or the new one, never a half-written one.

- :class:`SimpleWriter` writes in the calling thread.
- :class:`ThreadWriter` / :class:`ProcessWriter` start one thread / process
  per snapshot (joining the previous one first).
- :class:`ThreadQueueWriter` / :class:`ProcessQueueWriter` feed one
  long-lived consumer thread / process through a queue.

``finalize()`` (called by the trainer when training ends) waits for the
background writes to finish.

Example:
    >>> import os, tempfile, numpy as np
    >>> from kusari.training.extensions import snapshot_writers
    >>> out = tempfile.mkdtemp()
    >>> w = snapshot_writers.ThreadWriter()
    >>> w('snap', out, {'x': np.arange(3)})
    >>> w.finalize()
    >>> np.load(os.path.join(out, 'snap'))['x']
    array([0, 1, 2])
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import tempfile
import threading

from kusari import _atomic
from kusari.serializers import save_npz

__all__ = ["Writer", "SimpleWriter", "StandardWriter", "ThreadWriter", "ProcessWriter",
           "QueueWriter", "ThreadQueueWriter", "ProcessQueueWriter"]

#: Prefix of the temporary directories writers create in ``outdir``.  It
#: starts with a dot so that no snapshot filename template matches it.
TEMP_PREFIX = ".tmp"


def _fsync_file(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_snapshot_npz(file, obj, compression: bool = False) -> None:
    """The writers' default ``savefun``: :func:`~kusari.serializers.save_npz` without deflate.

    Parameters and optimizer moments barely compress (about 7% for float32
    weights) while deflate costs about a second per 20 MB, so a compressed
    snapshot at the end of an MNIST epoch added 5-8% to the epoch. The file is
    an ordinary npz that NumPy and Chainer read. Pass
    ``compression=True`` to a writer (it forwards keywords to ``savefun``), or
    ``savefun=kusari.serializers.save_npz``, for Chainer's compressed files.

    Example:
        >>> import io, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import save_snapshot_npz
        >>> buf = io.BytesIO(); save_snapshot_npz(buf, {'w': np.ones(3, np.float32)})
        >>> _ = buf.seek(0); np.load(buf)['w']
        array([1., 1., 1.], dtype=float32)
    """
    save_npz(file, obj, compression=compression)


def save_atomically(filename: str, outdir: str, target, savefun, **kwds) -> None:
    """Run ``savefun(path, target, **kwds)`` so that ``outdir/filename`` appears atomically.

    Module-level (not a method) so a process writer can hand it to any
    multiprocessing start method.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import save_atomically
        >>> from kusari.serializers import save_npz
        >>> out = tempfile.mkdtemp()
        >>> save_atomically('a.npz', out, {'x': np.ones(1)}, save_npz)
        >>> os.listdir(out)
        ['a.npz']
    """
    tmpdir = tempfile.mkdtemp(prefix=TEMP_PREFIX + filename, dir=outdir)
    try:
        tmppath = os.path.join(tmpdir, filename)
        savefun(tmppath, target, **kwds)
        _fsync_file(tmppath)
        os.replace(tmppath, os.path.join(outdir, filename))
        _atomic._fsync_directory(outdir)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


class Writer:
    """Base class of snapshot writers.

    The snapshot extension calls ``writer(filename, outdir, target)`` with
    the final file name, ``trainer.out`` and the serialized target (a dict).
    Post-save hooks added with ``_add_cleanup_hook`` (the extension's
    ``n_retains`` cleanup) run after each completed save.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import Writer
        >>> from kusari.serializers import save_npz
        >>> class Verbose(Writer):
        ...     def __call__(self, filename, outdir, target):
        ...         self.save(filename, outdir, target, save_npz)
        ...         print('saved', filename)
        >>> Verbose()('s.npz', tempfile.mkdtemp(), {'a': np.zeros(1)})
        saved s.npz
    """

    def __init__(self):
        self._post_save_hooks = []

    def __call__(self, filename, outdir, target):
        raise NotImplementedError(f"{type(self).__name__} must override __call__(filename, outdir, target)")

    def __del__(self):
        try:
            self.finalize()
        except Exception:  # noqa: BLE001 - nothing can be reported from __del__ at shutdown
            pass

    def finalize(self) -> None:
        """Wait for pending writes; called by the trainer when training ends.  No-op here.

        Example:
            >>> from kusari.training.extensions.snapshot_writers import SimpleWriter
            >>> SimpleWriter().finalize() is None
            True
        """

    def save(self, filename, outdir, target, savefun, **kwds) -> None:
        """Save atomically with ``savefun``, then run the post-save hooks.

        Example:
            >>> import os, tempfile, numpy as np
            >>> from kusari.training.extensions.snapshot_writers import SimpleWriter
            >>> from kusari.serializers import save_npz
            >>> out = tempfile.mkdtemp()
            >>> SimpleWriter().save('m.npz', out, {'a': np.ones(2)}, save_npz)
            >>> os.listdir(out)
            ['m.npz']
        """
        save_atomically(filename, outdir, target, savefun, **kwds)
        self._post_save()

    def _add_cleanup_hook(self, hook_fun) -> None:
        # Chainer's protocol: the snapshot extension registers its n_retains
        # cleanup here, to run right after each save.
        self._post_save_hooks.append(hook_fun)

    def _post_save(self) -> None:
        for hook in self._post_save_hooks:
            hook()


class SimpleWriter(Writer):
    """Writes the snapshot in the calling thread with ``savefun(path, target, **kwds)``.

    Args:
        savefun: saving function; :func:`save_snapshot_npz` (uncompressed npz) by default.
        kwds: extra keyword arguments for ``savefun``.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import SimpleWriter
        >>> out = tempfile.mkdtemp()
        >>> SimpleWriter(compression=False)('s', out, {'a': np.arange(2)})
        >>> np.load(os.path.join(out, 's'))['a']
        array([0, 1])
    """

    def __init__(self, savefun=None, **kwds):
        super().__init__()
        self._savefun = save_snapshot_npz if savefun is None else savefun
        self._kwds = kwds

    def __call__(self, filename, outdir, target):
        self.save(filename, outdir, target, self._savefun, **self._kwds)


def _detached(target):
    # The dict a snapshot hands over holds the live parameter arrays, which
    # the next update changes in place; a background writer must save the
    # state of the moment the snapshot was taken.
    if isinstance(target, dict):
        return {k: v.copy() if hasattr(v, "copy") else v for k, v in target.items()}
    return target


class StandardWriter(Writer):
    """Base of writers that start one worker (thread or process) per snapshot.

    A call joins the previous worker, then starts a new one from
    :meth:`create_worker`; :meth:`finalize` joins the last one.  The target is
    copied first, so training may go on while it is written.

    Args:
        savefun: saving function; :func:`save_snapshot_npz` (uncompressed npz) by default.
        kwds: extra keyword arguments for ``savefun``.

    Example:
        >>> import os, tempfile, threading, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import StandardWriter
        >>> class MyThreadWriter(StandardWriter):
        ...     def create_worker(self, filename, outdir, target, **kwds):
        ...         return threading.Thread(target=self.save,
        ...                                 args=(filename, outdir, target, self._savefun), kwargs=kwds)
        >>> out = tempfile.mkdtemp(); w = MyThreadWriter()
        >>> w('a', out, {'x': np.ones(1)}); w.finalize(); os.listdir(out)
        ['a']
    """

    _started = False
    _finalized = False
    _worker = None

    def __init__(self, savefun=None, **kwds):
        super().__init__()
        self._savefun = save_snapshot_npz if savefun is None else savefun
        self._kwds = kwds
        self._started = False
        self._finalized = False

    def __call__(self, filename, outdir, target):
        self._join_worker()
        self._filename = filename
        self._worker = self.create_worker(filename, outdir, _detached(target), **self._kwds)
        self._worker.start()
        self._started = True

    def create_worker(self, filename, outdir, target, **kwds):
        """Return an unstarted worker (``start()``/``join()``) that saves ``target``."""
        raise NotImplementedError(f"{type(self).__name__} must implement create_worker")

    def _join_worker(self) -> None:
        if self._started:
            self._worker.join()
            self._started = False
            self._after_join()

    def _after_join(self) -> None:
        pass

    def finalize(self) -> None:
        """Wait for the last write to finish.

        Example:
            >>> from kusari.training.extensions.snapshot_writers import ThreadWriter
            >>> w = ThreadWriter(); w.finalize(); w.finalize()
        """
        if not self._finalized:
            self._join_worker()
        self._finalized = True


class ThreadWriter(StandardWriter):
    """Writes each snapshot in a new thread.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import ThreadWriter
        >>> out = tempfile.mkdtemp(); w = ThreadWriter()
        >>> w('a', out, {'x': np.ones(1)}); w('b', out, {'x': np.ones(1)}); w.finalize()
        >>> sorted(os.listdir(out))
        ['a', 'b']
    """

    def create_worker(self, filename, outdir, target, **kwds):
        """A thread running :meth:`Writer.save`."""
        return threading.Thread(target=self.save, args=(filename, outdir, target, self._savefun),
                                kwargs=kwds)


class ProcessWriter(StandardWriter):
    """Writes each snapshot in a new process.

    ``savefun`` must be picklable (a module-level function) for start methods
    other than ``fork``.  The post-save hooks (the ``n_retains`` cleanup) run
    in this process when the worker is joined: at the next snapshot or at
    ``finalize``.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import ProcessWriter
        >>> out = tempfile.mkdtemp(); w = ProcessWriter()
        >>> w('a', out, {'x': np.ones(1)}); w.finalize(); os.listdir(out)
        ['a']
    """

    def create_worker(self, filename, outdir, target, **kwds):
        """A process running the atomic save (without the hooks, run on join)."""
        return multiprocessing.Process(target=save_atomically,
                                       args=(filename, outdir, target, self._savefun), kwargs=kwds)

    def _after_join(self) -> None:
        if self._worker.exitcode != 0:
            raise RuntimeError(f"ProcessWriter: the process writing {self._filename!r} failed "
                               f"(exit code {self._worker.exitcode})")
        self._post_save()


class QueueWriter(Writer):
    """Base of writers with one long-lived consumer fed through a queue.

    Each call puts ``[task, filename, outdir, target]`` on the queue; the
    consumer runs ``task(filename, outdir, target)`` then the post-save
    hooks (the ``n_retains`` cleanup).  ``finalize`` sends the
    end marker and waits for the queue to drain.

    Args:
        savefun: saving function for the default task, a
            :class:`SimpleWriter` (``save_npz`` by default).
        task: the callable put on the queue instead of a ``SimpleWriter``.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import ThreadQueueWriter
        >>> out = tempfile.mkdtemp(); w = ThreadQueueWriter()
        >>> for name in 'abc':
        ...     w(name, out, {'x': np.ones(1)})
        >>> w.finalize(); sorted(os.listdir(out))
        ['a', 'b', 'c']
    """

    _started = False
    _finalized = False
    _queue = None
    _consumer = None

    def __init__(self, savefun=None, task=None):
        super().__init__()
        if savefun is None:
            savefun = save_snapshot_npz
        self._task = self.create_task(savefun) if task is None else task
        self._queue = self.create_queue()
        self._consumer = self.create_consumer(self._queue)
        self._consumer.start()
        self._started = True
        self._finalized = False

    def __call__(self, filename, outdir, target):
        self._queue.put([self._task, filename, outdir, _detached(target)])

    def create_task(self, savefun):
        """The default task: a :class:`SimpleWriter` with ``savefun``."""
        return SimpleWriter(savefun=savefun)

    def create_queue(self):
        """The queue between the trainer and the consumer."""
        raise NotImplementedError(f"{type(self).__name__} must implement create_queue")

    def create_consumer(self, q):
        """The unstarted consumer (thread or process) running :meth:`consume`."""
        raise NotImplementedError(f"{type(self).__name__} must implement create_consumer")

    def consume(self, q) -> None:
        """Run queued tasks until the end marker (None)."""
        while True:
            task = q.get()
            try:
                if task is None:
                    return
                task[0](task[1], task[2], task[3])
                # Runs the n_retains cleanup in a consumer thread.  A consumer
                # process was forked before any hook was added: a no-op there.
                self._post_save()
            finally:
                q.task_done()

    def finalize(self) -> None:
        """Send the end marker and wait until every queued snapshot is written."""
        if self._started and not self._finalized:
            self._queue.put(None)
            self._queue.join()
            self._consumer.join()
            self._started = False
        self._finalized = True


class ThreadQueueWriter(QueueWriter):
    """A :class:`QueueWriter` whose consumer is a thread.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import ThreadQueueWriter
        >>> out = tempfile.mkdtemp(); w = ThreadQueueWriter()
        >>> w('a', out, {'x': np.ones(1)}); w.finalize(); os.listdir(out)
        ['a']
    """

    def create_queue(self):
        return queue.Queue()

    def create_consumer(self, q):
        return threading.Thread(target=self.consume, args=(q,), daemon=True)


class ProcessQueueWriter(QueueWriter):
    """A :class:`QueueWriter` whose consumer is a process.

    The task (and its ``savefun``) runs in the consumer process; post-save
    hooks added to this writer are not run (there is no way back to this
    process), so ``n_retains`` has no effect with it.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari.training.extensions.snapshot_writers import ProcessQueueWriter
        >>> out = tempfile.mkdtemp(); w = ProcessQueueWriter()
        >>> w('a', out, {'x': np.ones(1)}); w.finalize(); os.listdir(out)
        ['a']
    """

    def create_queue(self):
        return multiprocessing.JoinableQueue()

    def create_consumer(self, q):
        return multiprocessing.Process(target=self.consume, args=(q,))
