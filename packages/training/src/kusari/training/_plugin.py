"""kusari-training's plugin module (entry point ``training`` in the ``kusari`` group).

Registers the updaters, triggers and extensions by the names configs use
(``'standard'``, ``'interval'``, ``'LogReport'``, ...), and adds the
``kusari train`` command.  Imports happen inside
the hooks so that loading plugins stays cheap.
"""
from __future__ import annotations

from kusari.plugins import hookimpl


@hookimpl
def kusari_register_updaters():
    from kusari.training.updaters.standard_updater import StandardUpdater

    return {"standard": StandardUpdater}


@hookimpl
def kusari_register_extensions():
    from kusari.training import extensions as E

    return {name: getattr(E, name) for name in E.__all__}


@hookimpl
def kusari_register_triggers():
    from kusari.training import triggers as T

    return {"interval": T.IntervalTrigger, "manual_schedule": T.ManualScheduleTrigger,
            "min_value": T.MinValueTrigger, "max_value": T.MaxValueTrigger,
            "best_value": T.BestValueTrigger, "early_stopping": T.EarlyStoppingTrigger,
            "once": T.OnceTrigger, "time": T.TimeTrigger}


@hookimpl
def kusari_add_commands(subparsers):
    from kusari.training._command import add_train_command

    add_train_command(subparsers)
