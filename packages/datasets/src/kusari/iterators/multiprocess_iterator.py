"""``MultiprocessIterator``: examples read by worker processes, batches prefetched.

For datasets whose ``get_example`` is slow Python code (augmentation,
decoding, parsing): each batch is split across ``n_processes`` workers.
Epochs, orders and snapshots behave exactly as in ``SerialIterator`` (the
position bookkeeping is the same :func:`_advance`); only the reading moves
to other processes.

Why own worker processes and not ``multiprocessing.Pool``: a Pool replaces a
worker that dies and silently loses its task, so the caller waits forever
(Chainer's iterator hung like that).  Here every worker has its own pair of
pipes, the main process waits on the pipe *and* the process's sentinel, and
a dead worker is an error at once.  Workers are started with the ``fork``
start method where the platform has it (no pickling of the dataset, fast
start); elsewhere with the platform default, which needs a picklable dataset.

Examples travel back pickled through the pipes.  With ``shared_mem`` (bytes
per example) the NumPy arrays of each example go through shared memory
instead: the main process owns ``multiprocessing.shared_memory`` blocks (one
slot of ``shared_mem`` bytes per example of a chunk in flight), a worker
writes an example's arrays into its slot and sends only (dtype, shape,
offset) through the pipe, and the main process copies them out, so no array
of a returned batch aliases a reused buffer.  An example whose arrays need
more than ``shared_mem`` bytes is pickled whole (with a ``UserWarning``).
Blocks are unlinked when the workers stop: finalize, any error in ``next``,
garbage collection and interpreter exit.

Chainer 7.8.1 with ``shared_mem=None`` reads the first batch in the main
process to measure the examples and sizes the shared memory from it; kusari
does not guess: ``shared_mem=None`` pickles every example.

Example:
    >>> from kusari.iterators import MultiprocessIterator
    >>> with MultiprocessIterator(list(range(5)), 2, shuffle=False, n_processes=2) as it:
    ...     it.next(), it.next(), it.next(), it.epoch
    ([0, 1], [2, 3], [4, 0], 1)
"""
from __future__ import annotations

import collections
import multiprocessing
import os
import signal
import threading
import time
import traceback
import warnings
import weakref
from multiprocessing import connection, resource_tracker, shared_memory

import numpy

from kusari.dataset import iterator
from kusari.iterators._worker_batches import may_read_ahead, next_batch_chunks
from kusari.iterators.serial_iterator import _check_settings, _initial_state, _PositionMixin
from kusari.utils import type_check

__all__ = ["MultiprocessIterator"]

_NAME = "MultiprocessIterator"
# How long finalize lets idle workers exit on their own before terminating them.
_GRACE_S = 1.0


