"""Function hooks: callbacks around every ``FunctionNode``'s forward and backward.

Chainer v7's API: subclass :class:`FunctionHook`, then either register it for
the current thread with ``with hook:`` (every function applied or
backpropagated inside the block calls it) or on one function with
``function.add_hook(hook)``.  :func:`get_function_hooks` is the current
thread's registry, an ordered dict ``name -> hook``.

Design notes (why it looks like this):

* **Zero cost when unused.**  ``FunctionNode.apply`` and the backward loop
  run for every operation, so with no hook anywhere they test one module
  global, ``_hooks_in_use`` (a few ns; a thread-local lookup would cost far
  more).  It is True while any registry -- a thread's or a node's own --
  holds a hook; only then are the thread's and the node's hooks looked up.
* **The flag cannot go stale.**  The registries are dict subclasses that
  update a count on every change (``with``, ``hooks[name] = h``, ``del``,
  ``pop``, ``clear``, ...), and a registry freed while non-empty (a thread
  that ended, a node that was dropped) gives its count back.  While some
  hook exists, a call with no hook of its own pays one attribute read and
  one dict lookup and calls nothing.
* **Order.**  The thread's hooks in registration order, then the node's own;
  a node's hook replaces a global one of the same name (as Chainer).
  The set of hooks is fixed when an operation starts, so its pre- and
  post-callbacks always pair up even if a callback registers another hook.
* **What the callbacks get** is Chainer's: forward gets the input arrays
  (also when no graph is recorded); backward gets each input's *retained*
  array (None where the function did not retain it) and the output
  gradients as arrays.  Functions that a backward applies are hooked too;
  kusari's first-order backward fast paths compute some gradients without
  applying functions, so a TimerHook shows fewer inner calls than Chainer's
  (no ``BroadcastTo`` inside ``Sum``'s backward, for example).
* ``hook.add()`` / ``hook.delete()`` are kusari's spelled-out form of
  ``with hook:`` and ``function.add_hook(hook)`` (Chainer 7.8.1's
  FunctionHook has neither; they do the same thing).
"""
from __future__ import annotations

import collections
import threading

from kusari._hook_support import CountedHooks, HookCounter
from kusari.utils import type_check as _type_check

_thread_local = threading.local()


def _set_hooks_in_use(active: bool) -> None:
    # The hot paths read a plain module global (the cheapest check Python
    # has); this is the only writer.
    from kusari import _backprop, function_node

    function_node._hooks_in_use = active
    _backprop._hooks_in_use = active


# Registries (threads' and nodes') holding a hook.
_counter = HookCounter(_set_hooks_in_use)


class _CountedHooks(CountedHooks):
    counter = _counter


class _ThreadHooks(_CountedHooks):
    """One thread's registry (``get_function_hooks()``)."""


class _NodeHooks(_CountedHooks):
    """One node's own hooks (``FunctionNode.local_function_hooks``)."""


def hooks_in_use() -> bool:
    """Whether any thread or any node has a function hook registered right now.

    Example:
        >>> from kusari.function_hook import hooks_in_use
        >>> from kusari.function_hooks import TimerHook
        >>> with TimerHook():
        ...     hooks_in_use()
        True
        >>> hooks_in_use()
        False
    """
    return _counter.total > 0


def get_function_hooks():
    """The current thread's global function hooks, an ordered dict ``name -> hook``.

    ``with hook:`` adds to it and removes on exit; each thread has its own.

    Example:
        >>> from kusari import function_hooks
        >>> from kusari.function_hook import get_function_hooks
        >>> with function_hooks.TimerHook() as hook:
        ...     list(get_function_hooks())
        ['TimerHook']
        >>> len(get_function_hooks())
        0
    """
    try:
        return _thread_local.function_hooks
    except AttributeError:
        hooks = _thread_local.function_hooks = _ThreadHooks()
        return hooks


def _hooks_for(node) -> tuple:
    """The hooks one call of ``node`` runs: the thread's, then the node's own."""
    try:
        registry = _thread_local.function_hooks
    except AttributeError:  # this thread's first look (a missing attribute is slow: once)
        registry = get_function_hooks()
    local = node._local_function_hooks
    if not local:
        return tuple(registry.values()) if registry else ()
    if not registry:
        return tuple(local.values())
    merged = collections.OrderedDict(registry)
    merged.update(local)
    return tuple(merged.values())


def _forward_with_hooks(node, in_data):
    """``node.forward(in_data)`` between the hooks' forward callbacks."""
    hooks = _hooks_for(node)
    if not hooks:  # hooks exist, but in another thread
        return node.forward(in_data)
    for hook in hooks:
        hook.forward_preprocess(node, in_data)
    outputs = node.forward(in_data)
    for hook in hooks:
        hook.forward_postprocess(node, in_data)
    return outputs


