"""DictDataset: dicts per example, lists of dicts for slices, a dict of batches for index lists, length checks."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.datasets.dict_dataset import DictDataset


def test_int_index_gives_one_dict():
    ds = DictDataset(x=np.arange(3) * 10, t=["a", "b", "c"])
    assert len(ds) == 3
    got = ds[-2]
    assert set(got) == {"x", "t"}
    assert (int(got["x"]), got["t"]) == (10, "b")


@given(n=st.integers(0, 5), start=st.integers(-6, 6) | st.none(), stop=st.integers(-6, 6) | st.none(),
       step=st.sampled_from([None, 2, -1]))
def test_slice_is_a_list_of_dicts(n, start, stop, step):
    x = list(range(n))
    y = [i * i for i in range(n)]
    got = DictDataset(x=np.array(x, dtype=np.int64), y=y)[start:stop:step]
    assert [(int(d["x"]), d["y"]) for d in got] == list(zip(x[start:stop:step], y[start:stop:step]))


@given(indices=st.lists(st.integers(-3, 2), max_size=4))
def test_index_list_is_a_dict_of_batches_as_chainer(indices):
    y = ["p", "q", "r"]
    got = DictDataset(x=np.arange(3), y=y)[indices]
    assert set(got) == {"x", "y"}
    np.testing.assert_array_equal(got["x"], np.arange(3)[np.array(indices, dtype=np.int64)])
    assert list(got["y"]) == [y[i] for i in indices]


def test_errors_name_the_key_and_lengths():
    with pytest.raises(ValueError, match=r"DictDataset: argument 'datasets' expected at least one dataset, got none"):
        DictDataset()
    with pytest.raises(ValueError, match=r"DictDataset: argument 'b' expected length 2 \(the length of 'a'\), got length 1"):
        DictDataset(a=[1, 2], b=[3])
