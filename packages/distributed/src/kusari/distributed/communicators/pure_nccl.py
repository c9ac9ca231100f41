"""The 'pure_nccl' communicator: gradients averaged by NCCL on GPUs (CuPy arrays).

Needs CuPy with NCCL (``pip install kusari-cuda``); CuPy is imported only when
this communicator is created. Not exercised by the test-suite (no GPU there).
"""
from __future__ import annotations

import numpy

from kusari.distributed.communicators._base import MpiCommunicatorBase

_INSTALL_HINT = ("create_communicator: communicator 'pure_nccl' needs CuPy with NCCL and a CUDA GPU; "
                 "install them with `pip install kusari-cuda`")


def import_nccl():
    """Return ``(cupy, cupy.cuda.nccl)`` or raise ``RuntimeError`` naming ``pip install kusari-cuda``."""
    try:
        import cupy
        from cupy.cuda import nccl
    except ImportError as e:
        raise RuntimeError(f"{_INSTALL_HINT} ({e})") from e
    if not getattr(nccl, "available", True):
        raise RuntimeError(f"{_INSTALL_HINT} (this CuPy build has no NCCL)")
    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            raise RuntimeError(f"{_INSTALL_HINT} (no CUDA device found)")
    except cupy.cuda.runtime.CUDARuntimeError as e:
        raise RuntimeError(f"{_INSTALL_HINT} ({e})") from e
    return cupy, nccl


_NCCL_TYPES = {"float16": "NCCL_FLOAT16", "float32": "NCCL_FLOAT32", "float64": "NCCL_FLOAT64"}


class PureNcclCommunicator(MpiCommunicatorBase):
    """Averages CuPy gradients with one NCCL allreduce over a packed device buffer.

    Each process must have selected its GPU (usually ``intra_rank``) before
    the first :meth:`multi_node_mean_grad`; the NCCL communicator is created
    then. Other collectives go through MPI like the other communicators.

    Example (not run here: needs GPUs and ``mpiexec``)::

        comm = kusari.distributed.create_communicator('pure_nccl')
        cupy.cuda.Device(comm.intra_rank).use()
        comm.multi_node_mean_grad(model)
    """

    def __init__(self, mpi_comm, **kwargs):
        self._cupy, self._nccl = import_nccl()
        super().__init__(mpi_comm, **kwargs)
        self._nccl_comm = None

    def _init_nccl(self):
        if self._nccl_comm is None:
            uid = self._nccl.get_unique_id() if self.rank == 0 else None
            uid = self.mpi_comm.bcast(uid, root=0)
            self._nccl_comm = self._nccl.NcclCommunicator(self.size, uid, self.rank)
        return self._nccl_comm

    def multi_node_mean_grad(self, model, zero_fill=False):
        cupy, nccl = self._cupy, self._nccl
        params = self._grad_params(model, zero_fill)
        if not params:
            return
        grads = [p.grad for p in params]
        wire = self.allreduce_grad_dtype or numpy.dtype(numpy.float32)
        with self._watchdog.guard("multi_node_mean_grad"):
            comm = self._init_nccl()
            scale = 1.0 / self.size
            packed = cupy.concatenate([cupy.asarray(g).ravel() * scale for g in grads]).astype(wire, copy=False)
            stream = cupy.cuda.get_current_stream()
            comm.allReduce(packed.data.ptr, packed.data.ptr, packed.size,
                           getattr(nccl, _NCCL_TYPES[wire.name]), nccl.NCCL_SUM, stream.ptr)
            stream.synchronize()
        offset = 0
        for grad in grads:
            grad[...] = packed[offset:offset + grad.size].reshape(grad.shape).astype(grad.dtype, copy=False)
            offset += grad.size

    def finalize(self):
        if self._nccl_comm is not None:
            self._nccl_comm.destroy()
            self._nccl_comm = None
        super().finalize()
