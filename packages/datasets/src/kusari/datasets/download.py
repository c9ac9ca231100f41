"""The dataset root, the download cache and converted caches (Chainer's ``chainer.dataset.download``).

Every file lands under one *dataset root*: ``$KUSARI_DATASET_ROOT`` when set,
else ``~/.kusari/dataset`` (:func:`set_dataset_root` overrides both).  A
download goes to ``<root>/_dl_cache/<host>/<path of the URL>``, so the place
of each file is readable, and a user without network access can put the file
there by hand: the error raised offline names that path and the URL.

Nothing is ever left half-written under a final name: downloads and converted
caches are written to a temporary file in the same directory, checked,
fsynced and renamed (:mod:`kusari._atomic`).

Example:
    >>> import os, tempfile
    >>> from kusari.datasets import download
    >>> previous = download.set_dataset_root(tempfile.mkdtemp())
    >>> src = os.path.join(tempfile.mkdtemp(), 'hello.txt')
    >>> _ = open(src, 'w').write('hi')
    >>> path = download.cached_download('file://' + src)
    >>> open(path).read(), path.startswith(download.get_dataset_root())
    ('hi', True)
    >>> _ = download.set_dataset_root(previous)
"""
from __future__ import annotations

import hashlib
import http.client
import os
import re
import urllib.error
import urllib.parse
import urllib.request

from kusari._atomic import atomic_path, atomic_write
from kusari.utils import type_check

__all__ = [
    "ChecksumError", "DownloadError", "cache_or_load_file", "cached_download",
    "cached_download_path", "get_dataset_directory", "get_dataset_root", "set_dataset_root",
]

ENV_VAR = "KUSARI_DATASET_ROOT"
_CHUNK = 1 << 20
_TIMEOUT_S = 60

# None: follow $KUSARI_DATASET_ROOT (read on each call, so the variable can be
# set after import), else the default under the home directory.
_dataset_root: str | None = None


class DownloadError(OSError):
    """A file could not be downloaded; the message says where to put it by hand."""


class ChecksumError(ValueError):
    """A downloaded (or hand-placed) file does not have the expected SHA-256."""


def get_dataset_root() -> str:
    """The directory under which every dataset is stored.

    ``set_dataset_root``'s value, else ``$KUSARI_DATASET_ROOT``, else
    ``~/.kusari/dataset``.

    Example:
        >>> from kusari.datasets import download
        >>> previous = download.set_dataset_root('/data/kusari')
        >>> download.get_dataset_root()
        '/data/kusari'
        >>> _ = download.set_dataset_root(previous)
    """
    if _dataset_root is not None:
        return _dataset_root
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return os.path.expanduser(from_env)
    return os.path.join(os.path.expanduser("~"), ".kusari", "dataset")


def set_dataset_root(path) -> str | None:
    """Set the dataset root for this process; ``None`` goes back to the default.

    Returns the previous setting (``None`` when none was set), so a caller
    can restore it.

    Example:
        >>> from kusari.datasets import download
        >>> previous = download.set_dataset_root('/tmp/datasets')
        >>> download.get_dataset_root()
        '/tmp/datasets'
        >>> download.set_dataset_root(previous)
        '/tmp/datasets'
    """
    global _dataset_root
    if path is not None and not isinstance(path, (str, os.PathLike)):
        type_check.fail("set_dataset_root", "path", "a str, os.PathLike or None", type(path).__name__)
    previous = _dataset_root
    _dataset_root = None if path is None else os.fspath(path)
    return previous


def get_dataset_directory(dataset_name: str, create_directory: bool = True) -> str:
    """The directory of one dataset under the root, created unless told otherwise.

    Example:
        >>> import os, tempfile
        >>> from kusari.datasets import download
        >>> previous = download.set_dataset_root(tempfile.mkdtemp())
        >>> d = download.get_dataset_directory('mnist')
        >>> os.path.basename(d), os.path.isdir(d)
        ('mnist', True)
        >>> _ = download.set_dataset_root(previous)
    """
    if not isinstance(dataset_name, str) or not dataset_name:
        type_check.fail("get_dataset_directory", "dataset_name", "a non-empty str",
                        repr(dataset_name))
    path = os.path.join(get_dataset_root(), dataset_name)
    if create_directory:
        os.makedirs(path, exist_ok=True)
    return path


_SAFE = re.compile(r"[^A-Za-z0-9._+-]")


def _safe_component(text: str) -> str:
    text = _SAFE.sub("_", text)
    # '.' and '..' would climb out of the cache directory.
    return "_" + text if text in ("", ".", "..") else text


