"""MNIST, Fashion-MNIST and Kuzushiji-MNIST: the IDX file parser and the loaders.

The three datasets share one format: four gzip'd IDX files (train/test
images, train/test labels) of 28x28 ``uint8`` images and ``uint8`` labels.
On the first call the files are downloaded into the cache
(:func:`~kusari.datasets.download.cached_download`), parsed, and converted
into ``train.npz`` / ``test.npz`` under the dataset's directory; later calls
load only the npz (without pickle).  Offline, the error lists each file to
fetch by hand and where to put it.

Example:
    >>> import gzip, io, numpy as np
    >>> from kusari.datasets.mnist import read_idx
    >>> header = bytes([0, 0, 0x08, 2]) + (2).to_bytes(4, 'big') + (3).to_bytes(4, 'big')
    >>> read_idx(io.BytesIO(gzip.compress(header + bytes(range(6)))))
    array([[0, 1, 2],
           [3, 4, 5]], dtype=uint8)
"""
from __future__ import annotations

import gzip
import os

import numpy

from kusari.datasets import download
from kusari.utils import type_check

__all__ = [
    "IDXFormatError", "get_fashion_mnist", "get_fashion_mnist_labels", "get_kuzushiji_mnist",
    "get_kuzushiji_mnist_labels", "get_mnist", "read_idx",
]

# IDX type codes (third byte of the magic number) -> big-endian element types.
_IDX_DTYPES = {
    0x08: numpy.dtype("u1"), 0x09: numpy.dtype("i1"), 0x0B: numpy.dtype(">i2"),
    0x0C: numpy.dtype(">i4"), 0x0D: numpy.dtype(">f4"), 0x0E: numpy.dtype(">f8"),
}

