"""kusari-distributed's plugin module (entry point ``distributed`` in the ``kusari`` group).

Registers the multi-node extensions and triggers by name for configs; the
communicators are created with :func:`kusari.distributed.create_communicator`.
"""
from __future__ import annotations

from kusari.plugins import hookimpl


@hookimpl
def kusari_register_extensions():
    return {}  # filled as the multi-node extensions land
