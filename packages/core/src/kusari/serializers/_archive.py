"""Reading and writing ``.npz`` archives without ever running code from the file.

``numpy.load(allow_pickle=False)`` refuses every object array, but Chainer
writes ``None`` (a lazily initialised parameter never given a shape) as a
0-d object array, i.e. a tiny pickle.  :class:`NpzArchive` reads that one
pattern with an unpickler that can build nothing but NumPy's ``ndarray`` and
``dtype`` (every other global is refused before it is looked up, so no
code from the file runs), checks that the result is exactly a 0-d object
array holding None, and refuses anything else.  Ordinary arrays are read
with ``allow_pickle=False``.

Example:
    >>> import io, numpy as np
    >>> from kusari.serializers._archive import NpzArchive, write_npz
    >>> buf = io.BytesIO()
    >>> write_npz(buf, {'W': np.ones(2, np.float32), 'lazy': np.asarray(None)}, compression=False)
    >>> _ = buf.seek(0)
    >>> with NpzArchive(buf) as a:
    ...     a['W'], a['lazy'][()] is None
    (array([1., 1.], dtype=float32), True)
"""
from __future__ import annotations

import io
import os
import pickle
import zipfile
import zlib

import numpy
from numpy.lib import format as npy_format

from kusari.serializers._errors import (
    CorruptedFileError,
    MissingKeyError,
    UnsafeObjectArrayError,
    closest_keys,
)

__all__ = ["NpzArchive", "write_npz", "none_marker", "is_none_marker"]

# Chainer's pickle of numpy.asarray(None) is ~150 bytes; anything much
# larger is not that pattern and is refused before unpickling.
_MAX_PICKLE_BYTES = 4096


def _reconstruct():
    from numpy._core import multiarray

    return multiarray._reconstruct


# What a pickled 0-d object array may refer to.  Files from NumPy 1.x name
# ``numpy.core.multiarray``; resolve it here without importing the deprecated
# ``numpy.core`` alias.
_ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): lambda: numpy.ndarray,
    ("numpy", "dtype"): lambda: numpy.dtype,
}


class _Refused(Exception):
    pass


class _NoneOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        get = _ALLOWED_GLOBALS.get((module, name))
        if get is None:
            raise _Refused(f"the pickle refers to {module}.{name}")
        return get()

    def persistent_load(self, pid):
        raise _Refused("the pickle uses persistent ids")


def none_marker():
    """A fresh 0-d object array holding None: how Chainer and kusari store ``None``.

    Example:
        >>> from kusari.serializers._archive import none_marker, is_none_marker
        >>> is_none_marker(none_marker())
        True
    """
    return numpy.asarray(None)


def is_none_marker(value) -> bool:
    """Whether ``value`` is the 0-d object array holding None."""
    return (isinstance(value, numpy.ndarray) and value.dtype == object and value.shape == ()
            and value[()] is None)


def _name_of(file) -> str:
    if isinstance(file, (str, os.PathLike)):
        return os.fspath(file)
    name = getattr(file, "name", None)
    return name if isinstance(name, str) else f"<{type(file).__name__}>"


