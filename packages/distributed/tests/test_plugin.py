"""kusari-distributed's plugin: its entry point is declared, discovered and registered."""
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
    (ep,) = importlib.metadata.entry_points(group="kusari", name="distributed")
    assert ep.value == "kusari.distributed._plugin"
    assert ep.dist.name == "kusari-distributed"


def test_plugin_is_registered_under_its_entry_point_name():
    plugin = plugins.get_plugin_manager().get_plugin("distributed")
    assert plugin is importlib.import_module("kusari.distributed._plugin")
    (row,) = [row for row in plugins.list_plugins() if row["name"] == "distributed"]
    about = importlib.import_module("kusari.distributed.__about__")
    assert (row["distribution"], row["version"]) == ("kusari-distributed", about.__version__)
    assert plugins.plugin_failures() == []


def test_kusari_distributed_resolves_through_the_core_namespace():
    import kusari

    assert kusari.distributed.__version__ == importlib.metadata.version("kusari-distributed")
