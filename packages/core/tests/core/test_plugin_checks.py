"""kusari.testing.plugin_checks: passes for a well-packaged plugin, names the plugin when not.

The plugin under test is a real distribution written to a temporary folder
on ``sys.path``, so discovery goes through ``importlib.metadata`` exactly as
for an installed plugin.
"""
import os
import re
import subprocess
import sys
import textwrap

import pytest

import kusari
from kusari import plugins
from kusari.plugins import PluginLoadWarning
from kusari.testing import plugin_checks
from kusari.utils.type_check import InvalidType

NAME, MODULE, DISTRIBUTION = "fake_checked", "fake_checked_plugin", "fake-checked-plugin"
PLUGIN = dict(name=NAME, module=MODULE, distribution=DISTRIBUTION)


def write_distribution(folder, distribution, version, entry_points, modules=None):
    """An installed distribution in ``folder``: its metadata, ``kusari`` entry points and modules."""
    info = folder / f"{distribution.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[{plugins.ENTRY_POINT_GROUP}]\n{lines}")
    for module_name, source in (modules or {}).items():
        (folder / f"{module_name}.py").write_text(textwrap.dedent(source))


@pytest.fixture(autouse=True)
def fake_plugin(tmp_path, monkeypatch):
    """Install ``fake-checked-plugin`` 1.2.3, registering one updater, for this test."""
    write_distribution(tmp_path, DISTRIBUTION, "1.2.3", {NAME: MODULE}, {MODULE: """
        from kusari.plugins import hookimpl

        __version__ = "1.2.3"

        class FakeUpdater:
            name = "fake_updater"

        @hookimpl
        def kusari_register_updaters():
            return [FakeUpdater]
        """})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("KUSARI_DISABLED_PLUGINS", raising=False)
    plugins.reset()
    yield tmp_path
    plugins.reset()
    sys.modules.pop(MODULE, None)


def test_every_check_passes_for_a_well_packaged_plugin():
    plugin_checks.check_plugin(**PLUGIN, about_module=MODULE, hooks=["kusari_register_updaters"])
    entry_point = plugin_checks.check_entry_point(**PLUGIN)
    assert (entry_point.name, entry_point.value) == (NAME, MODULE)
    row = plugin_checks.check_registered(**PLUGIN, hooks=["kusari_register_updaters"])
    assert (row["distribution"], row["version"]) == (DISTRIBUTION, "1.2.3")
    assert row["registers"] == {"updaters": ["fake_updater"]}
    plugin_checks.check_module_version(MODULE, DISTRIBUTION)
    plugin_checks.check_module_version(sys.modules[MODULE], DISTRIBUTION)


@pytest.mark.parametrize("check, change, message", [
    (plugin_checks.check_entry_point, dict(name="fake_missing"),
     r"kusari plugin 'fake_missing': expected an entry point of that name in group 'kusari', found none: "
     r"is fake-checked-plugin installed\?$"),
    (plugin_checks.check_entry_point, dict(module="wrong.module"),
     r"kusari plugin 'fake_checked': expected the entry point to name 'wrong.module', "
     r"it names 'fake_checked_plugin'$"),
    (plugin_checks.check_entry_point, dict(distribution="kusari-wrong"),
     r"kusari plugin 'fake_checked': expected the entry point to be declared by 'kusari-wrong', "
     r"it is declared by 'fake-checked-plugin'$"),
    (plugin_checks.check_registered, dict(distribution="kusari-wrong"),
     r"kusari plugin 'fake_checked': expected distribution 'kusari-wrong', `kusari plugins` reports "
     r"'fake-checked-plugin'$"),
    (plugin_checks.check_registered, dict(module="kusari._builtin_plugin"),
     r"kusari plugin 'fake_checked': expected 'kusari._builtin_plugin' registered under this name, "
     r"found <module 'fake_checked_plugin'"),
    (plugin_checks.check_registered, dict(about_module="kusari.__about__"),
     rf"kusari plugin 'fake_checked': expected version '{re.escape(kusari.__version__)}', "
     r"`kusari plugins` reports '1.2.3' \(reinstall fake-checked-plugin\?\)$"),
    (plugin_checks.check_registered, dict(hooks=["kusari_register_updaters", "kusari_register_links"]),
     r"kusari plugin 'fake_checked': expected hooks \['kusari_register_links'\] among its hooks "
     r"\['kusari_register_updaters'\]$"),
    (plugin_checks.check_plugin, dict(distribution="kusari-wrong"),
     r"kusari plugin 'fake_checked': expected the entry point to be declared by 'kusari-wrong'"),
], ids=lambda value: getattr(value, "__name__", None))
def test_each_check_fails_on_a_wrong_expectation(check, change, message):
    with pytest.raises(AssertionError, match=message):
        check(**{**PLUGIN, **change})


def test_check_entry_point_fails_when_two_distributions_declare_the_name(fake_plugin):
    copy = fake_plugin / "copy"
    copy.mkdir()
    write_distribution(copy, "fake-copy", "0.1", {NAME: MODULE})
    sys.path.insert(0, str(copy))  # monkeypatch restores sys.path after the test
    with pytest.raises(AssertionError, match=r"kusari plugin 'fake_checked': expected one entry point of that name, found 2, "
                                             r"declared by \['fake-checked-plugin', 'fake-copy'\]$"):
        plugin_checks.check_entry_point(**PLUGIN)


