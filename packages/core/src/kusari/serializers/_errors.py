"""Errors raised when a saved file cannot be read back.

Each says which file and which key, so a user who loads the wrong snapshot
sees at once what is wrong.

Example:
    >>> from kusari.serializers import MissingKeyError
    >>> e = MissingKeyError('l1/W', 'model.npz', ['l1/w', 'l2/W'])
    >>> print(e)
    key 'l1/W' not found in 'model.npz'; closest keys: 'l1/w', 'l2/W'
    >>> isinstance(e, KeyError)
    True
"""
from __future__ import annotations

import difflib

__all__ = ["MissingKeyError", "CorruptedFileError", "UnsafeObjectArrayError", "closest_keys"]


def closest_keys(key: str, keys, n: int = 3) -> list[str]:
    """Up to ``n`` existing keys that look like ``key`` (for "did you mean").

    Falls back to keys with the same last component (a model saved on its own
    but loaded as a child has every key under another prefix), then to keys of
    the same group, so a slip in a long path still gets a useful hint.

    Example:
        >>> from kusari.serializers._errors import closest_keys
        >>> closest_keys('predictor/l1/W', ['predictor/l1/b', 'predictor/l1/w', 't'])
        ['predictor/l1/w', 'predictor/l1/b']
    """
    keys = list(keys)
    lowered = key.lower()

    def score(candidate):
        # Case-insensitive similarity first (W vs w is the usual slip), exact-case second.
        return (difflib.SequenceMatcher(None, lowered, candidate.lower()).ratio(),
                difflib.SequenceMatcher(None, key, candidate).ratio())

    scored = sorted(((score(k), k) for k in keys), reverse=True)
    found = [k for s, k in scored if s[0] >= 0.6][:n]
    if not found:  # same leaf under another prefix (a model saved alone, loaded as a child)
        leaf = key.rpartition("/")[2]
        found = sorted(k for k in keys if k.rpartition("/")[2] == leaf)[:n]
    if not found:
        group = key.rpartition("/")[0]
        found = sorted(k for k in keys if k.rpartition("/")[0] == group)[:n]
    return found


class MissingKeyError(KeyError):
    """A key the object asked for is not in the file.

    A ``KeyError``, as in Chainer, so ``serialize`` methods that read older
    files with ``try: ... except KeyError`` keep working.
    """

    def __init__(self, key: str, filename: str, close=()):
        super().__init__(key)
        self.key = key
        self.filename = filename
        self.close = list(close)

    def __str__(self):
        text = f"key {self.key!r} not found in {self.filename!r}"
        if self.close:
            text += "; closest keys: " + ", ".join(repr(k) for k in self.close)
        else:
            text += " (the file has no keys near it)"
        return text


class CorruptedFileError(ValueError):
    """The file is truncated, corrupted or not of the expected format.

    Example:
        >>> import io
        >>> from kusari import serializers
        >>> class C:
        ...     def serialize(self, s): pass
        >>> try:
        ...     serializers.load_npz(io.BytesIO(b'not a zip'), C())
        ... except serializers.CorruptedFileError as e:
        ...     print(str(e).split(' or not')[0])
        load_npz: file '<BytesIO>' is damaged (truncated or corrupted)
    """

    def __init__(self, func: str, filename: str, detail: str):
        super().__init__(f"{func}: file {filename!r} is damaged (truncated or corrupted) "
                         f"or not a valid file of this format: {detail}")
        self.filename = filename


class UnsafeObjectArrayError(ValueError):
    """An object array other than Chainer's ``None`` marker: refused, never unpickled.

    Example:
        >>> import io, numpy as np
        >>> from kusari.serializers import UnsafeObjectArrayError
        >>> from kusari.serializers._archive import NpzArchive
        >>> buf = io.BytesIO(); np.savez(buf, x=np.array([1, 2], dtype=object)); _ = buf.seek(0)
        >>> try:
        ...     NpzArchive(buf)['x']
        ... except UnsafeObjectArrayError as e:
        ...     print(str(e).split('Refused: ')[1])
        an object array of shape (2,)
    """

    def __init__(self, key: str, filename: str, reason: str):
        super().__init__(
            f"key {key!r} in {filename!r} holds a pickled object array, which kusari never "
            f"unpickles (allow_pickle=False); only Chainer's marker for None (a 0-d object "
            f"array holding None) is read back. Refused: {reason}")
        self.key = key
        self.filename = filename