class _RemoteTraceback(Exception):
    """Carries a worker's formatted traceback; set as ``__cause__`` of the re-raised error."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text

    def __str__(self):
        return self.text


class WorkerDiedError(RuntimeError):
    """A worker process of a ``MultiprocessIterator`` ended while a batch was being read.

    Example:
        >>> from kusari.iterators.multiprocess_iterator import WorkerDiedError
        >>> issubclass(WorkerDiedError, RuntimeError)
        True
    """


class _Job:
    __slots__ = ("worker", "done", "ok", "value", "remote_tb", "block")

    def __init__(self, worker, block=None):
        self.worker = worker
        self.done = False
        self.block = block


class _Packed:
    """Stands for an array that a worker wrote into shared memory at ``offset``."""

    __slots__ = ("dtype", "shape", "offset")

    def __init__(self, dtype, shape, offset):
        self.dtype, self.shape, self.offset = dtype, shape, offset

    def __reduce__(self):
        return _Packed, (self.dtype, self.shape, self.offset)


class _SharedBlocks:
    """The main process's shared-memory blocks: one per chunk in flight, reused.

    A block of ``n`` slots serves chunks of ``n`` examples; it is busy from
    the chunk's send until its result is read (also the result of a batch
    dropped by ``reset``: the worker may still be writing), then free again.
    """

    def __init__(self, slot_bytes):
        self.slot_bytes = slot_bytes
        self.free = collections.defaultdict(list)
        self.blocks = []

    def acquire(self, n_slots):
        free = self.free[n_slots]
        if free:
            return free.pop()
        block = shared_memory.SharedMemory(create=True, size=max(n_slots * self.slot_bytes, 1))
        self.blocks.append((n_slots, block))
        return block

    def release(self, block):
        for n_slots, owned in self.blocks:
            if owned is block:
                self.free[n_slots].append(block)
                return

    def unlink_all(self):
        """Close and unlink every block; only once no worker writes into them."""
        for _, block in self.blocks:
            try:
                block.close()
            except BufferError:
                pass  # an array view still exists somewhere; unlink all the same
            try:
                block.unlink()
            except FileNotFoundError:
                pass
        self.blocks.clear()
        self.free.clear()


class _Worker:
    """One worker process and the main process's ends of its two pipes."""

    def __init__(self, context, dataset, max_tasks, close_in_child):
        task_recv, self.task_send = context.Pipe(duplex=False)
        self.result_recv, result_send = context.Pipe(duplex=False)
        # The child closes the main process's ends it inherits by fork (its own
        # and earlier workers'), so closing them here reads as EOF there.
        inherited = close_in_child + [self.task_send, self.result_recv]
        self.process = context.Process(
            target=_worker_main, name="kusari-MultiprocessIterator-worker", daemon=True,
            args=(dataset, task_recv, result_send, max_tasks, os.getpid(), inherited))
        self.process.start()
        task_recv.close()
        result_send.close()
        self.outstanding = collections.deque()
        self.sent = 0

    def connections(self):
        return [self.task_send, self.result_recv]

    def close(self):
        # An explicit stop: the pipe's EOF alone is not enough, since a process
        # forked later (another iterator's worker) may hold a copy of this end.
        try:
            self.task_send.send(None)
        except OSError:
            pass  # already gone
        for conn in self.connections():
            conn.close()


