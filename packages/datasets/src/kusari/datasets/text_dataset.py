"""``TextDataset``: the lines of one or more text files as a dataset, read on demand.

Example:
    >>> import os, pathlib, tempfile
    >>> from kusari.datasets.text_dataset import TextDataset
    >>> path = os.path.join(tempfile.mkdtemp(), 'a.txt')
    >>> _ = pathlib.Path(path).write_text('hello\\nworld\\n')
    >>> with TextDataset(path) as ds:
    ...     ds[1]
    'world\\n'
"""
from __future__ import annotations

import os
import threading

from kusari.dataset import DatasetMixin
from kusari.datasets.tuple_dataset import _value_error
from kusari.utils import type_check

__all__ = ["TextDataset"]

_FUNC = "TextDataset"


def _per_file(arg: str, value, n_files: int) -> list:
    """One option value per file: a single str or None applies to all files."""
    if value is None or isinstance(value, str):
        return [value] * n_files
    value = list(value)
    if len(value) != n_files:
        _value_error(_FUNC, arg, f"a str, None, or one value per file ({n_files})",
                     f"{len(value)} values")
    return value


class TextDataset(DatasetMixin):
    """The ``i``-th example is the ``i``-th line of a file (newline included), as Chainer v7.

    Only the position of each line is kept in memory; a line is read when it
    is asked for.  With several files, they are read in lockstep: example
    ``i`` is the tuple of the ``i``-th lines, and the files must have the
    same number of lines (parallel corpora).

    Args:
        paths (str or list of str): A file, or a list of files.
        encoding, errors, newline: As for :func:`open` in text mode; a
            single value applies to every file, a list gives one per file.
        filter_func (callable): If given, only the lines ``l0, l1, ...``
            (one per file) for which ``filter_func(l0, l1, ...)`` is true
            are examples.

    The dataset is safe to use from several threads, survives pickling
    (the files are reopened) and reopens its files in a forked child
    process, so workers never share a file offset.  ``close()`` or a
    ``with`` block closes the files.

    Raises:
        DatasetValueError: (a ``ValueError``) when no file is given, an
            option list has the wrong length, or the files' line counts differ.

    Example:
        >>> import os, pathlib, tempfile
        >>> from kusari.datasets.text_dataset import TextDataset
        >>> d = tempfile.mkdtemp()
        >>> src, dst = os.path.join(d, 'en.txt'), os.path.join(d, 'ja.txt')
        >>> _ = pathlib.Path(src).write_text('a cat\\n\\na dog\\n')
        >>> _ = pathlib.Path(dst).write_text('neko\\n\\ninu\\n')
        >>> ds = TextDataset([src, dst], encoding='utf-8',
        ...                  filter_func=lambda s, t: s.strip() != '')
        >>> len(ds), ds[1]
        (2, ('a dog\\n', 'inu\\n'))
        >>> ds.close()
    """

    def __init__(self, paths, encoding=None, errors=None, newline=None, filter_func=None):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        elif paths is None or not hasattr(paths, "__len__"):
            type_check.fail(_FUNC, "paths", "a path or a list of paths", type(paths).__name__)
        paths = [os.fspath(p) for p in paths]
        if not paths:
            _value_error(_FUNC, "paths", "at least one text file", "an empty list")
        if filter_func is not None and not callable(filter_func):
            type_check.fail(_FUNC, "filter_func", "a callable or None", type(filter_func).__name__)
        self._paths = paths
        self._options = list(zip(_per_file("encoding", encoding, len(paths)),
                                 _per_file("errors", errors, len(paths)),
                                 _per_file("newline", newline, len(paths)), strict=True))
        self._fps = None
        self._lock = threading.Lock()
        self._open()
        try:
            self._starts = self._index_lines(filter_func)
        except BaseException:
            self.close()
            raise

    def _open(self):
        self._fps = [open(path, "rt", encoding=enc, errors=err, newline=nl)
                     for path, (enc, err, nl) in zip(self._paths, self._options, strict=True)]
        self._pid = os.getpid()

    def _index_lines(self, filter_func) -> list:
        """For each kept line, the tuple of its start positions in every file."""
        starts = []
        fps = self._fps
        for fp in fps:
            fp.seek(0)
        n_lines = 0
        while True:
            positions = tuple(fp.tell() for fp in fps)
            lines = [fp.readline() for fp in fps]
            ended = [line == "" for line in lines]
            if any(ended):
                if not all(ended):
                    short = self._paths[ended.index(True)]
                    longer = self._paths[ended.index(False)]
                    _value_error(_FUNC, "paths", "files with the same number of lines",
                                 f"{n_lines} lines in {short!r} and more in {longer!r}")
                return starts
            if filter_func is None or filter_func(*lines):
                starts.append(positions)
            n_lines += 1

    def __len__(self):
        return len(self._starts)

    def get_example(self, i):
        if not isinstance(i, int):  # DatasetMixin passes any other key through
            type_check.fail("TextDataset.__getitem__", "index", "an int, a slice or a list of ints",
                            type(i).__name__)
        positions = self._starts[i]
        with self._lock:
            if self._fps is None:
                raise ValueError("TextDataset: the files are closed (close() was called)")
            if self._pid != os.getpid():
                # A forked child shares its parent's file offsets: reopen.
                self._open()
            lines = []
            for fp, position in zip(self._fps, positions, strict=True):
                fp.seek(position)
                lines.append(fp.readline())
        return lines[0] if len(lines) == 1 else tuple(lines)

    def close(self):
        """Close the files; the dataset cannot be read afterwards.

        Example:
            >>> import os, pathlib, tempfile
            >>> from kusari.datasets.text_dataset import TextDataset
            >>> path = os.path.join(tempfile.mkdtemp(), 'a.txt')
            >>> _ = pathlib.Path(path).write_text('x\\n')
            >>> ds = TextDataset(path); ds.close(); ds.close()  # closing twice is fine
        """
        with self._lock:
            fps, self._fps = self._fps, None
        for fp in fps or ():
            fp.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["_fps"], state["_lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._open()
