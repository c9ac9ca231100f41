"""``kusari.print_runtime_info()``: versions and plugins, for bug reports."""
from __future__ import annotations

import platform
import sys


def runtime_info() -> str:
    """The text that :func:`print_runtime_info` prints.

    Example:
        >>> from kusari._runtime_info import runtime_info
        >>> 'NumPy:' in runtime_info()
        True
    """
    import numpy

    import kusari
    from kusari import plugins

    lines = [
        f"Platform: {platform.platform()}",
        f"kusari: {kusari.__version__}",
        f"Python: {sys.version.split()[0]}",
        f"NumPy: {numpy.__version__}",
        "Plugins:",
    ]
    for info in plugins.list_plugins():
        lines.append(f"  {info['name']}: {info['distribution']} {info['version']}")
    lines.append("Backends:")
    registry = plugins.get_registry("backends")
    for name, backend in registry.items():
        if backend.is_available():
            state = "available"
        else:
            state = f"not available ({backend.unavailable_reason() or 'no reason given'})"
        lines.append(f"  @{name}: {state} (from {registry.source(name)})")
    failures = plugins.plugin_failures()
    if failures:
        lines.append("Plugins that failed to load:")
        lines.extend(f"  {message}" for _, message in failures)
    return "\n".join(lines) + "\n"


def print_runtime_info(out=None) -> None:
    """Print the platform, kusari, Python and NumPy versions, installed plugins and backends.

    Args:
        out: a file-like object (``sys.stdout`` when None).

    Example:
        >>> import kusari
        >>> kusari.print_runtime_info()  # doctest: +ELLIPSIS
        Platform: ...
        kusari: ...
        Python: ...
        NumPy: ...
        Plugins:
          core: kusari-core ...
        ...
    """
    out = sys.stdout if out is None else out
    out.write(runtime_info())
    flush = getattr(out, "flush", None)
    if flush is not None:
        flush()
