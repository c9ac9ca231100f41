"""get_digits: the real 8x8 digits from scikit-learn's wheel, read without scikit-learn's loader."""
import csv
import gzip
import importlib.util
import subprocess
import sys
import types

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import plugins
from kusari.datasets import digits, get_digits
from kusari.datasets.tuple_dataset import TupleDataset
from kusari.utils.type_check import InvalidType


def reference_rows():
    """The data file read with the csv module: an independent parse."""
    with gzip.open(digits.get_digits_path(), "rt") as f:
        rows = np.array([[float(v) for v in row] for row in csv.reader(f)])
    return rows[:, :-1], rows[:, -1].astype(int)


REF_IMAGES, REF_LABELS = reference_rows()


def test_the_real_dataset_is_read():
    assert REF_IMAGES.shape == (1797, 64)
    train, test = get_digits()
    assert isinstance(train, TupleDataset) and (len(train), len(test)) == (1500, 297)
    x, t = test[5]
    assert x.shape == (64,) and x.dtype == np.float32 and t.dtype == np.int32
    np.testing.assert_allclose(x, REF_IMAGES[1505] / 16, rtol=1e-6)
    assert t == REF_LABELS[1505]
    for split in (train, test):
        labels = np.array([int(example[1]) for example in split])
        assert set(labels.tolist()) == set(range(10))  # every class in each split


@pytest.mark.parametrize("ndim, shape", [(1, (64,)), (2, (8, 8)), (3, (1, 8, 8))])
def test_shapes_scale_and_dtypes(ndim, shape):
    train, test = get_digits(withlabel=False, ndim=ndim, scale=255.0, dtype=np.float64)
    assert train.shape == (1500,) + shape and test.shape == (297,) + shape
    assert train.dtype == np.float64
    np.testing.assert_allclose(test.reshape(297, 64), REF_IMAGES[1500:] * (255.0 / 16))


@given(st.integers(0, 1797), st.sampled_from([np.int32, np.int64, np.uint8]))
def test_any_split_size_partitions_the_data(n_train, label_dtype):
    train, test = get_digits(n_train=n_train, label_dtype=label_dtype, dtype=np.float16)
    assert len(train) + len(test) == 1797 and len(train) == n_train
    examples = train[:] + test[:]
    labels = np.array([t for _, t in examples])
    assert labels.dtype == label_dtype
    np.testing.assert_array_equal(labels, REF_LABELS)


@given(st.integers(0, 2**32 - 1), st.integers(0, 1797))
def test_a_split_seed_shuffles_the_examples_before_splitting(seed, n_train):
    train, test = get_digits(withlabel=False, n_train=n_train, split_seed=seed)
    order = np.random.default_rng(seed).permutation(1797)
    np.testing.assert_allclose(np.concatenate([train, test]), REF_IMAGES[order] / 16, rtol=1e-6)
    labelled, _ = get_digits(n_train=n_train, split_seed=seed)
    np.testing.assert_array_equal([t for _, t in labelled[:]], REF_LABELS[order][:n_train])


def test_a_bad_split_seed_is_rejected():
    with pytest.raises(InvalidType, match=r"get_digits: argument 'split_seed' expected None or an int, got 1.5"):
        get_digits(split_seed=1.5)


def test_returned_arrays_are_independent_of_the_cache():
    train, _ = get_digits(withlabel=False)
    train[:] = -1  # writable, and must not leak into the next call
    again, _ = get_digits(withlabel=False)
    assert again.min() >= 0


def test_scikit_learn_is_never_imported():
    code = ("import sys; from kusari.datasets import get_digits; get_digits(); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_missing_scikit_learn_names_the_extra(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"pip install 'kusari-datasets\[digits\]'"):
        get_digits()


def test_a_scikit_learn_without_the_file_is_reported(monkeypatch, tmp_path):
    spec = types.SimpleNamespace(submodule_search_locations=[str(tmp_path)])
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    with pytest.raises(ImportError, match=r"has no datasets/data/digits.csv.gz.*reinstall"):
        get_digits()


@pytest.mark.parametrize("kwargs, message", [
    ({"ndim": 4}, r"get_digits: argument 'ndim' expected 1, 2 or 3, got 4"),
    ({"n_train": 1798}, r"get_digits: argument 'n_train' expected an int in \[0, 1797\], got 1798"),
    ({"n_train": -1}, r"argument 'n_train' expected an int in \[0, 1797\], got -1"),
    ({"n_train": 2.5}, r"argument 'n_train' expected an int in \[0, 1797\], got 2.5"),
])
def test_bad_arguments_are_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        get_digits(**kwargs)


def test_an_integer_image_dtype_is_rejected():
    with pytest.raises(InvalidType, match=r"get_digits: argument 'dtype' expected a floating-point "
                                          r"dtype \(pixels are scaled\), got uint8"):
        get_digits(dtype=np.uint8)


def test_loaders_are_registered_by_name():
    plugins.reset()
    try:
        registry = plugins.get_registry("dataset_loaders")
        assert registry.get("digits") is get_digits
        from kusari.datasets import get_fashion_mnist, get_kuzushiji_mnist, get_mnist

        assert [registry.get(n) for n in ("mnist", "fashion_mnist", "kuzushiji_mnist")] == [
            get_mnist, get_fashion_mnist, get_kuzushiji_mnist]
        assert {registry.source(n) for n in ("mnist", "digits")} == {"datasets"}
    finally:
        plugins.reset()
