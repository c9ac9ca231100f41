"""The quick start's main job, `kusari train examples/train_mlp_digits.toml`, shortened to 2 epochs."""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIG = ROOT / "examples" / "train_mlp_digits.toml"



def test_main_job_config_trains_and_leaves_its_outputs(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "kusari", "train", str(CONFIG), "--set", f"out={out}",
         "--set", 'stop_trigger=[2, "epoch"]', "--set", 'extensions[4].trigger=[1, "epoch"]'],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    # the PrintReport table: a header, then one row per epoch
    assert any(line.split()[:2] == ["epoch", "main/loss"] for line in lines)
    last = re.fullmatch(r"kusari train: done after 2 epochs \((\d+) iterations\): final "
                        r"validation/main/accuracy (\d\.\d{4}); output in (.*)", lines[-1])
    assert last, lines[-1]
    assert int(last.group(1)) == 94 and last.group(3) == str(out)  # ceil(2 * 1500 / 32)
    log = json.loads((out / "log").read_text())
    assert [row["epoch"] for row in log] == [1, 2]
    assert float(last.group(2)) == round(log[-1]["validation/main/accuracy"], 4)
    assert log[-1]["validation/main/accuracy"] > 0.9  # two epochs already learn the digits
    assert sorted(p.name for p in out.glob("snapshot_iter_*")) == ["snapshot_iter_47", "snapshot_iter_94"]
    assert (out / "cg.dot").read_text().startswith("digraph")
    assert (out / "accuracy.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "loss.png").read_bytes()[:4] == b"\x89PNG"
