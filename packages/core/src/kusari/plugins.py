"""The plugin manager and the by-name registries.

The host side is pluggy's four calls: make a manager, add the hookspecs,
register core's own built-in plugin, load the ``kusari`` entry points.  Each
entry point is loaded on its own, so one plugin that fails to import is
reported once (a :class:`PluginLoadWarning` naming it and its error) and the
rest keeps working.  Environment variables:

* ``KUSARI_DISABLE_PLUGIN_AUTOLOAD=1`` loads no entry point (core's built-ins stay);
* ``KUSARI_DISABLED_PLUGINS=name,name`` blocks those entry-point names.

Example:
    >>> from kusari import plugins
    >>> 'numpy' in plugins.get_registry('backends')
    True
    >>> plugins.get_registry('backends').source('numpy')
    'core'
"""
from __future__ import annotations

import importlib.metadata
import os
import threading
import warnings

import pluggy

from kusari import hookspecs

hookimpl = pluggy.HookimplMarker("kusari")

ENTRY_POINT_GROUP = "kusari"

#: Kinds of registry and the hook that fills each.
KINDS = {
    "backends": "kusari_register_backends",
    "functions": "kusari_register_functions",
    "links": "kusari_register_links",
    "optimizers": "kusari_register_optimizers",
    "updaters": "kusari_register_updaters",
    "extensions": "kusari_register_extensions",
    "triggers": "kusari_register_triggers",
    "dataset_loaders": "kusari_register_dataset_loaders",
}

#: Names first-party packages provide, so a lookup of a missing one names the
#: distribution to install.
KNOWN_PROVIDERS = {
    "backends": {"cupy": "kusari-cuda"},
    "functions": dict.fromkeys(
        ["lstm", "slstm", "n_step_lstm", "n_step_bilstm", "n_step_gru", "n_step_bigru",
         "n_step_rnn", "n_step_birnn"], "kusari-rnn"),
    "links": dict.fromkeys(
        ["LSTM", "StatelessLSTM", "StatefulPeepholeLSTM", "GRU", "StatefulGRU", "StatelessGRU",
         "NStepLSTM", "NStepBiLSTM", "NStepGRU", "NStepBiGRU", "NStepRNNTanh", "NStepRNNReLU",
         "NStepBiRNNTanh", "NStepBiRNNReLU"], "kusari-rnn"),
    "updaters": {"standard": "kusari-training", "bptt": "kusari-rnn"},
    "extensions": dict.fromkeys(
        ["Evaluator", "LogReport", "PrintReport", "ProgressBar", "snapshot", "snapshot_object",
         "dump_graph", "ExponentialShift", "LinearShift", "PlotReport"], "kusari-training"),
    "triggers": dict.fromkeys(
        ["interval", "manual_schedule", "min_value", "max_value", "best_value", "early_stopping", "once",
         "time"], "kusari-training"),
    "dataset_loaders": dict.fromkeys(
        ["mnist", "fashion_mnist", "kuzushiji_mnist", "cifar10", "cifar100", "svhn", "ptb",
         "digits"], "kusari-datasets"),
}


class PluginLoadWarning(UserWarning):
    """A plugin could not be imported or its hook raised; the rest keeps working."""


class DuplicateNameError(ValueError):
    """Two plugins registered the same name in one registry."""


class MissingNameError(LookupError, AttributeError):
    """A registry has no object of that name (the message says what to install)."""


def missing_name_message(kind: str, name: str, where: str) -> str | None:
    """The "install X" message for a first-party name that is not available, else None.

    Example:
        >>> from kusari import plugins
        >>> 'kusari-cuda' in plugins.missing_name_message('backends', 'cupy', "backend 'cupy'")
        True
    """
    provider = KNOWN_PROVIDERS.get(kind, {}).get(name)
    if provider is None:
        return None
    try:
        version = importlib.metadata.version(provider)
    except importlib.metadata.PackageNotFoundError:
        return f"{where} is provided by {provider}, which is not installed: pip install {provider}"
    return (f"{where} is provided by {provider}, but the installed {provider} {version} does not "
            f"register it (or its plugin failed to load: see `kusari plugins`); "
            f"upgrade with: pip install -U {provider}")


