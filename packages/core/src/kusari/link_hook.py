"""Link hooks: callbacks around every ``Link``'s forward.

Chainer v7's API: subclass :class:`LinkHook`, then either register it for
the current thread with ``with hook:`` (every link called inside the block
calls it) or on one link with ``link.add_hook(hook)``.  Each call of a link
hands the hook a callback-arguments object with ``link``, ``forward_name``
(always ``'forward'``), ``args``, ``kwargs`` and, after forward, ``out``.
:func:`get_link_hooks` is the current thread's registry, an ordered dict
``name -> hook`` (Chainer's private ``chainer._get_link_hooks``; kusari
names it publicly like ``get_function_hooks`` and keeps the private alias).

Design notes (why it looks like this):

* **Zero cost when unused.**  ``Link.__call__`` runs for every layer of
  every iteration, so with no hook anywhere it reads exactly one attribute,
  ``link._link_hooks_active``, before calling ``forward``.  That is a class
  attribute of ``Link``, True while any thread's registry is non-empty, and
  shadowed by an instance attribute on a link that has hooks of its own.
  Only when it is True is the thread-local registry looked up.
* **The flag cannot go stale.**  The registries are dict subclasses that
  update the flag on every change (``with``, ``hooks[name] = h``, ``del``,
  ``pop``, ``clear``, ...), and a thread's registry that dies non-empty
  gives its count back.  A thread whose own registry is empty while another
  thread's is not pays one thread-local lookup per call and calls nothing.
* **Order.**  The thread's hooks in registration order, then the link's
  own; a link's hook replaces a global one of the same name (as Chainer).
  The set of hooks is fixed when a call starts, so a call's pre- and
  post-callbacks always pair up even if a callback registers another hook.
  An exception in forward skips the post-callbacks (as Chainer).
* **Copies.**  ``link.copy()`` gives the copy its own registry holding the
  same hooks (Chainer's shallow copy shared one dict between the two, so a
  hook added to one appeared on both); deep copies and pickles hold a
  plain dict that becomes a registry again on first use.
* ``hook.add()`` / ``hook.delete()`` are kusari's spelled-out form of
  ``with hook:`` and ``link.add_hook(hook)`` (Chainer 7.8.1's LinkHook has
  neither; they do the same thing), matching ``FunctionHook``'s.
"""
from __future__ import annotations

import collections
import threading
import weakref

from kusari._hook_support import CountedHooks, HookCounter, SyncedDict
from kusari.utils import type_check as _type_check

_thread_local = threading.local()


def _set_link_hooks_active(active: bool) -> None:
    from kusari.link import Link

    Link._link_hooks_active = active


class _ThreadHooks(CountedHooks):
    """One thread's registry; counted while non-empty (links' own registries are not)."""

    counter = HookCounter(_set_link_hooks_active)


class _LinkHooks(SyncedDict):
    """A link's own hooks (``local_link_hooks``); marks the link while non-empty."""

    _link_ref = None

    def _changed(self) -> None:
        link = None if self._link_ref is None else self._link_ref()
        if link is None:
            return
        if len(self):
            link.__dict__["_link_hooks_active"] = True
        else:
            link.__dict__.pop("_link_hooks_active", None)  # back to the class-wide flag


def _bind_link_hooks(link, items=()) -> _LinkHooks:
    """A registry for ``link`` holding ``items``, stored on it and marking it if non-empty."""
    hooks = _LinkHooks(items)
    # Weak: the link owns its hooks, not the other way round.
    hooks._link_ref = weakref.ref(link)
    link.__dict__["_local_link_hooks"] = hooks
    hooks._changed()
    return hooks


def get_link_hooks():
    """The current thread's global link hooks, an ordered dict ``name -> hook``.

    ``with hook:`` adds to it and removes on exit; each thread has its own.

    Example:
        >>> from kusari import link_hooks
        >>> from kusari.link_hook import get_link_hooks
        >>> with link_hooks.TimerHook() as hook:
        ...     list(get_link_hooks())
        ['TimerHook']
        >>> len(get_link_hooks())
        0
    """
    try:
        return _thread_local.link_hooks
    except AttributeError:
        hooks = _thread_local.link_hooks = _ThreadHooks()
        return hooks


# Chainer's spelling (chainer._get_link_hooks).
_get_link_hooks = get_link_hooks


def _hooks_for(link) -> tuple:
    """The hooks one call of ``link`` runs: the thread's, then the link's own."""
    registry = getattr(_thread_local, "link_hooks", None)
    local = link.__dict__.get("_local_link_hooks")
    if not local:
        return tuple(registry.values()) if registry else ()
    if not registry:
        return tuple(local.values())
    merged = collections.OrderedDict(registry)
    merged.update(local)  # same name: the link's hook, in the global one's place
    return tuple(merged.values())


def _call_with_hooks(link, args, kwargs):
    """``link.forward(*args, **kwargs)`` between the hooks' forward callbacks."""
    hooks = _hooks_for(link)
    if not hooks:
        return link.forward(*args, **kwargs)
    pre = _ForwardPreprocessCallbackArgs(link, "forward", args, kwargs)
    for hook in hooks:
        hook.forward_preprocess(pre)
    out = link.forward(*args, **kwargs)
    post = _ForwardPostprocessCallbackArgs(link, "forward", args, kwargs, out)
    for hook in hooks:
        hook.forward_postprocess(post)
    return out


