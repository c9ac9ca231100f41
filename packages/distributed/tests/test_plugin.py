"""kusari-distributed's plugin: its entry point is declared, discovered and registered."""
from kusari.testing import plugin_checks


def test_the_plugin_is_declared_registered_and_can_be_disabled():
    plugin_checks.check_plugin("distributed", "kusari.distributed._plugin", "kusari-distributed",
                               about_module="kusari.distributed.__about__",
                               hooks=["kusari_register_extensions", "kusari_register_triggers"])


def test_kusari_distributed_resolves_through_the_core_namespace():
    import kusari

    plugin_checks.check_module_version(kusari.distributed, "kusari-distributed")
