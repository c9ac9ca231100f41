"""kusari-distributed's plugin module (entry point ``distributed`` in the ``kusari`` group).

Registers the multi-node extensions and triggers by name for configs (they
take the communicator as their first argument); the communicators are
created with :func:`kusari.distributed.create_communicator`, and
``kusari train --mpi`` wires everything up from a config.
"""
from __future__ import annotations

from kusari.plugins import hookimpl


@hookimpl
def kusari_register_extensions():
    from kusari.distributed.extensions import ObservationAggregator, multi_node_snapshot

    return {"ObservationAggregator": ObservationAggregator, "multi_node_snapshot": multi_node_snapshot}


@hookimpl
def kusari_register_triggers():
    from kusari.distributed.triggers import MultiNodeEarlyStoppingTrigger

    return {"multi_node_early_stopping": MultiNodeEarlyStoppingTrigger}