class MultiprocessIterator(_PositionMixin, iterator.Iterator):
    """Dataset iterator that loads the examples of each batch in worker processes.

    Up to ``n_prefetch`` batches are read ahead while the caller works.  The
    workers start on the first ``next``; :meth:`finalize` (also on leaving a
    ``with`` block, on garbage collection and at interpreter exit) stops them.

    Failure handling (the iterator never waits forever):

    * the dataset raising in a worker: ``next`` raises the same exception,
      with the worker's traceback text as its ``__cause__``;
    * a worker process dying (killed, crashed): ``next`` raises
      ``WorkerDiedError`` naming the process and its exit code;
    * an exception or ``KeyboardInterrupt`` in the caller: the workers ignore
      SIGINT and exit when the iterator is finalized or the main process goes
      away (they watch their pipe and their parent).

    After any error inside ``next`` the workers are shut down and the
    iterator's position is that before the failed batch; a further ``next``
    starts new workers and reads that batch again.

    Args:
        dataset: anything with ``__len__`` and ``__getitem__``; with the
            ``fork`` start method it is shared by fork, otherwise pickled.
        batch_size (int): examples per batch.
        repeat (bool): loop forever; with False, ``StopIteration`` after one epoch.
        shuffle (bool): random order every epoch (True) or the dataset's
            order (False); None shuffles unless ``order_sampler`` is given.
        n_processes (int): number of worker processes (default: the CPU count).
        n_prefetch (int): number of batches read ahead.
        shared_mem (int): bytes of shared memory per example: NumPy arrays
            of an example (an array, or a tuple, list or dict holding arrays)
            travel through shared memory, other values pickled; an example
            whose arrays need more is pickled whole with a ``UserWarning``.
            None (default): every example is pickled (Chainer instead sizes
            it from a first batch read in the main process).
        order_sampler (callable): ``f(current_order, current_position)`` giving
            the next epoch's order; only with ``shuffle=None``.
        dataset_timeout (float): seconds after which a batch still not read
            gives a ``MultiprocessIterator.TimeoutWarning`` (reading goes on);
            None: no warning.
        maxtasksperchild (int): a worker is replaced by a fresh one after
            reading this many chunks (None: never).

    ``serialize`` writes Chainer v7's keys: ``current_position``, ``epoch``,
    ``is_new_epoch``, ``order`` (when shuffling) and ``previous_epoch_detail``.

    Example:
        >>> import numpy as np
        >>> from kusari.iterators import MultiprocessIterator
        >>> it = MultiprocessIterator(np.arange(6), 3, repeat=False, shuffle=False, n_processes=2)
        >>> [np.stack(batch).tolist() for batch in it]
        [[0, 1, 2], [3, 4, 5]]
        >>> it.finalize()
        >>> data = [(np.full(2, i, np.float32), i) for i in range(4)]
        >>> with MultiprocessIterator(data, 2, shuffle=False, n_processes=2, shared_mem=8) as it:
        ...     it.next()  # the arrays came through shared memory, copied out
        [(array([0., 0.], dtype=float32), 0), (array([1., 1.], dtype=float32), 1)]
    """

    class TimeoutWarning(RuntimeWarning):
        """A batch took longer than ``dataset_timeout`` seconds to read (reading goes on).

        Example:
            >>> from kusari.iterators import MultiprocessIterator
            >>> issubclass(MultiprocessIterator.TimeoutWarning, RuntimeWarning)
            True
        """

    def __init__(self, dataset, batch_size, repeat=True, shuffle=None, n_processes=None, n_prefetch=1,
                 shared_mem=None, order_sampler=None, dataset_timeout=30.0, maxtasksperchild=None):
        self._workers = []
        self._pending = collections.deque()
        self._finalizer = None
        if n_processes is None:
            n_processes = os.cpu_count() or 1
        _check_positive_int("n_processes", n_processes)
        _check_positive_int("n_prefetch", n_prefetch)
        if shared_mem is not None:
            _check_positive_int("shared_mem", shared_mem)
        if maxtasksperchild is not None:
            _check_positive_int("maxtasksperchild", maxtasksperchild)
        if dataset_timeout is not None and (isinstance(dataset_timeout, bool) or not isinstance(
                dataset_timeout, (int, float, numpy.integer, numpy.floating)) or not dataset_timeout > 0):
            type_check.fail(_NAME, "dataset_timeout", "a positive number or None", repr(dataset_timeout))
        self.dataset = dataset
        self.batch_size = batch_size
        self._repeat = repeat
        self._shuffle = shuffle
        self.n_processes = int(n_processes)
        self.n_prefetch = int(n_prefetch)
        self.shared_mem = shared_mem
        self._blocks = None if shared_mem is None else _SharedBlocks(int(shared_mem))
        self.dataset_timeout = dataset_timeout
        self.maxtasksperchild = maxtasksperchild
        self.order_sampler = _check_settings(_NAME, batch_size, shuffle, order_sampler)
        methods = multiprocessing.get_all_start_methods()
        self._context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self.reset()

    # -- iteration ---------------------------------------------------------

    def __next__(self):
        try:
            if not self._pending:
                self._pending.append(self._start(self._state))
            next_state, jobs = self._pending[0]
            batch = None if jobs is None else self._collect(jobs)
        except BaseException:
            # KeyboardInterrupt, a dead worker, the dataset's error: stop every
            # worker at once (no grace: they may be busy with batches nobody
            # will read), keep the position before the failed batch.
            self._stop_workers(grace=0.0)
            raise
        self._pending.popleft()
        # Recorded before the StopIteration check, as in Chainer.
        self._previous_epoch_detail = self.epoch_detail
        self._state = next_state
        if batch is None:
            raise StopIteration
        try:
            self._prefetch()
        except WorkerDiedError:
            pass  # this batch is complete; the next ``next`` reports the dead worker
        except BaseException:
            self._stop_workers(grace=0.0)
            raise
        return batch

    next = __next__

    def _start(self, state):
        """Advance from ``state`` and send the batch's chunks to the workers."""
        next_state, chunks = next_batch_chunks(_NAME, self, state, self.n_processes)
        if chunks is None:
            return next_state, None
        self._ensure_workers()
        return next_state, [self._send(slot, chunk) for slot, chunk in enumerate(chunks)]

    def _prefetch(self) -> None:
        state = self._pending[-1][0] if self._pending else self._state
        while len(self._pending) < self.n_prefetch and may_read_ahead(self, state):
            self._pending.append(self._start(state))
            state = self._pending[-1][0]

    # -- workers -----------------------------------------------------------

    def _ensure_workers(self) -> None:
        if self._workers:
            return
        if self._blocks is not None:
            # Workers attach to the blocks and so register them with the
            # resource tracker: it must be the main process's (started before
            # the fork), or a tracker of a worker's own would unlink the
            # blocks when that worker exits.
            resource_tracker.ensure_running()
        for _ in range(self.n_processes):
            self._spawn()
        # Stops the workers (and frees the shared memory) at garbage
        # collection and at interpreter exit.
        self._finalizer = weakref.finalize(self, _shutdown, self._workers, self._blocks)

    def _spawn(self):
        inherited = [conn for worker in self._workers for conn in worker.connections()]
        worker = _Worker(self._context, self.dataset, self.maxtasksperchild, inherited)
        self._workers.append(worker)
        return worker

    def _send(self, slot, chunk):
        worker = self._workers[slot]
        if self.maxtasksperchild is not None and worker.sent >= self.maxtasksperchild:
            # That worker exits after its last chunk; a fresh one takes the slot
            # (the old one stays listed until finalize, its results still to come).
            fresh = self._spawn()
            self._workers[slot], self._workers[-1] = fresh, worker
            worker = fresh
        block = None if self._blocks is None else self._blocks.acquire(len(chunk))
        job = _Job(worker, block)
        try:
            worker.task_send.send((chunk, None if block is None else block.name, self.shared_mem))
        except OSError:
            _raise_died(worker)  # the block is unlinked with the others when the workers stop
        worker.outstanding.append(job)
        worker.sent += 1
        return job

    def _collect(self, jobs):
        start = time.monotonic()
        warned = self.dataset_timeout is None
        for job in jobs:
            while not job.done:
                timeout = None if warned else max(self.dataset_timeout - (time.monotonic() - start), 0)
                if not self._receive(job.worker, timeout) and not warned:
                    warnings.warn(f"{_NAME}: reading a batch has taken over {self.dataset_timeout} s "
                                  "(dataset_timeout); still waiting for the workers",
                                  MultiprocessIterator.TimeoutWarning, stacklevel=4)
                    warned = True
        batch = []
        for job in jobs:
            if not job.ok:
                error = job.value
                error.__cause__ = _RemoteTraceback(
                    f"\n\nTraceback in worker process {job.worker.process.pid}:\n{job.remote_tb}")
                raise error
            batch.extend(job.value)
        return batch

    def _receive(self, worker, timeout) -> bool:
        """Read one result of ``worker`` into its oldest job; False on timeout."""
        ready = connection.wait([worker.result_recv, worker.process.sentinel], timeout)
        if not ready:
            return False
        if worker.result_recv in ready:  # data first: a worker may exit right after sending
            try:
                message = worker.result_recv.recv()
            except (EOFError, OSError):
                _raise_died(worker)
            except Exception as error:  # the message arrived whole but does not unpickle here
                message = (False, RuntimeError(f"{_NAME}: a worker's result could not be unpickled: "
                                               f"{error!r}"), traceback.format_exc(), ())
            job = worker.outstanding.popleft()
            job.ok, job.value, job.remote_tb, oversized = message
            if job.block is not None:
                if job.ok:
                    job.value = [_unpack(example, job.block.buf) for example in job.value]
                self._blocks.release(job.block)
                job.block = None
            for needed in oversized:
                warnings.warn(f"{_NAME}: an example needs {needed} bytes of shared memory, more than "
                              f"shared_mem={self.shared_mem}; it was pickled instead (set shared_mem to "
                              f"at least {needed})", UserWarning, stacklevel=5)
            job.done = True
            return True
        _raise_died(worker)

    # -- public API --------------------------------------------------------

    def reset(self) -> None:
        """Start over: epoch 0, position 0, a freshly sampled order; drop any prefetch.

        Example:
            >>> from kusari.iterators import MultiprocessIterator
            >>> with MultiprocessIterator([1, 2, 3], 2, shuffle=False, n_processes=1) as it:
            ...     _ = it.next(); it.reset(); it.next()
            [1, 2]
        """
        self._pending.clear()  # their results are read and dropped as they come
        self._state = _initial_state(_NAME, self.order_sampler, len(self.dataset))
        self._previous_epoch_detail = -1.0

    def finalize(self) -> None:
        """Stop the worker processes (and drop prefetched batches); safe to call twice.

        Idle workers exit as soon as their pipe closes; one still busy after
        a second is terminated.  A later ``next`` starts new workers.

        Example:
            >>> from kusari.iterators import MultiprocessIterator
            >>> it = MultiprocessIterator([1, 2, 3], 2, shuffle=False, n_processes=1)
            >>> _ = it.next(); it.finalize(); it.finalize(); it.next()
            [3, 1]
            >>> it.finalize()
        """
        self._stop_workers(grace=_GRACE_S)

    def _stop_workers(self, grace) -> None:
        pending = getattr(self, "_pending", None)
        if pending is not None:
            pending.clear()
        finalizer = getattr(self, "_finalizer", None)
        self._finalizer = None
        if finalizer is not None and finalizer.detach() is not None:
            _shutdown(self._workers, self._blocks, grace)
        self._workers = []

    def serialize(self, serializer) -> None:
        """Save or restore the position, the epoch and the order (Chainer's keys).

        Example:
            >>> from kusari.iterators import MultiprocessIterator
            >>> from kusari.serializers import DictionarySerializer, NpzDeserializer
            >>> with MultiprocessIterator(list(range(6)), 4, shuffle=False, n_processes=1) as it:
            ...     _ = it.next(); s = DictionarySerializer(); it.serialize(s)
            >>> sorted(s.target)
            ['current_position', 'epoch', 'is_new_epoch', 'previous_epoch_detail']
            >>> with MultiprocessIterator(list(range(6)), 4, shuffle=False, n_processes=1) as fresh:
            ...     fresh.serialize(NpzDeserializer(s.target)); fresh.next()
            [4, 5, 0, 1]
        """
        # A prefetched batch belongs to the state before (de)serialization.
        self._pending.clear()
        self._serialize_state(serializer, always_write_order=False)


