"""build_trainer / load_config / apply_override: configs as dicts and files, and every error path."""
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import plugins
from kusari.training import Trainer
from kusari.training.config import ConfigError, apply_override, build_trainer, load_config


def tiny(tmp_path, **changes):
    """A config that trains a linear classifier on 100 digits for 3 iterations."""
    config = {
        "seed": 0, "out": str(tmp_path / "out"), "stop_trigger": [3, "iteration"],
        "model": {"path": "kusari.links:Classifier",
                  "args": {"predictor": {"path": "kusari.links:Linear",
                                         "args": {"in_size": 64, "out_size": 10}}}},
        "dataset": {"name": "digits", "args": {"n_train": 100}},
        "iterator": {"batch_size": 10, "test": {"batch_size": 50}},
        "optimizer": {"name": "sgd", "args": {"lr": 0.1}},
    }
    config.update(changes)
    return config


def error_of(config, base_dir=None) -> str:
    with pytest.raises(ConfigError) as info:
        build_trainer(config, base_dir=base_dir)
    return str(info.value)


def test_builds_and_runs_a_module_path_model(tmp_path):
    trainer = build_trainer(tiny(tmp_path, extensions=[
        {"name": "Evaluator", "trigger": [3, "iteration"]},
        {"name": "LogReport", "args": {"trigger": [1, "iteration"]}}]))
    assert isinstance(trainer, Trainer)
    optimizer = trainer.updater.get_optimizer("main")
    assert type(optimizer).__name__ == "SGD" and optimizer.lr == 0.1
    assert type(optimizer.target.predictor).__name__ == "Linear"
    trainer.run()
    assert trainer.updater.iteration == 3
    log = json.loads((tmp_path / "out" / "log").read_text())
    assert [row["iteration"] for row in log] == [1, 2, 3]
    # the Evaluator default: the test split (1797 - 100 examples) and the model
    evaluator = trainer.get_extension("validation")
    assert len(evaluator.get_iterator("main").dataset) == 1697
    assert evaluator.get_target("main") is optimizer.target
    assert 0.0 <= log[-1]["validation/main/accuracy"] <= 1.0


def test_file_path_model_is_relative_to_the_config_file(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "net.py").write_text(
        "import kusari.links as L\n"
        "def make(n_out):\n    return L.Classifier(L.Linear(None, n_out))\n")
    config_path = tmp_path / "c.toml"
    config_path.write_text(
        'stop_trigger = [1, "iteration"]\nout = "%s"\n'
        '[model]\npath = "models/net.py:make"\nargs = { n_out = 10 }\n'
        '[dataset]\nname = "digits"\n[iterator]\nbatch_size = 4\n'
        '[optimizer]\nname = "adam"\nargs = { alpha = 0.01 }\n'
        'hooks = [ { name = "WeightDecay", args = { rate = 0.001 } } ]\n' % (tmp_path / "o"))
    trainer = build_trainer(config_path)  # a path: loaded and resolved against its folder
    optimizer = trainer.updater.get_optimizer("main")
    assert optimizer.alpha == 0.01
    assert [(n, h.rate) for n, h in optimizer._hooks.pre.items()] == [("WeightDecay", 0.001)]
    trainer.run()
    assert optimizer.target.predictor.W.shape == (10, 64)


def test_seed_makes_builds_reproducible(tmp_path):
    first = build_trainer(tiny(tmp_path, seed=3))
    first.run()
    second = build_trainer(tiny(tmp_path, seed=3))
    second.run()
    w1 = first.updater.get_optimizer("main").target.predictor.W.array
    w2 = second.updater.get_optimizer("main").target.predictor.W.array
    np.testing.assert_array_equal(w1, w2)


def test_references_triggers_priority_and_alias(tmp_path):
    trainer = build_trainer(tiny(tmp_path, extensions=[
        {"name": "Evaluator", "as": "val", "priority": 5, "trigger": [2, "iteration"],
         "args": {"iterator": "$iterator:test", "target": "$model"}},
        {"name": "snapshot_object", "args": {"filename": "model_{.updater.iteration}"},
         "trigger": {"name": "manual_schedule", "args": {"points": [2], "unit": "iteration"}}},
        {"name": "observe_lr", "args": {"optimizer_name": "main", "observation_key": "$$lr"},
         "trigger": [1, "iteration"]},
    ]))
    entry = trainer._extensions["val"]
    assert entry.priority == 5 and (entry.trigger.period, entry.trigger.unit) == (2, "iteration")
    evaluator = trainer.get_extension("val")
    assert len(evaluator.get_iterator("main").dataset) == 1697
    assert evaluator.get_iterator("main").batch_size == 50  # iterator.test.batch_size
    assert evaluator.get_target("main") is trainer.updater.get_optimizer("main").target
    trainer.run()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["model_2"]
    assert "$lr" in trainer.observation  # "$$" escapes a literal "$"


