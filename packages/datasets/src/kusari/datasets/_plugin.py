"""kusari-datasets' plugin module (entry point ``datasets`` in the ``kusari`` group).

The datasets issue fills this hook with the loaders (``'mnist'``,
``'cifar10'``, ``'ptb'``, ...), each downloading lazily on first call.
"""
from __future__ import annotations

from kusari.plugins import hookimpl


@hookimpl
def kusari_register_dataset_loaders():
    return []  # filled by the datasets issue: get_mnist, get_cifar10, get_ptb_words, ...