def _check_positive_int(arg, value):
    if isinstance(value, (bool, numpy.bool_)) or not isinstance(value, (int, numpy.integer)) or value < 1:
        type_check.fail(_NAME, arg, "a positive int", repr(value))


def _raise_died(worker):
    process = worker.process
    process.join(0.1)
    code = process.exitcode
    how = "still running" if code is None else f"exit code {code}"
    if code is not None and code < 0:
        try:
            how += f", killed by {signal.Signals(-code).name}"
        except ValueError:
            pass
    raise WorkerDiedError(
        f"{_NAME}: worker process {process.pid} died while reading a batch ({how}); the other "
        "workers have been stopped. Out of memory (the OOM killer) or a crash in native code "
        "are the usual causes.")


def _shutdown(workers, blocks, grace=_GRACE_S):
    """Close the pipes, give idle workers ``grace`` seconds to exit, terminate the rest.

    Then unlink the shared memory: no worker is left to write into it.
    """
    try:
        _stop_processes(workers, grace)
    finally:
        if blocks is not None:
            blocks.unlink_all()


def _stop_processes(workers, grace):
    for worker in workers:
        worker.close()
    deadline = time.monotonic() + grace
    for worker in workers:
        worker.process.join(max(deadline - time.monotonic(), 0))
    for worker in workers:
        if worker.process.is_alive():
            worker.process.terminate()
    for worker in workers:
        worker.process.join(_GRACE_S)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
    workers.clear()