def test_stop_trigger_table_and_updater_name(tmp_path):
    trainer = build_trainer(tiny(tmp_path, updater={"name": "standard", "args": {}},
                                 stop_trigger={"name": "interval", "args": {"period": 2,
                                                                           "unit": "iteration"}}))
    trainer.run()
    assert trainer.updater.iteration == 2


def test_resume_loads_a_snapshot(tmp_path):
    first = build_trainer(tiny(tmp_path, extensions=[{"name": "snapshot", "trigger": [3, "iteration"]}]))
    first.run()
    snapshot = tmp_path / "out" / "snapshot_iter_3"
    assert snapshot.exists()
    resumed = build_trainer(tiny(tmp_path, resume=str(snapshot), stop_trigger=[5, "iteration"]))
    assert resumed.updater.iteration == 3
    resumed.run()
    assert resumed.updater.iteration == 5


def test_resume_auto_makes_snapshot_autoload(tmp_path):
    ext = [{"name": "snapshot", "trigger": [3, "iteration"]}]
    build_trainer(tiny(tmp_path, extensions=ext)).run()
    resumed = build_trainer(tiny(tmp_path, extensions=ext, resume="auto", stop_trigger=[4, "iteration"]))
    resumed.run()
    assert resumed.updater.iteration == 4  # started from 3, one more step


@pytest.mark.parametrize("kind, key, name", [
    ("dataset_loaders", "dataset.name", "digitz"),
    ("optimizers", "optimizer.name", "adma"),
    ("updaters", "updater.name", "stdandard"),
])
def test_unknown_registry_names_list_the_registry(tmp_path, kind, key, name):
    section = key.split(".")[0]
    config = tiny(tmp_path)
    config[section] = {**config.get(section, {}), "name": name}
    message = error_of(config)
    assert message.startswith(f"config key '{key}': unknown ")
    assert f"{name!r}; known: " + ", ".join(sorted(plugins.get_registry(kind).names())) in message


def test_unknown_extension_names_the_index_and_choices(tmp_path):
    message = error_of(tiny(tmp_path, extensions=[{"name": "LogReport"}, {"name": "Evaluator"},
                                                  {"name": "LogReprot"}]))
    known = ", ".join(sorted(plugins.get_registry("extensions").names()))
    assert message == f"config key 'extensions[2].name': unknown extension 'LogReprot'; known: {known}"


def test_unknown_trigger_iterator_kind_and_hook(tmp_path):
    triggers = ", ".join(sorted(plugins.get_registry("triggers").names()))
    assert error_of(tiny(tmp_path, stop_trigger={"name": "sometimes"})) == (
        f"config key 'stop_trigger.name': unknown trigger 'sometimes'; known: {triggers}")
    message = error_of(tiny(tmp_path, extensions=[{"name": "LogReport", "trigger": {"name": "x"}}]))
    assert message.startswith("config key 'extensions[0].trigger.name': unknown trigger 'x'")
    assert error_of(tiny(tmp_path, iterator={"batch_size": 4, "kind": "parallel"})) == (
        "config key 'iterator.kind': unknown iterator kind 'parallel'; "
        "known: multiprocess, multithread, serial")
    message = error_of(tiny(tmp_path, optimizer={"name": "sgd", "hooks": [{"name": "Decay"}]}))
    assert message.startswith("config key 'optimizer.hooks[0].name': unknown optimizer hook 'Decay'; "
                              "known: GradientClipping, GradientHardClipping, GradientLARS")


