"""Atomic file writes: a crash never leaves a half-written file under the final name.

Everything kusari saves (models, optimizer states, snapshots, logs) goes
through here.  The data is written to a temporary file in the *same*
directory (so the final ``os.replace`` is a rename on one file system, which
POSIX and Windows make atomic), flushed and fsynced, then renamed over the
target; the directory is fsynced too so the rename itself survives a power
loss.  On any error the temporary file is removed and the target is left as
it was.

Example:
    >>> import os, tempfile
    >>> from kusari._atomic import atomic_write
    >>> d = tempfile.mkdtemp()
    >>> with atomic_write(os.path.join(d, 'log.json'), 'w') as f:
    ...     _ = f.write('[]')
    >>> open(os.path.join(d, 'log.json')).read()
    '[]'
"""
from __future__ import annotations

import contextlib
import os
import tempfile

__all__ = ["atomic_write", "atomic_path", "atomic_write_bytes"]


def _default_mode() -> int:
    # mkstemp creates files 0600; a plain open() would give 0666 & ~umask.
    # Reading the umask means setting it: do it once (os.umask is process-wide).
    global _MODE
    if _MODE is None:
        umask = os.umask(0o022)
        os.umask(umask)
        _MODE = 0o666 & ~umask
    return _MODE


_MODE: int | None = None


def _fsync_directory(directory: str) -> None:
    # Makes the rename durable.  Not possible on every platform (Windows
    # cannot open a directory), and never worth failing a save for.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temp_in_same_directory(path: str):
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    return fd, tmp, directory


def _finish(tmp: str, path: str, directory: str) -> None:
    try:
        mode = os.stat(path).st_mode & 0o7777  # keep the permissions of a file we replace
    except OSError:
        mode = _default_mode()
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    _fsync_directory(directory)


def _discard(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb", **open_kwargs):
    """Open a temporary file for writing; on success it replaces ``path`` atomically.

    ``mode`` is ``'wb'`` or ``'w'`` (text; ``encoding`` etc. go to ``open``).

    Example:
        >>> import os, tempfile
        >>> from kusari._atomic import atomic_write
        >>> p = os.path.join(tempfile.mkdtemp(), 'a.bin')
        >>> with atomic_write(p) as f:
        ...     _ = f.write(b'abc')
        >>> open(p, 'rb').read()
        b'abc'
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write: argument 'mode' expected 'wb' or 'w', got {mode!r}")
    fd, tmp, directory = _temp_in_same_directory(path)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        _finish(tmp, os.fspath(path), directory)
    except BaseException:
        _discard(tmp)
        raise


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path for a library that opens files by name (h5py).

    When the block ends without error the file at the temporary path is
    fsynced and renamed over ``path``; otherwise it is removed.

    Example:
        >>> import os, tempfile
        >>> from kusari._atomic import atomic_path
        >>> p = os.path.join(tempfile.mkdtemp(), 'b.txt')
        >>> with atomic_path(p) as tmp:
        ...     _ = open(tmp, 'w').write('hi')
        >>> open(p).read()
        'hi'
    """
    fd, tmp, directory = _temp_in_same_directory(path)
    os.close(fd)
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        _finish(tmp, os.fspath(path), directory)
    except BaseException:
        _discard(tmp)
        raise


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically.

    Example:
        >>> import os, tempfile
        >>> from kusari._atomic import atomic_write_bytes
        >>> p = os.path.join(tempfile.mkdtemp(), 'c.bin')
        >>> atomic_write_bytes(p, b'xyz'); open(p, 'rb').read()
        b'xyz'
    """
    with atomic_write(path, "wb") as f:
        f.write(data)
