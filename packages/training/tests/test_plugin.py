"""kusari-training's plugin: its entry point is declared, discovered and registered."""
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
    (ep,) = importlib.metadata.entry_points(group="kusari", name="training")
    assert ep.value == "kusari.training._plugin"
    assert ep.dist.name == "kusari-training"


def test_plugin_is_registered_under_its_entry_point_name():
    plugin = plugins.get_plugin_manager().get_plugin("training")
    assert plugin is importlib.import_module("kusari.training._plugin")
    (row,) = [row for row in plugins.list_plugins() if row["name"] == "training"]
    about = importlib.import_module("kusari.training.__about__")
    assert (row["distribution"], row["version"]) == ("kusari-training", about.__version__)
    assert "kusari_register_updaters" in row["hooks"]
    assert plugins.plugin_failures() == []


def test_disabling_the_plugin_by_name_removes_it(monkeypatch):
    monkeypatch.setenv("KUSARI_DISABLED_PLUGINS", "training")
    pm = plugins.get_plugin_manager()
    assert pm.get_plugin("training") is None
    assert pm.is_blocked("training")
    assert "training" not in [row["name"] for row in plugins.list_plugins()]


def test_kusari_training_resolves_through_the_core_namespace():
    import kusari

    assert kusari.training.__version__ == importlib.metadata.version("kusari-training")