class Registry:
    """Objects of one kind, keyed by name, remembering which plugin gave each.

    Example:
        >>> from kusari.plugins import Registry
        >>> r = Registry('updaters')
        >>> class Standard: name = 'standard'
        >>> r.add(Standard, plugin='mine'); r.get('standard') is Standard
        True
    """

    #: Kinds whose objects are keyed by ``__name__`` only: a Link class's
    #: ``name`` attribute is the instance's name in its parent, not a key.
    KEYED_BY_DUNDER_NAME = ("functions", "links")

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, tuple[object, str]] = {}

    def add(self, obj, name: str | None = None, *, plugin: str = "<unknown>") -> None:
        if name is None:
            if self.kind not in self.KEYED_BY_DUNDER_NAME:
                name = getattr(obj, "name", None)
            if not isinstance(name, str) or not name:
                name = getattr(obj, "__name__", None)
        if not isinstance(name, str) or not name:
            raise ValueError(f"{self.kind} registry: {obj!r} from plugin {plugin!r} has no name")
        previous = self._entries.get(name)
        if previous is not None and previous[0] is not obj:
            raise DuplicateNameError(
                f"{self.kind} name {name!r} is registered twice: by plugin {previous[1]!r} "
                f"({_describe(previous[0])}) and by plugin {plugin!r} ({_describe(obj)})"
            )
        self._entries[name] = (obj, plugin)

    def get(self, name: str):
        try:
            return self._entries[name][0]
        except KeyError:
            pass
        hint = missing_name_message(self.kind, name, f"{self.kind[:-1]} {name!r}")
        if hint:
            raise MissingNameError(hint)
        known = ", ".join(sorted(self._entries)) or "none"
        raise MissingNameError(f"no {self.kind[:-1]} named {name!r} is registered; known: {known}")

    def source(self, name: str) -> str:
        """The name of the plugin that registered ``name``."""
        return self._entries[name][1]

    def names(self) -> list[str]:
        return list(self._entries)

    def items(self):
        return [(n, e[0]) for n, e in self._entries.items()]

    def __contains__(self, name) -> bool:
        return name in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self):
        return iter(self._entries)

    def __repr__(self):
        return f"<Registry {self.kind}: {', '.join(self._entries)}>"


class KernelRegistry:
    """Backend-specific implementations of operations, keyed by (operation, backend).

    Example:
        >>> from kusari.plugins import KernelRegistry
        >>> k = KernelRegistry()
        >>> k.add('n_step_lstm', 'cupy', print, plugin='demo')
        >>> k.lookup('n_step_lstm', 'cupy') is print, k.lookup('n_step_lstm', 'numpy')
        (True, None)
    """

    def __init__(self):
        self._kernels: dict[tuple[str, str], tuple[object, str]] = {}
        self._current_plugin = "<unknown>"

    def add(self, op: str, backend: str, implementation, *, plugin: str | None = None) -> None:
        plugin = plugin or self._current_plugin
        key = (op, backend)
        previous = self._kernels.get(key)
        if previous is not None and previous[0] is not implementation:
            raise DuplicateNameError(
                f"kernel for {op!r} on backend {backend!r} is registered twice: by plugin "
                f"{previous[1]!r} ({_describe(previous[0])}) and by plugin {plugin!r} "
                f"({_describe(implementation)})"
            )
        self._kernels[key] = (implementation, plugin)

    def lookup(self, op: str, backend: str):
        entry = self._kernels.get((op, backend))
        return None if entry is None else entry[0]

    def items(self):
        return [(k, v[0], v[1]) for k, v in self._kernels.items()]

    def __len__(self):
        return len(self._kernels)


def _describe(obj) -> str:
    if isinstance(obj, type) or callable(obj) and hasattr(obj, "__qualname__"):
        return f"{obj.__module__}.{obj.__qualname__}"
    return f"{type(obj).__module__}.{type(obj).__qualname__} instance"


class _State:
    """Everything built from the installed plugins; rebuilt by :func:`reset`."""

    def __init__(self):
        self.manager: pluggy.PluginManager | None = None
        self.distributions: dict[str, tuple[str, str]] = {}
        self.failures: list[tuple[str, str]] = []
        self.registries: dict[str, Registry] = {}
        self.kernels: KernelRegistry | None = None
        self.extra_backends: list | None = None


_state = _State()
_lock = threading.RLock()


def _env_list(name: str) -> list[str]:
    return [s.strip() for s in os.environ.get(name, "").split(",") if s.strip()]


def _report_failure(plugin: str, error: BaseException, what: str) -> None:
    message = f"kusari plugin {plugin!r} {what}: {type(error).__name__}: {error}"
    _state.failures.append((plugin, message))
    warnings.warn(message, PluginLoadWarning, stacklevel=3)


