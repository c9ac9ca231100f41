"""``kusari train --mpi CONFIG.toml``: the same configs, data-parallel under ``mpiexec``.

Run ``mpiexec -n 4 kusari train --mpi CONFIG.toml``: every process builds the
same Trainer from the config (``seed`` makes the initial weights agree, and
the multi-node optimizer broadcasts rank 0's weights at the first update
anyway), then :func:`make_distributed` turns it into ChainerMN-style
data-parallel training:

* the datasets behind the training and evaluation iterators are scattered
  (``scatter_dataset``, equal lengths, the training split shuffled), so one
  epoch is one pass over the data by all processes together;
* the optimizer is wrapped by ``create_multi_node_optimizer`` (gradients are
  averaged over the processes before every update);
* every Evaluator is wrapped by ``create_multi_node_evaluator`` (the
  validation numbers are averaged over the processes);
* LogReport, PrintReport, ProgressBar, PlotReport, DumpGraph and
  VariableStatisticsPlot stay on rank 0 only (all ranks report the same
  averaged numbers, so the other copies would only repeat them);
* ``snapshot`` extensions are wrapped by ``multi_node_snapshot`` with the
  replica sets ``[0]`` (rank 0, which holds the reporting extensions, and one
  representative of the other ranks each write a file, and resuming loads
  them back on every rank).

An optional ``[distributed]`` table in the config sets
``communicator = "naive" | "flat" | ...`` (default ``"naive"``) and
``scatter_test = true | false`` (default true).

Example:
    >>> from kusari.distributed._train_mpi import distributed_settings
    >>> distributed_settings({'distributed': {'communicator': 'flat'}})
    {'communicator': 'flat', 'scatter_test': True}
"""
from __future__ import annotations

import sys
import traceback

__all__ = ["RANK0_ONLY_EXTENSIONS", "build_distributed_trainer", "distributed_settings",
           "make_distributed", "run_train_mpi"]

#: Class names of extensions that only print, log or plot: kept on rank 0 only.
RANK0_ONLY_EXTENSIONS = frozenset({"LogReport", "PrintReport", "ProgressBar", "PlotReport",
                                   "DumpGraph", "VariableStatisticsPlot"})

_DEFAULTS = {"communicator": "naive", "scatter_test": True}
_INSTALL_HINT = "pip install 'kusari-distributed[mpich]'"


def distributed_settings(config: dict) -> dict:
    """The ``[distributed]`` table of ``config`` with defaults filled in (checked).

    Raises kusari-training's ``ConfigError`` naming the key for an unknown key
    or a wrong type.

    Example:
        >>> distributed_settings({})
        {'communicator': 'naive', 'scatter_test': True}
    """
    from kusari.training.config import ConfigError

    table = config.get("distributed", {})
    if not isinstance(table, dict):
        raise ConfigError("distributed", f"expected a table, got {type(table).__name__} {table!r}")
    unknown = sorted(set(table) - set(_DEFAULTS))
    if unknown:
        raise ConfigError(f"distributed.{unknown[0]}", f"unknown key; known: {', '.join(_DEFAULTS)}")
    settings = {**_DEFAULTS, **table}
    if not isinstance(settings["communicator"], str):
        raise ConfigError("distributed.communicator",
                          f"expected a communicator name string, got {settings['communicator']!r}")
    if not isinstance(settings["scatter_test"], bool):
        raise ConfigError("distributed.scatter_test", f"expected true or false, got {settings['scatter_test']!r}")
    return settings


def _scatter_iterator(iterator, comm, shuffle: bool, seed) -> None:
    """Give ``iterator`` this rank's share of its dataset, in place, and restart it."""
    from kusari.distributed.datasets import scatter_dataset

    if not hasattr(iterator, "dataset") or not hasattr(iterator, "reset"):
        raise TypeError(f"make_distributed: argument 'trainer' expected iterators with a "
                        f"'dataset' and reset() (kusari's Serial/Multithread/MultiprocessIterator), "
                        f"got {type(iterator).__name__}")
    iterator.dataset = scatter_dataset(iterator.dataset, comm, shuffle=shuffle, seed=seed)
    iterator.reset()