def test_check_registered_fails_when_the_plugin_is_not_loaded(monkeypatch):
    monkeypatch.setenv("KUSARI_DISABLED_PLUGINS", NAME)
    with pytest.raises(AssertionError, match=r"kusari plugin 'fake_checked': expected 'fake_checked_plugin' "
                                             r"registered under this name, found None$"):
        plugin_checks.check_registered(**PLUGIN)


def test_check_registered_fails_when_a_plugin_failed_to_load(fake_plugin):
    broken = fake_plugin / "broken"
    broken.mkdir()
    write_distribution(broken, "fake-broken", "0.1", {"fake_broken": "fake_no_such_module"})
    sys.path.insert(0, str(broken))
    with pytest.warns(PluginLoadWarning, match="fake_broken"), pytest.raises(
            AssertionError, match=r"kusari plugin 'fake_checked': expected every plugin to load, failures: "
                                  r"\[\('fake_broken', .*ModuleNotFoundError"):
        plugin_checks.check_registered(**PLUGIN)


def test_check_can_be_disabled_fails_for_a_plugin_that_is_not_installed():
    with pytest.raises(AssertionError, match=r"kusari plugin 'fake_missing': expected it registered before "
                                             r"disabling it, it is not$"):
        plugin_checks.check_can_be_disabled("fake_missing")


def test_check_can_be_disabled_fails_when_the_variable_is_ignored(monkeypatch):
    # a kusari whose plugin manager never read KUSARI_DISABLED_PLUGINS
    monkeypatch.setattr(plugins, "_env_list", lambda variable: [])
    with pytest.raises(AssertionError, match=r"kusari plugin 'fake_checked': expected "
                                             r"KUSARI_DISABLED_PLUGINS=fake_checked to block it"):
        plugin_checks.check_can_be_disabled(NAME)


@pytest.mark.parametrize("previous", [None, "other"])
def test_disabled_plugins_adds_to_the_variable_and_restores_it(monkeypatch, previous):
    if previous is not None:
        monkeypatch.setenv("KUSARI_DISABLED_PLUGINS", previous)
    with plugin_checks.disabled_plugins(NAME):
        assert os.environ["KUSARI_DISABLED_PLUGINS"] == ",".join(filter(None, [previous, NAME]))
        assert plugins.get_plugin_manager().get_plugin(NAME) is None
    assert os.environ.get("KUSARI_DISABLED_PLUGINS") == previous
    # the disabled manager is gone: the plugin loads again
    assert plugins.get_plugin_manager().get_plugin(NAME) is not None


def test_checks_leave_the_plugins_loaded_afresh():
    plugins.register(object(), name="fake_leftover")
    plugin_checks.check_can_be_disabled(NAME)
    pm = plugins.get_plugin_manager()
    assert pm.get_plugin("fake_leftover") is None
    assert pm.get_plugin(NAME) is not None and not pm.is_blocked(NAME)


@pytest.mark.parametrize("module, distribution, message", [
    (MODULE, "kusari-core",
     rf"module 'fake_checked_plugin': expected __version__ '{re.escape(kusari.__version__)}' "
     r"\(installed kusari-core\), got '1.2.3'$"),
    ("kusari.testing", "kusari-core",
     rf"module 'kusari.testing': expected __version__ '{re.escape(kusari.__version__)}' "
     r"\(installed kusari-core\), got None$"),
    (MODULE, "fake-not-installed",
     r"module 'fake_checked_plugin': expected the version of fake-not-installed, which is not installed$"),
])
def test_check_module_version_fails_on_a_wrong_expectation(module, distribution, message):
    with pytest.raises(AssertionError, match=message):
        plugin_checks.check_module_version(module, distribution)


@pytest.mark.parametrize("call, message", [
    (lambda: plugin_checks.check_entry_point(None, MODULE, DISTRIBUTION),
     r"^check_entry_point: argument 'name' expected a non-empty str, got None$"),
    (lambda: plugin_checks.check_registered(**PLUGIN, hooks="kusari_register_updaters"),
     r"^check_registered: argument 'hooks' expected a list of non-empty str, got 'kusari_register_updaters'$"),
    (lambda: plugin_checks.check_can_be_disabled(""),
     r"^check_can_be_disabled: argument 'name' expected a non-empty str, got ''$"),
    (lambda: plugin_checks.disabled_plugins(NAME, 3).__enter__(),
     r"^disabled_plugins: argument 'names' expected a list of non-empty str, got \('fake_checked', 3\)$"),
])
def test_bad_arguments_are_rejected_with_the_argument_named(call, message):
    with pytest.raises(InvalidType, match=message):
        call()
    assert "KUSARI_DISABLED_PLUGINS" not in os.environ


def test_plugin_checks_is_exported_lazily_by_kusari_testing():
    code = ("import sys, kusari.testing\n"
            "print('kusari.testing.plugin_checks' in sys.modules)\n"
            "print(kusari.testing.plugin_checks.__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "kusari.testing.plugin_checks"]