def _backward_with_hooks(node, indexes, grad_outputs):
    """``node.backward(indexes, grad_outputs)`` between the hooks' backward callbacks."""
    hooks = _hooks_for(node)
    if not hooks:
        return node.backward(indexes, grad_outputs)
    # Chainer's arguments: the inputs' retained arrays (None where an input
    # was not retained) and the output gradients as arrays.
    in_data = tuple([n.data for n in node.inputs])
    out_grad = tuple([None if g is None else g._data for g in grad_outputs])
    for hook in hooks:
        hook.backward_preprocess(node, in_data, out_grad)
    gxs = node.backward(indexes, grad_outputs)
    for hook in hooks:
        hook.backward_postprocess(node, in_data, out_grad)
    return gxs


class FunctionHook:
    """Base class of callbacks run around functions' forward and backward.

    Override any of :meth:`added`, :meth:`deleted`,
    :meth:`forward_preprocess`, :meth:`forward_postprocess`,
    :meth:`backward_preprocess`, :meth:`backward_postprocess` (all do
    nothing by default).  Register a hook for every function of the current
    thread with ``with hook:`` (``added``/``deleted`` get ``None``), or on
    one function with ``function.add_hook(hook)`` (they get the function).
    A thread cannot hold two hooks of the same :attr:`name` at once.

    Attributes:
        name (str): the key the hook is registered under (the class's name
            by default in the built-in hooks).

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.function_hook import FunctionHook
        >>> class CountCalls(FunctionHook):
        ...     name = 'CountCalls'
        ...     def __init__(self):
        ...         self.labels = []
        ...     def forward_preprocess(self, function, in_data):
        ...         self.labels.append(function.label)
        >>> x = kusari.Variable(np.ones(3, np.float32))
        >>> with CountCalls() as hook:
        ...     y = kusari.functions.sum(x * 2)
        >>> hook.labels
        ['_ * 2', 'Sum']
    """

    name = "FunctionHook"

    def __enter__(self):
        self.add()
        return self

    def __exit__(self, *exc_info):
        self.delete()

    def add(self, function=None):
        """Register this hook: for the current thread (``function=None``) or on ``function``.

        Same as ``with hook:`` without the block, or ``function.add_hook(hook)``.
        Raises ``KeyError`` when a hook of the same name is already there.

        Example:
            >>> from kusari.function_hook import get_function_hooks
            >>> from kusari.function_hooks import TimerHook
            >>> hook = TimerHook().add()
            >>> 'TimerHook' in get_function_hooks()
            True
            >>> hook.delete(); 'TimerHook' in get_function_hooks()
            False
        """
        if function is not None:
            function.add_hook(self)
            return self
        hooks = get_function_hooks()
        if self.name in hooks:
            raise KeyError(f"hook {self.name} already exists")
        hooks[self.name] = self
        try:
            self.added(None)
        except BaseException:
            # A hook that failed to start must not stay half-registered.
            del hooks[self.name]
            raise
        return self

    def delete(self, function=None) -> None:
        """Unregister this hook from the current thread (``function=None``) or from ``function``.

        Raises ``KeyError`` when it is not registered there.

        Example:
            >>> import numpy as np, kusari
            >>> from kusari.function_hooks import TimerHook
            >>> f = kusari.functions.math.basic_math.Mul()
            >>> hook = TimerHook().add(f)
            >>> list(f.local_function_hooks)
            ['TimerHook']
            >>> hook.delete(f); list(f.local_function_hooks)
            []
        """
        if function is not None:
            function.delete_hook(self.name)
            return
        hooks = get_function_hooks()
        if self.name not in hooks:
            raise KeyError(f"hook {self.name} does not exist")
        hooks[self.name].deleted(None)
        del hooks[self.name]

    def added(self, function) -> None:
        """Called once registered; ``function`` is None for a thread-wide registration."""

    def deleted(self, function) -> None:
        """Called once unregistered; ``function`` is None for a thread-wide registration."""

    def forward_preprocess(self, function, in_data) -> None:
        """Called before ``function``'s forward with its input arrays."""

    def forward_postprocess(self, function, in_data) -> None:
        """Called after ``function``'s forward with its input arrays."""

    def backward_preprocess(self, function, in_data, out_grad) -> None:
        """Called before ``function``'s backward.

        ``in_data``: the inputs' retained arrays (None where not retained);
        ``out_grad``: the output gradients as arrays (None where missing).
        """

    def backward_postprocess(self, function, in_data, out_grad) -> None:
        """Called after ``function``'s backward, with the same arguments as the preprocess."""


def _check_hook(func: str, hook) -> None:
    if not isinstance(hook, FunctionHook):
        _type_check.fail(func, "hook", "a kusari.FunctionHook", type(hook).__name__)