class NpzArchive:
    """A read-only ``.npz`` archive, read safely (no unpickling but the None marker).

    Behaves like the ``NpzFile`` of ``numpy.load``: ``key in archive``,
    ``archive[key]``, ``archive.files``, ``keys()``, and a context manager.

    Args:
        file: path or seekable binary file object.
        func: name shown in error messages (``'load_npz'``).

    Example:
        >>> import io, numpy as np
        >>> from kusari.serializers._archive import NpzArchive
        >>> buf = io.BytesIO(); np.savez(buf, a=np.arange(3)); _ = buf.seek(0)
        >>> NpzArchive(buf).files
        ['a']
    """

    def __init__(self, file, func: str = "load_npz"):
        self.filename = _name_of(file)
        self.func = func
        try:
            self._zip = zipfile.ZipFile(file)
        except FileNotFoundError:
            raise
        except (zipfile.BadZipFile, EOFError, ValueError, OSError) as error:
            raise CorruptedFileError(func, self.filename, f"not a readable zip archive ({error})") from None
        self._members = {}
        for info in self._zip.infolist():
            name = info.filename
            key = name[:-4] if name.endswith(".npy") else name
            self._members[key] = name

    # ---- mapping ---------------------------------------------------------
    @property
    def files(self) -> list[str]:
        return list(self._members)

    def keys(self):
        return self._members.keys()

    def __iter__(self):
        return iter(self._members)

    def __len__(self):
        return len(self._members)

    def __contains__(self, key) -> bool:
        return key in self._members

    def __getitem__(self, key):
        member = self._members.get(key)
        if member is None:
            raise MissingKeyError(key, self.filename, closest_keys(key, self._members))
        try:
            with self._zip.open(member) as fp:
                version = npy_format.read_magic(fp)
                if version == (1, 0):
                    shape, _, dtype = npy_format.read_array_header_1_0(fp)
                else:
                    shape, _, dtype = npy_format.read_array_header_2_0(fp)
                if dtype.hasobject:
                    return self._read_none_marker(fp, key, shape, dtype)
            with self._zip.open(member) as fp:
                return npy_format.read_array(fp, allow_pickle=False)
        except (UnsafeObjectArrayError, MissingKeyError):
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as error:
            raise CorruptedFileError(self.func, self.filename,
                                     f"cannot read key {key!r} ({type(error).__name__}: {error})") from None

    def _read_none_marker(self, fp, key, shape, dtype):
        if shape != () or dtype.kind != "O":
            raise UnsafeObjectArrayError(key, self.filename, f"an object array of shape {shape}")
        payload = fp.read(_MAX_PICKLE_BYTES + 1)
        if len(payload) > _MAX_PICKLE_BYTES:
            raise UnsafeObjectArrayError(key, self.filename, "the pickle is too large to be None")
        try:
            value = _NoneOnlyUnpickler(io.BytesIO(payload)).load()
        except _Refused as why:
            raise UnsafeObjectArrayError(key, self.filename, str(why)) from None
        except Exception as error:  # noqa: BLE001 - a malformed pickle is a damaged file
            raise CorruptedFileError(self.func, self.filename,
                                     f"cannot read key {key!r} ({type(error).__name__}: {error})") from None
        if not is_none_marker(value):
            raise UnsafeObjectArrayError(key, self.filename, "the object array does not hold None")
        return none_marker()

    # ---- lifetime --------------------------------------------------------
    def close(self) -> None:
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<NpzArchive {self.filename!r}: {len(self._members)} keys>"


def _as_storable(key: str, value, func: str) -> numpy.ndarray:
    arr = numpy.asanyarray(value)
    if arr.dtype.hasobject and not is_none_marker(arr):
        from kusari.serializer import fail_value

        fail_value(func, "obj", "arrays, Python scalars, strings or None as values",
                   f"an object array of shape {arr.shape} under key {key!r} (only None is "
                   f"stored as an object array; kusari never unpickles on load)")
    return arr


def write_npz(fileobj, target: dict, compression: bool = True, func: str = "save_npz") -> None:
    """Write ``{key: array}`` to a binary file object in NumPy's npz layout.

    Keys are written as given (``'predictor/l1/W'`` -> member
    ``predictor/l1/W.npy``), so any key works, even ``'file'``, which
    ``numpy.savez`` would take as its own argument.

    Example:
        >>> import io, numpy as np
        >>> from kusari.serializers._archive import write_npz
        >>> buf = io.BytesIO(); write_npz(buf, {'file': np.zeros(1)})
        >>> _ = buf.seek(0); sorted(np.load(buf).files)
        ['file']
    """
    arrays = [(key, _as_storable(key, value, func)) for key, value in target.items()]
    mode = zipfile.ZIP_DEFLATED if compression else zipfile.ZIP_STORED
    with zipfile.ZipFile(fileobj, mode="w", compression=mode, allowZip64=True) as zf:
        for key, arr in arrays:
            with zf.open(key + ".npy", "w", force_zip64=True) as out:
                # Pickling is allowed for writing only, and only the None
                # marker reaches here: Chainer reads None back that way.
                npy_format.write_array(out, arr, allow_pickle=True)