class _ForwardPreprocessCallbackArgs:
    """What :meth:`LinkHook.forward_preprocess` receives: ``link``, ``forward_name``, ``args``, ``kwargs``.

    Example:
        >>> import kusari
        >>> a = _ForwardPreprocessCallbackArgs(kusari.Link(), 'forward', (1,), {})
        >>> a
        <kusari.link_hook._ForwardPreprocessCallbackArgs link=Link() forward_name=forward args=(1,) kwargs={}>
    """

    __slots__ = ("link", "forward_name", "args", "kwargs")

    def __init__(self, link, forward_name, args, kwargs):
        self.link = link
        self.forward_name = forward_name
        self.args = args
        self.kwargs = kwargs

    def __repr__(self):
        fields = " ".join(f"{name}={getattr(self, name)}" for name in self.__slots__)
        return f"<{type(self).__module__}.{type(self).__name__} {fields}>"


class _ForwardPostprocessCallbackArgs(_ForwardPreprocessCallbackArgs):
    """What :meth:`LinkHook.forward_postprocess` receives: the preprocess fields plus ``out``.

    Example:
        >>> import kusari
        >>> _ForwardPostprocessCallbackArgs(kusari.Link(), 'forward', (), {}, 3).out
        3
    """

    __slots__ = ("out",)

    def __init__(self, link, forward_name, args, kwargs, out):
        super().__init__(link, forward_name, args, kwargs)
        self.out = out

    def __repr__(self):
        names = _ForwardPreprocessCallbackArgs.__slots__ + self.__slots__
        fields = " ".join(f"{name}={getattr(self, name)}" for name in names)
        return f"<{type(self).__module__}.{type(self).__name__} {fields}>"


class LinkHook:
    """Base class of callbacks run around links' forward.

    Override any of :meth:`added`, :meth:`deleted`,
    :meth:`forward_preprocess`, :meth:`forward_postprocess` (all do nothing
    by default).  Register a hook for every link called in the current
    thread with ``with hook:`` (``added``/``deleted`` get ``None``), or on
    one link with ``link.add_hook(hook)`` (they get the link; the hook then
    runs for that link's calls only, not its children's).  A thread cannot
    hold two hooks of the same :attr:`name` at once.

    Attributes:
        name (str): the key the hook is registered under.

    Example:
        >>> import numpy as np, kusari, kusari.links as L
        >>> from kusari.link_hook import LinkHook  # also kusari.LinkHook
        >>> class RecordShapes(LinkHook):
        ...     name = 'RecordShapes'
        ...     def __init__(self):
        ...         self.seen = []
        ...     def forward_postprocess(self, args):
        ...         self.seen.append((type(args.link).__name__, args.out.shape))
        >>> model = kusari.Sequential(L.Linear(3, 4), L.Linear(4, 2))
        >>> with RecordShapes() as hook:
        ...     y = model(np.ones((1, 3), np.float32))
        >>> hook.seen
        [('Linear', (1, 4)), ('Linear', (1, 2)), ('Sequential', (1, 2))]
    """

    name = "LinkHook"

    def __enter__(self):
        self.add()
        return self

    def __exit__(self, *exc_info):
        self.delete()

    def add(self, link=None):
        """Register this hook: for the current thread (``link=None``) or on ``link``.

        Same as ``with hook:`` without the block, or ``link.add_hook(hook)``.
        Raises ``KeyError`` when a hook of the same name is already there.
        Returns the hook.

        Example:
            >>> from kusari.link_hooks import TimerHook
            >>> from kusari.link_hook import get_link_hooks
            >>> hook = TimerHook().add()
            >>> 'TimerHook' in get_link_hooks()
            True
            >>> hook.delete(); 'TimerHook' in get_link_hooks()
            False
        """
        if link is not None:
            _check_link("LinkHook.add", link)
            link.add_hook(self)
            return self
        hooks = get_link_hooks()
        if self.name in hooks:
            raise KeyError(f"hook {self.name} already exists")
        hooks[self.name] = self
        self.added(None)
        return self

    def delete(self, link=None) -> None:
        """Unregister this hook from the current thread (``link=None``) or from ``link``.

        Raises ``KeyError`` when it is not registered there.

        Example:
            >>> import kusari.links as L
            >>> from kusari.link_hooks import TimerHook
            >>> layer = L.Linear(2, 2)
            >>> hook = TimerHook().add(layer)
            >>> list(layer.local_link_hooks)
            ['TimerHook']
            >>> hook.delete(layer); list(layer.local_link_hooks)
            []
        """
        if link is not None:
            _check_link("LinkHook.delete", link)
            link.delete_hook(self.name)
            return
        hooks = get_link_hooks()
        if self.name not in hooks:
            raise KeyError(f"hook {self.name} does not exist")
        hooks[self.name].deleted(None)
        del hooks[self.name]

    def added(self, link) -> None:
        """Called once registered; ``link`` is None for a thread-wide registration."""

    def deleted(self, link) -> None:
        """Called once unregistered; ``link`` is None for a thread-wide registration."""

    def forward_preprocess(self, args) -> None:
        """Called before a link's forward; ``args`` has ``link``, ``forward_name``, ``args``, ``kwargs``."""

    def forward_postprocess(self, args) -> None:
        """Called after a link's forward; ``args`` also has ``out``, forward's result."""


def _check_link(func: str, link) -> None:
    from kusari.link import Link

    if not isinstance(link, Link):
        _type_check.fail(func, "link", "a kusari.Link", type(link).__name__)


def _check_hook(func: str, hook) -> None:
    if not isinstance(hook, LinkHook):
        _type_check.fail(func, "hook", "a kusari.LinkHook", type(hook).__name__)
