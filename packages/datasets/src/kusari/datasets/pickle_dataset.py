"""``PickleDataset``: a dataset stored as a sequence of pickles in one file, and its writer.

.. warning::
    Reading a pickle can run arbitrary code.  ``PickleDataset`` and
    :func:`open_pickle_dataset` unpickle the file (as Chainer v7 does, by
    design): only open files you trust.

Example:
    >>> import os, tempfile
    >>> from kusari.datasets import pickle_dataset as pd
    >>> path = os.path.join(tempfile.mkdtemp(), 'data.pkl')
    >>> with pd.open_pickle_dataset_writer(path) as writer:
    ...     writer.write(('a', 1))
    ...     writer.write(('b', 2))
    >>> with pd.open_pickle_dataset(path) as ds:
    ...     ds[1]
    ('b', 2)
"""
from __future__ import annotations

import contextlib
import os
import pickle
import threading

from kusari._atomic import atomic_write
from kusari.dataset import DatasetMixin
from kusari.datasets.tuple_dataset import _value_error
from kusari.utils import type_check

__all__ = ["PickleDataset", "PickleDatasetWriter", "open_pickle_dataset",
           "open_pickle_dataset_writer"]


class PickleDatasetWriter:
    """Appends examples to a binary file, one pickle each, for :class:`PickleDataset`.

    Args:
        writer: A binary file object open for writing.
        protocol (int): The pickle protocol.

    Example:
        >>> import io
        >>> from kusari.datasets.pickle_dataset import PickleDatasetWriter, PickleDataset
        >>> buffer = io.BytesIO()
        >>> w = PickleDatasetWriter(buffer)
        >>> w.write({'x': 1}); w.write({'x': 2}); w.flush()
        >>> PickleDataset(buffer)[:]
        [{'x': 1}, {'x': 2}]
    """

    def __init__(self, writer, protocol=pickle.HIGHEST_PROTOCOL):
        if not hasattr(writer, "write"):
            type_check.fail("PickleDatasetWriter", "writer", "a binary file object open for writing",
                            type(writer).__name__)
        self._writer = writer
        self._protocol = protocol

    def write(self, x):
        """Append one example (anything picklable)."""
        pickle.dump(x, self._writer, protocol=self._protocol)

    def flush(self):
        """Flush the file object."""
        self._writer.flush()

    def close(self):
        """Close the file object."""
        self._writer.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()


class _AtomicPickleDatasetWriter(PickleDatasetWriter):
    """A writer to a path: the file appears under its name only when closed without error."""

    def __init__(self, path, protocol):
        self._stack = contextlib.ExitStack()
        super().__init__(self._stack.enter_context(atomic_write(path, "wb")), protocol)

    def close(self):
        self._stack.close()  # fsync and rename the temporary file into place

    def __exit__(self, exc_type, exc_value, traceback):
        # On an exception, atomic_write removes the temporary file: no
        # half-written dataset is ever left under the final name.
        self._stack.__exit__(exc_type, exc_value, traceback)


