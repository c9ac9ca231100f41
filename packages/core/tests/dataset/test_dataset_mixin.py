"""DatasetMixin: Chainer v7 indexing on top of __len__ and get_example."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.dataset import DatasetMixin
from kusari.utils.type_check import InvalidType


class Recording(DatasetMixin):
    """Examples are strings; remembers which indices get_example saw."""

    def __init__(self, n):
        self.values = [f"ex{i}" for i in range(n)]
        self.seen = []

    def __len__(self):
        return len(self.values)

    def get_example(self, i):
        self.seen.append(i)
        return self.values[i]


class NeverRaises(DatasetMixin):
    """A get_example with no bounds check (e.g. one that synthesises examples)."""

    def __len__(self):
        return 3

    def get_example(self, i):
        return i * 10


def test_int_index_returns_one_example():
    ds = Recording(5)
    assert ds[0] == "ex0"
    assert ds[4] == "ex4"
    assert ds[np.int64(2)] == "ex2"


def test_negative_index_reaches_get_example_as_positive():
    ds = Recording(5)
    assert ds[-1] == "ex4"
    assert ds[-5] == "ex0"
    assert ds.seen == [4, 0]


def test_slice_list_and_array_indices_return_lists():
    ds = Recording(6)
    assert ds[1:3] == ["ex1", "ex2"]
    assert ds[::-2] == ["ex5", "ex3", "ex1"]
    assert ds[[4, 0, -1]] == ["ex4", "ex0", "ex5"]
    assert ds[np.array([3, 1], np.int32)] == ["ex3", "ex1"]
    assert ds[np.array([2], np.uint8)] == ["ex2"]
    assert ds[[]] == []
    assert ds[np.array([], np.int64)] == []


def test_get_example_receives_python_ints_from_index_arrays():
    ds = Recording(4)
    ds[np.array([1, -1])]
    assert ds.seen == [1, 3]
    assert all(type(i) is int for i in ds.seen)


def test_other_index_types_pass_through_to_get_example():
    class Keyed(DatasetMixin):
        def __len__(self):
            return 1

        def get_example(self, key):
            return {"a": 1}[key]

    assert Keyed()["a"] == 1


def test_iteration_stops_at_the_end_even_if_get_example_does_not():
    assert list(NeverRaises()) == [0, 10, 20]


def test_out_of_range_int_raises_index_error():
    ds = Recording(3)
    with pytest.raises(IndexError, match=r"DatasetMixin.__getitem__: index 3 is out of range for a dataset of length 3"):
        ds[3]
    with pytest.raises(IndexError, match=r"index -4 is out of range for a dataset of length 3"):
        ds[-4]
    assert ds.seen == []


def test_out_of_range_in_an_index_list_raises_index_error():
    with pytest.raises(IndexError, match=r"index 7 is out of range for a dataset of length 3"):
        Recording(3)[[0, 7, 1]]


def test_two_dimensional_index_is_rejected():
    with pytest.raises(InvalidType, match=r"DatasetMixin.__getitem__: argument 'index' expected a "
                       r"one-dimensional list or array of ints, got 2 dimensions \(shape \(1, 2\)\)"):
        Recording(3)[[[0, 1]]]


def test_non_integer_index_list_is_rejected():
    with pytest.raises(InvalidType, match=r"DatasetMixin.__getitem__: argument 'index' expected a "
                       r"list or array of ints, got dtype float64"):
        Recording(3)[[0.0, 1.5]]
    with pytest.raises(InvalidType, match=r"got dtype bool"):
        Recording(3)[np.array([True, False])]


def test_len_and_get_example_must_be_implemented():
    class Empty(DatasetMixin):
        pass

    with pytest.raises(NotImplementedError, match="Empty must implement __len__"):
        len(Empty())
    with pytest.raises(NotImplementedError, match="Empty must implement get_example"):
        Empty().get_example(0)


@given(st.integers(0, 6).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.integers(-n, n - 1), max_size=5) if n else st.just([]))))
def test_index_lists_match_python_list_indexing(case):
    n, index = case
    ds = Recording(n)
    assert ds[index] == [ds.values[i] for i in index]
    assert ds[np.array(index, np.int64)] == [ds.values[i] for i in index]


@given(st.integers(0, 6), st.one_of(st.none(), st.integers(-8, 8)), st.one_of(st.none(), st.integers(-8, 8)),
       st.one_of(st.none(), st.integers(-3, 3).filter(lambda s: s != 0)))
def test_slices_match_python_list_slicing(n, start, stop, step):
    ds = Recording(n)
    assert ds[start:stop:step] == ds.values[start:stop:step]


def test_download_helpers_are_forwarded_to_kusari_datasets_as_in_chainer():
    import kusari.dataset as D

    pytest.importorskip("kusari.datasets.download")
    from kusari.datasets import download

    assert D.get_dataset_root is download.get_dataset_root
    assert D.cached_download is download.cached_download
    assert D.download is download
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        _ = D.no_such_name


def test_download_helpers_without_kusari_datasets_name_the_package(monkeypatch):
    import importlib

    import kusari.dataset as D

    real_import_module = importlib.import_module

    def hide(name, *args, **kwargs):
        if name.startswith("kusari.datasets"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import_module(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", hide)
    with pytest.raises(AttributeError, match=r"provided by kusari-datasets, which is not installed: pip install kusari-datasets"):
        _ = D.get_dataset_root
