"""The serialization protocol: ``AbstractSerializer``, ``Serializer``, ``Deserializer``.

Anything with a ``serialize(serializer)`` method can be saved and loaded
(Chainer v7's protocol, unchanged).  Inside ``serialize`` an object calls

* ``serializer(key, value)`` for each value it owns (an array, a Python
  scalar, a string or None).  A serializer records ``value`` under ``key``
  and returns it; a deserializer *loads* it: arrays are filled in place,
  scalars come back as the return value, so write
  ``self.t = serializer('t', self.t)``;
* ``serializer[name]`` for a child, which gets a serializer rooted at
  ``name/`` (a Chain hands each child link one).

Example:
    >>> from kusari import serializers
    >>> class Counter:
    ...     def __init__(self): self.count = 0
    ...     def serialize(self, serializer):
    ...         self.count = serializer('count', self.count)
    >>> c = Counter(); c.count = 3
    >>> target = serializers.DictionarySerializer()
    >>> target.save(c); target.target
    {'count': array(3)}
    >>> d = Counter(); serializers.NpzDeserializer(target.target).load(d); d.count
    3
"""
from __future__ import annotations

from kusari.utils.type_check import InvalidType

__all__ = ["AbstractSerializer", "Serializer", "Deserializer", "InvalidValue"]


class InvalidValue(InvalidType, ValueError):
    """A bad argument *value* (Chainer raised ``ValueError`` there).

    Also an ``InvalidType``, so the message follows the house format and code
    that catches either Chainer's ``ValueError`` or kusari's ``InvalidType``
    keeps working.

    Example:
        >>> from kusari.serializer import InvalidValue
        >>> issubclass(InvalidValue, ValueError) and issubclass(InvalidValue, TypeError)
        True
    """


def fail_value(func: str, arg: str, expected: str, actual: str):
    """Raise :class:`InvalidValue` in the house format.

    Example:
        >>> from kusari.serializer import fail_value
        >>> fail_value('load_npz', 'W', 'shape (2, 3)', '(3, 2)')
        Traceback (most recent call last):
        ...
        kusari.serializer.InvalidValue: load_npz: argument 'W' expected shape (2, 3), got (3, 2)
    """
    raise InvalidValue(f"{func}: argument {arg!r} expected {expected}, got {actual}", expected, actual)


class AbstractSerializer:
    """Base of all serializers and deserializers.

    ``self[key]`` returns the serializer of a child; ``self(key, value)``
    saves or loads one value and returns it.  ``None`` must be handled:
    serializers record it, deserializers return the stored value (which may
    be None) without touching ``value``.

    Example:
        >>> from kusari import serializer
        >>> issubclass(serializer.Serializer, serializer.AbstractSerializer)
        True
    """

    def __getitem__(self, key):
        raise NotImplementedError

    def __call__(self, key, value):
        raise NotImplementedError


class Serializer(AbstractSerializer):
    """Base of the serializers (the saving side).

    Example:
        >>> from kusari.serializers import DictionarySerializer
        >>> class Point:
        ...     x = 1.5
        ...     def serialize(self, s): self.x = s('x', self.x)
        >>> s = DictionarySerializer(); s.save(Point()); s.target
        {'x': array(1.5)}
    """

    def save(self, obj) -> None:
        """Save ``obj``; the same as ``obj.serialize(self)``."""
        obj.serialize(self)


class Deserializer(AbstractSerializer):
    """Base of the deserializers (the loading side).

    Example:
        >>> import numpy as np
        >>> from kusari.serializers import NpzDeserializer
        >>> class Point:
        ...     x = 0.0
        ...     def serialize(self, s): self.x = s('x', self.x)
        >>> p = Point(); NpzDeserializer({'x': np.array(2.5)}).load(p); p.x
        2.5
    """

    def load(self, obj) -> None:
        """Load into ``obj``; the same as ``obj.serialize(self)``."""
        obj.serialize(self)
