"""CIFAR-10 and CIFAR-100 (Chainer's ``get_cifar10`` / ``get_cifar100``).

The "python version" archives (``cifar-10-python.tar.gz``,
``cifar-100-python.tar.gz``) are downloaded once; their batches are read
straight out of the tar (nothing is extracted) and converted into
``cifar/cifar-10.npz`` / ``cifar/cifar-100.npz``, which later calls load
without pickle.

The batches are Python 2 pickles of a dict holding a ``uint8`` array and
label lists.  Unpickling runs whatever callables a file names, so they are
read with :class:`RestrictedUnpickler`, which resolves only the three NumPy
names such a file needs (``_reconstruct``, ``ndarray``, ``dtype``) and
refuses every other global: a tampered archive cannot run code.

Example:
    >>> import io, pickle, numpy as np
    >>> from kusari.datasets.cifar import load_batch
    >>> data = pickle.dumps({'data': np.zeros((1, 3072), np.uint8), 'labels': [7]}, protocol=2)
    >>> batch = load_batch(io.BytesIO(data))
    >>> batch['data'].shape, batch['labels']
    ((1, 3072), [7])
"""
from __future__ import annotations

import codecs
import os
import pickle
import tarfile

import numpy

from kusari.datasets import download
from kusari.utils import type_check

__all__ = ["CIFARFormatError", "RestrictedUnpickler", "get_cifar10", "get_cifar100", "load_batch"]

_SIZE = 3 * 32 * 32
_BASE_URL = "https://www.cs.toronto.edu/~kriz/"
# name -> (archive, [(split, tar member), ...], label key)
_LAYOUT = {
    "cifar-10": ("cifar-10-python.tar.gz",
                 [("train", f"cifar-10-batches-py/data_batch_{i}") for i in range(1, 6)]
                 + [("test", "cifar-10-batches-py/test_batch")], "labels"),
    "cifar-100": ("cifar-100-python.tar.gz",
                  [("train", "cifar-100-python/train"), ("test", "cifar-100-python/test")],
                  "fine_labels"),
}


class CIFARFormatError(ValueError):
    """A CIFAR archive or batch is not in the expected format (or names a forbidden global)."""


def _latin1_encode(text, encoding="latin1"):
    # What Python 3's protocol-2 pickles use for bytes; only this codec is allowed.
    if codecs.lookup(encoding).name != "iso8859-1":
        raise CIFARFormatError(f"load_batch: the pickle asks for the codec {encoding!r}")
    return codecs.encode(text, "latin1")


def _empty_bytes():
    # Python 3 pickles b'' under protocol 2 as a call of bytes(); no argument is accepted,
    # so a file cannot make it allocate.
    return b""


