"""kusari-rnn's plugin: its entry point is declared, discovered and registered."""
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
    (ep,) = importlib.metadata.entry_points(group="kusari", name="rnn")
    assert ep.value == "kusari.rnn._plugin"
    assert ep.dist.name == "kusari-rnn"


def test_plugin_is_registered_under_its_entry_point_name():
    plugin = plugins.get_plugin_manager().get_plugin("rnn")
    assert plugin is importlib.import_module("kusari.rnn._plugin")
    (row,) = [row for row in plugins.list_plugins() if row["name"] == "rnn"]
    about = importlib.import_module("kusari.rnn.__about__")
    assert (row["distribution"], row["version"]) == ("kusari-rnn", about.__version__)
    assert "kusari_register_functions" in row["hooks"]
    assert plugins.plugin_failures() == []


def test_disabling_the_plugin_by_name_removes_it(monkeypatch):
    monkeypatch.setenv("KUSARI_DISABLED_PLUGINS", "rnn")
    pm = plugins.get_plugin_manager()
    assert pm.get_plugin("rnn") is None
    assert pm.is_blocked("rnn")
    assert "rnn" not in [row["name"] for row in plugins.list_plugins()]


def test_kusari_rnn_resolves_through_the_core_namespace():
    import kusari

    assert kusari.rnn.__version__ == importlib.metadata.version("kusari-rnn")


def test_functions_links_and_updater_resolve_through_the_core_namespaces():
    import kusari.functions as F
    import kusari.links as L
    from kusari.rnn import _plugin
    from kusari.rnn.training import BPTTUpdater

    for module_name, names in _plugin._FUNCTIONS.items():
        module = importlib.import_module(module_name)
        assert all(getattr(F, name) is getattr(module, name) for name in names)
    for module_name, names in _plugin._LINKS.items():
        module = importlib.import_module(module_name)
        assert all(getattr(L, name) is getattr(module, name) for name in names)
    assert plugins.get_registry("updaters").get("bptt") is BPTTUpdater
    assert {"n_step_lstm", "n_step_bigru", "n_step_birnn"} <= set(dir(F))
    assert {"NStepLSTM", "StatefulPeepholeLSTM", "NStepBiRNNReLU"} <= set(dir(L))


def test_bptt_is_left_out_without_kusari_training(monkeypatch):
    import importlib.util

    from kusari.rnn import _plugin

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "kusari.training" else real_find_spec(name, *a))
    assert _plugin.kusari_register_updaters() == {}