def _worker_main(dataset, task_recv, result_send, max_tasks, parent_pid, inherited):
    """A worker: read chunks of indices, send back (ok, examples or exception, traceback text)."""
    # Ctrl-C goes to the whole process group: the main process handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for conn in inherited:
        conn.close()
    tasks = collections.deque()
    arrived = threading.Condition()

    def receive():
        # Drained continuously by a thread, so the main process's sends never
        # block on a worker that is itself blocked sending a large result.
        try:
            while True:
                if task_recv.poll(0.5):
                    chunk = task_recv.recv()
                elif os.getppid() != parent_pid:  # the main process is gone
                    chunk = None
                else:
                    continue
                with arrived:
                    tasks.append(chunk)
                    arrived.notify()
                if chunk is None:
                    return
        except (EOFError, OSError):
            with arrived:
                tasks.append(None)
                arrived.notify()

    threading.Thread(target=receive, daemon=True).start()
    attached = {}  # shared-memory blocks by name, attached once each
    done = 0
    while max_tasks is None or done < max_tasks:
        with arrived:
            while not tasks:
                arrived.wait()
            task = tasks.popleft()
        if task is None:
            return
        chunk, block_name, slot_bytes = task
        try:
            examples = [dataset[index] for index in chunk]
            oversized = []
            if block_name is not None:
                block = attached.get(block_name)
                if block is None:
                    block = attached[block_name] = shared_memory.SharedMemory(name=block_name)
                examples = [_pack(example, block.buf, slot * slot_bytes, slot_bytes, oversized)
                            for slot, example in enumerate(examples)]
            message = (True, examples, None, oversized)
        except BaseException as error:  # noqa: B036 - every failure goes back to the caller
            message = (False, error, traceback.format_exc(), ())
        try:
            result_send.send(message)
        except OSError:
            return  # the main process closed the pipe: finalized
        except Exception as error:  # the examples or the exception do not pickle
            text = traceback.format_exc() if message[0] else message[2]
            result_send.send((False, RuntimeError(
                f"{_NAME}: a worker's result could not be sent to the main process: {error!r}"), text, ()))
        done += 1