_RECONSTRUCT = numpy.empty(0).__reduce__()[0]  # numpy's own _reconstruct, whatever its module
_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): numpy.ndarray,
    ("numpy", "dtype"): numpy.dtype,
    ("_codecs", "encode"): _latin1_encode,
    ("__builtin__", "bytes"): _empty_bytes,
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the NumPy names a CIFAR batch needs.

    Any other global (``os.system``, ``builtins.eval``, ...) raises
    :class:`CIFARFormatError` before anything is called.

    Example:
        >>> import io, pickle
        >>> from kusari.datasets.cifar import RestrictedUnpickler
        >>> RestrictedUnpickler(io.BytesIO(pickle.dumps(print, protocol=4))).load()
        Traceback (most recent call last):
        ...
        kusari.datasets.cifar.CIFARFormatError: load_batch: the pickle names builtins.print, which a CIFAR batch never holds; refusing to load it
    """

    def __init__(self, file):
        # Python 2 str objects (keys, the raw pixel string) decode as latin-1.
        super().__init__(file, encoding="latin1")

    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise CIFARFormatError(f"load_batch: the pickle names {module}.{name}, which a CIFAR "
                                   f"batch never holds; refusing to load it") from None


def load_batch(file) -> dict:
    """Read one CIFAR batch (a pickled dict) from a binary file object, safely.

    Keys come back as ``str`` (``'data'``, ``'labels'`` or ``'fine_labels'``, ...).

    Raises:
        CIFARFormatError: not a pickled dict, or a forbidden global.

    Example:
        >>> import io, pickle, numpy as np
        >>> from kusari.datasets.cifar import load_batch
        >>> blob = pickle.dumps({'data': np.ones((2, 3072), np.uint8), 'fine_labels': [3, 99]}, 2)
        >>> sorted(load_batch(io.BytesIO(blob)))
        ['data', 'fine_labels']
    """
    if not hasattr(file, "read"):
        type_check.fail("load_batch", "file", "a binary file object", type(file).__name__)
    try:
        batch = RestrictedUnpickler(file).load()
    except CIFARFormatError:
        raise
    except Exception as error:
        raise CIFARFormatError(f"load_batch: not a readable pickle ({type(error).__name__}: "
                               f"{error})") from error
    if not isinstance(batch, dict):
        raise CIFARFormatError(f"load_batch: the pickle holds a {type(batch).__name__}, "
                               f"expected a dict")
    return {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in batch.items()}


def _arrays_of(batch: dict, label_key: str, where: str):
    data, labels = batch.get("data"), batch.get(label_key)
    if not isinstance(data, numpy.ndarray) or data.dtype != numpy.uint8 or data.size % _SIZE:
        raise CIFARFormatError(f"{where}: 'data' is not a uint8 array of rows of {_SIZE} pixels")
    data = data.reshape(-1, _SIZE)
    if not isinstance(labels, list) or len(labels) != len(data):
        raise CIFARFormatError(f"{where}: {label_key!r} is not a list of {len(data)} labels")
    return data, numpy.asarray(labels, dtype=numpy.uint8)


def _convert(name: str, tmp_path: str):
    archive_name, members, label_key = _LAYOUT[name]
    url = _BASE_URL + archive_name
    try:
        archive_path = download.cached_download(url)
    except download.DownloadError as error:
        raise download.DownloadError(
            f"{name}: the archive could not be downloaded ({error}). To use it offline, fetch {url} "
            f"elsewhere and put it at {download.cached_download_path(url)}") from error
    parts = {"train": [], "test": []}
    with tarfile.open(archive_path, "r:gz") as archive:
        for split, member in members:
            try:
                file = archive.extractfile(member)
            except KeyError:
                file = None
            if file is None:
                raise CIFARFormatError(f"{name}: {archive_path} has no file {member}")
            with file:
                parts[split].append(_arrays_of(load_batch(file), label_key, f"{name}: {member}"))
    raw = {}
    for split, arrays in parts.items():
        raw[f"{split}_x"] = numpy.concatenate([x for x, _ in arrays])
        raw[f"{split}_y"] = numpy.concatenate([y for _, y in arrays])
    with open(tmp_path, "wb") as f:  # a file object: numpy.savez would append '.npz' to a name
        numpy.savez_compressed(f, **raw)
    return raw


def _load_npz(path: str):
    with numpy.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def _preprocess(images, labels, withlabel, ndim, scale, dtype):
    images = images.reshape((-1, _SIZE) if ndim == 1 else (-1, 3, 32, 32)).astype(dtype)
    images *= scale / 255.0
    if not withlabel:
        return images
    from kusari.datasets.tuple_dataset import TupleDataset

    return TupleDataset(images, labels.astype(numpy.int32))


def _get_cifar(func, name, withlabel, ndim, scale, dtype):
    if isinstance(ndim, bool) or ndim not in (1, 3):
        from kusari.datasets.tuple_dataset import DatasetValueError

        raise DatasetValueError(f"{func}: argument 'ndim' expected 1 or 3, got {ndim!r}",
                                "1 or 3", repr(ndim))
    import kusari

    dtype = kusari.get_dtype(dtype)
    if dtype.kind != "f":
        type_check.fail(func, "dtype", "a floating-point dtype (pixels are scaled)", str(dtype))
    path = os.path.join(download.get_dataset_directory("cifar"), f"{name}.npz")
    raw = download.cache_or_load_file(path, lambda tmp: _convert(name, tmp), _load_npz)
    return tuple(_preprocess(raw[f"{s}_x"], raw[f"{s}_y"], withlabel, ndim, scale, dtype)
                 for s in ("train", "test"))


_ARGS_DOC = """
    Args:
        withlabel (bool): return ``TupleDataset(images, labels)`` (labels
            ``int32``); if False, only the image arrays.
        ndim (int): 1 gives images of shape ``(3072,)``, 3 ``(3, 32, 32)``.
        scale (float): pixels are scaled to ``[0, scale]``.
        dtype: the image dtype, a float type; ``None`` is ``kusari.config.dtype``.

    Returns:
        ``(train, test)``: 50000 and 10000 examples.
"""


def get_cifar10(withlabel=True, ndim=3, scale=1.0, dtype=None):
    """CIFAR-10 (32x32 RGB images, 10 classes), downloaded once.

    Example:
        >>> from kusari.datasets import get_cifar10
        >>> train, test = get_cifar10()  # doctest: +SKIP
        >>> x, t = train[0]  # doctest: +SKIP
        >>> x.shape, x.dtype, int(t)  # doctest: +SKIP
        ((3, 32, 32), dtype('float32'), 6)
    """
    return _get_cifar("get_cifar10", "cifar-10", withlabel, ndim, scale, dtype)


def get_cifar100(withlabel=True, ndim=3, scale=1.0, dtype=None):
    """CIFAR-100 (32x32 RGB images, 100 fine classes), downloaded once.

    Example:
        >>> from kusari.datasets import get_cifar100
        >>> train, test = get_cifar100(withlabel=False, ndim=1)  # doctest: +SKIP
        >>> train.shape  # doctest: +SKIP
        (50000, 3072)
    """
    return _get_cifar("get_cifar100", "cifar-100", withlabel, ndim, scale, dtype)


for _f in (get_cifar10, get_cifar100):
    _f.__doc__ = _f.__doc__.replace("\n    Example:", _ARGS_DOC + "\n    Example:", 1)
del _f
