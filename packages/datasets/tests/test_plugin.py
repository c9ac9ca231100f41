"""kusari-datasets's plugin: its entry point is declared, discovered and registered."""
import importlib
import importlib.metadata

import pytest

from kusari import plugins


@pytest.fixture(autouse=True)
def fresh_plugins():
    plugins.reset()
    yield
    plugins.reset()


def test_entry_point_is_declared_by_this_distribution():
    (ep,) = importlib.metadata.entry_points(group="kusari", name="datasets")
    assert ep.value == "kusari.datasets._plugin"
    assert ep.dist.name == "kusari-datasets"


def test_plugin_is_registered_under_its_entry_point_name():
    plugin = plugins.get_plugin_manager().get_plugin("datasets")
    assert plugin is importlib.import_module("kusari.datasets._plugin")
    (row,) = [row for row in plugins.list_plugins() if row["name"] == "datasets"]
    about = importlib.import_module("kusari.datasets.__about__")
    assert (row["distribution"], row["version"]) == ("kusari-datasets", about.__version__)
    assert "kusari_register_dataset_loaders" in row["hooks"]
    assert plugins.plugin_failures() == []


def test_disabling_the_plugin_by_name_removes_it(monkeypatch):
    monkeypatch.setenv("KUSARI_DISABLED_PLUGINS", "datasets")
    pm = plugins.get_plugin_manager()
    assert pm.get_plugin("datasets") is None
    assert pm.is_blocked("datasets")
    assert "datasets" not in [row["name"] for row in plugins.list_plugins()]


def test_datasets_and_iterators_resolve_through_the_core_namespace():
    from kusari import datasets, iterators

    assert datasets.__version__ == iterators.__version__ == importlib.metadata.version("kusari-datasets")
