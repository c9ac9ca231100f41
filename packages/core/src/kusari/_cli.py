"""The ``kusari`` command line (also ``python -m kusari``).

Sub-commands come from plugins through the ``kusari_add_commands`` hook:
core adds ``plugins``; kusari-training adds ``train``.  A plugin whose hook
raises is reported and the others' commands still work.

Example:
    >>> from kusari import _cli
    >>> _cli.main(['plugins']) in (0, 1)  # doctest: +ELLIPSIS
    kusari ...
    True
"""
from __future__ import annotations

import argparse
import json
import sys
import warnings

from kusari import plugins


def build_parser() -> argparse.ArgumentParser:
    """The ``kusari`` parser with every plugin's sub-commands added.

    Example:
        >>> from kusari import _cli
        >>> 'plugins' in _cli.build_parser().format_help()
        True
    """
    from kusari.__about__ import __version__

    parser = argparse.ArgumentParser(
        prog="kusari", description="kusari: Chainer's define-by-run design on today's Python."
    )
    parser.add_argument("--version", action="version", version=f"kusari-core {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    # every implementation adds its parsers; one that raises is recorded as a failure
    list(plugins._call_each("kusari_add_commands", subparsers=subparsers))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``kusari`` command with ``argv`` (default ``sys.argv[1:]``); the exit status.

    Example:
        >>> from kusari import _cli
        >>> _cli.main([])  # no sub-command: the help goes to stderr
        2
    """
    with warnings.catch_warnings():
        # Failures while loading plugins are listed by `kusari plugins` and
        # noted below for other commands; no Python warning on top of that.
        warnings.simplefilter("ignore", plugins.PluginLoadWarning)
        parser = build_parser()
        args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    if func is not _run_plugins:
        for _name, message in plugins.plugin_failures():
            print(f"kusari: warning: {message}", file=sys.stderr)
    return int(func(args) or 0)


def add_plugins_command(subparsers) -> None:
    """Add ``kusari plugins``: what is installed and what each plugin registers.

    Called by core's built-in ``kusari_add_commands`` implementation.

    Example:
        >>> import argparse
        >>> from kusari import _cli
        >>> parser = argparse.ArgumentParser()
        >>> _cli.add_plugins_command(parser.add_subparsers())
        >>> parser.parse_args(['plugins', '--json']).json
        True
    """
    parser = subparsers.add_parser(
        "plugins",
        help="list installed plugins and what each registers",
        description=(
            "List the installed kusari plugins: name, distribution, version, the hooks each "
            "implements and the names it registers per kind, then any plugin that failed to "
            "load. Exits 1 when a plugin failed or the registries conflict."
        ),
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=_run_plugins)


def _run_plugins(args) -> int:
    try:
        with warnings.catch_warnings():
            # a hook raising while the registries are built is listed below instead
            warnings.simplefilter("ignore", plugins.PluginLoadWarning)
            rows = plugins.list_plugins()
    except plugins.DuplicateNameError as error:
        print(f"kusari plugins: conflicting plugins: {error}", file=sys.stderr)
        return 1
    failures = plugins.plugin_failures()
    if args.json:
        payload = {"plugins": rows, "failures": [{"name": n, "error": m} for n, m in failures]}
        print(json.dumps(payload, indent=2))
    else:
        print(_format_plugins(rows, failures))
    return 1 if failures else 0


def _format_plugins(rows: list[dict], failures: list[tuple[str, str]]) -> str:
    from kusari.__about__ import __version__

    lines = [f"kusari {__version__}: {len(rows)} plugin{'s' if len(rows) != 1 else ''} loaded"]
    for row in rows:
        lines.append("")
        installed = row["distribution"] != "?"
        origin = f"{row['distribution']} {row['version']}" if installed else "registered at run time"
        lines.append(f"{row['name']}  ({origin})")
        hooks = ", ".join(row["hooks"]) or "none"
        lines.append(f"  hooks: {hooks}")
        for kind, names in sorted(row["registers"].items()):
            if kind == "backends":
                names = [_describe_backend(name) for name in names]
            lines.append(f"  {kind}: {', '.join(names)}")
        if not row["registers"]:
            lines.append("  registers: nothing yet")
    if failures:
        lines.append("")
        lines.append(f"failed to load ({len(failures)}):")
        for name, message in failures:
            lines.append(f"  {name}: {message}")
    return "\n".join(lines)


def _describe_backend(name: str) -> str:
    backend = plugins.get_registry("backends").get(name)
    if backend.is_available():
        return name
    return f"{name} (not usable here: {backend.unavailable_reason()})"
