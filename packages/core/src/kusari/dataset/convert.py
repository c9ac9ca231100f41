"""Converters: turn a minibatch (a list of examples) into arrays on a device.

An iterator yields a list of examples; an updater hands that list to a
*converter*, which stacks it into arrays and sends them to the device the
model lives on.  ``concat_examples`` is the default converter (Chainer v7's
semantics); ``concat_sequences`` is the one for variable-length sequences.

Converters come in two styles, as in Chainer v7.8:

* new style: a :class:`Converter` instance (write a subclass, or decorate a
  function with :func:`converter`); it receives the device as a
  ``kusari.backend.Device`` (or None);
* old style: a plain function ``f(batch, device)`` that receives Chainer's
  legacy device integers (-1 for the CPU, N for GPU N) or None.

Example:
    >>> import numpy as np
    >>> from kusari.dataset import concat_examples
    >>> x, t = concat_examples([(np.zeros(2, np.float32), 0), (np.ones(2, np.float32), 1)])
    >>> x
    array([[0., 0.],
           [1., 1.]], dtype=float32)
    >>> t
    array([0, 1])
"""
from __future__ import annotations

import functools

import numpy

from kusari import backend
from kusari.utils import type_check

__all__ = ["Converter", "converter", "concat_examples", "concat_sequences", "to_device"]


class BatchError(type_check.InvalidType, ValueError):
    """A minibatch that cannot be converted (empty, or ragged without ``padding``).

    It is an ``InvalidType`` (a ``TypeError``) like every kusari input error,
    and a ``ValueError`` as the NumPy error Chainer let through was, so
    existing ``except ValueError`` code keeps working.
    """


def _fail(func: str, arg: str, expected: str, actual: str):
    raise BatchError(f"{func}: argument {arg!r} expected {expected}, got {actual}", expected, actual)


# ---- devices ---------------------------------------------------------------
def _get_device(device_spec):
    """A ``Device`` for a device specifier; None stays None ("leave arrays where they are")."""
    if device_spec is None:
        return None
    return backend.get_device(device_spec)


def to_device(device, x):
    """Send an array (or nested tuples, lists and dicts of arrays) to ``device``.

    Args:
        device: None to leave ``x`` where it is; otherwise a device specifier
            as ``kusari.backend.get_device`` takes it: a ``Device``,
            ``'@numpy'``, ``'@cupy:0'``, or Chainer's integers (negative for
            the CPU, ``N >= 0`` for GPU N, which needs kusari-cuda).
        x: the array.

    Returns:
        The array on ``device``; ``x`` itself when it is already there.

    Example:
        >>> import numpy as np
        >>> from kusari.dataset import to_device
        >>> x = np.arange(3)
        >>> to_device(None, x) is x, to_device(-1, x) is x, to_device('@numpy', x) is x
        (True, True, True)
    """
    device = _get_device(device)
    if device is None:
        return x
    return device.send(x)


# ---- converter styles ------------------------------------------------------
class Converter:
    """Base class of new-style converters.

    Override ``__call__(self, batch, device)``: ``batch`` is what the iterator
    returned, ``device`` a ``kusari.backend.Device`` or None; return the
    converted batch.  Unlike a decorated function, an instance of a
    subclass can be pickled (for multi-process updaters).

    Example:
        >>> import numpy as np
        >>> from kusari.dataset import Converter, concat_examples
        >>> class Scaled(Converter):
        ...     def __init__(self, scale):
        ...         self.scale = scale
        ...     def __call__(self, batch, device=None):
        ...         x, t = concat_examples(batch, device)
        ...         return x * self.scale, t
        >>> Scaled(10)([(np.array([1.0]), 0), (np.array([2.0]), 1)])[0]
        array([[10.],
               [20.]])
    """

    def __call__(self, batch, device):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(batch, device)")


