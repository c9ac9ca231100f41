"""PickleDataset and its writer: round trips, random access, atomic writes, pickling, fork."""
import io
import os
import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kusari.datasets.pickle_dataset import (
    PickleDataset,
    PickleDatasetWriter,
    open_pickle_dataset,
    open_pickle_dataset_writer,
)

examples = st.lists(st.one_of(st.integers(), st.text(max_size=4),
                              st.tuples(st.integers(), st.booleans()), st.none()), max_size=6)


@given(values=examples, protocol=st.integers(2, pickle.HIGHEST_PROTOCOL))
def test_round_trip_through_a_buffer_with_random_access(values, protocol):
    buffer = io.BytesIO()
    writer = PickleDatasetWriter(buffer, protocol=protocol)
    for v in values:
        writer.write(v)
    writer.flush()
    ds = PickleDataset(buffer)
    assert len(ds) == len(values)
    assert [ds[i] for i in reversed(range(len(ds)))] == values[::-1]
    assert ds[::2] == values[::2]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=examples)
def test_round_trip_through_a_path(tmp_path, values):
    path = tmp_path / "d.pkl"
    with open_pickle_dataset_writer(path) as writer:
        for v in values:
            writer.write(v)
    with open_pickle_dataset(path) as ds:
        assert ds[:] == values


def test_arrays_keep_dtype_and_shape(tmp_path):
    path = str(tmp_path / "a.pkl")
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    with open_pickle_dataset_writer(path) as w:
        w.write((x, np.int32(1)))
    with open_pickle_dataset(path) as ds:
        got, t = ds[0]
    assert got.dtype == np.float32 and got.shape == (2, 3) and (got == x).all() and t == 1


def test_writer_is_atomic_on_error_and_keeps_an_old_file(tmp_path):
    path = str(tmp_path / "d.pkl")
    with open_pickle_dataset_writer(path) as w:
        w.write("old")
    with pytest.raises(RuntimeError):
        with open_pickle_dataset_writer(path) as w:
            w.write("new")
            raise RuntimeError("crash while writing")
    with open_pickle_dataset(path) as ds:
        assert ds[:] == ["old"]
    assert sorted(os.listdir(tmp_path)) == ["d.pkl"]  # no temporary file left behind


def test_writer_publishes_only_on_close(tmp_path):
    path = str(tmp_path / "d.pkl")
    w = open_pickle_dataset_writer(path)
    w.write(1)
    assert not os.path.exists(path)
    w.close()
    with open_pickle_dataset(path) as ds:
        assert ds[:] == [1]


def test_dataset_opened_by_path_survives_pickling(tmp_path):
    path = str(tmp_path / "d.pkl")
    with open_pickle_dataset_writer(path) as w:
        w.write("a")
        w.write("b")
    ds = open_pickle_dataset(path)
    clone = pickle.loads(pickle.dumps(ds))
    ds.close()
    assert clone[1] == "b"
    clone.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_child_does_not_share_the_file_offset(tmp_path):
    path = str(tmp_path / "d.pkl")
    with open_pickle_dataset_writer(path) as w:
        for i in range(50):
            w.write(("x" * i, i))
    ds = open_pickle_dataset(path)
    ds[0]
    pid = os.fork()
    if pid == 0:
        ok = all(ds[i][1] == i for i in reversed(range(50)) for _ in range(3))
        os._exit(0 if ok else 1)
    parent_ok = all(ds[i][1] == i for i in range(50) for _ in range(3))
    _, status = os.waitpid(pid, 0)
    assert parent_ok and os.waitstatus_to_exitcode(status) == 0
    ds.close()


def test_errors():
    class Unseekable(io.RawIOBase):
        def seekable(self):
            return False

    with pytest.raises(ValueError, match=r"PickleDataset: argument 'reader' expected a seekable binary file object, got a Unseekable that cannot seek"):
        PickleDataset(Unseekable())
    with pytest.raises(TypeError, match=r"PickleDatasetWriter: argument 'writer' expected a binary file object open for writing, got str"):
        PickleDatasetWriter("path.pkl")
    with pytest.raises(IndexError):
        PickleDataset(io.BytesIO(pickle.dumps(1)))[1]
