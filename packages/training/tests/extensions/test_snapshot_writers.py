"""Snapshot writers: atomic saves, background threads/processes, queues, cleanup hooks."""
import os
import threading

import numpy as np
import pytest

from kusari.serializers import save_npz
from kusari.training.extensions import snapshot_writers as W


def _pid_savefun(path, target):
    # Saves the id of the process that ran it, next to the target.
    save_npz(path, dict(target, pid=np.array(os.getpid())))


def _failing_savefun(path, target):
    with open(path, "wb") as f:
        f.write(b"half")
    raise OSError("disk full")


def _entries(out):
    return sorted(os.listdir(out))


@pytest.mark.parametrize("cls", [W.SimpleWriter, W.ThreadWriter, W.ProcessWriter,
                                 W.ThreadQueueWriter, W.ProcessQueueWriter])
def test_every_writer_saves_each_file_completely(tmp_path, cls):
    writer = cls()
    for i in range(3):
        writer(f"snap_{i}", str(tmp_path), {"x": np.full(4, i, np.float32)})
    writer.finalize()
    assert _entries(tmp_path) == ["snap_0", "snap_1", "snap_2"]  # no temporary leftovers
    for i in range(3):
        np.testing.assert_array_equal(np.load(tmp_path / f"snap_{i}")["x"], np.full(4, i, np.float32))


def test_simple_writer_passes_savefun_keywords(tmp_path):
    seen = []

    def savefun(path, target, **kw):
        seen.append((os.path.basename(path), kw))
        np.savez(path, **target)

    W.SimpleWriter(savefun=savefun, level=3)("name.npz", str(tmp_path), {"a": np.ones(1)})
    # savefun sees the real file name (in a temporary directory), so suffix logic works.
    assert seen == [("name.npz", {"level": 3})]
    assert _entries(tmp_path) == ["name.npz"]


def test_process_writer_writes_in_another_process(tmp_path):
    writer = W.ProcessWriter(savefun=_pid_savefun)
    writer("s", str(tmp_path), {"x": np.zeros(1)})
    writer.finalize()
    assert int(np.load(tmp_path / "s")["pid"]) != os.getpid()


@pytest.mark.parametrize("cls", [W.ThreadWriter, W.ThreadQueueWriter])
def test_thread_writers_write_in_background_the_state_of_the_call(tmp_path, cls):
    release, threads = threading.Event(), []

    def slow_savefun(path, target):
        threads.append(threading.get_ident())
        assert release.wait(10)
        save_npz(path, target)

    writer = cls(savefun=slow_savefun)
    state = np.zeros(3, np.float32)
    writer("s", str(tmp_path), {"w": state})  # returns while the save waits
    assert not (tmp_path / "s").exists()
    state += 5  # the training goes on and updates parameters in place
    release.set()
    writer.finalize()
    assert threads and threads[0] != threading.get_ident()
    np.testing.assert_array_equal(np.load(tmp_path / "s")["w"], np.zeros(3, np.float32))


@pytest.mark.parametrize("cls", [W.SimpleWriter, W.ThreadWriter, W.ProcessWriter, W.ThreadQueueWriter])
def test_cleanup_hooks_run_after_each_completed_save(tmp_path, cls):
    writer, seen = cls(), []
    writer._add_cleanup_hook(lambda: seen.append(_entries(tmp_path)))
    writer("a", str(tmp_path), {"x": np.zeros(1)})
    writer("b", str(tmp_path), {"x": np.zeros(1)})
    writer.finalize()
    assert len(seen) == 2
    assert "a" in seen[0] and seen[1] == ["a", "b"]


def test_failed_save_leaves_previous_file_and_no_temporaries(tmp_path):
    W.SimpleWriter()("s", str(tmp_path), {"x": np.ones(2)})
    with pytest.raises(OSError, match="disk full"):
        W.SimpleWriter(savefun=_failing_savefun)("s", str(tmp_path), {"x": np.zeros(2)})
    assert _entries(tmp_path) == ["s"]
    np.testing.assert_array_equal(np.load(tmp_path / "s")["x"], np.ones(2))


def test_process_writer_reports_a_failed_child(tmp_path):
    writer = W.ProcessWriter(savefun=_failing_savefun)
    writer("s", str(tmp_path), {"x": np.zeros(1)})
    with pytest.raises(RuntimeError, match="ProcessWriter: the process writing 's' failed"):
        writer.finalize()
    assert _entries(tmp_path) == []


def test_finalize_twice_and_base_writer_call():
    writer = W.ThreadQueueWriter()
    writer.finalize()
    writer.finalize()
    with pytest.raises(NotImplementedError, match="Writer must override __call__"):
        W.Writer()("s", ".", {})
    with pytest.raises(NotImplementedError, match="create_worker"):
        W.StandardWriter()("s", ".", {})
