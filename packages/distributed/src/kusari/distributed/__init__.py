"""Data-parallel training over MPI for kusari (distribution kusari-distributed), ChainerMN's design.

Run the same script under ``mpiexec -n N``: every process creates a
communicator, takes its share of the dataset and averages gradients before
each update. See docs/distributed.md.

Example:
    >>> import kusari.distributed as kd
    >>> callable(kd.create_communicator)
    True
"""
from kusari.distributed import global_except_hook  # noqa: F401
from kusari.distributed.__about__ import __version__  # noqa: F401
from kusari.distributed.checkpoint import create_multi_node_checkpointer  # noqa: F401
from kusari.distributed.communicators import create_communicator  # noqa: F401
from kusari.distributed.communicators._base import MpiCommunicatorBase as CommunicatorBase  # noqa: F401
from kusari.distributed.datasets import scatter_dataset, scatter_index  # noqa: F401
from kusari.distributed.evaluator import create_multi_node_evaluator  # noqa: F401
from kusari.distributed.extensions import ObservationAggregator, multi_node_snapshot  # noqa: F401
from kusari.distributed.functions import multi_node_batch_normalization  # noqa: F401
from kusari.distributed.links import MultiNodeBatchNormalization  # noqa: F401
from kusari.distributed.optimizers import create_multi_node_optimizer  # noqa: F401
from kusari.distributed.triggers import MultiNodeEarlyStoppingTrigger  # noqa: F401
