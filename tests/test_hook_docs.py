"""Every hook in kusari.hookspecs has a heading ``name(args)`` in docs/plugins.md."""
import inspect
import re
import types
from pathlib import Path

import pluggy

from kusari import hookspecs

DOC = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def hook_signatures(module) -> list[str]:
    """``name(arg, ...)`` for each hookspec in ``module``."""
    marker = f"{hookspecs.hookspec.project_name}_spec"
    return [
        f"{name}({', '.join(inspect.signature(function).parameters)})"
        for name, function in vars(module).items()
        if callable(function) and hasattr(function, marker)
    ]


def documented_hooks(text: str) -> list[str]:
    """The hook headings of a markdown page: lines like ``### `kusari_x(a)` ``."""
    return re.findall(r"^#{2,4} `(kusari_\w+\([^)]*\))`\s*$", text, flags=re.MULTILINE)


def test_every_hook_is_documented_with_its_arguments():
    missing = sorted(set(hook_signatures(hookspecs)) - set(documented_hooks(DOC.read_text())))
    assert missing == [], f"hooks without a heading in {DOC.name}: {missing}"


def test_every_documented_hook_exists():
    stale = sorted(set(documented_hooks(DOC.read_text())) - set(hook_signatures(hookspecs)))
    assert stale == [], f"{DOC.name} documents hooks that kusari.hookspecs does not have: {stale}"


def test_the_check_catches_an_undocumented_hook():
    specs = types.ModuleType("specs")

    @pluggy.HookspecMarker("kusari")
    def kusari_register_widgets(registry):
        """A hook nobody documented."""

    specs.kusari_register_widgets = kusari_register_widgets
    text = "## Hooks\n\n### `kusari_register_gadgets(registry)`\n"
    assert hook_signatures(specs) == ["kusari_register_widgets(registry)"]
    assert documented_hooks(text) == ["kusari_register_gadgets(registry)"]
    assert set(hook_signatures(specs)) - set(documented_hooks(text)) == {"kusari_register_widgets(registry)"}
