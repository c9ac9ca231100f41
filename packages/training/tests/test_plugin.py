"""kusari-training's plugin: its entry point is declared, discovered and registered."""
from kusari.testing import plugin_checks


def test_the_plugin_is_declared_registered_and_can_be_disabled():
    plugin_checks.check_plugin("training", "kusari.training._plugin", "kusari-training",
                               about_module="kusari.training.__about__", hooks=["kusari_register_updaters"])


def test_kusari_training_resolves_through_the_core_namespace():
    import kusari

    plugin_checks.check_module_version(kusari.training, "kusari-training")
