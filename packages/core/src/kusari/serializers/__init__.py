"""Saving and loading models, optimizers and trainers (Chainer's ``chainer.serializers``).

* NPZ: :func:`save_npz` / :func:`load_npz`, :class:`DictionarySerializer`,
  :class:`NpzDeserializer`.
* HDF5 (needs ``pip install kusari-core[hdf5]``): :func:`save_hdf5` /
  :func:`load_hdf5`, :class:`HDF5Serializer`, :class:`HDF5Deserializer`.

Files are written atomically and never unpickled on load; the key layout is
Chainer's, so Chainer 7 files load into kusari and the reverse
(docs/serialization.md).

Example:
    >>> import io, numpy as np
    >>> from kusari import serializers
    >>> buf = io.BytesIO(); serializers.save_npz(buf, {'W': np.eye(2, dtype=np.float32)})
    >>> _ = buf.seek(0); sorted(np.load(buf).files)
    ['W']
"""
from kusari.serializers._errors import CorruptedFileError, MissingKeyError, UnsafeObjectArrayError
from kusari.serializers.hdf5 import HDF5Deserializer, HDF5Serializer, load_hdf5, save_hdf5
from kusari.serializers.npz import DictionarySerializer, NpzDeserializer, load_npz, save_npz

__all__ = [
    "DictionarySerializer", "NpzDeserializer", "save_npz", "load_npz",
    "HDF5Serializer", "HDF5Deserializer", "save_hdf5", "load_hdf5",
    "MissingKeyError", "CorruptedFileError", "UnsafeObjectArrayError",
]