@pytest.mark.parametrize("changes, expected", [
    ({"stop_trigger": None}, "config key 'stop_trigger': is required"),
    ({"stop_trigger": [3, "epochs"]}, "config key 'stop_trigger': expected [N,"),
    ({"model": None}, "config key 'model': is required"),
    ({"model": {"path": "kusari.links"}}, "config key 'model.path': expected 'package.module:attr'"),
    ({"model": {"path": "kusari.nothing_here:X"}}, "config key 'model.path': cannot import 'kusari.nothing_here'"),
    ({"model": {"path": "kusari.links:Nope"}}, "config key 'model.path': 'kusari.links' has no attribute 'Nope'"),
    ({"model": {"path": "missing.py:make"}}, "config key 'model.path': no file "),
    ({"model": {"path": "numpy:zeros", "args": {"shape": 3}}}, "config key 'model.path': expected a callable returning a kusari Link, got ndarray"),
    ({"model": {"path": "kusari.links:Linear", "args": {"size": 3}}}, "config key 'model.args': kusari.links:Linear: "),
    ({"model": {"path": "kusari.links:Linear", "argz": {}}}, "config key 'model.argz': unknown key; known: path, args"),
    ({"dataset": {"name": "digits", "args": {"n_train": -1}}}, "config key 'dataset.args': digits: get_digits: argument 'n_train'"),
    ({"iterator": {"batch_size": 0}}, "config key 'iterator.batch_size': expected a positive int, got 0"),
    ({"iterator": {}}, "config key 'iterator.batch_size': expected a positive int, got None"),
    ({"optimizer": {"name": "sgd", "args": {"alpha": 1}}}, "config key 'optimizer.args': sgd: "),
    ({"optimizer": {"name": "sgd", "hooks": {"name": "Lasso"}}}, "config key 'optimizer.hooks': expected an array of tables"),
    ({"extensions": {"name": "LogReport"}}, "config key 'extensions': expected an array of tables"),
    ({"extensions": ["LogReport"]}, "config key 'extensions[0]': expected a table, got str 'LogReport'"),
    ({"extensions": [{"name": "LogReport", "prio": 1}]}, "config key 'extensions[0].prio': unknown key; known: name, args"),
    ({"extensions": [{"name": "LogReport", "args": {"keyz": 1}}]}, "config key 'extensions[0].args': LogReport: "),
    ({"extensions": [{"name": "Evaluator", "args": {"iterator": "$iterator:valid"}}]},
     "config key 'extensions[0].args.iterator': no dataset split 'valid'; splits: train, test"),
    ({"extensions": [{"name": "Evaluator", "args": {"target": "$net"}}]},
     "config key 'extensions[0].args.target': unknown reference '$net'; known: $device, $iterator:NAME, $model, $optimizer"),
    ({"updater": {"args": {"loss_scale": "$trainer"}}}, "config key 'updater.args.loss_scale': unknown reference '$trainer'"),
    ({"seed": "zero"}, "config key 'seed': expected an int, got 'zero'"),
    ({"out": 3}, "config key 'out': expected a folder path string, got 3"),
    ({"device": "@nowhere:0"}, "config key 'device': bad device: "),
    ({"resume": "auto"}, "config key 'resume': \"auto\" needs a `snapshot` extension"),
    ({"resume": "no/such/snapshot"}, "config key 'resume': expected \"auto\" or an existing snapshot file, got 'no/such/snapshot'"),
    ({"epochs": 3}, "config key 'epochs': unknown key; known: seed, out, device, resume, stop_trigger, model"),
])
def test_error_paths_name_the_key(tmp_path, changes, expected):
    config = tiny(tmp_path, **changes)
    config = {k: v for k, v in config.items() if v is not None}
    assert error_of(config, base_dir=str(tmp_path)).startswith(expected)


def test_a_missing_or_broken_file(tmp_path):
    with pytest.raises(ConfigError, match=r"cannot read config file '.*nothing.toml'"):
        load_config(tmp_path / "nothing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("stop_trigger = [1, \n")
    with pytest.raises(ConfigError, match=r"bad.toml' is not valid TOML: "):
        load_config(bad)


def test_overrides_parse_toml_values_and_bare_strings():
    config = {"extensions": [{"name": "LogReport"}, {"name": "snapshot"}]}
    apply_override(config, 'extensions[1].trigger=[5, "epoch"]')
    apply_override(config, "optimizer.args.alpha=0.5")
    apply_override(config, "out=result/x")
    apply_override(config, "seed=7")
    assert config["extensions"][1]["trigger"] == [5, "epoch"]
    assert config["optimizer"] == {"args": {"alpha": 0.5}}
    assert config["out"] == "result/x" and config["seed"] == 7


@pytest.mark.parametrize("assignment, expected", [
    ("seed", r"--set expects KEY=VALUE with KEY like a.b\[0\].c, got 'seed'"),
    ("a..b=1", r"--set expects KEY=VALUE"),
    ("extensions[4].name=x", r"config key 'extensions\[4\]': --set: no such item \(1 items\)"),
    ("out.x=1", r"config key 'out.x': --set cannot go into a str"),
])
def test_override_errors(assignment, expected):
    with pytest.raises(ConfigError, match=expected):
        apply_override({"out": "r", "extensions": [{}]}, assignment)


@given(st.integers(-10**6, 10**6), st.text("abcxyz_", min_size=1, max_size=6))
def test_override_round_trips_ints_and_words(number, word):
    config = {}
    apply_override(config, f"a.b={number}")
    apply_override(config, f"a.c={word}")
    assert config == {"a": {"b": number, "c": word}}