def make_distributed(trainer, comm, *, scatter_test: bool = True, seed: int = 0):
    """Turn a single-process ``trainer`` into this rank's part of data-parallel training.

    Modifies ``trainer`` in place (see the module docstring for what changes)
    and returns it.  Call it on every rank, before ``trainer.run()``, with the
    same ``seed`` everywhere (it fixes the shuffle of the training split).

    Args:
        trainer: a Trainer with a StandardUpdater-like updater (``_iterators``
            and ``_optimizers`` dicts), e.g. from ``build_trainer``.
        comm: a kusari.distributed communicator.
        scatter_test: scatter the Evaluators' datasets too (else every rank
            evaluates the whole split).
        seed: seed of the training split's shuffle before scattering.

    Example (under ``mpiexec -n 2 python script.py``, not run here)::

        comm = create_communicator('naive')
        trainer = build_trainer(config)
        make_distributed(trainer, comm)
        trainer.run()

    With one process it still works (everything is rank 0):

        >>> from kusari.distributed._train_mpi import make_distributed
        >>> callable(make_distributed)
        True
    """
    from kusari.distributed.evaluator import create_multi_node_evaluator
    from kusari.distributed.extensions import multi_node_snapshot
    from kusari.distributed.optimizers import create_multi_node_optimizer
    from kusari.training.extensions import Evaluator
    from kusari.training.extensions._snapshot import _Snapshot

    updater = trainer.updater
    scattered = set()
    for iterator in updater._iterators.values():
        _scatter_iterator(iterator, comm, shuffle=True, seed=seed)
        scattered.add(id(iterator))
    for name, optimizer in list(updater._optimizers.items()):
        updater._optimizers[name] = create_multi_node_optimizer(optimizer, comm)

    for name, entry in list(trainer._extensions.items()):
        extension = entry.extension
        kind = type(extension).__name__
        if kind in RANK0_ONLY_EXTENSIONS:
            if comm.rank != 0:
                del trainer._extensions[name]
        elif isinstance(extension, Evaluator):
            if scatter_test:
                for iterator in extension.get_all_iterators().values():
                    if id(iterator) not in scattered:  # evaluation order does not matter
                        _scatter_iterator(iterator, comm, shuffle=False, seed=None)
                        scattered.add(id(iterator))
            entry.extension = create_multi_node_evaluator(extension, comm)
        elif isinstance(extension, _Snapshot):
            entry.extension = multi_node_snapshot(comm, extension, [0])
    return trainer


def build_distributed_trainer(config: dict, comm=None):
    """``build_trainer(config)`` made data-parallel: returns ``(trainer, comm)``.

    ``config`` may hold a ``[distributed]`` table (:func:`distributed_settings`);
    it is taken out before kusari-training's builder sees the config.  Without
    ``comm`` one is created with the table's ``communicator`` name.

    Example (under ``mpiexec``, not run here)::

        trainer, comm = build_distributed_trainer(load_config('train.toml'))
        trainer.run()

    >>> callable(build_distributed_trainer)
    True
    """
    from kusari.training.config import build_trainer

    settings = distributed_settings(config)
    config = {key: value for key, value in config.items() if key != "distributed"}
    if comm is None:
        from kusari.distributed.communicators import create_communicator

        comm = create_communicator(settings["communicator"])
    trainer = build_trainer(config)
    seed = config.get("seed")
    make_distributed(trainer, comm, scatter_test=settings["scatter_test"],
                     seed=seed if isinstance(seed, int) else 0)
    return trainer, comm


def run_train_mpi(args) -> int:
    """Run ``kusari train --mpi`` for parsed ``args`` (``config``, ``set``): the exit status.

    2 for a bad config or a missing MPI installation (the message names
    ``pip install 'kusari-distributed[mpich]'``).  An exception while
    training prints its traceback and aborts every rank (MPI_Abort), so a
    failing process never leaves the others waiting in a collective.  Only
    rank 0 prints the summary line.

    Example:
        >>> import argparse
        >>> run_train_mpi(argparse.Namespace(config='missing.toml', set=[]))
        2
    """
    from kusari.training._command import summary_line
    from kusari.training.config import ConfigError, load_config

    try:
        config = load_config(args.config, args.set)
        distributed_settings(config)
    except ConfigError as error:
        print(f"kusari train: {args.config}: {error}", file=sys.stderr)
        return 2
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        print(f"kusari train --mpi: needs MPI for Python: {_INSTALL_HINT}", file=sys.stderr)
        return 2
    try:
        trainer, comm = build_distributed_trainer(config)
    except ConfigError as error:
        print(f"kusari train: {args.config}: {error}", file=sys.stderr)
        return 2
    try:
        trainer.run()
    except BaseException:  # noqa: BLE001 - any failure must take every rank down
        traceback.print_exc()
        sys.stderr.flush()
        comm.mpi_comm.Abort(1)
    if comm.rank == 0:
        # summary_line calls float() on the raw last observation, which may hold Variables
        for key, value in trainer.observation.items():
            if hasattr(value, "array"):
                trainer.observation[key] = float(value.array)
        print(summary_line(trainer))
    return 0
