"""examples/ptb_bptt_lstm.py and ptb_nstep_lstm.py: tiny offline runs, and PTB when it is in the root."""
import json
import math
import os
import pathlib
import re
import subprocess
import sys

import pytest

from kusari.datasets import download, ptb

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"

TINY = {
    "ptb_bptt_lstm.py": ["--epoch", "2", "--unit", "12", "--max-words", "600", "--batchsize", "5",
                         "--bproplen", "6", "--log-interval", "5"],
    "ptb_nstep_lstm.py": ["--epoch", "3", "--unit", "12", "--max-words", "1500", "--batchsize",
                          "16", "--log-interval", "5"],
}


def run_example(name, out, root, *extra):
    # One BLAS thread: on a loaded machine a threaded BLAS makes small matmuls much slower.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "KUSARI_DATASET_ROOT": str(root)}
    result = subprocess.run([sys.executable, str(EXAMPLES / name), *TINY[name], "--out", str(out),
                             *extra], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout, json.loads((out / "log").read_text())


@pytest.mark.parametrize("name", sorted(TINY))
def test_offline_run_logs_a_decreasing_perplexity(name, tmp_path):
    stdout, log = run_example(name, tmp_path / "out", tmp_path / "empty_root")
    assert re.search(r"^dataset text: ", stdout, re.MULTILINE), stdout  # no PTB there: offline
    perplexities = [entry["perplexity"] for entry in log]
    assert len(perplexities) >= 3
    assert all(p > 1 for p in perplexities)
    assert perplexities[-1] < 0.8 * perplexities[0]
    for entry in log:  # the postprocess computed it from the logged loss
        assert entry["perplexity"] == pytest.approx(math.exp(entry["main/loss"]), rel=1e-6)
    validated = [entry for entry in log if "val_perplexity" in entry]
    assert validated and all(v["val_perplexity"] > 1 for v in validated)
    test = re.search(r"^test perplexity: ([\d.]+)$", stdout, re.MULTILINE)
    assert test is not None and float(test.group(1)) > 1


def fake_ptb_root(root):
    """PTB-format text files where get_ptb_words looks for its downloads."""
    previous = download.set_dataset_root(str(root))
    try:
        sentence = "the cat sat on the mat and the dog sat on the log"
        texts = {"train": [sentence, "a cat and a dog"] * 60, "valid": [sentence] * 8,
                 "test": ["the dog sat on the cat"] * 8}
        for split, lines in texts.items():
            path = pathlib.Path(download.cached_download_path(ptb._url(split)))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(" " + line + " " for line in lines) + "\n")
    finally:
        download.set_dataset_root(previous)


@pytest.mark.parametrize("name", sorted(TINY))
def test_ptb_is_used_when_it_is_in_the_dataset_root(name, tmp_path):
    fake_ptb_root(tmp_path / "root")
    stdout, log = run_example(name, tmp_path / "out", tmp_path / "root")
    # 9 distinct words (the, cat, sat, on, mat, and, dog, log, a) + <eos>: PTB's vocabulary.
    assert re.search(r"^dataset ptb: .* vocabulary 10$", stdout, re.MULTILINE), stdout
    assert log[-1]["perplexity"] < log[0]["perplexity"]
