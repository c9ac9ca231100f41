"""The 'naive' communicator: one MPI Allreduce per parameter."""
from __future__ import annotations

from kusari.distributed.communicators._base import MpiCommunicatorBase, _like, _to_host, mean_in_place


class NaiveCommunicator(MpiCommunicatorBase):
    """Averages gradients with one Allreduce per parameter (simple, many small messages).

    Example:
        >>> import numpy as np, kusari.links as L
        >>> from kusari.distributed import communicators
        >>> comm = communicators.create_communicator('naive')
        >>> link = L.Linear(2, 3)
        >>> link.W.grad = np.ones((3, 2), np.float32)
        >>> comm.multi_node_mean_grad(link)  # one process: the mean is the grad itself
        >>> float(link.W.grad.sum())
        6.0
    """

    def multi_node_mean_grad(self, model, zero_fill=False):
        with self._watchdog.guard("multi_node_mean_grad"):
            for param in self._grad_params(model, zero_fill):
                grad = param.grad
                mean = mean_in_place(self.mpi_comm, _to_host(grad), self._wire_dtype(grad.dtype))
                grad[...] = _like(mean, grad)
