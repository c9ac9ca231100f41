"""SIGKILL a real training process mid-epoch; restarted with autoload it ends exactly like an uninterrupted run."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np

SCRIPT = os.path.join(os.path.dirname(__file__), os.pardir, "data", "kill_resume_train.py")
BLOCK_AT = 13  # after the snapshot of iteration 10; epoch_detail 1.95 (20 examples, batch 3)


def _start(out, block_at=0):
    return subprocess.Popen([sys.executable, SCRIPT, str(out), str(block_at)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(proc):
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr.decode()
    return stderr.decode()


def _wait_for(path, proc, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        assert proc.poll() is None, proc.communicate()[1].decode()
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.02)


def _log_without_time(out):
    with open(os.path.join(out, "log")) as f:
        return [{k: v for k, v in row.items() if k != "elapsed_time"} for row in json.load(f)]


def _arrays(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def test_sigkill_mid_epoch_then_autoload_matches_uninterrupted_run(tmp_path):
    reference, killed = tmp_path / "reference", tmp_path / "killed"
    uninterrupted = _start(reference)
    victim = _start(killed, BLOCK_AT)
    _wait_for(killed / "blocked", victim)
    assert (killed / "snapshot_iter_10").exists()
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert not (killed / "final_model.npz").exists()

    _finish(_start(killed))
    _finish(uninterrupted)

    # The restart resumed from the last snapshot, not from the beginning.
    assert (killed / "starts").read_text().split() == ["0", "10"]
    for name in ("final_model.npz", "final_optimizer.npz"):
        want, got = _arrays(reference / name), _arrays(killed / name)
        assert sorted(got) == sorted(want)
        for key in want:
            np.testing.assert_array_equal(got[key], want[key], err_msg=key)
    assert _log_without_time(killed) == _log_without_time(reference)
    # n_retains=2 kept the two newest snapshots only.
    assert sorted(p.name for p in killed.iterdir() if p.name.startswith("snapshot_")) == \
        ["snapshot_iter_20", "snapshot_iter_25"]
