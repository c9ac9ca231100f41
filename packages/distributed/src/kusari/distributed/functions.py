"""``multi_node_batch_normalization``: batch normalization with statistics over all processes' batches.

Forward all-reduces one buffer ``[mean, mean(x^2)]`` per call (the variance
is ``mean(x^2) - mean^2``, one communication instead of two); backward
all-reduces ``[sum(gy), sum(gy * x_hat)]``.  Both are averaged over the
processes, which assumes every process has the same local batch size.

Gradients follow ChainerMN: ``gx`` is the gradient of the *sum* of the
processes' losses with respect to the local ``x``, while ``ggamma`` and
``gbeta`` are the global sums divided by the number of processes (the
gradient of the *mean* loss) on every process -- so after ``multi_node_mean_grad`` every
parameter gets the gradient of the mean loss, as in single-process
training over the concatenated batch.  The gradients are constants
(no double backprop through the communication).
"""
from __future__ import annotations

from kusari.function_node import FunctionNode
from kusari.functions.normalization.batch_normalization import (
    _check_params,
    _compute_dtype,
    _expanded_shape,
    _update_running,
)
from kusari.utils import _xp, type_check
from kusari.variable import Variable, _wrap


def _mean_over_processes(comm, buffer):
    return comm.allreduce(buffer) / buffer.dtype.type(comm.size)


class MultiNodeBatchNormalizationFunction(FunctionNode):
    """The FunctionNode of :func:`multi_node_batch_normalization`; inputs ``(x, gamma, beta)``.

    Example:
        >>> from kusari.distributed.functions import MultiNodeBatchNormalizationFunction
        >>> MultiNodeBatchNormalizationFunction(None, (0,), 2e-5).label
        'multi_node_batch_normalization'
    """

    def __init__(self, comm, axes, eps, running_mean=None, running_var=None, decay=0.9):
        self.comm = comm
        self.axes = axes
        self.eps = eps
        self.running_mean = running_mean
        self.running_var = running_var
        self.decay = decay

    @property
    def label(self):
        return "multi_node_batch_normalization"

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        x, gamma, beta = inputs
        xp = _xp(x)
        axes = self.axes
        dtype = _compute_dtype(x, gamma)
        shape = _expanded_shape(x.shape, axes)
        n = gamma.size
        local = xp.empty(2 * n, dtype=dtype)
        local[:n] = x.mean(axis=axes, dtype=dtype).ravel()
        local[n:] = xp.square(x, dtype=dtype).mean(axis=axes).ravel()
        stats = _mean_over_processes(self.comm, local)
        mean = stats[:n].reshape(gamma.shape)
        # Rounding can push mean(x^2) - mean^2 slightly below zero.
        var = xp.maximum(stats[n:].reshape(gamma.shape) - xp.square(mean), 0)
        inv_std = 1 / xp.sqrt(var + self.eps)
        self.mean, self.inv_std = mean, inv_std
        y = x - mean.reshape(shape)
        y *= (gamma * inv_std).reshape(shape)
        y += beta.reshape(shape)
        if self.running_mean is not None:
            m_global = (x.size // max(n, 1)) * self.comm.size
            _update_running(self.running_mean, self.running_var, mean, var, self.decay, m_global)
        return y.astype(x.dtype, copy=False),

    def backward(self, indexes, grad_outputs):
        x, gamma = (v.array for v in self.get_retained_inputs())
        gy = grad_outputs[0].array
        xp = _xp(x)
        axes = self.axes
        shape = _expanded_shape(x.shape, axes)
        n = gamma.size
        m_local = x.size // max(n, 1)
        x_hat = x - self.mean.reshape(shape)
        x_hat *= self.inv_std.reshape(shape)
        local = xp.empty(2 * n, dtype=self.mean.dtype)
        local[:n] = gy.sum(axis=axes, dtype=self.mean.dtype).ravel()
        local[n:] = (gy * x_hat).sum(axis=axes).ravel()
        sums = _mean_over_processes(self.comm, local)
        gbeta = sums[:n].reshape(gamma.shape)
        ggamma = sums[n:].reshape(gamma.shape)
        # Mean of the per-process sums over the local count = global sum / global count.
        x_hat *= (ggamma / m_local).reshape(shape)
        x_hat += (gbeta / m_local).reshape(shape)
        gx = gy - x_hat
        gx *= (gamma * self.inv_std).reshape(shape)
        grads = (gx.astype(x.dtype, copy=False), ggamma.astype(gamma.dtype, copy=False),
                 gbeta.astype(gamma.dtype, copy=False))
        return tuple(_wrap(grads[i], False) for i in indexes)


def multi_node_batch_normalization(x, gamma, beta, comm, eps=2e-5, running_mean=None, running_var=None,
                                   decay=0.9, axis=None):
    """Batch normalization whose mean and variance are taken over every process's batch.

    Same arguments as :func:`kusari.functions.batch_normalization` plus
    ``comm``, a kusari communicator; each process passes its local batch (all
    of the same size).  ``running_mean`` / ``running_var`` are updated in
    place with the global statistics (the variance unbiased with the global
    count).  See the module docstring for the gradient convention.

    Example (one process: plain batch normalization):

    >>> import numpy as np
    >>> from mpi4py import MPI
    >>> from kusari.distributed.communicators import create_communicator
    >>> from kusari.distributed.functions import multi_node_batch_normalization
    >>> comm = create_communicator('naive', MPI.COMM_SELF)
    >>> x = np.array([[0., 10.], [2., 30.]], np.float32)
    >>> y = multi_node_batch_normalization(x, np.ones(2, np.float32), np.zeros(2, np.float32), comm)
    >>> np.round(y.array, 3)
    array([[-1., -1.],
           [ 1.,  1.]], dtype=float32)
    """
    func = "multi_node_batch_normalization"
    if not hasattr(comm, "allreduce") or not hasattr(comm, "size"):
        type_check.fail(func, "comm", "a communicator (with allreduce)", type(comm).__name__)
    xd = x.array if isinstance(x, Variable) else x
    gd = gamma.array if isinstance(gamma, Variable) else gamma
    bd = beta.array if isinstance(beta, Variable) else beta
    type_check.expect_float(func, "x", xd)
    if not hasattr(gd, "shape"):
        type_check.fail(func, "gamma", "an array or a Variable", type(gamma).__name__)
    axes, _ = _check_params(func, xd, gd, bd, axis)
    node = MultiNodeBatchNormalizationFunction(comm, axes, eps, running_mean, running_var, decay)
    return node.apply((x, gamma, beta))[0]
