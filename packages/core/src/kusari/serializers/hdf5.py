"""HDF5 serialization (optional: ``pip install kusari-core[hdf5]`` brings h5py).

The object tree maps onto HDF5 groups (``/predictor/l1/W``), as in Chainer;
None is stored as an empty dataset (``h5py.Empty``), so nothing is pickled.
Without h5py every entry point raises a ``RuntimeError`` that names the
install command.

Example:
    >>> import os, tempfile, numpy as np
    >>> from kusari import serializers
    >>> class Net:
    ...     def __init__(self): self.W = np.zeros(3, np.float32)
    ...     def serialize(self, s): s['l1']('W', self.W)
    >>> a = Net(); a.W += 2
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.h5')
    >>> serializers.save_hdf5(path, a)
    >>> b = Net(); serializers.load_hdf5(path, b); b.W
    array([2., 2., 2.], dtype=float32)
"""
from __future__ import annotations

import os

import numpy

from kusari import serializer
from kusari._atomic import atomic_path
from kusari.serializers._common import restore, to_storable
from kusari.serializers._errors import CorruptedFileError, MissingKeyError, closest_keys
from kusari.utils import type_check

__all__ = ["HDF5Serializer", "HDF5Deserializer", "save_hdf5", "load_hdf5"]

_INSTALL_HINT = "pip install kusari-core[hdf5]"


def _h5py(func: str):
    """The h5py module, or a RuntimeError naming the install command (Chainer raised RuntimeError too)."""
    try:
        import h5py
    except ImportError:
        raise RuntimeError(f"{func} needs h5py, which is not installed: {_INSTALL_HINT}") from None
    return h5py


def _all_dataset_names(group) -> list[str]:
    names = []
    group.visititems(lambda name, obj: names.append(name) if not hasattr(obj, "keys") else None)
    return names


class HDF5Serializer(serializer.Serializer):
    """Serialize into an ``h5py.Group``: children are subgroups, values datasets.

    Args:
        group (h5py.Group): the group this serializer writes into.
        compression (int): gzip level for datasets with more than one element.

    Example:
        >>> import os, tempfile, numpy as np, h5py
        >>> from kusari.serializers import HDF5Serializer
        >>> path = os.path.join(tempfile.mkdtemp(), 'x.h5')
        >>> with h5py.File(path, 'w') as f:
        ...     _ = HDF5Serializer(f)['l1']('W', np.ones(2))
        ...     f['l1/W'][()]
        array([1., 1.])
    """

    def __init__(self, group, compression: int = 4):
        self._h5py = _h5py("HDF5Serializer")
        self.group = group
        self.compression = compression

    def __getitem__(self, key):
        child = self.group.require_group(key.strip("/"))
        return HDF5Serializer(child, self.compression)

    def __call__(self, key, value):
        key = key.strip("/")
        if value is None:
            self.group.create_dataset(key, data=self._h5py.Empty("f"))
            return value
        arr = to_storable(key, value, "HDF5Serializer")
        if arr.dtype.kind == "U":  # h5py stores text as UTF-8 strings
            arr = numpy.asarray(arr.item().encode("utf-8")) if arr.shape == () else numpy.char.encode(arr)
        compression = self.compression if arr.size > 1 else None
        self.group.create_dataset(key, data=arr, compression=compression)
        return value


def save_hdf5(filename, obj, compression: int = 4) -> None:
    """Save ``obj`` (or a dict of arrays) to an HDF5 file, atomically.

    Example:
        >>> import os, tempfile, numpy as np, h5py
        >>> from kusari import serializers
        >>> path = os.path.join(tempfile.mkdtemp(), 'd.h5')
        >>> serializers.save_hdf5(path, {'a/b': np.arange(2)})
        >>> h5py.File(path, 'r')['a/b'][()]
        array([0, 1])
    """
    h5py = _h5py("save_hdf5")
    if not isinstance(filename, (str, os.PathLike)):
        type_check.fail("save_hdf5", "filename", "a path (str or os.PathLike)", type(filename).__name__)
    if not (isinstance(obj, dict) or hasattr(obj, "serialize")):
        type_check.fail("save_hdf5", "obj", "an object with a serialize() method or a dict",
                        type(obj).__name__)
    with atomic_path(filename) as tmp:
        with h5py.File(tmp, "w") as f:
            if isinstance(obj, dict):
                s = HDF5Serializer(f, compression)
                for key, value in obj.items():
                    parent, _, name = key.strip("/").rpartition("/")
                    (s[parent] if parent else s)(name, value)
            else:
                HDF5Serializer(f, compression).save(obj)


class HDF5Deserializer(serializer.Deserializer):
    """Load an object from an ``h5py.Group`` written by :class:`HDF5Serializer` or Chainer.

    Args:
        group (h5py.Group): the group to read from.
        strict (bool): a missing key raises ``KeyError`` (naming the key, the
            file and the closest keys); with False it is skipped.

    Example:
        >>> import os, tempfile, numpy as np, h5py
        >>> from kusari.serializers import HDF5Deserializer
        >>> path = os.path.join(tempfile.mkdtemp(), 'y.h5')
        >>> with h5py.File(path, 'w') as f: f['t'] = 7
        >>> with h5py.File(path, 'r') as f: HDF5Deserializer(f)('t', 0)
        7
    """

    def __init__(self, group, strict: bool = True, *, _path: str = "", _root=None):
        _h5py("HDF5Deserializer")
        self.group = group
        self.strict = strict
        self._path = _path  # the path from the root, kept for messages when group is None
        self._root = group if _root is None else _root

    def __getitem__(self, key):
        key = key.strip("/")
        group = None
        if self.group is not None:
            child = self.group.get(key)
            group = child if child is not None and hasattr(child, "keys") else None
        return HDF5Deserializer(group, self.strict, _path=self._path + key + "/", _root=self._root)

    def __call__(self, key, value):
        key = key.strip("/")
        full = self._path + key
        filename = self._root.file.filename
        group = self.group
        if group is None or key not in group:
            if not self.strict:
                return value
            raise MissingKeyError(full, filename, closest_keys(full, _all_dataset_names(self._root)))
        try:
            dataset = group[key]
            loaded = None if dataset.shape is None else dataset[()]
        except (OSError, ValueError) as error:
            raise CorruptedFileError("load_hdf5", filename, f"cannot read key {full!r} ({error})") from None
        if loaded is None:
            return None  # an Empty dataset: Chainer's None
        return restore("load_hdf5", full, filename, numpy.asarray(loaded), value)


def load_hdf5(filename, obj) -> None:
    """Load ``obj`` from an HDF5 file written by :func:`save_hdf5` or by Chainer.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari import serializers
        >>> path = os.path.join(tempfile.mkdtemp(), 'e.h5')
        >>> serializers.save_hdf5(path, {'n': 3})
        >>> class C:
        ...     n = 0
        ...     def serialize(self, s): self.n = s('n', self.n)
        >>> c = C(); serializers.load_hdf5(path, c); c.n
        3
    """
    h5py = _h5py("load_hdf5")
    if not hasattr(obj, "serialize"):
        type_check.fail("load_hdf5", "obj", "an object with a serialize() method", type(obj).__name__)
    name = os.fspath(filename) if isinstance(filename, (str, os.PathLike)) else str(filename)
    try:
        f = h5py.File(filename, "r")
    except FileNotFoundError:
        raise
    except OSError as error:
        if not os.path.exists(name):
            raise FileNotFoundError(f"load_hdf5: no such file: {name!r}") from None
        raise CorruptedFileError("load_hdf5", name, str(error)) from None
    with f:
        HDF5Deserializer(f).load(obj)
