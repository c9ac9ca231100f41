"""TupleDataset: tuples per example, lists of tuples for slices, one batch per dataset for index lists, length checks."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.datasets.tuple_dataset import DatasetValueError, TupleDataset


def test_int_index_gives_one_tuple_including_negative():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    t = [10, 11, 12, 13]
    ds = TupleDataset(x, t)
    assert len(ds) == 4
    xi, ti = ds[2]
    np.testing.assert_array_equal(xi, x[2])
    assert ti == 12
    assert ds[-1][1] == 13


@given(n=st.integers(0, 6), start=st.integers(-8, 8) | st.none(),
       stop=st.integers(-8, 8) | st.none(), step=st.sampled_from([None, 1, 2, -1, -2]))
def test_slice_matches_zipped_python_slices(n, start, stop, step):
    x = np.arange(n) * 2
    t = [f"t{i}" for i in range(n)]
    ds = TupleDataset(x, t)
    got = ds[start:stop:step]
    expected = list(zip(x.tolist()[start:stop:step], t[start:stop:step]))
    assert isinstance(got, list)
    assert [(int(a), b) for a, b in got] == expected


def test_slice_of_arrays_takes_views_not_copies():
    x = np.zeros((3, 2), np.float32)
    (first, _), = TupleDataset(x, np.arange(3))[:1]
    assert np.shares_memory(first, x)


@given(indices=st.lists(st.integers(-4, 3), max_size=5), as_array=st.booleans())
def test_index_list_gives_one_batch_per_dataset_as_chainer(indices, as_array):
    # Chainer v7: ``x, t = train[perm[i:i + n]]`` unpacks one batch per dataset.
    x = np.arange(4) + 100
    t = ["a", "b", "c", "d"]
    index = np.array(indices, dtype=np.int64) if as_array else indices
    xs, ts = TupleDataset(x, t)[index]
    np.testing.assert_array_equal(xs, x[np.array(indices, dtype=np.int64)])
    assert list(ts) == [t[i] for i in indices]


def test_out_of_range_index_raises_index_error():
    with pytest.raises(IndexError):
        TupleDataset(np.arange(2), np.arange(2))[2]


def test_no_dataset_is_a_value_error():
    with pytest.raises(ValueError, match=r"TupleDataset: argument 'datasets' expected at least one dataset, got none"):
        TupleDataset()


def test_length_mismatch_names_the_dataset_and_both_lengths():
    with pytest.raises(DatasetValueError,
                       match=r"TupleDataset: argument 'datasets\[2\]' expected length 3 \(the length of 'datasets\[0\]'\), got length 2"):
        TupleDataset([1, 2, 3], [4, 5, 6], [7, 8])
    with pytest.raises(TypeError):  # InvalidType is a TypeError too
        TupleDataset([1], [])
