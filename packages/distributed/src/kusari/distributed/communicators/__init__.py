"""Communicators: ``create_communicator`` and the communicator classes (ChainerMN's API).

Choices: ``'naive'`` (one MPI Allreduce per parameter), ``'flat'`` (all
gradients in one buffer, one Allreduce) and ``'pure_nccl'`` (NCCL on GPUs,
needs ``pip install kusari-cuda``).
"""
from __future__ import annotations

import os

from kusari.distributed.communicators import _hooks
from kusari.distributed.communicators._base import ArgumentError, MpiCommunicatorBase, fail
from kusari.distributed.communicators._hooks import add_hook as _add_hook

_CHOICES = ("naive", "flat", "pure_nccl")
_NO_HOOK_ENV = "KUSARI_DISTRIBUTED_NO_ABORT_HOOK"


def create_communicator(communicator_name="pure_nccl", mpi_comm=None, **kwargs):
    """Create a communicator (ChainerMN's ``create_communicator``).

    Args:
        communicator_name: ``'naive'``, ``'flat'`` or ``'pure_nccl'`` (the
            default, as in ChainerMN; needs CuPy and GPUs).
        mpi_comm: an ``mpi4py.MPI.Comm``; ``MPI.COMM_WORLD`` when None.
        allreduce_grad_dtype: dtype gradients take on the wire in
            ``multi_node_mean_grad`` (e.g. ``numpy.float16`` halves the
            traffic). ChainerMN allowed it only for ``'pure_nccl'``; here
            every communicator accepts it.
        batched_copy: accepted for compatibility (kept in ``get_config``).
        timeout: seconds one collective may take before the whole job is
            aborted with ``MPI_Abort``; default from the environment variable
            ``KUSARI_DISTRIBUTED_TIMEOUT``, else no timeout.

    When the job has more than one process, an excepthook that prints the
    traceback with the rank and calls ``MPI_Abort`` is installed so that one
    failing rank stops all of them instead of leaving the others hanging
    (set ``KUSARI_DISTRIBUTED_NO_ABORT_HOOK=1`` to opt out).

    Example:
        >>> from kusari.distributed import communicators
        >>> comm = communicators.create_communicator('flat')
        >>> comm.size, comm.allreduce_obj(3)
        (1, 3)
    """
    func = "create_communicator"
    allreduce_grad_dtype = kwargs.pop("allreduce_grad_dtype", None)
    batched_copy = kwargs.pop("batched_copy", True)
    timeout = kwargs.pop("timeout", None)
    if kwargs:
        fail(func, sorted(kwargs)[0], "one of 'allreduce_grad_dtype', 'batched_copy', 'timeout'",
             "an unexpected keyword")
    if communicator_name not in _CHOICES:
        fail(func, "communicator_name", "one of " + ", ".join(repr(c) for c in _CHOICES), repr(communicator_name))
    if allreduce_grad_dtype is not None:
        import numpy

        given = allreduce_grad_dtype
        try:
            allreduce_grad_dtype = numpy.dtype(given)
        except TypeError:
            allreduce_grad_dtype = None
        if allreduce_grad_dtype is None or allreduce_grad_dtype.kind != "f":
            fail(func, "allreduce_grad_dtype", "a floating dtype (float16, float32, float64)",
                 repr(given) if allreduce_grad_dtype is None else str(allreduce_grad_dtype))
    if timeout is None:
        timeout = _hooks.timeout_from_env()
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        fail(func, "timeout", "a positive number of seconds", repr(timeout))

    if communicator_name == "pure_nccl":
        # Fail before touching MPI with the install hint when CuPy/NCCL is missing.
        from kusari.distributed.communicators.pure_nccl import PureNcclCommunicator as cls
        from kusari.distributed.communicators.pure_nccl import import_nccl

        import_nccl()
    elif communicator_name == "flat":
        from kusari.distributed.communicators.flat import FlatCommunicator as cls
    else:
        from kusari.distributed.communicators.naive import NaiveCommunicator as cls

    if mpi_comm is None:
        from mpi4py import MPI

        mpi_comm = MPI.COMM_WORLD
    if mpi_comm.size > 1 and not os.environ.get(_NO_HOOK_ENV) and not _hooks.is_hook_installed():
        _add_hook()
    return cls(mpi_comm, allreduce_grad_dtype=allreduce_grad_dtype, batched_copy=batched_copy, timeout=timeout)


__all__ = ["create_communicator", "MpiCommunicatorBase", "ArgumentError"]
