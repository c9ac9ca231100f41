"""Core's own plugin: what kusari-core registers through its own hooks.

Registered directly by :func:`kusari.plugins.get_plugin_manager` (not through
an entry point), so disabling entry-point loading never removes NumPy.
"""
from __future__ import annotations

from kusari.plugins import hookimpl


@hookimpl
def kusari_register_backends():
    from kusari.backend import NumpyBackend

    return [NumpyBackend()]


@hookimpl
def kusari_register_optimizers():
    from kusari.optimizers import BUILTIN_OPTIMIZERS

    return list(BUILTIN_OPTIMIZERS)


@hookimpl
def kusari_add_commands(subparsers):
    from kusari import _cli

    _cli.add_plugins_command(subparsers)
