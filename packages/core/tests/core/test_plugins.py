"""The plugin manager, the registries and the ``kusari plugins`` command."""
import importlib.metadata
import json
import subprocess
import sys
import types
import warnings

import pytest

import kusari
from kusari import _cli, plugins
from kusari.plugins import DuplicateNameError, MissingNameError, PluginLoadWarning, hookimpl


@pytest.fixture(autouse=True)
def fresh_plugins():
    plugins.reset()
    yield
    plugins.reset()


@pytest.fixture
def no_autoload(monkeypatch):
    """Only core's built-in plugin and what the test registers itself."""
    monkeypatch.setenv("KUSARI_DISABLE_PLUGIN_AUTOLOAD", "1")


def install_fake_entry_points(monkeypatch, tmp_path, **entry_points):
    """Make the ``kusari`` group hold exactly these entry points, from a fake distribution."""
    info = tmp_path / "kusari_test_plugins-9.9.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: kusari-test-plugins\nVersion: 9.9\n")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[{plugins.ENTRY_POINT_GROUP}]\n{lines}")
    ours = importlib.metadata.PathDistribution(info).entry_points
    real = importlib.metadata.entry_points

    def entry_points_(**params):
        if params.get("group") == plugins.ENTRY_POINT_GROUP:
            return ours
        return real(**params)

    monkeypatch.setattr(plugins.importlib.metadata, "entry_points", entry_points_)


class TestUpdater:
    __test__ = False  # not a pytest class
    name = "test_updater"


def plugin_module(monkeypatch, module_name, **hooks):
    """An importable module whose functions are hook implementations."""
    module = types.ModuleType(module_name)
    for hook_name, function in hooks.items():
        function.__name__ = hook_name
        setattr(module, hook_name, hookimpl(function))
    monkeypatch.setitem(sys.modules, module_name, module)
    return module


class Updaters:
    """An in-test plugin object registering the given updater classes."""

    def __init__(self, *classes):
        self.classes = list(classes)

    @hookimpl
    def kusari_register_updaters(self):
        return self.classes


class Raising:
    @hookimpl
    def kusari_register_updaters(self):
        raise RuntimeError("kaboom")


@pytest.fixture
def broken_and_good(monkeypatch, tmp_path):
    """Entry points: 'broken' cannot be imported, 'good' registers TestUpdater."""
    good = plugin_module(monkeypatch, "kusari_test_good_plugin", kusari_register_updaters=lambda: [TestUpdater])
    install_fake_entry_points(
        monkeypatch, tmp_path, broken="kusari_test_missing_module", good="kusari_test_good_plugin"
    )
    return good


BROKEN_MESSAGE = (
    "kusari plugin 'broken' failed to import: ModuleNotFoundError: "
    "No module named 'kusari_test_missing_module'"
)


def no_new_warnings(action):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    assert [str(w.message) for w in caught] == []


# --- registries ------------------------------------------------------------------


def test_duplicate_names_are_rejected_naming_both_plugins(no_autoload):
    class OtherUpdater:
        name = "test_updater"

    plugins.register(Updaters(TestUpdater), name="first")
    plugins.register(Updaters(OtherUpdater), name="second")
    with pytest.raises(DuplicateNameError, match=r"updaters name 'test_updater' is registered twice") as info:
        plugins.get_registry("updaters")
    message = str(info.value)
    for part in ("'first'", "'second'", "TestUpdater", "OtherUpdater"):
        assert part in message


def test_registry_keys_by_name_then_dunder_name_and_remembers_the_plugin(no_autoload):
    def loader():
        return []

    class Plugin:
        @hookimpl
        def kusari_register_dataset_loaders(self):
            return [loader]

        @hookimpl
        def kusari_register_updaters(self):
            return {"renamed": TestUpdater}

    plugins.register(Plugin(), name="mine")
    loaders = plugins.get_registry("dataset_loaders")
    assert loaders.get("loader") is loader and loaders.source("loader") == "mine"
    assert plugins.get_registry("updaters").names() == ["renamed"]
    assert plugins.get_registry("backends").source("numpy") == "core"


