"""Failure handling: make one failing rank stop every rank instead of hanging.

Two mechanisms, both ending in ``MPI_Abort`` (which makes the MPI launcher
kill every process of the job):

* :func:`add_hook` installs a ``sys.excepthook`` that prints the traceback,
  names the rank, and aborts. It covers any *uncaught* exception in the main
  thread. :func:`~kusari.distributed.create_communicator` installs it
  automatically when the job has more than one process.
* :class:`CollectiveWatchdog` aborts when one collective call runs longer than
  a timeout (``timeout=`` of ``create_communicator`` or the environment
  variable ``KUSARI_DISTRIBUTED_TIMEOUT`` in seconds). It covers ranks stuck
  in a communicator method because a peer died silently, deadlocked, or never
  reached the matching call. It does not cover time spent outside the
  communicator's methods (e.g. a rank looping forever in user code), nor raw
  ``comm.mpi_comm`` calls made by user code.
"""
from __future__ import annotations

import os
import sys
import threading
import time
import traceback
import warnings

_ENV_TIMEOUT = "KUSARI_DISTRIBUTED_TIMEOUT"
# How long a failing rank waits after writing its message before aborting.
_FORWARD_GRACE_SECONDS = 0.5
_orig_except_hook = None


def _abort(message: str) -> None:
    from mpi4py import MPI

    rank = MPI.COMM_WORLD.Get_rank()
    sys.stderr.write(f"\nkusari.distributed: {message} on rank {rank}; calling MPI_Abort to stop all ranks\n")
    sys.stderr.flush()
    # The launcher forwards a rank's output through a pipe; MPI_Abort tears
    # it down, and output it has not read yet is lost (seen with MPICH's
    # hydra: the whole message, traceback included, now and then vanished).
    time.sleep(_FORWARD_GRACE_SECONDS)
    MPI.COMM_WORLD.Abort(1)


def _global_except_hook(exctype, value, tb):
    try:
        from mpi4py import MPI

        rank = MPI.COMM_WORLD.Get_rank()
        text = "".join(traceback.format_exception(exctype, value, tb))
        # Prefix every line so interleaved output of several ranks stays readable.
        sys.stderr.write("".join(f"[rank {rank}] {line}\n" for line in text.rstrip("\n").split("\n")))
        sys.stderr.flush()
    finally:
        _abort(f"uncaught {exctype.__name__}")


def add_hook() -> None:
    """Install an excepthook that aborts every MPI process on an uncaught exception.

    Without it, the other ranks usually wait forever in their next collective
    call. Calling it twice warns and does nothing.

    Example:
        >>> from kusari.distributed.communicators import _hooks
        >>> _hooks.add_hook(); _hooks.is_hook_installed()
        True
        >>> _hooks.remove_hook()
    """
    global _orig_except_hook
    if _orig_except_hook is not None:
        warnings.warn("global_except_hook.add_hook() called more than once; ignoring", stacklevel=2)
        return
    _orig_except_hook = sys.excepthook
    sys.excepthook = _global_except_hook


def remove_hook() -> None:
    """Restore the excepthook that was active before :func:`add_hook`.

    Example:
        >>> from kusari.distributed.communicators import _hooks
        >>> _hooks.remove_hook(); _hooks.is_hook_installed()
        False
    """
    global _orig_except_hook
    if _orig_except_hook is not None:
        sys.excepthook = _orig_except_hook
        _orig_except_hook = None


def is_hook_installed() -> bool:
    """Whether :func:`add_hook` is in effect.

    Example:
        >>> from kusari.distributed.communicators import _hooks
        >>> _hooks.is_hook_installed()
        False
    """
    return _orig_except_hook is not None


def timeout_from_env():
    """The collective timeout in seconds from ``KUSARI_DISTRIBUTED_TIMEOUT``, or ``None``.

    Example:
        >>> import os
        >>> from kusari.distributed.communicators import _hooks
        >>> os.environ.pop('KUSARI_DISTRIBUTED_TIMEOUT', None) and None
        >>> _hooks.timeout_from_env() is None
        True
    """
    value = os.environ.get(_ENV_TIMEOUT, "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        from kusari.distributed.communicators._base import fail

        fail("create_communicator", "timeout", f"a number of seconds in ${_ENV_TIMEOUT}", repr(value))


class CollectiveWatchdog:
    """Aborts the MPI job when a guarded call lasts longer than ``timeout`` seconds.

    Use it as ``with watchdog.guard('allreduce'): ...``; with ``timeout=None``
    the guard costs nothing. One background thread per communicator sleeps on
    a condition variable, so a guard is two lock operations, not a new thread.

    Example:
        >>> from kusari.distributed.communicators._hooks import CollectiveWatchdog
        >>> dog = CollectiveWatchdog(timeout=5.0)
        >>> with dog.guard('bcast'):
        ...     pass
        >>> dog.stop()
    """

    def __init__(self, timeout):
        self.timeout = timeout
        self._cond = threading.Condition()
        self._current = None  # (name, deadline) of the call in progress
        self._stopped = False
        self._thread = None
        if timeout is not None:
            self._thread = threading.Thread(target=self._run, name="kusari-collective-watchdog", daemon=True)
            self._thread.start()

    def guard(self, name: str):
        return _Guard(self, name)

    def _run(self):
        import time

        with self._cond:
            while not self._stopped:
                if self._current is None:
                    self._cond.wait()
                    continue
                name, deadline = self._current
                remaining = deadline - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                _abort(f"collective '{name}' exceeded the timeout of {self.timeout} s")
                return

    def stop(self):
        with self._cond:
            self._stopped = True
            self._cond.notify()


class _Guard:
    __slots__ = ("dog", "name", "outer")

    def __init__(self, dog, name):
        self.dog, self.name = dog, name

    def __enter__(self):
        dog = self.dog
        if dog.timeout is None:
            return self
        import time

        with dog._cond:
            # Nested guards (a method built on another) keep the outer deadline.
            self.outer = dog._current
            if self.outer is None:
                dog._current = (self.name, time.monotonic() + dog.timeout)
                dog._cond.notify()
        return self

    def __exit__(self, *exc):
        dog = self.dog
        if dog.timeout is None:
            return False
        with dog._cond:
            if self.outer is None:
                dog._current = None
        return False
