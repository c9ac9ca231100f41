"""kusari-datasets's plugin: its entry point is declared, discovered and registered."""
from kusari.testing import plugin_checks


def test_the_plugin_is_declared_registered_and_can_be_disabled():
    plugin_checks.check_plugin("datasets", "kusari.datasets._plugin", "kusari-datasets",
                               about_module="kusari.datasets.__about__",
                               hooks=["kusari_register_dataset_loaders"])


def test_datasets_and_iterators_resolve_through_the_core_namespace():
    from kusari import datasets, iterators

    plugin_checks.check_module_version(datasets, "kusari-datasets")
    plugin_checks.check_module_version(iterators, "kusari-datasets")
