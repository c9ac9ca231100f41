"""The plugin module: the entry point ``example`` points here.

kusari imports this module whenever it builds a registry, so it imports
nothing heavy at module level; each hook imports what it returns.
"""
from kusari.plugins import hookimpl


@hookimpl
def kusari_register_updaters():
    from kusari_plugin_example.updater import GradientAccumulationUpdater

    return [GradientAccumulationUpdater]  # keyed by its `name` attribute


@hookimpl
def kusari_register_extensions():
    from kusari_plugin_example.extension import NaNGuard

    return [NaNGuard]


@hookimpl
def kusari_register_dataset_loaders():
    from kusari_plugin_example.datasets import load_xor

    return {"example_xor": load_xor}  # a dict names its entries explicitly


@hookimpl
def kusari_register_backends():
    from kusari_plugin_example.backend import HostAliasBackend

    return [HostAliasBackend()]
