"""NPZ serialization: ``DictionarySerializer``, ``NpzDeserializer``, ``save_npz``, ``load_npz``.

The key layout is Chainer's: a flat dictionary whose keys are the paths of
the values in the object tree (``predictor/l1/W``, an optimizer's
``predictor/l1/W/m``, ``t``, ``epoch``), so files written by Chainer 7 load
into the same kusari objects and the reverse.  See docs/serialization.md.

Example:
    >>> import io, numpy as np
    >>> from kusari import serializers
    >>> class Net:
    ...     def __init__(self): self.W = np.zeros((2, 2), np.float32); self.n = 0
    ...     def serialize(self, s):
    ...         s('W', self.W); self.n = s('n', self.n)
    >>> a = Net(); a.W += 1; a.n = 5
    >>> buf = io.BytesIO(); serializers.save_npz(buf, a); _ = buf.seek(0)
    >>> b = Net(); serializers.load_npz(buf, b); b.W.sum(), b.n
    (np.float32(4.0), 5)
"""
from __future__ import annotations

import os

import numpy

from kusari import serializer
from kusari._atomic import atomic_write
from kusari.serializers._archive import NpzArchive, write_npz
from kusari.serializers._common import restore, to_storable
from kusari.serializers._errors import MissingKeyError, closest_keys
from kusari.utils import type_check

__all__ = ["DictionarySerializer", "NpzDeserializer", "serialize", "save_npz", "load_npz"]


class DictionarySerializer(serializer.Serializer):
    """Serialize an object into a flat ``{path: array}`` dictionary.

    It writes no file: feed ``target`` to :func:`save_npz` (or
    ``numpy.savez``).  Arrays are stored by reference, not copied (as in
    Chainer); device arrays are copied to the host.  Python scalars become
    0-d arrays (``int`` -> int64, ``float`` -> float64, ``bool`` -> bool) and
    None becomes a 0-d object array.

    Args:
        target (dict): dictionary to fill; a new one when None.
        path (str): the prefix of every key written (``'predictor/'``).

    Example:
        >>> import numpy as np
        >>> from kusari.serializers import DictionarySerializer
        >>> s = DictionarySerializer()
        >>> s['l1']('W', np.ones(2, np.float32)); s('t', 3)
        array([1., 1.], dtype=float32)
        3
        >>> sorted(s.target)
        ['l1/W', 't']
    """

    def __init__(self, target=None, path: str = ""):
        self.target = {} if target is None else target
        self.path = path

    def __getitem__(self, key):
        return DictionarySerializer(self.target, self.path + key.strip("/") + "/")

    def __call__(self, key, value):
        key = key.lstrip("/")
        self.target[self.path + key] = to_storable(self.path + key, value)
        return value


def serialize(obj) -> dict:
    """Serialize ``obj`` into a new ``{path: array}`` dictionary.

    Example:
        >>> from kusari.serializers import npz
        >>> class C:
        ...     def serialize(self, s): s('x', 1.5)
        >>> npz.serialize(C())
        {'x': array(1.5)}
    """
    s = DictionarySerializer()
    s.save(obj)
    return s.target


def save_npz(file, obj, compression: bool = True) -> None:
    """Save ``obj`` (anything with ``serialize``, or a ready dict) in NPZ format.

    A path is written atomically: to a temporary file in the same directory,
    flushed and fsynced, then renamed over ``file``, so a crash never leaves a
    half-written file under the final name.  A file object is written as is.

    Args:
        file: path (str or ``os.PathLike``) or binary file object.
        obj: object with a ``serialize`` method, or a dict of arrays.
        compression (bool): deflate the archive members (``savez_compressed``).

    Example:
        >>> import os, tempfile, numpy as np
        >>> from kusari import serializers
        >>> path = os.path.join(tempfile.mkdtemp(), 'd.npz')
        >>> serializers.save_npz(path, {'a': np.arange(3)})
        >>> np.load(path)['a']
        array([0, 1, 2])
    """
    if not isinstance(compression, (bool, numpy.bool_)):
        type_check.fail("save_npz", "compression", "a bool", f"{type(compression).__name__} {compression!r}")
    if isinstance(obj, dict):
        target = obj
    elif hasattr(obj, "serialize"):
        target = serialize(obj)
    else:
        type_check.fail("save_npz", "obj", "an object with a serialize() method or a dict",
                        type(obj).__name__)
    if isinstance(file, (str, os.PathLike)):
        with atomic_write(file, "wb") as f:
            write_npz(f, target, bool(compression))
    else:
        write_npz(file, target, bool(compression))


