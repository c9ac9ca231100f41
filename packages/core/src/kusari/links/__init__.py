"""Links (layers with parameters), conventionally ``import kusari.links as L``.

Names load on first use.  Links contributed by plugins (``NStepLSTM`` from
kusari-rnn, ...) come from the ``links`` registry; asking for one whose
package is missing says what to install.

Example:
    >>> import kusari.links as L
    >>> L.Linear(3, 2).W.shape
    (2, 3)
"""
from __future__ import annotations

import importlib as _importlib

_M = "kusari.links."
_NAMES = {
    "Linear": _M + "connection.linear",
    "EmbedID": _M + "connection.embed_id",
    "Classifier": _M + "model.classifier",
}

__all__ = sorted(_NAMES)


def __getattr__(name):
    module_name = _NAMES.get(name)
    if module_name is not None:
        value = getattr(_importlib.import_module(module_name), name)
        globals()[name] = value
        return value
    if name.startswith("__"):
        raise AttributeError(name)
    from kusari import plugins

    registry = plugins.get_registry("links")
    if name in registry:
        return registry.get(name)
    hint = plugins.missing_name_message("links", name, f"kusari.links.{name}")
    raise plugins.MissingNameError(hint or f"module 'kusari.links' has no attribute {name!r}")


def __dir__():
    from kusari import plugins

    return sorted(set(_NAMES) | set(plugins.get_registry("links").names()) | set(globals()))
