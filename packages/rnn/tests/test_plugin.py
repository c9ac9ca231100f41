"""kusari-rnn's plugin: its entry point is declared, discovered and registered."""
import importlib

import pytest

from kusari import plugins
from kusari.testing import plugin_checks


@pytest.fixture(autouse=True)
def fresh_plugins():
    with plugin_checks.fresh_plugin_state():
        yield


def test_the_plugin_is_declared_registered_and_can_be_disabled():
    plugin_checks.check_plugin("rnn", "kusari.rnn._plugin", "kusari-rnn",
                               about_module="kusari.rnn.__about__", hooks=["kusari_register_functions"])


def test_kusari_rnn_resolves_through_the_core_namespace():
    import kusari

    plugin_checks.check_module_version(kusari.rnn, "kusari-rnn")


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
