"""Collecting observed values: ``Reporter``, ``report``, ``Summary``, ``DictSummary``.

Code anywhere (a link's ``forward``, an updater, an extension) calls
``kusari.report({'loss': loss}, self)``; the current reporter stores it in
its *observation* dict as ``'<observer name>/loss'`` (``'main/loss'`` for the
trainer's main model), and extensions such as ``LogReport`` average the
observations with ``DictSummary``.

Unlike Chainer, a reported ``Variable`` never keeps its computational graph
alive: the reporter stores a new ``Variable`` over the same array with no
creator, so the graph (and every intermediate array it holds) is freed as
soon as backward is done.  Set ``kusari.config.keep_graph_on_report = True``
to store the original Variable.

Example:
    >>> import kusari
    >>> reporter = kusari.Reporter()
    >>> model = object()
    >>> reporter.add_observer('main', model)
    >>> observation = {}
    >>> with reporter.scope(observation):
    ...     kusari.report({'loss': 0.5}, model)
    >>> observation
    {'main/loss': 0.5}
"""
from __future__ import annotations

import collections
import contextlib
import json
import numbers
import threading
import warnings

import numpy

from kusari import _config
from kusari.variable import Variable

_thread_local = threading.local()


def _reporters():
    stack = getattr(_thread_local, "reporters", None)
    if stack is None:
        stack = _thread_local.reporters = []
    return stack


def _without_graph(value):
    # A new Variable over the same array: no node, so nothing behind it is kept.
    if isinstance(value, Variable):
        return Variable._from_array(value._data, value._requires_grad)
    return value


class Reporter:
    """Maps observer objects to name prefixes and collects reported values.

    Observers are matched by identity (``id``), as in Chainer.

    Attributes:
        observation: the dict that reported values are written to.

    Example:
        >>> import kusari
        >>> reporter = kusari.Reporter()
        >>> observation = {}
        >>> with reporter:
        ...     with kusari.report_scope(observation):
        ...         kusari.report({'x': 1})
        >>> observation
        {'x': 1}
    """

    def __init__(self):
        self._observer_names = {}
        self.observation = {}

    def __enter__(self):
        """Make this reporter the current one (for :func:`report`)."""
        _reporters().append(self)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        _reporters().pop()

    @contextlib.contextmanager
    def scope(self, observation):
        """Make this reporter current and write reports into ``observation`` inside the block.

        Example:
            >>> import kusari
            >>> reporter, obs = kusari.Reporter(), {}
            >>> with reporter.scope(obs):
            ...     kusari.report({'a': 2})
            >>> obs
            {'a': 2}
        """
        old = self.observation
        self.observation = observation
        self.__enter__()
        try:
            yield
        finally:
            self.__exit__(None, None, None)
            self.observation = old

    def add_observer(self, name, observer):
        """Values reported with ``observer`` get the prefix ``name + '/'``.

        Example:
            >>> import kusari
            >>> r, who, obs = kusari.Reporter(), object(), {}
            >>> r.add_observer('validation', who)
            >>> with r.scope(obs):
            ...     r.report({'loss': 1.0}, who)
            >>> obs
            {'validation/loss': 1.0}
        """
        self._observer_names[id(observer)] = name

    def add_observers(self, prefix, observers):
        """Register ``(name, observer)`` pairs as ``prefix + name`` (e.g. ``model.namedlinks()``).

        Example:
            >>> import kusari, kusari.links as L
            >>> model = kusari.Chain(fc=L.Linear(2, 2))
            >>> r, obs = kusari.Reporter(), {}
            >>> r.add_observers('main', model.namedlinks(skipself=True))
            >>> with r.scope(obs):
            ...     r.report({'norm': 3}, model.fc)
            >>> obs
            {'main/fc/norm': 3}
        """
        for name, observer in observers:
            self._observer_names[id(observer)] = prefix + name

    def report(self, values, observer=None):
        """Write ``values`` (a dict) into the observation, prefixed by the observer's name.

        Variables are stored without their graph unless
        ``config.keep_graph_on_report`` is True.
        """
        if not _config.config.keep_graph_on_report:
            values = {key: _without_graph(value) for key, value in values.items()}
        if observer is None:
            self.observation.update(values)
            return
        name = self._observer_names.get(id(observer))
        if name is None:
            raise KeyError(
                f"Reporter.report: argument 'observer' expected an object registered with "
                f"add_observer, got an unregistered {type(observer).__name__}")
        observation = self.observation
        for key, value in values.items():
            observation[f"{name}/{key}"] = value


def get_current_reporter():
    """The innermost reporter made current by ``with reporter:`` or ``reporter.scope()``.

    Example:
        >>> import kusari
        >>> r = kusari.Reporter()
        >>> with r:
        ...     kusari.get_current_reporter() is r
        True
    """
    stack = _reporters()
    if not stack:
        raise IndexError(
            "get_current_reporter: no reporter is current; enter one with "
            "`with reporter:` or `with reporter.scope(observation):`")
    return stack[-1]


def report(values, observer=None):
    """Report ``values`` to the current reporter; does nothing when none is current.

    Args:
        values: dict of names to values (scalars, arrays, Variables).
        observer: an object registered with ``add_observer`` (usually the
            calling link): its name prefixes the keys.

    Example:
        >>> import kusari
        >>> kusari.report({'ignored': 1})        # no current reporter: no-op
        >>> r, obs = kusari.Reporter(), {}
        >>> with r.scope(obs):
        ...     kusari.report({'loss': 0.25})
        >>> obs
        {'loss': 0.25}
    """
    stack = _reporters()
    if stack:
        stack[-1].report(values, observer)


