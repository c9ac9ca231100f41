"""The examples in examples/ run as a user runs them: as scripts, in a fresh process."""
import pathlib
import re
import subprocess
import sys

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def run_example(name, *args):
    return subprocess.run([sys.executable, str(EXAMPLES / name), *args],
                          capture_output=True, text=True, timeout=300)


def test_train_mlp_learns_the_spiral():
    result = run_example("train_mlp.py")
    assert result.returncode == 0, result.stdout + result.stderr
    epochs = re.findall(r"^epoch +(\d+) +train loss ([\d.]+) .*test accuracy ([\d.]+)$",
                        result.stdout, re.MULTILINE)
    assert len(epochs) == 60
    assert float(epochs[-1][1]) < float(epochs[0][1])  # the loss went down
    final = re.search(r"^final test accuracy: ([\d.]+)$", result.stdout, re.MULTILINE)
    assert final is not None, result.stdout
    assert float(final.group(1)) > 0.9
    assert float(final.group(1)) == float(epochs[-1][2])


def test_train_mlp_fails_when_accuracy_is_too_low():
    # One epoch cannot reach a 0.99 bar: the script must then exit non-zero.
    result = run_example("train_mlp.py", "--epochs", "1", "--min-accuracy", "0.99")
    assert result.returncode == 1
    assert "FAILED: test accuracy" in result.stderr
