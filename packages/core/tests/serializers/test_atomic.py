"""kusari._atomic: a crash never leaves a half-written file under the final name."""
import os
import stat

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import _atomic


@given(payload=st.binary(max_size=64))
def test_atomic_write_replaces_content(tmp_path_factory, payload):
    path = tmp_path_factory.mktemp("a") / "f.bin"
    path.write_bytes(b"old")
    _atomic.atomic_write_bytes(path, payload)
    assert path.read_bytes() == payload
    assert os.listdir(path.parent) == ["f.bin"]


def test_error_inside_block_keeps_old_file_and_removes_temporary(tmp_path):
    path = tmp_path / "log.json"
    path.write_text("old")
    with pytest.raises(RuntimeError, match="crash"):
        with _atomic.atomic_write(path, "w") as f:
            f.write("half")
            f.flush()
            assert path.read_text() == "old"       # nothing visible under the final name yet
            raise RuntimeError("crash")
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["log.json"]


def test_temporary_lives_in_the_target_directory_and_is_fsynced(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    with _atomic.atomic_write(tmp_path / "x.bin") as f:
        f.write(b"1")
        during = os.listdir(tmp_path)
    assert len(during) == 1 and during[0].startswith(".x.bin.") and during[0].endswith(".tmp")
    assert os.listdir(tmp_path) == ["x.bin"]
    assert len(synced) >= 1


def test_new_file_gets_umask_permissions_and_replaced_file_keeps_its_own(tmp_path):
    path = tmp_path / "m.npz"
    _atomic.atomic_write_bytes(path, b"1")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~umask
    os.chmod(path, 0o640)
    _atomic.atomic_write_bytes(path, b"2")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_atomic_path_for_libraries_that_open_by_name(tmp_path):
    path = tmp_path / "m.h5"
    with _atomic.atomic_path(path) as tmp:
        assert os.path.dirname(tmp) == str(tmp_path) and tmp != str(path)
        with open(tmp, "wb") as f:
            f.write(b"data")
    assert path.read_bytes() == b"data"
    with pytest.raises(ValueError, match="nope"):
        with _atomic.atomic_path(path) as tmp:
            with open(tmp, "wb") as f:
                f.write(b"partial")
            raise ValueError("nope")
    assert path.read_bytes() == b"data" and os.listdir(tmp_path) == ["m.h5"]


def test_mode_argument_error(tmp_path):
    with pytest.raises(ValueError, match=r"atomic_write: argument 'mode' expected 'wb' or 'w', got 'a'"):
        with _atomic.atomic_write(tmp_path / "x", "a"):
            pass
