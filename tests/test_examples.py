"""The examples in examples/ run as a user runs them: as scripts, in a fresh process."""
import gzip
import json
import os
import pathlib
import re
import subprocess
import sys

import numpy as np

from kusari.datasets import download
from kusari.datasets import mnist as mnist_module

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"


def run_example(name, *args, env=None, cwd=None):
    # One BLAS thread: on a loaded machine a threaded BLAS makes small matmuls 40x slower.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([sys.executable, str(EXAMPLES / name), *args],
                          capture_output=True, text=True, timeout=300, env=env, cwd=cwd)


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


# ---- train_mnist.py -------------------------------------------------------------

def idx_bytes(array):
    """``array`` (uint8) in the IDX format: magic 0x0008<ndim>, big-endian sizes, the data."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def fake_mnist_root(root, n_train=1000, n_test=100):
    """Small MNIST-format files where get_mnist looks for its downloads; the label is a bright band."""
    rng = np.random.RandomState(0)
    previous = download.set_dataset_root(str(root))
    try:
        for split, n in (("train", n_train), ("test", n_test)):
            labels = rng.randint(0, 10, size=n).astype(np.uint8)
            images = rng.randint(0, 60, size=(n, 28, 28)).astype(np.uint8)
            images[np.arange(n), 2 * labels + 4] = 255  # digit k: row 2k+4 lit
            for name, data in zip(mnist_module._FILES[split], (images, labels), strict=True):
                path = download.cached_download_path(mnist_module._BASE_URLS["mnist"] + name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as f:
                    f.write(gzip.compress(idx_bytes(data)))
    finally:
        download.set_dataset_root(previous)


def test_train_mnist_trains_one_epoch_on_small_mnist_files(tmp_path):
    fake_mnist_root(tmp_path / "data")
    env = {"KUSARI_DATASET_ROOT": str(tmp_path / "data")}
    out = tmp_path / "result"
    result = run_example("train_mnist.py", "--epoch", "1", "--unit", "50", "--batchsize", "25",
                         "--out", str(out), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Device: @numpy" in result.stdout
    assert (tmp_path / "data" / "mnist" / "train.npz").exists()  # converted by get_mnist
    log = json.loads((out / "log").read_text())
    # Evaluator and LogReport also run before training (call_before_training): an epoch-0 entry
    assert [e["epoch"] for e in log] == [0, 1] and log[1]["iteration"] == 1000 // 25
    assert {"validation/main/loss", "validation/main/accuracy"} <= set(log[0])
    assert {"main/loss", "main/accuracy", "validation/main/loss", "validation/main/accuracy",
            "elapsed_time"} <= set(log[1])
    assert log[1]["validation/main/loss"] < log[0]["validation/main/loss"]
    assert log[1]["validation/main/accuracy"] > 0.5  # the band is easy; chance is 0.1
    header = re.search(r"^epoch +main/loss +validation/main/loss +main/accuracy +"
                       r"validation/main/accuracy +elapsed_time *$", result.stdout, re.MULTILINE)
    assert header is not None, result.stdout
    assert (out / "snapshot_iter_40").exists()
    assert (out / "cg.dot").read_text().startswith("digraph")  # DumpGraph('main/loss')
    for plot in ("loss.png", "accuracy.png"):  # PlotReport, matplotlib being installed
        assert (out / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", plot
        (out / plot).unlink()

    # --resume: a second epoch from the snapshot, into the same log directory, without plots
    result = run_example("train_mnist.py", "--epoch", "2", "--unit", "50", "--batchsize", "25",
                         "--noplot", "--out", str(out), "--resume", str(out / "snapshot_iter_40"),
                         env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    log = json.loads((out / "log").read_text())
    assert [e["epoch"] for e in log] == [0, 1, 2] and log[-1]["iteration"] == 80  # as Chainer 7
    assert (out / "snapshot_iter_80").exists() and not (out / "snapshot_iter_40").exists()  # n_retains=1
    assert not (out / "loss.png").exists() and not (out / "accuracy.png").exists()  # --noplot


def test_train_mnist_without_the_data_says_how_to_get_it(tmp_path):
    root = tmp_path / "empty"
    result = run_example("train_mnist.py", "--epoch", "1", "--out", str(tmp_path / "result"),
                         env={"KUSARI_DATASET_ROOT": str(root)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"MNIST is not in the dataset root {root}" in result.stderr
    assert "kusari.datasets.get_mnist()" in result.stderr
    for names in mnist_module._FILES.values():
        for name in names:
            url = mnist_module._BASE_URLS["mnist"] + name
            path = root / "_dl_cache" / "ossci-datasets.s3.amazonaws.com" / "mnist" / name
            assert f"{url}\n        -> {path}" in result.stderr
    assert not (tmp_path / "result").exists()  # nothing trained


def test_train_mnist_rejects_a_broken_file_without_a_traceback(tmp_path):
    fake_mnist_root(tmp_path)
    images = next((tmp_path / "_dl_cache").rglob("t10k-images-idx3-ubyte.gz"))
    images.write_bytes(gzip.compress(b"\x00\x00\x08\x03" + b"\x00" * 5))  # a truncated header
    result = run_example("train_mnist.py", "--epoch", "1", "--out", str(tmp_path / "result"),
                         env={"KUSARI_DATASET_ROOT": str(tmp_path)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "MNIST could not be loaded" in result.stderr and "truncated" in result.stderr


# ---- seed002_multi_optimizer.py -------------------------------------------------

def test_seed002_multi_optimizer_trains_every_head(tmp_path):
    out = tmp_path / "result"
    result = run_example("seed002_multi_optimizer.py", "--epoch", "4", "--out", str(out),
                         "--min-accuracy", "0.7")
    assert result.returncode == 0, result.stdout + result.stderr
    log = json.loads((out / "log").read_text())
    assert [e["epoch"] for e in log] == [1, 2, 3, 4]
    for head in ("digit", "parity", "large"):
        assert log[-1][f"{head}/loss"] < log[0][f"{head}/loss"]
        final = re.search(rf"^final test accuracy of {head}: ([\d.]+)$", result.stdout, re.MULTILINE)
        assert final is not None, result.stdout
        assert float(final.group(1)) == round(log[-1][f"validation/{head}/accuracy"], 4)
        assert float(final.group(1)) > 0.7
    # the snapshot holds every optimizer: the base network's and one per head
    snapshot = np.load(out / f"snapshot_iter_{log[-1]['iteration']}")
    for name in ("main", "digit", "parity", "large"):
        assert f"updater/optimizer:{name}/t" in snapshot.files
        assert int(snapshot[f"updater/optimizer:{name}/t"]) == log[-1]["iteration"]


def test_seed002_multi_optimizer_fails_when_a_head_is_below_the_bar(tmp_path):
    result = run_example("seed002_multi_optimizer.py", "--epoch", "1", "--out", str(tmp_path),
                         "--min-accuracy", "0.99")
    assert result.returncode == 1
    assert re.search(r"FAILED: \w+ test accuracy [\d.]+ is not above 0.99", result.stderr)
