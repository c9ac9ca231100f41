"""`kusari train`: --help, exit status 2 on a bad config, an end-to-end run."""
import json
import subprocess
import sys

import pytest

from kusari import _cli, plugins
from kusari.training import config as config_module


@pytest.fixture
def train_command():
    """`kusari train` comes from kusari-training's plugin (its kusari_add_commands hook)."""
    choices = _cli.build_parser()._subparsers._group_actions[0].choices
    assert "train" in choices
    assert choices["train"].get_default("func") is not None


TINY = """\
seed = 0
out = "{out}"
stop_trigger = [4, "iteration"]
[model]
path = "kusari.links:Classifier"
args.predictor = {{ path = "kusari.links:Linear", args = {{ in_size = 64, out_size = 10 }} }}
[dataset]
name = "digits"
args = {{ n_train = 200 }}
[iterator]
batch_size = 50
[optimizer]
name = "adam"
[[extensions]]
name = "Evaluator"
trigger = [2, "iteration"]
[[extensions]]
name = "LogReport"
args = {{ trigger = [2, "iteration"] }}
"""


def test_help_documents_the_format(train_command, capsys):
    with pytest.raises(SystemExit) as info:
        _cli.main(["train", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "CONFIG.toml" in text and "--set KEY=VALUE" in text
    assert config_module.CONFIG_FORMAT.splitlines()[0] in text
    for key in ("[model]", "[dataset]", "[iterator]", "[optimizer]", "[updater]", "[[extensions]]",
                "stop_trigger", "resume", "device", "$iterator:NAME", "example (examples/"):
        assert key in text


def test_bad_config_exits_2_with_the_key_and_choices(train_command, tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text(TINY.format(out=tmp_path / "o").replace('name = "adam"', 'name = "adma"'))
    assert _cli.main(["train", str(path)]) == 2
    err = capsys.readouterr().err
    known = ", ".join(sorted(plugins.get_registry("optimizers").names()))
    assert f"kusari train: {path}: config key 'optimizer.name': unknown optimizer 'adma'; known: {known}" in err
    assert "Traceback" not in err


def test_missing_file_and_bad_override_exit_2(train_command, tmp_path, capsys):
    assert _cli.main(["train", str(tmp_path / "none.toml")]) == 2
    assert "cannot read config file" in capsys.readouterr().err
    path = tmp_path / "c.toml"
    path.write_text(TINY.format(out=tmp_path / "o"))
    assert _cli.main(["train", str(path), "--set", "nokey"]) == 2
    assert "--set expects KEY=VALUE" in capsys.readouterr().err


def test_runs_and_prints_a_summary(train_command, tmp_path, capsys):
    path = tmp_path / "c.toml"
    path.write_text(TINY.format(out=tmp_path / "o"))
    assert _cli.main(["train", str(path), "--set", 'stop_trigger=[6, "iteration"]']) == 0
    out = capsys.readouterr().out
    log = json.loads((tmp_path / "o" / "log").read_text())
    assert [row["iteration"] for row in log] == [2, 4, 6]
    accuracy = log[-1]["validation/main/accuracy"]
    assert out.strip().splitlines()[-1] == (
        f"kusari train: done after 1 epochs (6 iterations): final validation/main/accuracy "
        f"{accuracy:.4f}; output in {tmp_path / 'o'}")


def test_subprocess_run_through_python_m_kusari(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text(TINY.format(out=tmp_path / "o"))
    # registers the command only when the installed plugin does not (yet)
    script = ("import sys; from kusari import _cli, plugins; from kusari.training import _command\n"
              "if 'train' not in _cli.build_parser()._subparsers._group_actions[0].choices:\n"
              "    plugins.register(_command, name='t')\n"
              "sys.argv[0] = 'kusari'; sys.exit(_cli.main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", script, "train", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith(
        "kusari train: done after 1 epochs (4 iterations): final validation/main/accuracy ")
    assert (tmp_path / "o" / "log").exists()
    bad = subprocess.run([sys.executable, "-c", script, "train", str(path), "--set",
                          "extensions[1].name=LogReprot"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "config key 'extensions[1].name': unknown extension 'LogReprot'; known: " in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_help_example_is_a_valid_config(tmp_path):
    import pathlib
    import tomllib

    text = config_module.CONFIG_FORMAT.split("example (examples/train_mlp_digits.toml):")[1]
    example = tomllib.loads(text)
    example["out"] = str(tmp_path / "o")
    examples = pathlib.Path(__file__).resolve().parents[4] / "examples"
    trainer = config_module.build_trainer(example, base_dir=str(examples))
    assert type(trainer.updater.get_optimizer("main")).__name__ == "Adam"
    assert sorted(trainer._extensions) == ["LogReport", "PrintReport", "_Snapshot", "validation"]
    # and the format section's own snippets parse
    head = config_module.CONFIG_FORMAT.split("triggers:")[0].split("config format (TOML):")[1]
    assert tomllib.loads(head)["extensions"][0]["as"] == "validation"


def test_summary_line_reads_reported_variables_without_a_log_report():
    import numpy as np

    import kusari
    from kusari.training._command import summary_line

    def no_extension(name):
        raise ValueError(name)

    trainer = type("T", (), {})()
    trainer.updater = type("U", (), {"epoch": 1, "iteration": 5})()
    trainer.out = "out"
    trainer.observation = {"main/accuracy": kusari.Variable(np.array(0.75, np.float32))}
    trainer.get_extension = no_extension
    assert "final main/accuracy 0.7500" in summary_line(trainer)


def test_mpi_flag_is_documented(train_command, capsys):
    with pytest.raises(SystemExit):
        _cli.main(["train", "--help"])
    assert "--mpi" in capsys.readouterr().out