def test_unregister_rebuilds_the_registries(no_autoload):
    plugins.register(Updaters(TestUpdater), name="mine")
    assert "test_updater" in plugins.get_registry("updaters")
    plugins.unregister("mine")
    assert "test_updater" not in plugins.get_registry("updaters")


def test_nameless_objects_and_unknown_kinds_are_rejected(no_autoload):
    plugins.register(Updaters(object()), name="anonymous")
    with pytest.raises(ValueError, match=r"updaters registry: <object object at .*> from plugin 'anonymous' has no name"):
        plugins.get_registry("updaters")
    with pytest.raises(ValueError, match=r"get_registry: unknown kind 'updater'; kinds: backends, "):
        plugins.get_registry("updater")


def test_unknown_names_list_what_is_registered(no_autoload):
    with pytest.raises(MissingNameError, match=r"no backend named 'tpu' is registered; known: numpy"):
        plugins.get_registry("backends").get("tpu")


# --- failures are reported once, the rest keeps working -----------------------------


def test_a_plugin_that_fails_to_import_is_reported_once_and_the_rest_works(broken_and_good):
    with pytest.warns(PluginLoadWarning, match=BROKEN_MESSAGE):
        pm = plugins.get_plugin_manager()
    assert pm.get_plugin("good") is broken_and_good
    assert pm.get_plugin("broken") is None
    assert plugins.get_registry("updaters").get("test_updater") is TestUpdater
    assert plugins.plugin_failures() == [("broken", BROKEN_MESSAGE)]

    def use_everything():
        for kind in plugins.KINDS:
            plugins.get_registry(kind)
        plugins.list_plugins()

    no_new_warnings(use_everything)
    assert plugins.plugin_failures() == [("broken", BROKEN_MESSAGE)]


def test_a_plugin_whose_hook_raises_is_reported_once_and_skipped(no_autoload):
    plugins.register(Raising(), name="boom")
    plugins.register(Updaters(TestUpdater), name="good")
    message = "kusari plugin 'boom' raised in kusari_register_updaters: RuntimeError: kaboom"
    with pytest.warns(PluginLoadWarning, match=message):
        registry = plugins.get_registry("updaters")
    assert registry.names() == ["test_updater"]
    assert plugins.plugin_failures() == [("boom", message)]
    no_new_warnings(lambda: plugins.get_registry("updaters"))
    assert plugins.get_registry("updaters") is registry


@pytest.mark.parametrize("value, loaded", [("1", False), ("true", False), ("0", True), ("", True)])
def test_disable_plugin_autoload(monkeypatch, tmp_path, value, loaded):
    plugin_module(monkeypatch, "kusari_test_good_plugin", kusari_register_updaters=lambda: [TestUpdater])
    install_fake_entry_points(monkeypatch, tmp_path, good="kusari_test_good_plugin")
    monkeypatch.setenv("KUSARI_DISABLE_PLUGIN_AUTOLOAD", value)
    pm = plugins.get_plugin_manager()
    assert (pm.get_plugin("good") is not None) is loaded
    assert ("test_updater" in plugins.get_registry("updaters")) is loaded
    # core's built-ins never depend on entry points
    assert pm.get_plugin("core") is not None
    assert "numpy" in plugins.get_registry("backends")


def test_disabled_plugins_are_neither_imported_nor_reported(monkeypatch, broken_and_good):
    monkeypatch.setenv("KUSARI_DISABLED_PLUGINS", " broken , not_installed ")
    pm = no_new_warnings(plugins.get_plugin_manager) or plugins.get_plugin_manager()
    assert pm.is_blocked("broken") and pm.get_plugin("broken") is None
    assert pm.get_plugin("good") is broken_and_good
    assert plugins.plugin_failures() == []


def test_installed_plugins_carry_their_distribution_and_version(broken_and_good):
    with pytest.warns(PluginLoadWarning):
        rows = {row["name"]: row for row in plugins.list_plugins()}
    assert (rows["good"]["distribution"], rows["good"]["version"]) == ("kusari-test-plugins", "9.9")
    assert rows["good"]["hooks"] == ["kusari_register_updaters"]
    assert rows["good"]["registers"] == {"updaters": ["test_updater"]}
    assert (rows["core"]["distribution"], rows["core"]["version"]) == ("kusari-core", kusari.__version__)
    assert "broken" not in rows