class _FunctionConverter(Converter):
    """A function made a Converter by :func:`converter`: normalises the device argument."""

    def __init__(self, func):
        if not callable(func):
            type_check.fail("converter", "func", "a callable", type(func).__name__)
        self.base_callable = func
        functools.update_wrapper(self, func)

    def __call__(self, *args, **kwargs):
        # The device is the second positional argument or the 'device' keyword.
        if len(args) >= 2:
            args = (args[0], _get_device(args[1])) + args[2:]
        elif "device" in kwargs:
            kwargs["device"] = _get_device(kwargs["device"])
        return self.base_callable(*args, **kwargs)

    def __reduce__(self):
        # Pickle by name, as the function itself would (Chainer's decorated
        # converters could not be pickled at all).
        return self.__qualname__

    def __repr__(self):
        return f"<converter {getattr(self.base_callable, '__qualname__', self.base_callable)!r}>"


def converter():
    """Decorator that makes a function ``f(batch, device)`` a new-style :class:`Converter`.

    The decorated function always receives a ``kusari.backend.Device`` (or
    None), whatever device specifier the caller passed: ``-1``,
    ``'@numpy'``, ``'@cupy:0'``, an int GPU id.

    Example:
        >>> import numpy as np
        >>> import kusari
        >>> from kusari.dataset import converter, Converter
        >>> @converter()
        ... def first_field(batch, device):
        ...     return device.send(np.stack([example[0] for example in batch]))
        >>> isinstance(first_field, Converter)
        True
        >>> first_field([(np.zeros(2), 1), (np.ones(2), 0)], -1)
        array([[0., 0.],
               [1., 1.]])
    """
    return _FunctionConverter


def _call_converter(converter, batch, device):
    """Call a converter of either style with ``device`` (a Device or None).

    For updaters and evaluators: a new-style converter gets the Device; an
    old-style function gets what Chainer passed it: None, -1 for the CPU, or
    the GPU id.

    Example:
        >>> from kusari import backend
        >>> from kusari.dataset import convert
        >>> convert._call_converter(lambda batch, device: device, [], backend.CPU_DEVICE)
        -1
    """
    if isinstance(converter, Converter):
        return converter(batch, device)
    if device is None:
        return converter(batch, None)
    if device.xp is numpy:
        return converter(batch, -1)
    ident = str(device.name).rpartition(":")[2]
    if ident.isdigit():
        return converter(batch, int(ident))
    raise RuntimeError(
        f"converter {converter!r} is an old-style function, which only understands CPU and "
        f"numbered GPU devices, not {device}; decorate it with @kusari.dataset.converter()"
    )


# ---- stacking ----------------------------------------------------------------
def _is_array(value) -> bool:
    return hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, numpy.generic)


def _as_arrays(values):
    """The examples' values of one field as a list of arrays (Python scalars and lists too)."""
    if _is_array(values[0]):
        return values
    return [numpy.asarray(v) for v in values]


def _field_name(field) -> str:
    return "the batch" if field is None else f"field {field!r}"


def _ragged_error(func, arrays, field):
    first = numpy.shape(arrays[0])
    for i, a in enumerate(arrays):
        if numpy.shape(a) != first:
            _fail(func, "batch", f"every example to have the same shape in {_field_name(field)} "
                  f"(pass padding=... to pad ragged arrays, or use concat_sequences to keep them "
                  f"as a list)", f"shape {first} in example 0 and {numpy.shape(a)} in example {i}")


