"""Checks that an installed kusari plugin is packaged and discovered correctly.

kusari finds a plugin through the entry point its distribution declares in
the ``kusari`` group (see ``docs/plugins.md``).  These checks run that
discovery the way a fresh process does and fail with an ``AssertionError``
naming the plugin and what is wrong, so a plugin's test suite (kusari's own
packages included) needs one call per plugin::

    from kusari.testing import plugin_checks

    def test_the_plugin_is_declared_registered_and_can_be_disabled():
        plugin_checks.check_plugin(
            'example', 'kusari_plugin_example.plugin', 'kusari-plugin-example',
            hooks=['kusari_register_updaters'])

Each check starts from a fresh plugin state and resets it again when done,
so no test sees plugins left loaded (or disabled) by another.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import os

from kusari import plugins
from kusari.utils import type_check

_DISABLED_VARIABLE = "KUSARI_DISABLED_PLUGINS"


@contextlib.contextmanager
def fresh_plugin_state():
    """Forget every loaded plugin on entry and again on exit.

    Inside the block kusari loads its plugins afresh, as a new process
    would; a plugin test fixture is ``with fresh_plugin_state(): yield``.

    Example:
        >>> from kusari import plugins
        >>> from kusari.testing.plugin_checks import fresh_plugin_state
        >>> with fresh_plugin_state():
        ...     plugins.get_plugin_manager().get_plugin('core') is not None
        True
    """
    plugins.reset()
    try:
        yield
    finally:
        plugins.reset()


@contextlib.contextmanager
def disabled_plugins(*names: str):
    """Add ``names`` to ``KUSARI_DISABLED_PLUGINS`` for the block, with fresh plugins.

    The variable is read when the plugin manager is created, so the plugin
    state is reset on entry (and on exit, after the variable is restored).

    Example:
        >>> import os
        >>> from kusari.testing.plugin_checks import disabled_plugins
        >>> with disabled_plugins('example'):
        ...     os.environ['KUSARI_DISABLED_PLUGINS'].split(',')[-1]
        'example'
    """
    _expect_names("disabled_plugins", "names", names)
    previous = os.environ.get(_DISABLED_VARIABLE)
    os.environ[_DISABLED_VARIABLE] = ",".join(filter(None, [previous, *names]))
    try:
        with fresh_plugin_state():
            yield
    finally:
        if previous is None:
            del os.environ[_DISABLED_VARIABLE]
        else:
            os.environ[_DISABLED_VARIABLE] = previous


def check_entry_point(name: str, module: str, distribution: str) -> importlib.metadata.EntryPoint:
    """Check that ``distribution`` declares exactly one ``kusari`` entry point ``name`` = ``module``.

    ``module`` is the entry point's value as written in ``pyproject.toml``:
    a module path, or ``'module:attribute'``.  Returns the entry point.

    Example:
        >>> from kusari.testing.plugin_checks import check_entry_point
        >>> check_entry_point('no_such_plugin', 'no_such.plugin', 'no-such-dist')
        Traceback (most recent call last):
        ...
        AssertionError: kusari plugin 'no_such_plugin': expected an entry point of that name in group 'kusari', found none: is no-such-dist installed?
    """
    _expect_name("check_entry_point", "name", name)
    found = importlib.metadata.entry_points(group=plugins.ENTRY_POINT_GROUP, name=name)
    _check(name, len(found) > 0, f"expected an entry point of that name in group {plugins.ENTRY_POINT_GROUP!r}, "
                                 f"found none: is {distribution} installed?")
    _check(name, len(found) == 1,
           f"expected one entry point of that name, found {len(found)}, declared by "
           f"{sorted(_distribution_name(ep) for ep in found)}")
    (entry_point,) = found
    _check(name, entry_point.value == module,
           f"expected the entry point to name {module!r}, it names {entry_point.value!r}")
    _check(name, _distribution_name(entry_point) == distribution,
           f"expected the entry point to be declared by {distribution!r}, "
           f"it is declared by {_distribution_name(entry_point)!r}")
    return entry_point


def check_registered(name: str, module: str, distribution: str, *, about_module: str | None = None,
                     hooks=()) -> dict:
    """Check that kusari loads ``module`` as plugin ``name`` and lists it with its distribution.

    From a fresh plugin state: the plugin manager holds the object the entry
    point names under ``name``; :func:`kusari.plugins.list_plugins` reports it
    once, with ``distribution`` and its version (``about_module.__version__``
    when given, so a stale install is caught, else the installed version),
    implementing at least ``hooks``; and no installed plugin failed to load.
    Returns the ``list_plugins`` row.

    Example:
        >>> from kusari.testing.plugin_checks import check_registered
        >>> row = check_registered('core', 'kusari._builtin_plugin', 'kusari-core',
        ...                        about_module='kusari.__about__', hooks=['kusari_register_backends'])
        >>> row['registers']['backends']
        ['numpy']
        >>> check_registered('core', 'kusari._builtin_plugin', 'kusari-cuda')
        Traceback (most recent call last):
        ...
        AssertionError: kusari plugin 'core': expected distribution 'kusari-cuda', `kusari plugins` reports 'kusari-core'
    """
    _expect_name("check_registered", "name", name)
    _expect_names("check_registered", "hooks", hooks)
    with fresh_plugin_state():
        expected_plugin = importlib.metadata.EntryPoint(name, module, plugins.ENTRY_POINT_GROUP).load()
        registered = plugins.get_plugin_manager().get_plugin(name)
        _check(name, registered is expected_plugin,
               f"expected {module!r} registered under this name, found {registered!r}")
        rows = [row for row in plugins.list_plugins() if row["name"] == name]
        _check(name, len(rows) == 1, f"expected one row in `kusari plugins`, found {len(rows)}")
        (row,) = rows
        _check(name, row["distribution"] == distribution,
               f"expected distribution {distribution!r}, `kusari plugins` reports {row['distribution']!r}")
        version = (importlib.import_module(about_module).__version__ if about_module is not None
                   else importlib.metadata.version(distribution))
        _check(name, row["version"] == version,
               f"expected version {version!r}, `kusari plugins` reports {row['version']!r}"
               + (f" (reinstall {distribution}?)" if about_module is not None else ""))
        missing = sorted(set(hooks) - set(row["hooks"]))
        _check(name, not missing, f"expected hooks {missing} among its hooks {row['hooks']}")
        failures = plugins.plugin_failures()
        _check(name, not failures, f"expected every plugin to load, failures: {failures}")
    return row


def check_can_be_disabled(name: str) -> None:
    """Check that ``KUSARI_DISABLED_PLUGINS=<name>`` removes plugin ``name`` and only that.

    The plugin must be registered without the variable (otherwise the check
    would prove nothing), blocked and absent from
    :func:`kusari.plugins.list_plugins` with it.

    Example:
        >>> from kusari.testing.plugin_checks import check_can_be_disabled
        >>> check_can_be_disabled('no_such_plugin')
        Traceback (most recent call last):
        ...
        AssertionError: kusari plugin 'no_such_plugin': expected it registered before disabling it, it is not
    """
    _expect_name("check_can_be_disabled", "name", name)
    with fresh_plugin_state():
        _check(name, plugins.get_plugin_manager().get_plugin(name) is not None,
               "expected it registered before disabling it, it is not")
    with disabled_plugins(name):
        pm = plugins.get_plugin_manager()
        _check(name, pm.get_plugin(name) is None and pm.is_blocked(name),
               f"expected {_DISABLED_VARIABLE}={name} to block it, it is still registered")
        listed = [row["name"] for row in plugins.list_plugins()]
        _check(name, name not in listed, f"expected it left out of `kusari plugins` when disabled: {listed}")
        _check(name, "core" in listed, f"expected disabling it to leave core registered: {listed}")


def check_module_version(module, distribution: str) -> None:
    """Check that ``module.__version__`` (a module or its dotted name) is ``distribution``'s installed version.

    A mismatch means the source and the installed metadata disagree, e.g.
    an editable install older than the last version bump.

    Example:
        >>> import kusari
        >>> from kusari.testing.plugin_checks import check_module_version
        >>> check_module_version(kusari, 'kusari-core')
        >>> check_module_version('kusari', 'no-such-dist')
        Traceback (most recent call last):
        ...
        AssertionError: module 'kusari': expected the version of no-such-dist, which is not installed
    """
    if isinstance(module, str):
        module = importlib.import_module(module)
    label = f"module {module.__name__!r}"
    try:
        installed = importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise AssertionError(f"{label}: expected the version of {distribution}, which is not installed") from None
    version = getattr(module, "__version__", None)
    if version != installed:
        raise AssertionError(f"{label}: expected __version__ {installed!r} (installed {distribution}), "
                             f"got {version!r}")


def check_plugin(name: str, module: str, distribution: str, *, about_module: str | None = None,
                 hooks=()) -> None:
    """Run :func:`check_entry_point`, :func:`check_registered` and :func:`check_can_be_disabled`.

    Example:
        >>> from kusari.testing.plugin_checks import check_plugin
        >>> check_plugin('no_such_plugin', 'no_such.plugin', 'no-such-dist')
        Traceback (most recent call last):
        ...
        AssertionError: kusari plugin 'no_such_plugin': expected an entry point of that name ...
    """
    check_entry_point(name, module, distribution)
    check_registered(name, module, distribution, about_module=about_module, hooks=hooks)
    check_can_be_disabled(name)


def _check(plugin: str, ok: bool, message: str) -> None:
    if not ok:
        raise AssertionError(f"kusari plugin {plugin!r}: {message}")


def _distribution_name(entry_point) -> str | None:
    return None if entry_point.dist is None else entry_point.dist.name


def _expect_name(func: str, arg: str, value) -> None:
    if not isinstance(value, str) or not value:
        type_check.fail(func, arg, "a non-empty str", repr(value))


def _expect_names(func: str, arg: str, values) -> None:
    # a bare str would be checked one character at a time
    if isinstance(values, str) or not all(isinstance(v, str) and v for v in values):
        type_check.fail(func, arg, "a list of non-empty str", repr(values))