def _is_plain_array(value):
    # Subclasses and object arrays keep their pickling (they are not raw bytes).
    return type(value) is numpy.ndarray and not value.dtype.hasobject


def _fields(example):
    """The values of an example that may be arrays, or None for a kind left to pickling."""
    kind = type(example)
    if kind is tuple or kind is list:
        return list(example)
    if kind is dict:
        return list(example.values())
    if _is_plain_array(example):
        return [example]
    return None


def _pack(example, buf, start, slot_bytes, oversized):
    """Write the arrays of ``example`` into its slot; the example with ``_Packed`` in their place.

    An example whose arrays do not fit in ``slot_bytes`` is returned as is
    (pickled) and its size appended to ``oversized``.
    """
    fields = _fields(example)
    if fields is None:
        return example
    arrays = [value for value in fields if _is_plain_array(value)]
    needed = sum(array.nbytes for array in arrays)
    if not arrays:
        return example
    if needed > slot_bytes:
        oversized.append(needed)
        return example
    offset = start

    def put(value):
        nonlocal offset
        if not _is_plain_array(value):
            return value
        numpy.ndarray(value.shape, value.dtype, buffer=buf, offset=offset)[...] = value
        packed = _Packed(value.dtype, value.shape, offset)
        offset += value.nbytes
        return packed

    kind = type(example)
    if kind is dict:
        return {key: put(value) for key, value in example.items()}
    if kind is tuple or kind is list:
        return kind(put(value) for value in example)
    return put(example)


def _unpack(example, buf):
    """Replace the ``_Packed`` of ``example`` by copies of their arrays out of ``buf``."""

    def get(value):
        if type(value) is not _Packed:
            return value
        return numpy.ndarray(value.shape, value.dtype, buffer=buf, offset=value.offset).copy()

    kind = type(example)
    if kind is dict:
        return {key: get(value) for key, value in example.items()}
    if kind is tuple or kind is list:
        return kind(get(value) for value in example)
    return get(example)
