"""``create_multi_node_optimizer``: data-parallel SGD by averaging gradients across processes.

Each process computes gradients on its own minibatch; before the wrapped
optimizer's step, ``communicator.multi_node_mean_grad`` replaces every
gradient by its mean over the processes.  With equal per-process batch sizes
and a mean-reduced loss, N processes with batch B therefore step exactly like
one process with batch N*B.

As in ChainerMN, an ``update()`` that finds the set of initialized parameters
changed (the first one, or after a lazily-initialized link got its shape)
broadcasts the parameters from rank 0.  ChainerMN then always skips the step,
since the gradients were computed from unsynchronized weights.  kusari skips
it only when the broadcast actually changed a parameter on some process;
when every process already held rank 0's values (same initial seed, or a
resume from :func:`~kusari.distributed.multi_node_snapshot`) the gradients
are valid and the step proceeds, so a resumed run continues exactly as an
uninterrupted one and no minibatch is wasted.  The check costs one copy of
the parameters and one small all-reduce, on those calls only.
"""
from __future__ import annotations

import numpy

from kusari.utils import _xp, type_check


def _xp_of(params):
    return _xp(params[0].array) if params else numpy


def _param_signature(target):
    """(name, initialized) of every parameter: what ``bcast_data`` must be redone for when it changes."""
    return [(name, param.array is not None) for name, param in sorted(target.namedparams())]


class _MultiNodeOptimizer:
    """Wrapper returned by :func:`create_multi_node_optimizer`; every other attribute is the actual optimizer's.

    Example:
        >>> from kusari.distributed.optimizers import _MultiNodeOptimizer
        >>> _MultiNodeOptimizer.__name__
        '_MultiNodeOptimizer'
    """

    def __init__(self, actual_optimizer, communicator, zero_fill):
        # object.__setattr__: our __setattr__ forwards to the actual optimizer.
        object.__setattr__(self, "communicator", communicator)
        object.__setattr__(self, "actual_optimizer", actual_optimizer)
        object.__setattr__(self, "target_params", [])
        object.__setattr__(self, "zero_fill", zero_fill)

    def update(self, lossfun=None, *args, **kwds):
        """Backprop ``lossfun`` (if given), average the gradients across processes, then step.

        The call that sees new parameters broadcasts them from rank 0 and does not step.
        """
        actual = self.actual_optimizer
        target = actual.target
        if target is None:
            raise RuntimeError("_MultiNodeOptimizer.update: the optimizer is not set up; call setup(link) first")
        if lossfun is not None:
            loss = lossfun(*args, **kwds)
            if getattr(actual, "_use_cleargrads", True):
                target.cleargrads()
            else:
                target.zerograds()
            loss.backward(loss_scale=actual._loss_scale)
            del loss
        if self._params_changed(target) and self._broadcast_changed_params(target):
            return
        self.communicator.multi_node_mean_grad(target, self.zero_fill)
        actual.update(None, *args, **kwds)

    def _broadcast_changed_params(self, target):
        """Broadcast rank 0's parameters; whether that changed any value on any process."""
        params = [p for _, p in sorted(target.namedparams()) if p.array is not None]
        before = [p.array.copy() for p in params]
        self.communicator.bcast_data(target)
        xp = _xp_of(params)
        changed = any(not bool(xp.array_equal(old, p.array)) for old, p in zip(before, params))
        return self.communicator.allreduce_obj(int(changed)) > 0

    def mark_in_sync(self):
        """Record that every process holds the same parameters (e.g. just loaded from one
        checkpoint), so the next update steps instead of broadcasting first.

        Example:
            >>> from kusari.distributed.optimizers import _MultiNodeOptimizer
            >>> callable(_MultiNodeOptimizer.mark_in_sync)
            True
        """
        if self.actual_optimizer.target is not None:
            object.__setattr__(self, "target_params", _param_signature(self.actual_optimizer.target))

    def _params_changed(self, target):
        signature = _param_signature(target)
        changed = signature != self.target_params
        object.__setattr__(self, "target_params", signature)
        return changed

    def setup(self, link):
        """Set up the actual optimizer on ``link``; returns this wrapper (so ``opt = create(...).setup(m)`` works)."""
        self.actual_optimizer.setup(link)
        return self

    def __getattr__(self, name):
        # Only reached for names not found on the wrapper itself.
        if name == "actual_optimizer":  # during unpickling / copy, before __init__
            raise AttributeError(name)
        return getattr(self.actual_optimizer, name)

    def __setattr__(self, name, value):
        setattr(self.actual_optimizer, name, value)


def create_multi_node_optimizer(actual_optimizer, communicator, double_buffering=False, zero_fill=True):
    """Wrap an optimizer so that its updates average the gradients over all processes.

    Args:
        actual_optimizer: a kusari optimizer (e.g. ``kusari.optimizers.MomentumSGD()``).
        communicator: a communicator from :func:`kusari.distributed.create_communicator`.
        double_buffering (bool): ChainerMN overlaps the all-reduce with the
            next forward/backward (stale gradients by one step) and supports
            it only on the ``'pure_nccl'`` communicator with CUDA streams.  No
            kusari communicator offers that asynchronous all-reduce, so True
            is rejected with an error rather than silently ignored.
        zero_fill (bool): gradients of initialized parameters that got none
            (an unused branch) are all-reduced as zeros, so that every process
            sends the same arrays; with False they are skipped, which needs
            every process to leave the same parameters unused.

    Returns:
        The wrapper: ``update``, ``setup``, and every other attribute
        (``lr``, ``t``, ``add_hook``, ``serialize``, ...) forwarded to
        ``actual_optimizer``.

    Example (run under ``mpiexec -n 2``; not executed here)::

        comm = kusari.distributed.create_communicator('naive')
        optimizer = kusari.distributed.create_multi_node_optimizer(
            kusari.optimizers.MomentumSGD(lr=0.01), comm)
        optimizer.setup(model)
        optimizer.update(model, x, t)   # first call: parameters from rank 0, then the step
                                        # (skipped if the processes' weights differed)

    >>> from kusari.distributed.optimizers import create_multi_node_optimizer
    >>> create_multi_node_optimizer(object(), None, double_buffering=True)
    Traceback (most recent call last):
    ...
    kusari.utils.type_check.InvalidType: create_multi_node_optimizer: argument 'double_buffering' expected False (double buffering needs an asynchronous all-reduce on CUDA streams, which no kusari communicator offers), got True
    """
    if double_buffering:
        type_check.fail("create_multi_node_optimizer", "double_buffering",
                        "False (double buffering needs an asynchronous all-reduce on CUDA streams, "
                        "which no kusari communicator offers)", repr(double_buffering))
    if not hasattr(actual_optimizer, "update") or not hasattr(actual_optimizer, "setup"):
        type_check.fail("create_multi_node_optimizer", "actual_optimizer", "an optimizer (with setup and update)",
                        type(actual_optimizer).__name__)
    for method in ("bcast_data", "multi_node_mean_grad"):
        if not hasattr(communicator, method):
            type_check.fail("create_multi_node_optimizer", "communicator",
                            f"a communicator (with {method})", type(communicator).__name__)
    return _MultiNodeOptimizer(actual_optimizer, communicator, bool(zero_fill))