def _stack(arrays, padding, field, func):
    """Stack the arrays of one field along a new first axis, padding when asked."""
    if not _is_array(arrays[0]):
        # Python or NumPy scalars (labels), lists: one asarray call does them all.
        try:
            stacked = numpy.asarray(arrays)
        except ValueError:  # ragged lists
            stacked = None
        if stacked is not None and stacked.dtype != object:
            return stacked
        arrays = _as_arrays(arrays)
    first = arrays[0]
    xp = backend.get_array_module(first)
    if padding is None:
        try:
            return xp.stack(arrays)
        except ValueError:
            _ragged_error(func, arrays, field)
            raise
    shapes = [numpy.shape(a) for a in arrays]
    if len({len(s) for s in shapes}) != 1:
        i = next(i for i, s in enumerate(shapes) if len(s) != len(shapes[0]))
        _fail(func, "batch", f"every example to have the same number of dimensions in "
              f"{_field_name(field)} to pad it", f"shape {shapes[0]} in example 0 and "
              f"{shapes[i]} in example {i}")
    if len(set(shapes)) == 1:
        return xp.stack(arrays)
    max_shape = tuple(numpy.max(numpy.array(shapes, dtype=numpy.int64), axis=0).tolist())
    with backend.using_device(backend.get_device_from_array(first)):
        result = xp.full((len(arrays),) + max_shape, padding, dtype=first.dtype)
        # One slice assignment per example (not per element).
        for i, shape in enumerate(shapes):
            result[(i,) + tuple(slice(n) for n in shape)] = arrays[i]
    return result


def _check_batch(func, batch):
    if not isinstance(batch, (list, tuple)) and not hasattr(batch, "__getitem__"):
        _fail(func, "batch", "a list of examples", type(batch).__name__)
    if len(batch) == 0:
        _fail(func, "batch", "a non-empty list of examples", "an empty batch")


def _per_field(func, padding, first):
    """One padding value per field of the example ``first``."""
    keys = list(range(len(first))) if isinstance(first, tuple) else list(first)
    if isinstance(padding, tuple):
        if not isinstance(first, tuple) or len(padding) != len(first):
            kind = f"tuples of {len(first)} fields" if isinstance(first, tuple) else "dicts"
            _fail(func, "padding", f"a scalar, or one value per field of the examples ({kind})",
                  f"a tuple of {len(padding)} values")
        return padding
    if isinstance(padding, dict):
        if not isinstance(first, dict) or not set(keys) <= set(padding):
            _fail(func, "padding", f"a scalar, or a dict with the examples' keys {keys}",
                  f"a dict with keys {list(padding)}" if isinstance(first, dict)
                  else "a dict for tuple examples")
        return padding
    return {k: padding for k in keys}


@converter()
def concat_examples(batch, device=None, padding=None):
    """Stack a list of examples into arrays: a "list of tuples" becomes a "tuple of arrays".

    Each example is a tuple (``(x, t)``), a dict (``{'x': ..., 't': ...}``)
    or a single array; the result has the same structure, each field
    stacked along a new first (batch) axis and sent to ``device``.

    Args:
        batch: a non-empty list of examples, as an iterator returns it.
        device: where to send the arrays (see :func:`to_device`); None leaves
            them where they are.
        padding: None to require one shape per field; otherwise the value
            that fills the rest of each array when the examples of a field
            differ in shape (every field is padded to the largest size in
            each axis).  A tuple gives one value per tuple field, a dict
            one per key.

    Returns:
        An array, a tuple of arrays or a dict of arrays.

    Raises:
        BatchError: (an ``InvalidType`` and a ``ValueError``) for an empty
            batch, or examples whose shapes differ in a field when
            ``padding`` is None; the message names the field and both shapes.

    Example:
        >>> import numpy as np
        >>> from kusari.dataset import concat_examples
        >>> batch = [(np.array([1, 2]), 0), (np.array([3]), 1)]
        >>> x, t = concat_examples(batch, padding=-1)
        >>> x
        array([[ 1,  2],
               [ 3, -1]])
        >>> t
        array([0, 1])
        >>> concat_examples([{'x': np.zeros(1)}, {'x': np.ones(1)}])
        {'x': array([[0.],
               [1.]])}
        >>> concat_examples(batch)
        Traceback (most recent call last):
        ...
        kusari.dataset.convert.BatchError: concat_examples: argument 'batch' expected every example to have the same shape in field 0 (pass padding=... to pad ragged arrays, or use concat_sequences to keep them as a list), got shape (2,) in example 0 and (1,) in example 1
    """
    func = "concat_examples"
    _check_batch(func, batch)
    first = batch[0]
    if isinstance(first, tuple):
        pads = _per_field(func, padding, first)
        return tuple(to_device(device, _stack([ex[i] for ex in batch], pads[i], i, func))
                     for i in range(len(first)))
    if isinstance(first, dict):
        pads = _per_field(func, padding, first)
        return {key: to_device(device, _stack([ex[key] for ex in batch], pads[key], key, func))
                for key in first}
    if isinstance(padding, (tuple, dict)):
        _fail(func, "padding", "a scalar or None for examples that are single arrays",
              f"a {type(padding).__name__}")
    return to_device(device, _stack(list(batch), padding, None, func))


