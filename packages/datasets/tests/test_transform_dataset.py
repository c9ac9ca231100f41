"""TransformDataset: lazy per-example transform, one call per example read."""
import numpy as np
import pytest

from kusari.datasets.transform_dataset import TransformDataset
from kusari.datasets.tuple_dataset import TupleDataset


def test_transform_is_applied_lazily_on_each_read():
    calls = []

    def double(example):
        calls.append(example)
        return example * 2

    ds = TransformDataset([1, 2, 3], double)
    assert calls == [] and len(ds) == 3
    assert ds[-1] == 6
    assert ds[:2] == [2, 4]
    assert ds[[2, 0]] == [6, 2]
    assert calls == [3, 1, 2, 3, 1]


def test_transform_receives_the_tuple_example():
    base = TupleDataset(np.array([1.0, 2.0], np.float32), np.array([0, 1], np.int32))
    ds = TransformDataset(base, lambda ex: (ex[0] + 1, -ex[1]))
    x, t = ds[1]
    assert x == np.float32(3.0) and x.dtype == np.float32
    assert t == -1


def test_out_of_range_raises_index_error_without_calling_transform():
    ds = TransformDataset([1], lambda ex: pytest.fail("transform called"))
    with pytest.raises(IndexError):
        ds[1]


def test_non_callable_transform_is_rejected():
    with pytest.raises(TypeError, match=r"TransformDataset: argument 'transform' expected a callable, got int"):
        TransformDataset([1], 3)
