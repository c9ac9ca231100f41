"""The shared ``kusari`` namespace across the monorepo's distributions.

Only kusari-core ships ``kusari/__init__.py`` (pkgutil-style, so editable
and installed packages both extend it); every other distribution owns its
own ``kusari/<subpackage>`` folder and nothing else.
"""
import ast
import importlib
import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ROOT / "packages"

# package folder -> (distribution, entry-point name, kusari subpackages it owns)
NON_CORE = {
    "datasets": ("kusari-datasets", "datasets", {"datasets", "iterators"}),
    "training": ("kusari-training", "training", {"training"}),
    "rnn": ("kusari-rnn", "rnn", {"rnn"}),
    "cuda-backend": ("kusari-cuda", "cuda", {"cuda_backend"}),
    "distributed": ("kusari-distributed", "distributed", {"distributed"}),
}
DISTRIBUTIONS = {"core": "kusari-core"} | {folder: spec[0] for folder, spec in NON_CORE.items()}


def pyproject(folder: str) -> dict:
    return tomllib.loads((PACKAGES / folder / "pyproject.toml").read_text())


def test_the_monorepo_holds_exactly_the_known_packages():
    folders = sorted(p.parent.name for p in PACKAGES.glob("*/pyproject.toml"))
    assert folders == sorted(DISTRIBUTIONS)  # a new package: add it here and to requirements-dev.txt


def test_exactly_one_kusari_init_and_it_is_cores():
    inits = sorted(p.relative_to(ROOT).as_posix() for p in PACKAGES.glob("*/src/kusari/__init__.py"))
    assert inits == ["packages/core/src/kusari/__init__.py"]


def test_cores_init_extends_the_namespace_before_anything_else():
    tree = ast.parse((PACKAGES / "core/src/kusari/__init__.py").read_text())
    body = tree.body[1:] if ast.get_docstring(tree) is not None else tree.body
    assert ast.unparse(body[0]) == "__path__ = __import__('pkgutil').extend_path(__path__, __name__)"


@pytest.mark.parametrize("folder", sorted(NON_CORE))
def test_each_package_owns_only_its_own_subpackage_folders(folder):
    owned = NON_CORE[folder][2]
    entries = sorted(p.name for p in (PACKAGES / folder / "src/kusari").iterdir() if p.name != "__pycache__")
    assert entries == sorted(owned)
    assert all((PACKAGES / folder / "src/kusari" / name / "__init__.py").is_file() for name in owned)
    assert not any((PACKAGES / "core/src/kusari" / name).exists() for name in owned)


def test_no_two_packages_own_the_same_folder():
    owners = [name for spec in NON_CORE.values() for name in spec[2]]
    assert len(owners) == len(set(owners))


def test_kusari_path_spans_every_editable_package():
    import kusari

    path = {Path(p).resolve() for p in kusari.__path__}
    for folder in DISTRIBUTIONS:
        assert (PACKAGES / folder / "src/kusari").resolve() in path
    for folder, (_dist, _ep, owned) in NON_CORE.items():
        for name in owned:
            module = importlib.import_module(f"kusari.{name}")
            assert Path(module.__file__).resolve().is_relative_to(PACKAGES / folder / "src/kusari" / name)


@pytest.mark.parametrize("folder", sorted(DISTRIBUTIONS))
def test_distribution_metadata(folder):
    project = pyproject(folder)["project"]
    assert project["name"] == DISTRIBUTIONS[folder]
    assert project["requires-python"] == ">=3.11"
    assert project["dynamic"] == ["version"]
    version_file = pyproject(folder)["tool"]["hatch"]["version"]["path"]
    about = {}
    exec((PACKAGES / folder / version_file).read_text(), about)
    installed = importlib.metadata.version(project["name"])
    assert installed == about["__version__"], "stale install: re-run pip install -r requirements-dev.txt"
    for name in ("README.md", "CHANGELOG.md"):
        assert (PACKAGES / folder / name).is_file()
    assert (PACKAGES / folder / "tests").is_dir()


@pytest.mark.parametrize("folder", sorted(NON_CORE))
def test_non_core_packages_depend_on_a_core_range_that_includes_core(folder):
    (dependency,) = [d for d in pyproject(folder)["project"]["dependencies"] if d.startswith("kusari-core")]
    specifier = SpecifierSet(dependency.removeprefix("kusari-core"))
    assert importlib.metadata.version("kusari-core") in specifier
    assert str(specifier) and "==" not in str(specifier)  # a range, not a pin


@pytest.mark.parametrize("folder", sorted(NON_CORE))
def test_each_package_declares_one_entry_point_to_its_plugin_module(folder):
    dist, entry_point, owned = NON_CORE[folder]
    declared = pyproject(folder)["project"]["entry-points"]["kusari"]
    plugin_module = f"kusari.{sorted(owned)[0]}._plugin"
    assert declared == {entry_point: plugin_module}
    installed = [ep for ep in importlib.metadata.entry_points(group="kusari") if ep.name == entry_point]
    assert [(ep.value, ep.dist.name) for ep in installed] == [(plugin_module, dist)]  # reinstall after edits


def test_entry_point_names_are_unique_across_installed_distributions():
    names = [ep.name for ep in importlib.metadata.entry_points(group="kusari")]
    assert len(names) == len(set(names))
    assert "core" not in names  # reserved for core's built-in plugin


def test_requirements_dev_installs_every_package_editable():
    lines = {line.strip() for line in (ROOT / "requirements-dev.txt").read_text().splitlines()}
    for folder in DISTRIBUTIONS:
        assert any(line.split("[")[0] == f"-e packages/{folder}" for line in lines), folder
    assert "-e examples/plugin-example" in lines


def test_kusari_plugins_lists_all_five_distributions():
    out = subprocess.run(
        [sys.executable, "-m", "kusari", "plugins"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stdout + out.stderr
    for dist in DISTRIBUTIONS.values():
        assert f"({dist} {importlib.metadata.version(dist)})" in out.stdout