# --- kernels ---------------------------------------------------------------------


class Kernels:
    def __init__(self, implementation, op="test_op"):
        self.implementation, self.op = implementation, op

    @hookimpl
    def kusari_register_kernels(self, registry):
        registry.add(self.op, "cupy", self.implementation)


def fast_kernel(*arrays):
    return arrays


def other_kernel(*arrays):
    return arrays


def test_kernels_are_looked_up_by_operation_and_backend(no_autoload):
    plugins.register(Kernels(fast_kernel), name="fast")
    assert plugins.lookup_kernel("test_op", "cupy") is fast_kernel
    assert plugins.lookup_kernel("test_op", "numpy") is None
    assert plugins.get_kernels().items() == [(("test_op", "cupy"), fast_kernel, "fast")]
    (row,) = [row for row in plugins.list_plugins() if row["name"] == "fast"]
    assert row["registers"] == {"kernels": ["test_op@cupy"]}


def test_a_duplicate_kernel_is_an_error_naming_both_plugins(no_autoload):
    plugins.register(Kernels(fast_kernel), name="fast")
    plugins.register(Kernels(other_kernel), name="other")
    with pytest.raises(DuplicateNameError, match=r"kernel for 'test_op' on backend 'cupy' is registered twice") as info:
        plugins.lookup_kernel("test_op", "cupy")
    for part in ("'fast'", "'other'", "fast_kernel", "other_kernel"):
        assert part in str(info.value)


def test_a_raising_kernel_hook_is_reported_and_skipped(no_autoload):
    class Broken:
        @hookimpl
        def kusari_register_kernels(self, registry):
            raise KeyError("no cudnn")

    plugins.register(Broken(), name="broken_kernels")
    plugins.register(Kernels(fast_kernel), name="fast")
    with pytest.warns(PluginLoadWarning, match=r"'broken_kernels' raised in kusari_register_kernels: KeyError"):
        assert plugins.lookup_kernel("test_op", "cupy") is fast_kernel


# --- names provided by packages that are not installed ------------------------------


def test_an_installed_provider_that_does_not_register_the_name_says_upgrade(no_autoload):
    import importlib.metadata

    import kusari.functions as F

    try:
        version = importlib.metadata.version("kusari-rnn")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("kusari-rnn is not installed in this environment")
    with pytest.raises(MissingNameError, match=rf"installed kusari-rnn {version} does not register it.*pip install -U kusari-rnn"):
        _ = F.n_step_lstm


def test_rnn_names_say_to_install_kusari_rnn(no_autoload, without_kusari_rnn):
    import kusari.functions as F
    import kusari.links as L

    with pytest.raises(MissingNameError, match=r"^kusari\.functions\.n_step_lstm is provided by kusari-rnn, which is not installed: pip install kusari-rnn$"):
        _ = F.n_step_lstm
    with pytest.raises(MissingNameError, match=r"^kusari\.links\.NStepLSTM is provided by kusari-rnn, which is not installed: pip install kusari-rnn$"):
        _ = L.NStepLSTM
    with pytest.raises(MissingNameError, match=r"^updater 'bptt' is provided by kusari-rnn"):
        plugins.get_registry("updaters").get("bptt")
    assert not hasattr(F, "n_step_lstm")  # an AttributeError too: hasattr/getattr defaults work
    with pytest.raises(AttributeError, match=r"module 'kusari.functions' has no attribute 'no_such_function'"):
        _ = F.no_such_function


def test_plugin_functions_and_links_appear_under_f_and_l(no_autoload):
    import kusari.functions as F
    import kusari.links as L

    def n_step_lstm(*args):
        return args

    class NStepLSTM:
        pass

    class Rnn:
        @hookimpl
        def kusari_register_functions(self):
            return [n_step_lstm]

        @hookimpl
        def kusari_register_links(self):
            return [NStepLSTM]

    plugins.register(Rnn(), name="fake_rnn")
    assert F.n_step_lstm is n_step_lstm
    assert L.NStepLSTM is NStepLSTM
    assert "n_step_lstm" in dir(F) and "NStepLSTM" in dir(L)