_SIDE = 28
_FILES = {  # split -> (images file, labels file), as named on every mirror
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
# The original http://yann.lecun.com/exdb/mnist/ refuses most downloads today;
# this mirror serves the same files.
_BASE_URLS = {
    "mnist": "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "fashion-mnist": "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "kuzushiji-mnist": "http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
}


class IDXFormatError(ValueError):
    """A file is not a valid IDX file (bad magic number, truncated, wrong shape)."""


def _read_bytes(source) -> tuple[bytes, str]:
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            data = f.read()
        name = os.fspath(source)
    elif hasattr(source, "read"):
        data = source.read()
        name = getattr(source, "name", "<file object>")
    else:
        type_check.fail("read_idx", "source", "a path or a binary file object", type(source).__name__)
    if data[:2] == b"\x1f\x8b":  # the gzip magic number
        data = gzip.decompress(data)
    return data, str(name)


def read_idx(source) -> numpy.ndarray:
    """Parse an IDX file (plain or gzip'd) into a NumPy array in native byte order.

    The format: two zero bytes, a type code (``0x08`` uint8, ``0x09`` int8,
    ``0x0B`` int16, ``0x0C`` int32, ``0x0D`` float32, ``0x0E`` float64), the
    number of dimensions, one big-endian uint32 per dimension, then the data
    in big-endian C order.

    Args:
        source: a path, or a binary file object.

    Raises:
        IDXFormatError: a bad header, or a size that does not match it.

    Example:
        >>> import io
        >>> from kusari.datasets.mnist import read_idx
        >>> read_idx(io.BytesIO(bytes([0, 0, 0x08, 1, 0, 0, 0, 2, 7, 9])))
        array([7, 9], dtype=uint8)
    """
    data, name = _read_bytes(source)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise IDXFormatError(f"read_idx: {name} is not an IDX file (header {data[:4].hex() or 'empty'})")
    dtype, ndim = _IDX_DTYPES[data[2]], data[3]
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IDXFormatError(f"read_idx: {name} is truncated inside its header")
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = header_size + int(numpy.prod(shape, dtype=numpy.int64)) * dtype.itemsize
    if len(data) != expected:
        raise IDXFormatError(
            f"read_idx: {name} has {len(data)} bytes, its header (shape {shape}, {dtype.name}) "
            f"says {expected}")
    array = numpy.frombuffer(data, dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=False) if dtype.byteorder == ">" else array


def _convert_split(directory: str, split: str, tmp_path: str):
    """Download and parse one split; save it as npz at ``tmp_path`` and return it."""
    urls = [_BASE_URLS[directory] + f for f in _FILES[split]]
    try:
        images_path, labels_path = (download.cached_download(u) for u in urls)
    except download.DownloadError as error:
        places = "; ".join(f"{u} -> {download.cached_download_path(u)}" for u in urls)
        raise download.DownloadError(
            f"{directory}: the {split} split could not be downloaded ({error}). To use it offline, "
            f"fetch these files elsewhere and put them at: {places}") from error
    images, labels = read_idx(images_path), read_idx(labels_path)
    if images.ndim != 3 or images.shape[1:] != (_SIDE, _SIDE) or images.dtype != numpy.uint8:
        raise IDXFormatError(f"{directory}: {images_path} holds {images.dtype} of shape "
                             f"{images.shape}, expected uint8 images of shape (N, 28, 28)")
    if labels.shape != (len(images),):
        raise IDXFormatError(f"{directory}: {labels_path} holds labels of shape {labels.shape}, "
                             f"expected ({len(images)},) to match the images")
    raw = {"x": images.reshape(len(images), _SIDE * _SIDE), "y": labels.astype(numpy.uint8)}
    with open(tmp_path, "wb") as f:  # a file object: numpy.savez would append '.npz' to a name
        numpy.savez_compressed(f, **raw)
    return raw


def _load_npz(path: str):
    with numpy.load(path, allow_pickle=False) as archive:
        return {"x": archive["x"], "y": archive["y"]}


def _raw_split(directory: str, split: str):
    path = os.path.join(download.get_dataset_directory(directory), f"{split}.npz")
    return download.cache_or_load_file(
        path, lambda tmp: _convert_split(directory, split, tmp), _load_npz)


def _preprocess(raw, withlabel, ndim, scale, dtype, label_dtype, rgb_format):
    images = raw["x"]
    if ndim == 2:
        images = images.reshape(-1, _SIDE, _SIDE)
    elif ndim == 3:
        images = images.reshape(-1, 1, _SIDE, _SIDE)
        if rgb_format:
            images = numpy.broadcast_to(images, (len(images), 3, _SIDE, _SIDE))
    images = images.astype(dtype)  # also materialises the RGB broadcast, writable
    images *= scale / 255.0
    if not withlabel:
        return images
    from kusari.datasets.tuple_dataset import TupleDataset

    return TupleDataset(images, raw["y"].astype(label_dtype))


def _check_arguments(func, ndim, dtype):
    if isinstance(ndim, bool) or ndim not in (1, 2, 3):
        from kusari.datasets.tuple_dataset import DatasetValueError

        raise DatasetValueError(f"{func}: argument 'ndim' expected 1, 2 or 3, got {ndim!r}",
                                "1, 2 or 3", repr(ndim))
    import kusari

    dtype = kusari.get_dtype(dtype)
    if dtype.kind != "f":
        type_check.fail(func, "dtype", "a floating-point dtype (pixels are scaled)", str(dtype))
    return dtype


def _load(func, directory, withlabel, ndim, scale, dtype, label_dtype, rgb_format):
    dtype = _check_arguments(func, ndim, dtype)
    return tuple(
        _preprocess(_raw_split(directory, split), withlabel, ndim, scale, dtype,
                    label_dtype, rgb_format)
        for split in ("train", "test"))


_ARGS_DOC = """
    Args:
        withlabel (bool): return ``TupleDataset(images, labels)``; if False,
            only the image arrays.
        ndim (int): 1 gives images of shape ``(784,)``, 2 ``(28, 28)``,
            3 ``(1, 28, 28)``.
        scale (float): pixels are scaled to ``[0, scale]``.
        dtype: the image dtype, a float type; ``None`` is ``kusari.config.dtype``.
        label_dtype: the label dtype.
        rgb_format (bool): with ``ndim == 3``, repeat the grey channel into
            three: shape ``(3, 28, 28)``.

    Returns:
        ``(train, test)``: 60000 and 10000 examples.
"""


def get_mnist(withlabel=True, ndim=1, scale=1.0, dtype=None, label_dtype=numpy.int32,
              rgb_format=False):
    """The MNIST handwritten digits (28x28 grey images, labels 0-9), downloaded once.

    Example:
        >>> from kusari.datasets import get_mnist
        >>> train, test = get_mnist()  # doctest: +SKIP
        >>> x, t = train[0]  # doctest: +SKIP
        >>> x.shape, x.dtype, int(t)  # doctest: +SKIP
        ((784,), dtype('float32'), 5)
    """
    return _load("get_mnist", "mnist", withlabel, ndim, scale, dtype, label_dtype, rgb_format)


def get_fashion_mnist(withlabel=True, ndim=1, scale=1.0, dtype=None, label_dtype=numpy.int32,
                      rgb_format=False):
    """Fashion-MNIST (28x28 grey images of clothes, 10 classes), downloaded once.

    The class names are :func:`get_fashion_mnist_labels`.

    Example:
        >>> from kusari.datasets import get_fashion_mnist, get_fashion_mnist_labels
        >>> train, test = get_fashion_mnist(ndim=3)  # doctest: +SKIP
        >>> x, t = train[0]  # doctest: +SKIP
        >>> x.shape, get_fashion_mnist_labels()[int(t)]  # doctest: +SKIP
        ((1, 28, 28), 'Ankle boot')
    """
    return _load("get_fashion_mnist", "fashion-mnist", withlabel, ndim, scale, dtype, label_dtype,
                 rgb_format)


def get_kuzushiji_mnist(withlabel=True, ndim=1, scale=1.0, dtype=None, label_dtype=numpy.int32,
                        rgb_format=False):
    """Kuzushiji-MNIST (28x28 grey images of cursive hiragana, 10 classes), downloaded once.

    The class names are :func:`get_kuzushiji_mnist_labels`.

    Example:
        >>> from kusari.datasets import get_kuzushiji_mnist
        >>> train, test = get_kuzushiji_mnist(withlabel=False, ndim=2)  # doctest: +SKIP
        >>> train.shape  # doctest: +SKIP
        (60000, 28, 28)
    """
    return _load("get_kuzushiji_mnist", "kuzushiji-mnist", withlabel, ndim, scale, dtype,
                 label_dtype, rgb_format)


for _f in (get_mnist, get_fashion_mnist, get_kuzushiji_mnist):
    _f.__doc__ = _f.__doc__.replace("\n    Example:", _ARGS_DOC + "\n    Example:", 1)
del _f


def get_fashion_mnist_labels():
    """The Fashion-MNIST class names, indexed by label.

    Example:
        >>> from kusari.datasets import get_fashion_mnist_labels
        >>> get_fashion_mnist_labels()[9]
        'Ankle boot'
    """
    return ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
            "Bag", "Ankle boot"]


def get_kuzushiji_mnist_labels():
    """The Kuzushiji-MNIST classes as ``(romanisation, hiragana)`` pairs, indexed by label.

    Example:
        >>> from kusari.datasets import get_kuzushiji_mnist_labels
        >>> get_kuzushiji_mnist_labels()[0]
        ('o', 'お')
    """
    return [("o", "お"), ("ki", "き"), ("su", "す"), ("tsu", "つ"), ("na", "な"), ("ha", "は"),
            ("ma", "ま"), ("ya", "や"), ("re", "れ"), ("wo", "を")]
