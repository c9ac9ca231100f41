"""kusari-training's plugin module (entry point ``training`` in the ``kusari`` group).

The training issue fills these hooks: StandardUpdater under ``'standard'``,
the extensions (``'LogReport'``, ``'snapshot'``, ...), the triggers
(``'interval'``, ...) and the ``kusari train`` command.
"""
from __future__ import annotations

from kusari.plugins import hookimpl


@hookimpl
def kusari_register_updaters():
    return []  # filled by the training issue: [StandardUpdater]


@hookimpl
def kusari_register_extensions():
    return []  # filled by the training issue: LogReport, PrintReport, snapshot, ...


@hookimpl
def kusari_register_triggers():
    return []  # filled by the training issue: IntervalTrigger, ManualScheduleTrigger, ...
