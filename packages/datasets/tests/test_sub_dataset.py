"""SubDataset and the splitting helpers: exact sizes, every index once, Chainer's seeded order."""
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.datasets import sub_dataset as sd

sizes = st.integers(0, 12)


def _flat(parts):
    return sorted(v for p in parts for v in p[:])


# ---- SubDataset -------------------------------------------------------------
@given(data=st.data(), n=sizes)
def test_subdataset_reads_the_interval_through_the_order(data, n):
    start = data.draw(st.integers(0, n))
    finish = data.draw(st.integers(start, n))
    order = data.draw(st.none() | st.permutations(list(range(n))))
    base = [f"e{i}" for i in range(n)]
    sub = sd.SubDataset(base, start, finish, order)
    indices = (order if order is not None else list(range(n)))[start:finish]
    assert len(sub) == finish - start
    assert sub[:] == [base[i] for i in indices]
    assert [sub[-k - 1] for k in range(len(sub))] == [base[i] for i in indices][::-1]
    with pytest.raises(IndexError):
        sub[len(sub)]


def test_subdataset_errors():
    with pytest.raises(TypeError, match=r"SubDataset: argument 'start' expected an int, got float 0.5"):
        sd.SubDataset([1, 2], 0.5, 2)
    with pytest.raises(ValueError, match=r"SubDataset: argument 'start' expected an int >= 0, got -1"):
        sd.SubDataset([1, 2], -1, 2)
    with pytest.raises(ValueError, match=r"SubDataset: argument 'finish' expected an int with start \(1\) <= finish <= len\(dataset\) \(2\), got 3"):
        sd.SubDataset([1, 2], 1, 3)
    with pytest.raises(ValueError, match=r"SubDataset: argument 'order' expected length 2 \(the length of the base dataset\), got length 1"):
        sd.SubDataset([1, 2], 0, 2, order=[0])


# ---- split_dataset(_random) -------------------------------------------------
@given(data=st.data(), n=sizes, seed=st.integers(0, 2**32 - 1))
def test_split_dataset_random_covers_each_index_once_with_exact_sizes(data, n, seed):
    split_at = data.draw(st.integers(0, n))
    a, b = sd.split_dataset_random(list(range(n)), split_at, seed=seed)
    assert (len(a), len(b)) == (split_at, n - split_at)
    assert _flat([a, b]) == list(range(n))
    # Chainer v7's draw: the same seed selects the same examples.
    order = np.random.RandomState(seed).permutation(n).tolist()
    assert a[:] == order[:split_at] and b[:] == order[split_at:]
    a2, _ = sd.split_dataset_random(list(range(n)), split_at, seed=seed)
    assert a2[:] == a[:]


def test_split_dataset_errors():
    with pytest.raises(TypeError, match=r"split_dataset: argument 'split_at' expected an int, got float 1.0"):
        sd.split_dataset([1, 2], 1.0)
    with pytest.raises(ValueError, match=r"split_dataset: argument 'split_at' expected an int >= 0, got -1"):
        sd.split_dataset([1, 2], -1)
    with pytest.raises(ValueError, match=r"split_dataset: argument 'split_at' expected at most len\(dataset\) \(2\), got 3"):
        sd.split_dataset([1, 2], 3)
    assert [p[:] for p in sd.split_dataset([1, 2], np.int64(1))] == [[1], [2]]


# ---- split_dataset_n(_random) -----------------------------------------------
@given(n=sizes, parts=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_split_dataset_n_random_parts_are_equal_and_disjoint(n, parts, seed):
    result = sd.split_dataset_n_random(list(range(n)), parts, seed=seed)
    size = n // parts
    assert [len(p) for p in result] == [size] * parts
    order = np.random.RandomState(seed).permutation(n).tolist()
    # As in Chainer v7, the remainder (the tail of the order) is in no part.
    assert [v for p in result for v in p[:]] == order[:size * parts]
    assert len(set(order[:size * parts])) == size * parts


def test_split_dataset_n_in_order_and_errors():
    assert [p[:] for p in sd.split_dataset_n(list("abcdefg"), 3)] == [["a", "b"], ["c", "d"], ["e", "f"]]
    with pytest.raises(ValueError, match=r"split_dataset_n: argument 'n' expected an int >= 1, got 0"):
        sd.split_dataset_n([1], 0)
    with pytest.raises(TypeError, match=r"split_dataset_n: argument 'n' expected an int, got str '2'"):
        sd.split_dataset_n([1], "2")


# ---- cross validation -------------------------------------------------------
@given(data=st.data(), n=sizes, seed=st.integers(0, 2**32 - 1))
def test_cross_validation_each_index_tested_once_and_train_is_the_rest(data, n, seed):
    k = data.draw(st.integers(1, max(n, 1) + 2))
    folds = sd.get_cross_validation_datasets_random(list(range(n)), k, seed=seed)
    assert len(folds) == k
    tests = [te[:] for _, te in folds]
    assert sorted(v for t in tests for v in t) == list(range(n))
    assert sorted(len(t) for t in tests) == sorted(np.diff([n * i // k for i in range(k + 1)]).tolist())
    for train, test in folds:
        assert sorted(train[:] + test[:]) == list(range(n))
    # The permutation is Chainer's: the first fold tests on the tail of it.
    order = np.random.RandomState(seed).permutation(n).tolist()
    last = n - (n * (k - 1) // k)
    assert tests[0] == order[n - last:]


def test_cross_validation_fold_order_follows_chainer():
    folds = sd.get_cross_validation_datasets(list("abcd"), 2)
    assert [(tr[:], te[:]) for tr, te in folds] == [(["a", "b"], ["c", "d"]), (["c", "d"], ["a", "b"])]
    folds = sd.get_cross_validation_datasets(list("abc"), 3, order=[2, 1, 0])
    assert [te[:] for _, te in folds] == [["a"], ["b"], ["c"]]


def test_cross_validation_n_fold_is_deprecated_but_works():
    with pytest.warns(DeprecationWarning, match="'n_fold' is deprecated"):
        folds = sd.get_cross_validation_datasets(list(range(4)), n_fold=4)
    assert len(folds) == 4
    with pytest.warns(DeprecationWarning):
        folds = sd.get_cross_validation_datasets_random(list(range(4)), None, seed=0, n_fold=2)
    assert len(folds) == 2


def test_cross_validation_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=r"get_cross_validation_datasets: argument 'n_folds' expected an int, got NoneType None"):
            sd.get_cross_validation_datasets([1, 2])
    with pytest.raises(ValueError, match=r"get_cross_validation_datasets: argument 'n_folds' expected an int >= 1, got 0"):
        sd.get_cross_validation_datasets([1, 2], 0)
    with pytest.raises(ValueError, match=r"get_cross_validation_datasets: argument 'order' expected length 2 \(the length of the dataset\), got length 3"):
        sd.get_cross_validation_datasets([1, 2], 2, order=[0, 1, 2])
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'nfolds'"):
        sd.get_cross_validation_datasets_random([1, 2], 2, nfolds=3)
