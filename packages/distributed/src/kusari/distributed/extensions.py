"""Multi-node trainer extensions: ``ObservationAggregator`` and ``multi_node_snapshot``."""
from __future__ import annotations

import io

from kusari.training import extension
from kusari.training._util import get_trigger
from kusari.utils import type_check


def _average_2d(histories):
    """Mean of every value in a list of per-process lists."""
    values = [v for history in histories for v in history]
    return sum(values) / len(values)


def _observed_value(value):
    from kusari import cuda

    array = getattr(value, "array", value)  # a Variable: its data
    # CuPy arrays pickle with their device; gathered values must be host values.
    return cuda.to_cpu(array) if hasattr(array, "device") and not hasattr(array, "__array_interface__") else array


class ObservationAggregator(extension.Extension):
    """Replace an observation by its aggregate (default: the mean) over all processes.

    Every iteration the value of ``trainer.observation[original_key]`` (when
    reported) is remembered.  When ``comm_trigger`` fires, the remembered
    values of all processes are gathered to rank 0, reduced by
    ``aggregator`` (a function of the list of per-process lists), the result
    broadcast, and stored as ``trainer.observation[aggregated_key]`` on every
    process.  Priority :data:`~kusari.training.extension.PRIORITY_EDITOR`, so
    it runs before the LogReport that reads the value.

    Args:
        comm: a kusari communicator.
        original_key (str): the observation to aggregate.
        aggregated_key (str): where to store the result (``original_key``,
            overwriting it, when None).
        comm_trigger: when to communicate, e.g. ``(1, 'epoch')``.
        aggregator: ``f(list_of_lists) -> value``; the mean of all values by default.

    Example (run under ``mpiexec``; not executed here)::

        trainer.extend(kusari.distributed.ObservationAggregator(
            comm, 'main/loss', 'main/loss_all', comm_trigger=(1, 'epoch')))

    >>> from kusari.distributed.extensions import ObservationAggregator
    >>> ObservationAggregator(None, 3)
    Traceback (most recent call last):
    ...
    kusari.utils.type_check.InvalidType: ObservationAggregator: argument 'original_key' expected a str, got int
    """

    trigger = 1, "iteration"
    priority = extension.PRIORITY_EDITOR
    name = None

    def __init__(self, comm, original_key, aggregated_key=None, *, comm_trigger=(1, "iteration"),
                 aggregator=None):
        if not isinstance(original_key, str):
            type_check.fail("ObservationAggregator", "original_key", "a str", type(original_key).__name__)
        if aggregator is not None and not callable(aggregator):
            type_check.fail("ObservationAggregator", "aggregator", "a callable or None", type(aggregator).__name__)
        self.comm = comm
        self.original_key = original_key
        self.aggregated_key = original_key if aggregated_key is None else aggregated_key
        self.comm_trigger = get_trigger(comm_trigger)
        self.observation_history = []
        self.aggregator = aggregator or _average_2d

    def compute_summary(self, trainer):
        """Remember this iteration's value; on ``comm_trigger``, the aggregate over all processes (else None)."""
        if self.original_key in trainer.observation:
            self.observation_history.append(_observed_value(trainer.observation[self.original_key]))
        if not self.comm_trigger(trainer):
            return None
        gathered = self.comm.gather_obj(self.observation_history)
        self.observation_history = []
        summary = self.aggregator(gathered) if self.comm.rank == 0 else None
        return self.comm.bcast_obj(summary)

    def __call__(self, trainer):
        summary = self.compute_summary(trainer)
        if summary is not None:
            trainer.observation[self.aggregated_key] = summary


# ---- multi_node_snapshot ---------------------------------------------------------

def _parse_replica_sets(replica_sets, size):
    """The replica sets as a list of sets of ranks covering ``range(size)`` exactly once."""
    sets = []
    for replica_set in replica_sets:
        ranks = {replica_set} if isinstance(replica_set, int) else set(replica_set)
        if any(not isinstance(r, int) or not 0 <= r < size for r in ranks):
            type_check.fail("multi_node_snapshot", "replica_sets", f"ranks in [0, {size - 1}]",
                            repr(replica_sets))
        sets.append(ranks)
    covered = set().union(*sets) if sets else set()
    if sum(len(s) for s in sets) != len(covered):
        type_check.fail("multi_node_snapshot", "replica_sets", "disjoint sets of ranks", repr(replica_sets))
    rest = set(range(size)) - covered
    if rest:
        sets.append(rest)
    return sets


