"""An example third-party kusari plugin (see docs/plugins.md).

The classes are importable directly too; kusari finds them by name through
the entry point in ``pyproject.toml`` and :mod:`kusari_plugin_example.plugin`.

Example:
    >>> from kusari import plugins
    >>> plugins.get_registry('updaters').source('example_accumulate')
    'example'
"""
from kusari_plugin_example.backend import HostAliasBackend
from kusari_plugin_example.datasets import load_xor
from kusari_plugin_example.extension import NaNGuard
from kusari_plugin_example.updater import GradientAccumulationUpdater

__version__ = "0.1.0"
__all__ = ["GradientAccumulationUpdater", "HostAliasBackend", "NaNGuard", "load_xor"]