class PickleDataset(DatasetMixin):
    """A dataset read from a file of consecutive pickles (one per example).

    .. warning::
        This unpickles the file, which can run arbitrary code, by design
        (as Chainer v7): only open files you trust.

    The file is scanned once to find where each example starts; an example
    is unpickled only when it is read.  The dataset is thread-safe, survives
    pickling when it reads a path (see :func:`open_pickle_dataset`), and a
    forked worker process reopens the file instead of sharing its offset.

    Args:
        reader: A seekable binary file object.

    Raises:
        DatasetValueError: (a ``ValueError``) when ``reader`` is not seekable.

    Example:
        >>> import io, pickle
        >>> from kusari.datasets.pickle_dataset import PickleDataset
        >>> buffer = io.BytesIO(pickle.dumps('first') + pickle.dumps([2]))
        >>> ds = PickleDataset(buffer)
        >>> len(ds), ds[-1]
        (2, [2])
    """

    def __init__(self, reader):
        seekable = getattr(reader, "seekable", None)
        if not callable(seekable) or not seekable():
            _value_error("PickleDataset", "reader", "a seekable binary file object",
                         f"a {type(reader).__name__} that cannot seek")
        self._reader = reader
        self._lock = threading.RLock()
        self._positions = self._scan()

    def _scan(self) -> list:
        positions = []
        reader = self._reader
        reader.seek(0)
        while True:
            position = reader.tell()
            try:
                pickle.load(reader)
            except EOFError:
                return positions
            positions.append(position)

    def __len__(self):
        return len(self._positions)

    def get_example(self, i):
        if not isinstance(i, int):  # DatasetMixin passes any other key through
            type_check.fail("PickleDataset.__getitem__", "index", "an int, a slice or a list of ints",
                            type(i).__name__)
        with self._lock:
            reopen = getattr(self._reader, "_reopen_after_fork", None)
            if reopen is not None:
                reopen()
            self._reader.seek(self._positions[i])
            return pickle.load(self._reader)

    def close(self):
        """Close the file; the dataset cannot be read afterwards."""
        with self._lock:
            self._reader.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.RLock()


class _PathReader:
    """A binary file opened by path that reopens itself after pickling or in a forked child."""

    def __init__(self, path):
        self._path = os.fspath(path)
        self._open()

    def _open(self):
        self._fp = open(self._path, "rb")
        self._pid = os.getpid()

    def _reopen_after_fork(self):
        # A forked child shares the parent's file offset; seeks would race.
        if self._pid != os.getpid():
            self._open()

    def seekable(self):
        return True

    def seek(self, offset, whence=os.SEEK_SET):
        return self._fp.seek(offset, whence)

    def tell(self):
        return self._fp.tell()

    def read(self, size=-1):
        return self._fp.read(size)

    def readinto(self, buffer):
        return self._fp.readinto(buffer)

    def readline(self, size=-1):
        return self._fp.readline(size)

    def peek(self, size=0):
        return self._fp.peek(size)

    def close(self):
        self._fp.close()

    def __getstate__(self):
        return {"_path": self._path}

    def __setstate__(self, state):
        self._path = state["_path"]
        self._open()


def open_pickle_dataset(path):
    """Open a file written by :func:`open_pickle_dataset_writer` as a :class:`PickleDataset`.

    .. warning::
        This unpickles the file, which can run arbitrary code: only open
        files you trust.

    Args:
        path (str): The file.

    Returns:
        PickleDataset: Close it (or use ``with``) when done.

    Example:
        >>> import os, tempfile
        >>> from kusari.datasets.pickle_dataset import open_pickle_dataset, open_pickle_dataset_writer
        >>> path = os.path.join(tempfile.mkdtemp(), 'd.pkl')
        >>> with open_pickle_dataset_writer(path) as w:
        ...     for i in range(3):
        ...         w.write(i * i)
        >>> with open_pickle_dataset(path) as ds:
        ...     ds[:]
        [0, 1, 4]
    """
    reader = _PathReader(path)
    try:
        return PickleDataset(reader)
    except BaseException:
        reader.close()
        raise


def open_pickle_dataset_writer(path, protocol=pickle.HIGHEST_PROTOCOL):
    """A :class:`PickleDatasetWriter` that writes ``path`` atomically.

    The examples go to a temporary file next to ``path``, which replaces
    ``path`` when the writer is closed (or its ``with`` block ends without
    error); if the block raises, the temporary file is removed and ``path``
    is left as it was, so a half-written dataset never appears.

    Args:
        path (str): The file to write.
        protocol (int): The pickle protocol.

    Returns:
        PickleDatasetWriter

    Example:
        >>> import os, tempfile
        >>> from kusari.datasets.pickle_dataset import open_pickle_dataset_writer
        >>> path = os.path.join(tempfile.mkdtemp(), 'd.pkl')
        >>> w = open_pickle_dataset_writer(path)
        >>> w.write('x'); os.path.exists(path)
        False
        >>> w.close(); os.path.exists(path)
        True
    """
    return _AtomicPickleDatasetWriter(path, protocol)