class _MultiNodeSnapshot(extension.Extension):
    """Built by :func:`multi_node_snapshot`: the lowest rank of each replica set writes, and loads for the set.

    Example:
        >>> from kusari.distributed.extensions import _parse_replica_sets
        >>> _parse_replica_sets([0], 4)
        [{0}, {1, 2, 3}]
    """

    def __init__(self, comm, snapshot, replica_sets):
        self.comm = comm
        self.snapshot = snapshot
        # Each writer's files get the rank as suffix so the sets never clash.
        if callable(snapshot.filename):
            base = snapshot.filename
            snapshot.filename = lambda trainer: f"{base(trainer)}.{comm.rank}"
        else:
            snapshot.filename = f"{snapshot.filename}.{comm.rank}"
        for ranks in _parse_replica_sets(replica_sets, comm.size):
            if comm.rank in ranks:
                self.replica_set = ranks
                self.master = min(ranks)
        for attr in ("trigger", "priority"):
            if hasattr(snapshot, attr):
                setattr(self, attr, getattr(snapshot, attr))

    @property
    def is_master(self):
        """Whether this process writes (and autoloads) for its replica set."""
        return self.master == self.comm.rank

    def initialize(self, trainer):
        """The master initializes (autoloads) the snapshot; the others of its set receive the loaded state."""
        from kusari.serializers import load_npz, save_npz

        if self.is_master:
            self.snapshot.initialize(trainer)
        if not self.snapshot.autoload:
            return
        target = trainer if self.snapshot._target is None else self.snapshot._target
        if self.is_master:
            data = None
            if self._has_snapshot(trainer.out):
                buffer = io.BytesIO()
                save_npz(buffer, target, compression=False)
                data = buffer.getvalue()
            for rank in sorted(self.replica_set - {self.comm.rank}):
                self.comm.send_obj(data, rank)
        else:
            data = self.comm.recv_obj(self.master)
            if data is not None:
                load_npz(io.BytesIO(data), target)

    def _has_snapshot(self, outdir):
        from kusari.training.extensions._snapshot import _find_snapshot_files

        return isinstance(self.snapshot.filename, str) and bool(_find_snapshot_files(self.snapshot.filename,
                                                                                     outdir))

    def on_error(self, trainer, exc, tb):
        if self.is_master:
            self.snapshot.on_error(trainer, exc, tb)

    def __call__(self, trainer):
        if self.is_master:
            self.snapshot(trainer)

    def finalize(self):
        if self.is_master:
            self.snapshot.finalize()


def multi_node_snapshot(comm, snapshot, replica_sets):
    """Wrap a :func:`~kusari.training.extensions.snapshot` for several processes.

    ``replica_sets`` groups the ranks whose snapshot target is identical
    (an int is a one-rank set; the ranks not listed form one more set).  Only
    the lowest rank of each set writes, to ``<filename>.<rank>``; with
    ``autoload=True`` that rank loads its newest snapshot at
    ``initialize`` and sends the loaded state to the rest of its set, so every
    process resumes from the same state.  With ``replica_sets=[]`` rank 0
    saves for everyone (pure data parallelism: identical models everywhere).

    Args:
        comm: a kusari communicator.
        snapshot: the extension from ``extensions.snapshot(...)``.
        replica_sets: list of ints / iterables of ranks.

    Example (run under ``mpiexec``; not executed here)::

        snapshot = kusari.distributed.multi_node_snapshot(
            comm, extensions.snapshot(autoload=True), replica_sets=[])
        trainer.extend(snapshot, trigger=(1, 'epoch'))

    >>> from types import SimpleNamespace
    >>> from kusari.training.extensions import snapshot
    >>> from kusari.distributed.extensions import multi_node_snapshot
    >>> multi_node_snapshot(SimpleNamespace(rank=0, size=2), snapshot(), [[0, 5]])
    Traceback (most recent call last):
    ...
    kusari.utils.type_check.InvalidType: multi_node_snapshot: argument 'replica_sets' expected ranks in [0, 1], got [[0, 5]]
    """
    if not hasattr(snapshot, "filename") or not callable(snapshot):
        type_check.fail("multi_node_snapshot", "snapshot", "a snapshot extension (extensions.snapshot())",
                        type(snapshot).__name__)
    return _MultiNodeSnapshot(comm, snapshot, replica_sets)
