"""Lazy module namespaces backed by a plugin registry (``kusari.functions``, ``kusari.links``).

A namespace knows its own names as a map name -> defining module, imported on
first use and then cached in the namespace's globals so later lookups skip
``__getattr__``.  Other names come from the plugin registry of its kind; a
first-party name whose package is missing raises
:class:`~kusari.plugins.MissingNameError` saying what to install (an
AttributeError too, so ``hasattr`` and ``getattr`` defaults keep working).

Example:
    >>> import types
    >>> from kusari._lazy import lazy_namespace
    >>> ns = types.ModuleType('kusari.demo')
    >>> ns.__getattr__, ns.__dir__ = lazy_namespace(vars(ns), {'sqrt': 'math'}, 'functions')
    >>> ns.sqrt(4.0), 'sqrt' in vars(ns)
    (2.0, True)
    >>> hasattr(ns, 'no_such_name')
    False
"""
from __future__ import annotations

import importlib


def lazy_namespace(namespace: dict, names: dict[str, str], kind: str):
    """Build ``(__getattr__, __dir__)`` for a module whose globals are ``namespace``.

    ``names`` maps each of the module's own names to the module defining it;
    ``kind`` is the plugin registry (``'functions'``, ``'links'``) consulted next.

    Example:
        >>> from kusari._lazy import lazy_namespace
        >>> namespace = {'__name__': 'kusari.demo'}
        >>> getattr_, dir_ = lazy_namespace(namespace, {'pi': 'math'}, 'functions')
        >>> round(getattr_('pi'), 2), 'pi' in dir_()
        (3.14, True)
    """
    module_name = namespace["__name__"]

    def __getattr__(name):
        defining_module = names.get(name)
        if defining_module is not None:
            value = getattr(importlib.import_module(defining_module), name)
            namespace[name] = value
            return value
        if name.startswith("__"):
            raise AttributeError(name)
        from kusari import plugins

        registry = plugins.get_registry(kind)
        if name in registry:
            return registry.get(name)
        hint = plugins.missing_name_message(kind, name, f"{module_name}.{name}")
        raise plugins.MissingNameError(hint or f"module {module_name!r} has no attribute {name!r}")

    def __dir__():
        from kusari import plugins

        return sorted(set(names) | set(plugins.get_registry(kind).names()) | set(namespace))

    return __getattr__, __dir__