def _load_entry_points(pm: pluggy.PluginManager) -> None:
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
            continue
        try:
            plugin = ep.load()
        except Exception as error:  # noqa: BLE001 - any import failure is reported, not raised
            _report_failure(ep.name, error, "failed to import")
            continue
        try:
            pm.register(plugin, name=ep.name)
        except Exception as error:  # noqa: BLE001
            _report_failure(ep.name, error, "failed to register")
            continue
        if ep.dist is not None:
            _state.distributions[ep.name] = (ep.dist.name, ep.dist.version)


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager, created on first use.

    Example:
        >>> from kusari import plugins
        >>> plugins.get_plugin_manager().get_plugin('core') is not None
        True
    """
    pm = _state.manager
    if pm is not None:
        return pm
    with _lock:
        if _state.manager is not None:
            return _state.manager
        from kusari import _builtin_plugin

        pm = pluggy.PluginManager("kusari")
        pm.add_hookspecs(hookspecs)
        pm.register(_builtin_plugin, name="core")
        for name in _env_list("KUSARI_DISABLED_PLUGINS"):
            pm.set_blocked(name)
        if os.environ.get("KUSARI_DISABLE_PLUGIN_AUTOLOAD", "") in ("", "0"):
            _load_entry_points(pm)
        if os.environ.get("KUSARI_TRACE_PLUGINS"):
            pm.trace.root.setwriter(print)
            pm.enable_tracing()
        _state.manager = pm
        return pm


def _call_each(hook_name: str, **kwargs):
    """Call every implementation of a hook on its own: (plugin name, result) pairs.

    A raising implementation is reported once and skipped, so a broken
    plugin cannot take the registry down with it.
    """
    pm = get_plugin_manager()
    caller = getattr(pm.hook, hook_name)
    for impl in caller.get_hookimpls():  # pluggy keeps registration order here
        name = impl.plugin_name
        try:
            yield name, impl.function(**kwargs)
        except Exception as error:  # noqa: BLE001
            _report_failure(name, error, f"raised in {hook_name}")


def get_registry(kind: str) -> Registry:
    """The registry of one kind (``'backends'``, ``'updaters'``, ...), built on first use."""
    registry = _state.registries.get(kind)
    if registry is not None:
        return registry
    if kind not in KINDS:
        raise ValueError(f"get_registry: unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    with _lock:
        if kind in _state.registries:
            return _state.registries[kind]
        registry = Registry(kind)
        for plugin, result in _call_each(KINDS[kind]):
            if not result:
                continue
            entries = result.items() if isinstance(result, dict) else ((None, o) for o in result)
            for name, obj in entries:
                if kind == "backends" and isinstance(obj, type):
                    obj = obj()
                registry.add(obj, name, plugin=plugin)
        _state.registries[kind] = registry
        return registry


def get_kernels() -> KernelRegistry:
    """The kernel registry, filled by every ``kusari_register_kernels`` implementation."""
    kernels = _state.kernels
    if kernels is not None:
        return kernels
    with _lock:
        if _state.kernels is None:
            kernels = KernelRegistry()
            for plugin, impl in _hookimpls("kusari_register_kernels"):
                kernels._current_plugin = plugin
                try:
                    impl(registry=kernels)
                except DuplicateNameError:
                    raise  # a clash is a configuration error, as in get_registry
                except Exception as error:  # noqa: BLE001
                    _report_failure(plugin, error, "raised in kusari_register_kernels")
            kernels._current_plugin = "<unknown>"
            _state.kernels = kernels
        return _state.kernels


def _hookimpls(hook_name: str):
    caller = getattr(get_plugin_manager().hook, hook_name)
    return [(i.plugin_name, i.function) for i in caller.get_hookimpls()]


def lookup_kernel(op: str, backend: str):
    """The kernel registered for ``op`` on ``backend``, or None."""
    return get_kernels().lookup(op, backend)


def _extra_backends():
    backends = _state.extra_backends
    if backends is None:
        backends = [b for n, b in get_registry("backends").items() if n != "numpy"]
        _state.extra_backends = backends
    return backends


def plugin_failures() -> list[tuple[str, str]]:
    """(plugin name, message) for every plugin that failed to import or raised."""
    get_plugin_manager()
    return list(_state.failures)


def list_plugins() -> list[dict]:
    """One dict per registered plugin: name, distribution, version, hooks, registered names.

    Example:
        >>> from kusari import plugins
        >>> [p['name'] for p in plugins.list_plugins()][0]
        'core'
    """
    pm = get_plugin_manager()
    from kusari.__about__ import __version__

    registered: dict[str, dict[str, list[str]]] = {}
    for kind in KINDS:
        registry = get_registry(kind)
        for name in registry.names():
            registered.setdefault(registry.source(name), {}).setdefault(kind, []).append(name)
    for (op, backend), _impl, plugin in get_kernels().items():
        registered.setdefault(plugin, {}).setdefault("kernels", []).append(f"{op}@{backend}")
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:
            continue
        dist, version = _state.distributions.get(name, ("kusari-core", __version__) if name == "core" else ("?", "?"))
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or ())
        rows.append({"name": name, "distribution": dist, "version": version, "hooks": hooks,
                     "registers": registered.get(name, {})})
    return rows


def register(plugin, name: str | None = None) -> str:
    """Register a plugin object at run time (tests, notebooks) and rebuild registries.

    Returns the name it was registered under.
    """
    pm = get_plugin_manager()
    name = pm.register(plugin, name=name)
    _invalidate()
    return name


def unregister(name: str) -> None:
    """Remove a plugin registered by :func:`register` and rebuild registries."""
    pm = get_plugin_manager()
    pm.unregister(name=name)
    _invalidate()


def _invalidate() -> None:
    with _lock:
        _state.registries.clear()
        _state.kernels = None
        _state.extra_backends = None


def reset() -> None:
    """Forget the manager and every registry; the next use loads plugins afresh."""
    global _state
    with _lock:
        _state = _State()
