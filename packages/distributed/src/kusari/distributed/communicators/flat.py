"""The 'flat' communicator: all gradients packed into one buffer, one MPI Allreduce."""
from __future__ import annotations

import numpy

from kusari.distributed.communicators._base import MpiCommunicatorBase, _like, _to_host, mean_in_place


class FlatCommunicator(MpiCommunicatorBase):
    """Averages gradients with a single Allreduce over one contiguous buffer.

    The wire dtype is ``allreduce_grad_dtype`` when given, else float32 as in
    ChainerMN's flat communicator (every gradient is cast to it and back).

    Example:
        >>> import numpy as np, kusari.links as L
        >>> from kusari.distributed import communicators
        >>> comm = communicators.create_communicator('flat')
        >>> link = L.Linear(2, 3)
        >>> link.W.grad = np.full((3, 2), 2, np.float32)
        >>> link.b.grad = np.ones(3, np.float32)
        >>> comm.multi_node_mean_grad(link)
        >>> float(link.W.grad.sum()), float(link.b.grad.sum())
        (12.0, 3.0)
    """

    def multi_node_mean_grad(self, model, zero_fill=False):
        params = self._grad_params(model, zero_fill)
        if not params:
            return
        wire = self.allreduce_grad_dtype or numpy.dtype(numpy.float32)
        grads = [p.grad for p in params]
        packed = numpy.concatenate([_to_host(g).ravel().astype(wire, copy=False) for g in grads])
        with self._watchdog.guard("multi_node_mean_grad"):
            mean = mean_in_place(self.mpi_comm, packed, wire)
        offset = 0
        for grad in grads:
            chunk = mean[offset:offset + grad.size].reshape(grad.shape)
            grad[...] = _like(chunk, grad)
            offset += grad.size
