"""SVHN, the Street View House Numbers (Chainer's ``get_svhn``).

The cropped-digit files ``train_32x32.mat``, ``test_32x32.mat`` (and
``extra_32x32.mat``) are downloaded once, read with ``scipy.io.loadmat``
and converted into ``svhn/<split>.npz``; later calls load only the npz.
SciPy is an optional dependency: ``pip install 'kusari-datasets[svhn]'``.

The files hold ``X`` of shape ``(32, 32, 3, N)`` and ``y`` of shape
``(N, 1)`` with the digit 0 labelled 10; the loader returns images of shape
``(3, 32, 32)`` and maps label 10 to 0, as Chainer does.

Example:
    >>> from kusari.datasets import get_svhn
    >>> train, test = get_svhn()  # doctest: +SKIP
    >>> x, t = train[0]  # doctest: +SKIP
    >>> x.shape, x.dtype  # doctest: +SKIP
    ((3, 32, 32), dtype('float32'))
"""
from __future__ import annotations

import os

import numpy

from kusari.datasets import download
from kusari.utils import type_check

__all__ = ["SVHNFormatError", "get_svhn"]

_BASE_URL = "http://ufldl.stanford.edu/housenumbers/"
_INSTALL_HINT = "pip install 'kusari-datasets[svhn]' (it installs scipy)"


class SVHNFormatError(ValueError):
    """A ``.mat`` file does not hold SVHN's ``X`` (32, 32, 3, N) and ``y`` (N, 1)."""


def _url(split: str) -> str:
    return f"{_BASE_URL}{split}_32x32.mat"


def _loadmat():
    try:
        from scipy.io import loadmat
    except ImportError as error:
        raise ImportError(f"get_svhn needs scipy to read the .mat files: {_INSTALL_HINT}") from error
    return loadmat


def _convert(split: str, tmp_path: str):
    loadmat = _loadmat()
    url = _url(split)
    try:
        path = download.cached_download(url)
    except download.DownloadError as error:
        raise download.DownloadError(
            f"svhn: the {split} split could not be downloaded ({error}). To use it offline, fetch "
            f"{url} elsewhere and put it at {download.cached_download_path(url)}") from error
    mat = loadmat(path)
    images, labels = mat.get("X"), mat.get("y")
    if images is None or labels is None or images.ndim != 4 or images.shape[:3] != (32, 32, 3):
        raise SVHNFormatError(f"svhn: {path} does not hold 'X' of shape (32, 32, 3, N) and 'y'")
    if labels.size != images.shape[3]:
        raise SVHNFormatError(f"svhn: {path} holds {labels.size} labels for {images.shape[3]} images")
    raw = {"x": images.astype(numpy.uint8), "y": labels.astype(numpy.uint8)}
    with open(tmp_path, "wb") as f:  # a file object: numpy.savez would append '.npz' to a name
        numpy.savez_compressed(f, **raw)
    return raw


def _load_npz(path: str):
    with numpy.load(path, allow_pickle=False) as archive:
        return {"x": archive["x"], "y": archive["y"]}


def _preprocess(raw, withlabel, scale, dtype, label_dtype):
    images = raw["x"].transpose(3, 2, 0, 1).astype(dtype)  # (H, W, C, N) -> (N, C, H, W)
    images *= scale / 255.0
    if not withlabel:
        return images
    labels = raw["y"].ravel().astype(label_dtype)
    labels[labels == 10] = 0  # SVHN labels the digit 0 as 10
    from kusari.datasets.tuple_dataset import TupleDataset

    return TupleDataset(images, labels)


def get_svhn(withlabel=True, scale=1.0, dtype=None, label_dtype=numpy.int32, add_extra=False):
    """SVHN cropped digits (32x32 RGB images, labels 0-9), downloaded once.

    Args:
        withlabel (bool): return ``TupleDataset(images, labels)``; if False,
            only the image arrays.
        scale (float): pixels are scaled to ``[0, scale]``.
        dtype: the image dtype, a float type; ``None`` is ``kusari.config.dtype``.
        label_dtype: the label dtype.
        add_extra (bool): also return the "extra" training set.

    Returns:
        ``(train, test)``, or ``(train, test, extra)`` with ``add_extra``;
        images of shape ``(3, 32, 32)``.

    Raises:
        ImportError: scipy is not installed (``kusari-datasets[svhn]``).

    Example:
        >>> from kusari.datasets import get_svhn
        >>> train, test, extra = get_svhn(withlabel=False, add_extra=True)  # doctest: +SKIP
        >>> train.shape  # doctest: +SKIP
        (73257, 3, 32, 32)
    """
    import kusari

    dtype = kusari.get_dtype(dtype)
    if dtype.kind != "f":
        type_check.fail("get_svhn", "dtype", "a floating-point dtype (pixels are scaled)", str(dtype))
    _loadmat()  # fail early, even when the npz caches exist, as Chainer does
    directory = download.get_dataset_directory("svhn")
    splits = ("train", "test", "extra") if add_extra else ("train", "test")
    return tuple(
        _preprocess(download.cache_or_load_file(os.path.join(directory, f"{split}.npz"),
                                                lambda tmp, split=split: _convert(split, tmp),
                                                _load_npz),
                    withlabel, scale, dtype, label_dtype)
        for split in splits)