def cached_download_path(url: str) -> str:
    """Where :func:`cached_download` keeps (or expects) the file of ``url``.

    ``<root>/_dl_cache/<host>/<path of the URL>``, each part reduced to safe
    characters; a query string adds a short hash to the file name.

    Example:
        >>> from kusari.datasets import download
        >>> previous = download.set_dataset_root('/data')
        >>> download.cached_download_path('https://example.org/mnist/train.gz')
        '/data/_dl_cache/example.org/mnist/train.gz'
        >>> _ = download.set_dataset_root(previous)
    """
    if not isinstance(url, str) or not url:
        type_check.fail("cached_download", "url", "a non-empty URL str", repr(url))
    parts = urllib.parse.urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        type_check.fail("cached_download", "url", "a URL that names a file", repr(url))
    host = _safe_component(parts.netloc or parts.scheme or "local")
    names = [_safe_component(urllib.parse.unquote(s)) for s in segments]
    if parts.query:
        names[-1] += "_" + hashlib.sha256(parts.query.encode()).hexdigest()[:12]
    return os.path.join(get_dataset_root(), "_dl_cache", host, *names)


def _check_sha256_argument(sha256):
    if sha256 is None:
        return None
    if not isinstance(sha256, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        type_check.fail("cached_download", "sha256", "None or 64 hexadecimal digits", repr(sha256))
    return sha256.lower()


def _sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _checksum_message(url: str, path: str, expected: str, actual: str) -> str:
    return (f"cached_download: the file of {url} has SHA-256 {actual}, expected {expected} "
            f"(file: {path})")


def cached_download(url: str, *, sha256: str | None = None) -> str:
    """Download ``url`` into the cache once; return the path of the cached file.

    A file already in the cache is reused (and checked when ``sha256`` is
    given).  A download is written to a temporary file next to its final
    place, its SHA-256 checked, fsynced and renamed: an interrupted or
    corrupt download never appears under the final name.  Without network
    access a :class:`DownloadError` says which URL to fetch by hand and the
    path to put the file at.

    Args:
        url (str): the file's URL (``https://``, ``http://``, ``file://``).
        sha256 (str or None): the expected SHA-256 hex digest of the file.

    Example:
        >>> import hashlib, os, tempfile
        >>> from kusari.datasets import download
        >>> previous = download.set_dataset_root(tempfile.mkdtemp())
        >>> src = os.path.join(tempfile.mkdtemp(), 'data.bin')
        >>> _ = open(src, 'wb').write(b'123')
        >>> digest = hashlib.sha256(b'123').hexdigest()
        >>> path = download.cached_download('file://' + src, sha256=digest)
        >>> open(path, 'rb').read()
        b'123'
        >>> _ = download.set_dataset_root(previous)
    """
    path = cached_download_path(url)
    expected = _check_sha256_argument(sha256)
    if os.path.exists(path):
        if expected is not None:
            actual = _sha256_of(path)
            if actual != expected:
                raise ChecksumError(_checksum_message(url, path, expected, actual)
                                    + "; delete it to download it again")
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as response, \
                atomic_write(path, "wb") as out:
            digest = hashlib.sha256()
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                digest.update(chunk)
                out.write(chunk)
            actual = digest.hexdigest()
            if expected is not None and actual != expected:
                # Raised inside atomic_write: the temporary file is removed.
                raise ChecksumError(_checksum_message(url, path, expected, actual)
                                    + "; nothing was saved")
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        raise DownloadError(
            f"cached_download: could not download {url} ({type(error).__name__}: {error}). "
            f"Without network access, download it elsewhere and put the file at {path}"
        ) from error
    return path


def cache_or_load_file(path, creator, loader):
    """Load ``path`` with ``loader``; if missing, make it with ``creator`` first.

    ``creator(tmp_path)`` writes the file at exactly the path it is given
    (open it by name, or pass a file object to ``numpy.savez``, which would
    otherwise add ``.npz``) and returns the data; it writes to a temporary
    file that is renamed to ``path`` only when ``creator`` succeeded, so a
    crash never leaves a broken cache behind.

    Example:
        >>> import os, tempfile
        >>> from kusari.datasets import download
        >>> p = os.path.join(tempfile.mkdtemp(), 'x.txt')
        >>> def create(tmp):
        ...     with open(tmp, 'w') as f:
        ...         _ = f.write('made')
        ...     return 'made'
        >>> download.cache_or_load_file(p, create, lambda q: open(q).read())
        'made'
        >>> download.cache_or_load_file(p, None, lambda q: open(q).read() + ' and loaded')
        'made and loaded'
    """
    path = os.fspath(path)
    if os.path.exists(path):
        return loader(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    with atomic_path(path) as tmp:
        return creator(tmp)