@contextlib.contextmanager
def report_scope(observation):
    """Send the current reporter's reports to ``observation`` inside the block.

    Example:
        >>> import kusari
        >>> r, obs = kusari.Reporter(), {}
        >>> with r:
        ...     with kusari.report_scope(obs):
        ...         kusari.report({'k': 1})
        >>> obs
        {'k': 1}
    """
    current = get_current_reporter()
    old = current.observation
    current.observation = observation
    try:
        yield
    finally:
        current.observation = old


def _as_value(value):
    return value._data if isinstance(value, Variable) else value


def _is_scalar_number(value) -> bool:
    """A Python number, a NumPy scalar or a 0-dimensional numeric array (any device)."""
    if isinstance(value, numbers.Number):
        return True
    dtype = getattr(value, "dtype", None)
    return dtype is not None and getattr(value, "ndim", -1) == 0 and dtype.kind in "biufc"


class Summary:
    """Running weighted mean and standard deviation of scalars.

    Values may be Python or NumPy scalars, 0-dimensional arrays (on any
    device: sums stay on it) or 0-dimensional Variables.

    Example:
        >>> from kusari import Summary
        >>> s = Summary()
        >>> for v in (1.0, 2.0, 3.0):
        ...     s.add(v)
        >>> float(s.compute_mean())
        2.0
        >>> mean, std = s.make_statistics(); round(float(std), 4)
        0.8165
    """

    def __init__(self):
        self._x = 0.0
        self._x2 = 0.0
        self._n = 0

    def add(self, value, weight=1):
        """Add ``value`` with ``weight`` (default 1)."""
        value = _as_value(value)
        weight = _as_value(weight)
        self._x += weight * value
        self._x2 += weight * value * value
        self._n += weight

    def compute_mean(self):
        """The weighted mean of the values added so far."""
        return self._x / self._n

    def make_statistics(self):
        """``(mean, std)`` of the values added so far."""
        x, n = self._x, self._n
        mean = x / n
        var = self._x2 / n - mean * mean
        # Rounding can make a zero variance slightly negative; Chainer returned NaN then.
        if hasattr(var, "dtype") and not isinstance(var, numpy.generic):
            from kusari import backend

            xp = backend.get_array_module(var)
            return mean, xp.sqrt(xp.maximum(var, 0))
        return mean, numpy.sqrt(max(var, 0.0))

    def serialize(self, serializer):
        """Save or load the running sums (``_x``, ``_x2``, ``_n``)."""
        try:
            self._x = serializer("_x", self._x)
            self._x2 = serializer("_x2", self._x2)
            self._n = serializer("_n", self._n)
        except KeyError:
            warnings.warn("Summary.serialize: the previous statistics were not saved; starting afresh",
                          stacklevel=2)


class DictSummary:
    """A :class:`Summary` per key of the dicts added (what ``LogReport`` averages).

    Only numbers, 0-dimensional numeric arrays and 0-dimensional Variables
    are summarised; other values (vectors, strings, ...) are skipped.  A ``(value, weight)`` tuple adds
    ``value`` with that weight.

    Example:
        >>> from kusari import DictSummary
        >>> s = DictSummary()
        >>> s.add({'loss': 1.0, 'acc': 0.5})
        >>> s.add({'loss': 3.0, 'acc': (1.0, 3)})
        >>> {k: float(v) for k, v in s.compute_mean().items()}
        {'loss': 2.0, 'acc': 0.875}
    """

    def __init__(self):
        self._summaries = collections.defaultdict(Summary)

    def add(self, d):
        """Add the scalar entries of the dict ``d``."""
        summaries = self._summaries
        for key, value in d.items():
            weight = 1
            if isinstance(value, tuple):
                value, weight = value
                weight = _as_value(weight)
                if not _is_scalar_number(weight):
                    raise ValueError(
                        f"DictSummary.add: argument 'd' expected a scalar weight for {key!r}, "
                        f"got {type(weight).__name__} of shape {getattr(weight, 'shape', '?')}")
            value = _as_value(value)
            if _is_scalar_number(value):
                summaries[key].add(value, weight=weight)

    def compute_mean(self):
        """``{key: mean}`` for every key seen."""
        return {name: summary.compute_mean() for name, summary in self._summaries.items()}

    def make_statistics(self):
        """``{key: mean, key + '.std': std}`` for every key seen."""
        stats = {}
        for name, summary in self._summaries.items():
            mean, std = summary.make_statistics()
            stats[name] = mean
            stats[name + ".std"] = std
        return stats

    def serialize(self, serializer):
        """Save or load every summary (the key names are stored as JSON in ``_names``)."""
        from kusari.serializer import Serializer

        if isinstance(serializer, Serializer):
            names = list(self._summaries)
            serializer("_names", json.dumps(names))
            for index, name in enumerate(names):
                self._summaries[name].serialize(serializer["_summaries"][str(index)])
            return
        self._summaries.clear()
        try:
            names = json.loads(str(serializer("_names", "")))
        except KeyError:
            warnings.warn("DictSummary.serialize: the names of the statistics were not saved",
                          stacklevel=2)
            return
        for index, name in enumerate(names):
            self._summaries[name].serialize(serializer["_summaries"][str(index)])