def _ignore_matchers(ignore_names, func):
    if ignore_names is None:
        return ()
    names = ignore_names if isinstance(ignore_names, (list, tuple)) else (ignore_names,)
    for n in names:
        if not (isinstance(n, str) or callable(n)):
            type_check.fail(func, "ignore_names", "a str, a callable, or a list of them",
                            f"an element of type {type(n).__name__}")
    return tuple(names)


def _filename_of(npz) -> str:
    name = getattr(npz, "filename", None)
    if isinstance(name, str):
        return name
    zf = getattr(npz, "zip", None)  # numpy's NpzFile
    name = getattr(zf, "filename", None)
    return name if isinstance(name, str) else f"<{type(npz).__name__}>"


class NpzDeserializer(serializer.Deserializer):
    """Load an object from an NPZ archive (or any ``{path: array}`` mapping).

    Args:
        npz: the archive: what :func:`load_npz` opens, ``numpy.load(...)`` of
            an ``.npz``, or a dict such as ``DictionarySerializer.target``.
        path (str): prefix under which the object's keys are read.
        strict (bool): a missing key raises :class:`~kusari.serializers.MissingKeyError`
            (a ``KeyError`` naming the key, the file and the closest keys);
            with False it is skipped and the value left as it is.
        ignore_names: a key, a callable ``f(key) -> bool``, or a list of
            them: matching keys are skipped.

    Example:
        >>> import numpy as np
        >>> from kusari.serializers import NpzDeserializer
        >>> d = NpzDeserializer({'l1/W': np.ones(2, np.float32), 't': np.array(4)})
        >>> w = np.zeros(2, np.float32); _ = d['l1']('W', w); w
        array([1., 1.], dtype=float32)
        >>> d('t', 0)
        4
    """

    def __init__(self, npz, path: str = "", strict: bool = True, ignore_names=None):
        self.npz = npz
        self.path = path
        self.strict = strict
        self.ignore_names = ignore_names
        self._ignore = _ignore_matchers(ignore_names, "NpzDeserializer")

    def __getitem__(self, key):
        child = NpzDeserializer.__new__(NpzDeserializer)
        child.npz = self.npz
        child.path = self.path + key.strip("/") + "/"
        child.strict = self.strict
        child.ignore_names = self.ignore_names
        child._ignore = self._ignore
        return child

    def __call__(self, key, value):
        key = self.path + key.lstrip("/")
        npz = self.npz
        if key not in npz:
            if not self.strict:
                return value
            if not self._ignored(key):
                keys = npz.files if hasattr(npz, "files") else list(npz)
                raise MissingKeyError(key, _filename_of(npz), closest_keys(key, keys))
        if self._ignored(key):
            return value
        loaded = npz[key]
        if value is None and isinstance(npz, dict) and isinstance(loaded, numpy.ndarray):
            # A dict (e.g. another object's DictionarySerializer target) holds
            # live arrays: never hand them out, or two optimizers would share state.
            loaded = loaded.copy()
        return restore("load_npz", key, _filename_of(npz), loaded, value)

    def _ignored(self, key) -> bool:
        for name in self._ignore:
            if name == key if isinstance(name, str) else name(key):
                return True
        return False


def load_npz(file, obj, path: str = "", strict: bool = True, ignore_names=None) -> None:
    """Load ``obj`` from an NPZ file written by :func:`save_npz` or by Chainer.

    Never unpickles: arrays are read with ``allow_pickle=False``, except that
    Chainer's marker for None (a 0-d object array holding None) is read back
    with an unpickler that can build nothing else.

    Args:
        file: path or binary file object.
        obj: object with a ``serialize`` method (a Link, an Optimizer, ...).
        path (str): prefix in the file under which ``obj`` was saved, e.g.
            ``'updater/model:main/'`` to take a model out of a trainer snapshot.
        strict (bool): see :class:`NpzDeserializer`.
        ignore_names: see :class:`NpzDeserializer`.

    Raises:
        MissingKeyError: a key ``obj`` needs is absent (a ``KeyError``).
        CorruptedFileError: the file is truncated or corrupted.
        UnsafeObjectArrayError: a key holds a pickled object other than None.

    Example:
        >>> import io, numpy as np
        >>> from kusari import serializers
        >>> buf = io.BytesIO(); serializers.save_npz(buf, {'x/W': np.ones(2)}); _ = buf.seek(0)
        >>> class Holder:
        ...     W = np.zeros(2)
        ...     def serialize(self, s): s('W', self.W)
        >>> h = Holder(); serializers.load_npz(buf, h, path='x/'); h.W
        array([1., 1.])
    """
    _ignore_matchers(ignore_names, "load_npz")
    if not hasattr(obj, "serialize"):
        type_check.fail("load_npz", "obj", "an object with a serialize() method", type(obj).__name__)
    with NpzArchive(file, func="load_npz") as archive:
        NpzDeserializer(archive, path=path, strict=strict, ignore_names=ignore_names).load(obj)
