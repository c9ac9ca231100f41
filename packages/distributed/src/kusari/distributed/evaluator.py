"""``create_multi_node_evaluator``: evaluate each process's share, report the mean over processes."""
from __future__ import annotations

import types

from kusari.utils import type_check


def _to_host(value):
    """Arrays travel pickled; a CuPy array pickles with its device, so bring it to host first."""
    from kusari import cuda

    array = getattr(value, "array", value)  # a Variable's data
    return cuda.to_cpu(array) if hasattr(array, "device") and not hasattr(array, "__array_interface__") else array


def _multi_node_evaluate(self):
    local = self._mn_original_evaluate()
    comm = self._mn_communicator
    # sorted: every process must issue the all-reduces in the same order.
    return {name: comm.allreduce_obj(_to_host(value)) / comm.size for name, value in sorted(local.items())}


def create_multi_node_evaluator(actual_evaluator, communicator):
    """Patch an evaluator so that ``evaluate()`` returns the mean of every process's results.

    Each process evaluates its own iterator (e.g. over
    :func:`~kusari.distributed.scatter_dataset`'s share of the test set); the
    per-key means are then averaged across processes with ``allreduce_obj``.
    With equally long shares of equally sized batches that is the mean over
    the whole set.  Every process must report the same keys.

    The evaluator is modified in place (``evaluate`` is replaced; the
    original is kept as ``_mn_original_evaluate``) and returned.

    Args:
        actual_evaluator: e.g. :class:`kusari.training.extensions.Evaluator`.
        communicator: a kusari communicator.

    Example (run under ``mpiexec``; not executed here)::

        evaluator = extensions.Evaluator(test_iter, model)
        evaluator = kusari.distributed.create_multi_node_evaluator(evaluator, comm)
        trainer.extend(evaluator)

    >>> from kusari.distributed.evaluator import create_multi_node_evaluator
    >>> create_multi_node_evaluator(object(), None)
    Traceback (most recent call last):
    ...
    kusari.utils.type_check.InvalidType: create_multi_node_evaluator: argument 'actual_evaluator' expected an evaluator (with evaluate()), got object
    """
    if not callable(getattr(actual_evaluator, "evaluate", None)):
        type_check.fail("create_multi_node_evaluator", "actual_evaluator", "an evaluator (with evaluate())",
                        type(actual_evaluator).__name__)
    if not hasattr(communicator, "allreduce_obj"):
        type_check.fail("create_multi_node_evaluator", "communicator", "a communicator (with allreduce_obj)",
                        type(communicator).__name__)
    actual_evaluator._mn_original_evaluate = actual_evaluator.evaluate
    actual_evaluator._mn_communicator = communicator
    actual_evaluator.evaluate = types.MethodType(_multi_node_evaluate, actual_evaluator)
    return actual_evaluator
