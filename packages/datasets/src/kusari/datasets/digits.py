"""The 8x8 handwritten digits that scikit-learn ships in its wheel: a real dataset, offline.

1797 grey images of 8x8 pixels with values 0-16 and their labels 0-9 (the
test part of UCI's "Optical Recognition of Handwritten Digits").  The data
file ``sklearn/datasets/data/digits.csv.gz`` is read directly: scikit-learn
is only located (``importlib.util.find_spec``), never imported, so loading
costs a few milliseconds and no download.  Install it with
``pip install kusari-datasets[digits]``.

Example:
    >>> from kusari.datasets import get_digits
    >>> train, test = get_digits()
    >>> len(train), len(test)
    (1500, 297)
    >>> x, t = train[0]
    >>> x.shape, x.dtype, float(x.max()) <= 1.0, int(t)
    ((64,), dtype('float32'), True, 0)
"""
from __future__ import annotations

import functools
import importlib.util
import os

import numpy

from kusari.utils import type_check

__all__ = ["get_digits", "get_digits_path"]

_SIDE = 8
_MAX_PIXEL = 16.0
_N_EXAMPLES = 1797
_INSTALL_HINT = "pip install 'kusari-datasets[digits]' (it installs scikit-learn, which ships the data)"


def get_digits_path() -> str:
    """The path of ``digits.csv.gz`` inside the installed scikit-learn.

    Raises:
        ImportError: scikit-learn is not installed (the message names the
            ``kusari-datasets[digits]`` extra), or its wheel lacks the file.

    Example:
        >>> from kusari.datasets.digits import get_digits_path
        >>> get_digits_path().endswith('digits.csv.gz')
        True
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"get_digits needs scikit-learn's data file: {_INSTALL_HINT}")
    for root in spec.submodule_search_locations:
        path = os.path.join(root, "datasets", "data", "digits.csv.gz")
        if os.path.exists(path):
            return path
    raise ImportError(f"get_digits: the installed scikit-learn has no datasets/data/digits.csv.gz "
                      f"(looked in {list(spec.submodule_search_locations)}); reinstall it: "
                      f"{_INSTALL_HINT}")


@functools.lru_cache(maxsize=2)
def _read_raw(path: str):
    table = numpy.loadtxt(path, delimiter=",", dtype=numpy.float64)
    if table.shape != (_N_EXAMPLES, _SIDE * _SIDE + 1):
        raise ValueError(f"get_digits: {path} has shape {table.shape}, "
                         f"expected ({_N_EXAMPLES}, {_SIDE * _SIDE + 1})")
    # The values are small integers; uint8 keeps the cached copy small.
    images = table[:, :-1].astype(numpy.uint8)
    labels = table[:, -1].astype(numpy.uint8)
    images.flags.writeable = labels.flags.writeable = False  # shared between calls
    return images, labels


def get_digits(withlabel=True, ndim=1, scale=1.0, dtype=None, label_dtype=numpy.int32,
               n_train=1500, split_seed=None):
    """The 8x8 handwritten digits, split into train and test sets, with no download.

    The split is fixed: the first ``n_train`` examples of the file are the
    training set, the rest the test set (the file cycles through the ten
    digits, so both hold every class).

    Args:
        withlabel (bool): return ``TupleDataset(images, labels)``; if False,
            only the image arrays.
        ndim (int): 1 gives images of shape ``(64,)``, 2 ``(8, 8)``,
            3 ``(1, 8, 8)``.
        scale (float): pixels (0-16 in the file) are scaled to ``[0, scale]``.
        dtype: the image dtype, a float type; ``None`` is ``kusari.config.dtype``.
        label_dtype: the label dtype.
        n_train (int): the size of the training set, 0 to 1797.
        split_seed (int or None): None keeps the file's order, so the test
            set is the last writers' digits, unseen in training (an MLP
            reaches about 0.93 there); an int shuffles the examples with
            ``numpy.random.default_rng(split_seed)`` before splitting, the
            usual random split (the same MLP reaches about 0.99).

    Returns:
        ``(train, test)``.

    Raises:
        ImportError: scikit-learn is not installed; the message names the
            ``kusari-datasets[digits]`` extra.

    Example:
        >>> from kusari.datasets import get_digits
        >>> train, test = get_digits(withlabel=False, ndim=3, scale=255.0, n_train=1000)
        >>> train.shape, test.shape, float(train.max())
        ((1000, 1, 8, 8), (797, 1, 8, 8), 255.0)
        >>> a = get_digits(withlabel=False, split_seed=0)[0]
        >>> b = get_digits(withlabel=False, split_seed=0)[0]
        >>> bool((a == b).all()), bool((a == get_digits(withlabel=False)[0]).all())
        (True, False)
    """
    import kusari
    from kusari.datasets.tuple_dataset import DatasetValueError, TupleDataset

    if isinstance(ndim, bool) or ndim not in (1, 2, 3):
        raise DatasetValueError(f"get_digits: argument 'ndim' expected 1, 2 or 3, got {ndim!r}",
                                "1, 2 or 3", repr(ndim))
    if isinstance(n_train, bool) or not isinstance(n_train, (int, numpy.integer)) \
            or not 0 <= n_train <= _N_EXAMPLES:
        raise DatasetValueError(
            f"get_digits: argument 'n_train' expected an int in [0, {_N_EXAMPLES}], got {n_train!r}",
            f"an int in [0, {_N_EXAMPLES}]", repr(n_train))
    dtype = kusari.get_dtype(dtype)
    if dtype.kind != "f":
        type_check.fail("get_digits", "dtype", "a floating-point dtype (pixels are scaled)", str(dtype))

    raw_images, raw_labels = _read_raw(get_digits_path())
    shape = {1: (_SIDE * _SIDE,), 2: (_SIDE, _SIDE), 3: (1, _SIDE, _SIDE)}[ndim]
    images = raw_images.reshape((-1,) + shape).astype(dtype)
    images *= scale / _MAX_PIXEL
    labels = raw_labels.astype(label_dtype)
    if split_seed is not None:
        if isinstance(split_seed, bool) or not isinstance(split_seed, (int, numpy.integer)):
            type_check.fail("get_digits", "split_seed", "None or an int", repr(split_seed))
        order = numpy.random.default_rng(split_seed).permutation(len(labels))
        images, labels = images[order], labels[order]
    splits = ((images[:n_train], labels[:n_train]), (images[n_train:], labels[n_train:]))
    if not withlabel:
        return tuple(x for x, _ in splits)
    return tuple(TupleDataset(x, t) for x, t in splits)
