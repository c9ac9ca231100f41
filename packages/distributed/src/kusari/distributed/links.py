"""``MultiNodeBatchNormalization``: a BatchNormalization link whose training statistics span all processes."""
from __future__ import annotations

import copy

from kusari import _config
from kusari.distributed.functions import multi_node_batch_normalization
from kusari.links.normalization.batch_normalization import BatchNormalization
from kusari.utils import type_check

_BACKENDS = ("mpi", "nccl", "auto")


def _check_backend(comm, communication_backend):
    if communication_backend not in _BACKENDS:
        type_check.fail("MultiNodeBatchNormalization", "communication_backend", "'mpi', 'nccl' or 'auto'",
                        repr(communication_backend))
    if communication_backend == "nccl":
        from kusari.distributed.communicators.pure_nccl import PureNcclCommunicator

        if not isinstance(comm, PureNcclCommunicator):
            type_check.fail("MultiNodeBatchNormalization", "communication_backend",
                            "'mpi' or 'auto' for a communicator other than 'pure_nccl'", repr(communication_backend))


class MultiNodeBatchNormalization(BatchNormalization):
    """Batch normalization over the global batch: statistics all-reduced across processes.

    In training, the mean and variance (and, in backward, the gradient sums)
    are averaged over the processes of ``comm``, so N processes with local
    batch B normalize exactly like one process with batch N*B; every process
    must use the same local batch size.  In evaluation
    (``config.train = False``) it normalizes locally by ``avg_mean`` /
    ``avg_var``, which every process updates identically.

    Args:
        size (int or tuple): channel shape.
        comm: a kusari communicator.
        decay, eps, dtype, use_gamma, use_beta, initial_gamma, initial_beta:
            as for :class:`kusari.links.BatchNormalization`.
        communication_backend (str): ``'mpi'``, ``'nccl'`` or ``'auto'``.
            kusari always all-reduces through ``comm.allreduce`` (NCCL on
            the ``'pure_nccl'`` communicator, MPI otherwise); ``'nccl'`` is
            checked to need that communicator, as in ChainerMN.

    Example (one process: plain batch normalization):

    >>> import numpy as np
    >>> from mpi4py import MPI
    >>> from kusari.distributed.communicators import create_communicator
    >>> from kusari.distributed.links import MultiNodeBatchNormalization
    >>> bn = MultiNodeBatchNormalization(2, create_communicator('naive', MPI.COMM_SELF))
    >>> np.round(bn(np.array([[0, 10], [2, 30]], np.float32)).array, 3)
    array([[-1., -1.],
           [ 1.,  1.]], dtype=float32)
    >>> bn.avg_mean
    array([0.1, 2. ], dtype=float32)
    """

    def __init__(self, size, comm, decay=0.9, eps=2e-5, dtype=None, use_gamma=True, use_beta=True,
                 initial_gamma=None, initial_beta=None, communication_backend="auto"):
        if size is None:
            type_check.fail("MultiNodeBatchNormalization", "size", "an int or a tuple of ints", "None")
        if not hasattr(comm, "allreduce"):
            type_check.fail("MultiNodeBatchNormalization", "comm", "a communicator (with allreduce)",
                            type(comm).__name__)
        _check_backend(comm, communication_backend)
        super().__init__(size, decay=decay, eps=eps, dtype=dtype, use_gamma=use_gamma, use_beta=use_beta,
                         initial_gamma=initial_gamma, initial_beta=initial_beta)
        self.comm = comm
        self._communication_backend = communication_backend

    def forward(self, x, finetune=False):
        """Normalize ``x``: global batch statistics in training, ``avg_mean`` / ``avg_var`` otherwise."""
        if not _config.config.train:
            return super().forward(x, finetune)
        gamma, beta = self._gamma_beta(x)
        decay = self._finetune_decay(finetune)
        avg_mean, avg_var = self.avg_mean, self.avg_var
        if getattr(_config.config, "in_recomputing", False):
            if finetune:
                self.N -= 1
            avg_mean = avg_var = None
        return multi_node_batch_normalization(x, gamma, beta, self.comm, eps=self.eps, running_mean=avg_mean,
                                              running_var=avg_var, decay=decay, axis=self.axis)

    def __deepcopy__(self, memo):
        # Communicators wrap MPI handles that cannot be copied: the copy shares it.
        memo[id(self.comm)] = self.comm
        new = type(self).__new__(type(self))
        memo[id(self)] = new
        new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        return new
