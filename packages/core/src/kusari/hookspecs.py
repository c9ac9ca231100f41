"""The hooks a kusari plugin can implement.

A plugin is a module (or object) with functions marked ``@kusari.plugins.hookimpl``
whose names are the hooks below, made discoverable by one entry point in the
``kusari`` group of its distribution::

    [project.entry-points.kusari]
    my_plugin = "my_package.kusari_plugin"

Every ``kusari_register_<kind>`` hook except ``kusari_register_kernels``
returns a list of objects (or a ``{name: object}`` dict); each object is keyed
by its ``name`` attribute, or its ``__name__`` when it has none (functions and
links: always ``__name__``).  Two plugins registering the same name is an
error that names both.  A plugin module is imported once, when kusari first
needs a registry (never at ``import kusari``); import heavy libraries lazily,
inside methods, all the same.

``docs/plugins.md`` walks through a complete third-party plugin.
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("kusari")


@hookspec
def kusari_register_backends():
    """Return :class:`kusari.backend.Backend` instances (or classes).

    ``name`` is the device-specifier prefix: ``'cupy'`` serves ``'@cupy:0'``.
    A backend whose library is missing stays registered and answers
    ``is_available() == False`` with ``unavailable_reason()`` naming the
    install command.
    """


@hookspec
def kusari_register_kernels(registry):
    """Add backend-specific implementations of existing operations.

    ``registry`` is a :class:`kusari.plugins.KernelRegistry`; call
    ``registry.add(op_name, backend_name, implementation)``, e.g.
    ``registry.add('n_step_lstm', 'cupy', cudnn_n_step_lstm)``.  The
    operation looks its kernel up with
    ``kusari.plugins.lookup_kernel(op_name, backend_name)`` and falls back to
    its generic implementation when none is registered.  Two plugins adding
    the same ``(op_name, backend_name)`` is an error naming both.  Returns nothing.
    """


@hookspec
def kusari_register_functions():
    """Return differentiable functions to appear under ``kusari.functions``.

    Keyed by ``__name__``: returning ``[n_step_lstm]`` makes
    ``kusari.functions.n_step_lstm`` work.
    """


@hookspec
def kusari_register_links():
    """Return Link classes to appear under ``kusari.links`` (keyed by ``__name__``)."""


@hookspec
def kusari_register_optimizers():
    """Return Optimizer classes, looked up by ``name`` (e.g. ``'adam'``) from configs."""


@hookspec
def kusari_register_updaters():
    """Return Updater classes, looked up by ``name`` (``'standard'``, ``'bptt'``)."""


@hookspec
def kusari_register_extensions():
    """Return trainer Extension classes or factories, by ``name`` (``'LogReport'``)."""


@hookspec
def kusari_register_triggers():
    """Return trigger classes, by ``name`` (``'interval'``, ``'early_stopping'``)."""


@hookspec
def kusari_register_dataset_loaders():
    """Return dataset loaders (callables returning datasets), by ``name`` (``'mnist'``)."""


@hookspec
def kusari_add_commands(subparsers):
    """Add sub-commands to the ``kusari`` command line.

    ``subparsers`` is the ``argparse`` sub-parser action; add a parser and set
    ``func=callable(args) -> int`` as its default.  Core adds ``plugins``;
    kusari-training adds ``train``.  Returns nothing.
    """
