"""``scatter_dataset`` / ``scatter_index``: split one dataset between the processes."""
from __future__ import annotations

import numpy

from kusari.utils import type_check


def _split_bounds(n_total, size, force_equal_length):
    """(begin, end) of every rank's slice of ``range(n_total)``.

    Equal length: every slice has ``ceil(n/size)`` elements starting at
    ``n*i//size`` (the last one ends exactly at ``n``), so neighbouring slices
    overlap by at most one example.
    Unequal: a partition, the first ``n % size`` slices one longer.
    """
    if force_equal_length:
        length = -(-n_total // size)
        starts = [n_total * i // size for i in range(size)]
        return [(b, b + length) for b in starts]
    base, extra = divmod(n_total, size)
    bounds, b = [], 0
    for i in range(size):
        e = b + base + (1 if i < extra else 0)
        bounds.append((b, e))
        b = e
    return bounds


def _comm_api(comm):
    """(rank, size, bcast_obj(obj, root), send_obj(obj, dest), recv_obj(source)) for a kusari or mpi4py communicator."""
    if hasattr(comm, "bcast_obj"):
        return (comm.rank, comm.size, lambda obj, root: comm.bcast_obj(obj, root=root),
                comm.send_obj, comm.recv_obj)
    if hasattr(comm, "bcast") and hasattr(comm, "Get_rank"):  # an mpi4py communicator
        return (comm.rank, comm.size, lambda obj, root: comm.bcast(obj, root=root),
                lambda obj, dest: comm.send(obj, dest=dest), lambda source: comm.recv(source=source))
    type_check.fail("scatter_dataset", "comm", "a kusari communicator or an mpi4py communicator",
                    type(comm).__name__)


def _check_root(func, root, size):
    if isinstance(root, bool) or not isinstance(root, (int, numpy.integer)) or not 0 <= root < size:
        type_check.fail(func, "root", f"a rank in [0, {size - 1}]", repr(root))


def scatter_index(n_total_samples, comm, root=0, *, force_equal_length=True):
    """This process's ``(begin, end)`` share of ``range(n_total_samples)``, decided by ``root``.

    See :func:`scatter_dataset` for the two splitting rules.

    Example (with a one-process communicator, every index is this rank's):

    >>> from mpi4py import MPI
    >>> from kusari.distributed.datasets import scatter_index
    >>> scatter_index(10, MPI.COMM_SELF)
    (0, 10)
    """
    rank, size, _, send_obj, recv_obj = _comm_api(comm)
    _check_root("scatter_index", root, size)
    if rank != root:
        return tuple(recv_obj(root))
    mine = None
    for i, (b, e) in enumerate(_split_bounds(int(n_total_samples), size, force_equal_length)):
        if i == root:
            mine = (b, e)
        else:
            send_obj((b, e), i)
    return mine


def scatter_dataset(dataset, comm, root=0, shuffle=False, seed=None, max_buf_len=256 * 1024 * 1024, *,
                    force_equal_length=True):
    """Give every process its share of ``root``'s dataset, as a ``SubDataset``.

    The dataset (and, with ``shuffle``, a permutation drawn from
    ``numpy.random.RandomState(seed)``) is broadcast from ``root``; the
    datasets passed by the other ranks are ignored.

    * ``force_equal_length=True`` (the default, needed by the multi-node
      updater and evaluator, which assume equally long iterators): each rank
      gets ``ceil(n / size)`` examples starting at ``n * rank // size``; the
      shares overlap, so a few examples are used twice.
    * ``force_equal_length=False``: a partition (no duplicates), the first
      ``n % size`` ranks one example longer; for exact evaluation.

    Args:
        dataset: a dataset on ``root`` (anything with ``len`` and indexing).
        comm: a kusari communicator or an mpi4py communicator.
        root (int): the rank whose dataset is scattered.
        shuffle (bool): permute the examples before splitting.
        seed (int): seed of the permutation (same seed, same shares).
        max_buf_len (int): accepted for ChainerMN compatibility; the
            communicator's ``bcast_obj`` chunks large objects itself.

    Example (one process: the whole dataset, in order):

    >>> from mpi4py import MPI
    >>> from kusari.distributed.datasets import scatter_dataset
    >>> sub = scatter_dataset(list('abcd'), MPI.COMM_SELF)
    >>> len(sub), sub[0], sub[3]
    (4, 'a', 'd')
    """
    from kusari.datasets.sub_dataset import SubDataset

    rank, size, bcast_obj, _, _ = _comm_api(comm)
    _check_root("scatter_dataset", root, size)
    if rank == root:
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            type_check.fail("scatter_dataset", "dataset", "a dataset (with __len__ and __getitem__)",
                            type(dataset).__name__)
        order = numpy.random.RandomState(seed).permutation(len(dataset)) if shuffle else None
        payload = (dataset, order)
    else:
        payload = None
    dataset, order = bcast_obj(payload, root)
    b, e = scatter_index(len(dataset), comm, root, force_equal_length=force_equal_length)
    return SubDataset(dataset, b, e, order)