# ---- ragged sequences ----------------------------------------------------------
def _sequences_to_device(arrays, device):
    """Send a list of arrays to ``device`` with one transfer when they fit in one array."""
    if device is None:
        return list(arrays)
    if all(backend.get_device_from_array(a) == device for a in arrays):
        return list(arrays)
    first = arrays[0]
    same_kind = all(a.ndim == first.ndim and a.ndim > 0 and a.shape[1:] == first.shape[1:]
                    and a.dtype == first.dtype for a in arrays)
    if not same_kind:
        return [device.send(a) for a in arrays]
    # One host-to-device copy instead of one per sequence, then views on the device.
    xp = backend.get_array_module(first)
    lengths = numpy.array([len(a) for a in arrays])
    joined = device.send(xp.concatenate(arrays))
    return device.xp.split(joined, numpy.cumsum(lengths[:-1]).tolist())


def _sequence_field(values, device):
    arrays = _as_arrays(values)
    if all(a.ndim == 0 for a in arrays):
        # One value per sequence (a label): nothing ragged, stack it.
        xp = backend.get_array_module(arrays[0])
        return to_device(device, xp.stack(arrays))
    return _sequences_to_device(arrays, device)


@converter()
def concat_sequences(batch, device=None):
    """Like :func:`concat_examples`, but keeps variable-length sequences as lists of arrays.

    Recurrent links over whole sequences (``NStepLSTM``, ``NStepGRU``...)
    take a *list* of arrays of different lengths, not one padded array.
    ``concat_examples`` cannot give them that: without ``padding`` it fails
    on the first ragged batch, and with it the model gets padding it must
    then cut off again.  Chainer shipped no converter for this, so every
    NStepLSTM user wrote their own (Chainer's seq2seq example has one).

    Each field whose values are arrays of one or more dimensions becomes a
    list of arrays, one per example, sent to ``device`` with a single
    transfer per field.  A field with one scalar per example (a label) is
    stacked into one array, as ``concat_examples`` would.

    Args:
        batch: a non-empty list of examples: tuples, dicts or single arrays.
        device: where to send the arrays (see :func:`to_device`); None leaves
            them where they are.

    Returns:
        The batch's structure (tuple, dict or a plain list) with a list of
        arrays (or one stacked array for scalar fields) per field.

    Example:
        >>> import numpy as np
        >>> from kusari.dataset import concat_sequences
        >>> batch = [(np.array([1, 2, 3]), np.array([2, 3, 4]), 0),
        ...          (np.array([5]), np.array([6]), 1)]
        >>> xs, ys, labels = concat_sequences(batch, device='@numpy')
        >>> xs
        [array([1, 2, 3]), array([5])]
        >>> ys
        [array([2, 3, 4]), array([6])]
        >>> labels
        array([0, 1])
    """
    func = "concat_sequences"
    _check_batch(func, batch)
    first = batch[0]
    if isinstance(first, tuple):
        return tuple(_sequence_field([ex[i] for ex in batch], device) for i in range(len(first)))
    if isinstance(first, dict):
        return {key: _sequence_field([ex[key] for ex in batch], device) for key in first}
    return _sequence_field(list(batch), device)