# --- the command line --------------------------------------------------------------


def test_cli_lists_plugins_hooks_and_names(no_autoload, capsys):
    plugins.register(Updaters(TestUpdater), name="mine")
    assert _cli.main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"kusari {kusari.__version__}: 2 plugins loaded\n")
    core_block = out.split("\n\n")[1].splitlines()
    assert core_block[0] == f"core  (kusari-core {kusari.__version__})"
    assert "  hooks: kusari_add_commands, kusari_register_backends, kusari_register_optimizers" in core_block
    assert any(line.startswith("  optimizers: sgd, ") and "adam" in line for line in core_block)
    assert "  backends: numpy" in core_block
    mine_block = out.split("\n\n")[2].splitlines()
    assert mine_block[0] == "mine  (registered at run time)"
    assert mine_block[1:] == ["  hooks: kusari_register_updaters", "  updaters: test_updater"]


def test_cli_lists_failures_with_their_error_and_exits_1(broken_and_good, capsys):
    assert _cli.main(["plugins"]) == 1
    out = capsys.readouterr().out
    assert "good  (kusari-test-plugins 9.9)" in out
    assert f"failed to load (1):\n  broken: {BROKEN_MESSAGE}" in out


def test_cli_lists_a_plugin_whose_hook_raised_while_listing(no_autoload, capsys):
    plugins.register(Raising(), name="boom")
    assert _cli.main(["plugins"]) == 1  # no PluginLoadWarning escapes (they are errors under pytest)
    out = capsys.readouterr().out
    assert "boom  (registered at run time)\n  hooks: kusari_register_updaters\n  registers: nothing yet" in out
    assert "  boom: kusari plugin 'boom' raised in kusari_register_updaters: RuntimeError: kaboom" in out


def test_cli_json(broken_and_good, capsys):
    assert _cli.main(["plugins", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    good = next(p for p in payload["plugins"] if p["name"] == "good")
    assert good["registers"] == {"updaters": ["test_updater"]}
    assert payload["failures"] == [{"name": "broken", "error": BROKEN_MESSAGE}]


def test_cli_reports_conflicting_plugins(no_autoload, capsys):
    plugins.register(Updaters(TestUpdater), name="first")
    plugins.register(Updaters(type("Clash", (), {"name": "test_updater"})), name="second")
    assert _cli.main(["plugins"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kusari plugins: conflicting plugins: updaters name 'test_updater' is registered twice")


def test_cli_commands_come_from_plugins_and_a_raising_one_is_reported(no_autoload, capsys):
    class Hello:
        @hookimpl
        def kusari_add_commands(self, subparsers):
            subparsers.add_parser("hello").set_defaults(func=lambda args: 3)

    class BadCommands:
        @hookimpl
        def kusari_add_commands(self, subparsers):
            raise ValueError("bad parser")

    plugins.register(Hello(), name="hello")
    plugins.register(BadCommands(), name="bad_commands")
    assert _cli.main(["hello"]) == 3
    message = "kusari plugin 'bad_commands' raised in kusari_add_commands: ValueError: bad parser"
    assert capsys.readouterr().err == f"kusari: warning: {message}\n"
    assert _cli.main(["plugins"]) == 1
    assert f"  bad_commands: {message}" in capsys.readouterr().out


def test_cli_without_a_command_prints_help_and_exits_2(no_autoload, capsys):
    assert _cli.main([]) == 2
    assert "plugins" in capsys.readouterr().err


def test_cli_version(no_autoload, capsys):
    with pytest.raises(SystemExit) as info:
        _cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"kusari-core {kusari.__version__}\n"


def test_python_dash_m_kusari_plugins():
    out = subprocess.run(
        [sys.executable, "-m", "kusari", "plugins"], capture_output=True, text=True, check=False
    )
    assert f"core  (kusari-core {kusari.__version__})" in out.stdout
    assert "  backends: numpy" in out.stdout
