"""``Link``, ``Chain`` and ``ChainList``: objects that own parameters.

A ``Link`` holds ``Parameter`` objects and *persistent values* (arrays or
other values saved with the model, like running statistics).  A ``Chain``
holds named child links, a ``ChainList`` a list of them; together they form
a tree whose paths (``'/l1/W'``) name the parameters in ``namedparams``,
optimizers and saved files, exactly as in Chainer v7, so an ``.npz`` written
by Chainer loads into the same kusari model.

Registration happens by assignment inside ``with self.init_scope():``.

Example:
    >>> import numpy as np
    >>> import kusari, kusari.links as L
    >>> class MLP(kusari.Chain):
    ...     def __init__(self):
    ...         super().__init__()
    ...         with self.init_scope():
    ...             self.l1 = L.Linear(3, 4)
    ...             self.l2 = L.Linear(4, 2)
    ...     def forward(self, x):
    ...         return self.l2(self.l1(x))
    >>> model = MLP()
    >>> [name for name, _ in model.namedparams()]
    ['/l1/W', '/l1/b', '/l2/W', '/l2/b']
    >>> model(np.ones((5, 3), np.float32)).shape
    (5, 2)
"""
from __future__ import annotations

import collections.abc
import contextlib
import copy as _copy
import warnings

import numpy

from kusari import backend
from kusari import link_hook as _link_hook
from kusari.variable import Parameter

_CPU = backend.CPU_DEVICE
_COPY_MODES = ("init", "copy", "share")


def _clear_grads(link):
    """``cleargrads`` for ``link``'s tree: runs every iteration, so no generators
    and no sorting (the order of clearing does not matter)."""
    if type(link).params is not Link.params:
        # A link that redefines params() decides what its parameters are.
        for param in link.params():
            param.cleargrad()
        return
    d = link.__dict__
    for name in link._params:
        d[name].cleargrad()
    for _, child in link._named_children():
        _clear_grads(child)


def _is_array(value) -> bool:
    if isinstance(value, numpy.ndarray):
        return True
    return (hasattr(value, "shape") and not isinstance(value, numpy.generic)
            and backend.is_array_supported(value))


def _is_shape(value) -> bool:
    if value is None or isinstance(value, (int, numpy.integer)):
        return True
    if isinstance(value, (tuple, list)):
        return all(isinstance(v, (int, numpy.integer)) for v in value)
    return False


class Link:
    """Building block of models: owns parameters and persistent values.

    Args:
        params: Chainer's old style of declaring parameters:
            ``Link(W=(3, 2))`` or ``Link(W=((3, 2), numpy.float64))`` adds
            NaN-filled parameters of those shapes (``None`` for uninitialised).

    Attributes:
        name: the name given by the parent chain (None at the root).

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import initializers
        >>> class Scale(kusari.Link):
        ...     def __init__(self, n):
        ...         super().__init__()
        ...         with self.init_scope():
        ...             self.s = kusari.Parameter(initializers.One(), (n,))
        ...     def forward(self, x):
        ...         return x * self.s
        >>> link = Scale(2)
        >>> link(np.array([3.0, 4.0], np.float32)).array
        array([3., 4.], dtype=float32)
        >>> link.count_params()
        2
    """

    # Class-level defaults: attribute assignment works even before __init__.
    _within_init_scope = False
    # True while some thread has global link hooks (kusari.link_hook keeps it
    # in sync); a link with hooks of its own shadows it with True.  __call__
    # reads only this when no hook is in use.
    _link_hooks_active = False
    _local_link_hooks = None
    _device = _CPU
    name = None

    def __init__(self, **params):
        self._params = set()
        self._persistent = set()
        self._within_init_scope = False
        self.name = None
        for name, value in params.items():
            if _is_shape(value):
                self.add_param(name, value)
            else:
                shape, dtype = value
                self.add_param(name, shape, dtype=dtype)

    # ---- calling -----------------------------------------------------------
    def __call__(self, *args, **kwargs):
        # The hot path: one attribute read between the call and forward.
        if self._link_hooks_active:
            return _link_hook._call_with_hooks(self, args, kwargs)
        return self.forward(*args, **kwargs)

    def forward(self, *args, **kwargs):
        """The computation of this link; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    # ---- hooks ---------------------------------------------------------------
    @property
    def local_link_hooks(self):
        """This link's own link hooks, an ordered dict ``name -> hook``.

        They run after the thread's global hooks (``kusari.get_link_hooks()``),
        for calls of this link only; one with the same name as a global hook
        replaces it for this link.

        Example:
            >>> import kusari.links as L
            >>> from kusari.link_hooks import TimerHook
            >>> layer = L.Linear(2, 2).add_hook(TimerHook())
            >>> list(layer.local_link_hooks)
            ['TimerHook']
        """
        hooks = self.__dict__.get("_local_link_hooks")
        if type(hooks) is not _link_hook._LinkHooks:
            # First use, or a plain dict left by a deep copy or unpickling.
            hooks = _link_hook._bind_link_hooks(self, hooks or ())
        return hooks

    def add_hook(self, hook, name=None):
        """Register a :class:`kusari.LinkHook` on this link only; returns the link.

        ``name`` defaults to ``hook.name``; it must be unique among this link's
        hooks (``KeyError`` otherwise).  Calls ``hook.added(self)``.

        Example:
            >>> import numpy as np, kusari.links as L
            >>> from kusari.link_hooks import TimerHook
            >>> layer = L.Linear(3, 2).add_hook(TimerHook(), name='timer')
            >>> y = layer(np.ones((1, 3), np.float32))
            >>> [name for name, _ in layer.local_link_hooks['timer'].call_history]
            ['Linear']
            >>> layer.delete_hook('timer')
        """
        _link_hook._check_hook(f"{type(self).__name__}.add_hook", hook)
        if name is None:
            name = hook.name
        hooks = self.local_link_hooks
        if name in hooks:
            raise KeyError(f"Hook {name} already exists")
        hooks[name] = hook
        hook.added(self)
        return self

    def delete_hook(self, name):
        """Unregister this link's hook ``name`` (``KeyError`` if absent); calls ``hook.deleted(self)``.

        Example:
            >>> import kusari.links as L
            >>> from kusari.link_hooks import TimerHook
            >>> layer = L.Linear(2, 2).add_hook(TimerHook())
            >>> layer.delete_hook('TimerHook')
            >>> len(layer.local_link_hooks)
            0
        """
        hooks = self.local_link_hooks
        if name not in hooks:
            raise KeyError(f"Hook {name} does not exist")
        hooks[name].deleted(self)
        del hooks[name]

    # ---- registration ------------------------------------------------------
    @property
    def within_init_scope(self) -> bool:
        """Whether code runs inside :meth:`init_scope` (assignments register)."""
        return self._within_init_scope

    @contextlib.contextmanager
    def init_scope(self):
        """A ``with`` block in which assigning a Parameter (a Link, in a Chain) registers it.

        Example:
            >>> import kusari
            >>> link = kusari.Link()
            >>> with link.init_scope():
            ...     link.w = kusari.Parameter(0.0, (2,))
            >>> [name for name, _ in link.namedparams()]
            ['/w']
        """
        if "_params" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.init_scope: Link.__init__() has not been called; "
                f"call super().__init__() first")
        old = self._within_init_scope
        self._within_init_scope = True
        try:
            yield
        finally:
            self._within_init_scope = old

    def __setattr__(self, name, value):
        d = self.__dict__
        if isinstance(value, Parameter):
            if self._within_init_scope or name in d.get("_params", ()):
                value.name = name
                d["_params"].add(name)
                d["_persistent"].discard(name)
        elif name in d.get("_params", ()):
            # A registered parameter replaced by something else is no longer
            # a parameter (Chainer kept the name and crashed later).
            d["_params"].discard(name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        d = self.__dict__
        d.get("_params", set()).discard(name)
        d.get("_persistent", set()).discard(name)
        object.__delattr__(self, name)

    def add_param(self, name, shape=None, dtype=numpy.float32, initializer=None):
        """Register a new parameter ``name`` (also the attribute name).

        Args:
            shape: the shape; None leaves it uninitialised.
            dtype: the dtype when ``initializer`` is None (the array is NaN-filled).
            initializer: an initializer, an array or a scalar (``dtype`` is then ignored).

        Example:
            >>> import kusari
            >>> link = kusari.Link()
            >>> link.add_param('W', (2, 3), initializer=0.5)
            >>> link.W.array.shape, float(link.W.array[0, 0])
            ((2, 3), 0.5)
        """
        if name in self.__dict__:
            raise AttributeError(
                f"Link.add_param: argument 'name' expected a name not in use, got {name!r} "
                f"(the attribute exists)")
        if initializer is None:
            from kusari import initializers

            initializer = initializers.NaN(dtype)
        param = Parameter(initializer, shape)
        with self.init_scope():
            setattr(self, name, param)

    def add_persistent(self, name, value):
        """Register ``value`` as the persistent value ``name`` (saved and loaded with the model).

        Example:
            >>> import kusari
            >>> link = kusari.Link()
            >>> link.add_persistent('count', 0)
            >>> link.count
            0
        """
        d = self.__dict__
        if name in d:
            raise AttributeError(
                f"Link.add_persistent: argument 'name' expected a name not in use, got {name!r} "
                f"(the attribute exists)")
        d["_persistent"].add(name)
        d["_params"].discard(name)
        d[name] = value

    def register_persistent(self, name):
        """Register the existing attribute ``name`` as a persistent value.

        Example:
            >>> import numpy as np, kusari
            >>> link = kusari.Link()
            >>> link.mean = np.zeros(3, np.float32)
            >>> link.register_persistent('mean')
            >>> sorted(link._persistent)
            ['mean']
        """
        if not hasattr(self, name):
            raise AttributeError(
                f"Link.register_persistent: argument 'name' expected an existing attribute, "
                f"got {name!r}")
        self._persistent.add(name)
        self._params.discard(name)

    # ---- walking the tree ----------------------------------------------------
    def _named_children(self):
        """(name, child) pairs in the order Chainer walks them; none for a plain Link."""
        return ()

    def params(self, include_uninit=True):
        """All parameters of this link and its descendants.

        Example:
            >>> import kusari.links as L
            >>> [p.shape for p in L.Linear(3, 2).params()]
            [(2, 3), (2,)]
        """
        d = self.__dict__
        for name in sorted(self._params):
            param = d[name]
            if include_uninit or param._data is not None:
                yield param
        for _, child in self._named_children():
            yield from child.params(include_uninit)

    def namedparams(self, include_uninit=True):
        """(path, parameter) pairs, paths relative to this link (``'/l1/W'``).

        Example:
            >>> import kusari.links as L
            >>> [name for name, _ in L.Linear(None, 2).namedparams(include_uninit=False)]
            ['/b']
        """
        d = self.__dict__
        for name in sorted(self._params):
            param = d[name]
            if include_uninit or param._data is not None:
                yield "/" + name, param
        for child_name, child in self._named_children():
            prefix = "/" + child_name
            for path, param in child.namedparams(include_uninit):
                yield prefix + path, param

    def links(self, skipself=False):
        """This link (unless ``skipself``) and all its descendants, depth first.

        Example:
            >>> import kusari, kusari.links as L
            >>> c = kusari.Chain(a=L.Linear(2, 2))
            >>> [type(l).__name__ for l in c.links()]
            ['Chain', 'Linear']
        """
        if not skipself:
            yield self
        for _, child in self._named_children():
            yield from child.links()

    def namedlinks(self, skipself=False):
        """(path, link) pairs: ``'/'`` for this link, ``'/a'``, ``'/a/b'`` below it.

        Example:
            >>> import kusari, kusari.links as L
            >>> c = kusari.Chain(a=L.Linear(2, 2))
            >>> [path for path, _ in c.namedlinks()]
            ['/', '/a']
        """
        if not skipself:
            yield "/", self
        for child_name, child in self._named_children():
            prefix = "/" + child_name
            yield prefix, child
            for path, link in child.namedlinks(skipself=True):
                yield prefix + path, link

    def children(self):
        """The direct child links (sorted by name in a Chain, in order in a ChainList).

        Example:
            >>> import kusari, kusari.links as L
            >>> c = kusari.Chain(b=L.Linear(2, 2), a=L.Linear(2, 2))
            >>> [l.name for l in c.children()]
            ['a', 'b']
        """
        for _, child in self._named_children():
            yield child

    def count_params(self):
        """The number of scalars in all initialised parameters (warns about uninitialised ones).

        Example:
            >>> import kusari.links as L
            >>> L.Linear(3, 2).count_params()
            8
        """
        size = 0
        for name, param in self.namedparams():
            if param._data is None:
                warnings.warn(
                    f"Parameter '{name}' has not been initialized, so the resulting count "
                    f"will not include the number of parameters in it.", stacklevel=2)
                continue
            size += param._data.size
        return size

    # ---- gradients -----------------------------------------------------------
    def cleargrads(self):
        """Set every parameter's gradient to None (call before each backward).

        Example:
            >>> import numpy as np, kusari.links as L
            >>> l = L.Linear(2, 1); l.W.grad = np.ones((1, 2), np.float32)
            >>> l.cleargrads(); l.W.grad is None
            True
        """
        _clear_grads(self)

    def zerograds(self):
        """Fill every gradient with zeros (deprecated as in Chainer: use :meth:`cleargrads`).

        Example:
            >>> import warnings, kusari.links as L
            >>> l = L.Linear(2, 1)
            >>> with warnings.catch_warnings():
            ...     warnings.simplefilter('ignore')
            ...     l.zerograds()
            >>> l.b.grad
            array([0.], dtype=float32)
        """
        warnings.warn("Link.zerograds is deprecated. Use Link.cleargrads instead.",
                      DeprecationWarning, stacklevel=2)
        for param in self.params():
            param.zerograd()

    def addgrads(self, link):
        """Add the gradients of ``link`` (same structure) to this link's, across devices.

        Example:
            >>> import numpy as np, kusari.links as L
            >>> a, b = L.Linear(2, 1), L.Linear(2, 1)
            >>> a.cleargrads(); b.b.grad = np.ones(1, np.float32)
            >>> a.addgrads(b); a.b.grad
            array([1.], dtype=float32)
        """
        dst = self.__dict__
        for name, theirs in self._param_pairs(link, "addgrads"):
            dst[name].addgrad(theirs)
        self._for_child_pairs(link, "addgrads")

    def _param_pairs(self, link, method):
        src = link.__dict__
        for name in sorted(self._params):
            if name not in src:
                raise ValueError(
                    f"{type(self).__name__}.{method}: argument 'link' expected a link with "
                    f"parameter {name!r}, got a {type(link).__name__} without it")
            yield name, src[name]

    def _for_child_pairs(self, link, method, *args):
        theirs = dict(link._named_children())
        for name, child in self._named_children():
            if name not in theirs:
                raise ValueError(
                    f"{type(self).__name__}.{method}: argument 'link' expected a link with "
                    f"child {name!r}, got a {type(link).__name__} without it")
            getattr(child, method)(theirs[name], *args)

    # ---- update rules (set by optimizers) ------------------------------------
    def enable_update(self):
        """Turn on the update rule of every parameter (see :meth:`disable_update`)."""
        for param in self.params():
            rule = getattr(param, "update_rule", None)
            if rule is not None:
                rule.enabled = True

    def disable_update(self):
        """Turn off the update rule of every parameter: optimizers leave them as they are.

        Example:
            >>> import kusari.links as L
            >>> l = L.Linear(2, 2)
            >>> l.disable_update(); l.update_enabled   # no optimizer yet: no rules
            False
        """
        for param in self.params():
            rule = getattr(param, "update_rule", None)
            if rule is not None:
                rule.enabled = False

    @property
    def update_enabled(self):
        """True when at least one parameter has an enabled update rule."""
        for param in self.params():
            rule = getattr(param, "update_rule", None)
            if rule is not None and rule.enabled:
                return True
        return False

    # ---- copying ---------------------------------------------------------------
    def copy(self, mode="share"):
        """A copy of the whole hierarchy.

        Args:
            mode: ``'share'`` (new link objects sharing the parameter arrays,
                gradients cleared), ``'copy'`` (a deep copy) or ``'init'`` (a
                deep copy whose parameters are re-initialised).

        Example:
            >>> import kusari.links as L
            >>> l = L.Linear(2, 2)
            >>> l.copy().W.array is l.W.array, l.copy('copy').W.array is l.W.array
            (True, False)
        """
        if mode == "share":
            ret = self._share_copy()
        elif mode in ("copy", "init"):
            ret = _copy.deepcopy(self)
            if mode == "init":
                for param in ret.params(include_uninit=False):
                    param.initialize(param.shape)
        else:
            raise ValueError(
                f"{type(self).__name__}.copy: argument 'mode' expected 'init', 'copy' or "
                f"'share', got {mode!r}")
        ret.name = None
        return ret

    def _share_copy(self):
        ret = _copy.copy(self)
        d = ret.__dict__
        d["_params"] = set(self._params)
        d["_persistent"] = set(self._persistent)
        hooks = d.get("_local_link_hooks")
        if hooks is not None:
            # The copy gets its own registry (same hooks), bound to the copy.
            _link_hook._bind_link_hooks(ret, hooks.items())
        for name in d["_params"]:
            param = _copy.copy(d[name])
            param.grad = None
            d[name] = param
        return ret

    def copyparams(self, link, copy_persistent=True):
        """Copy parameter arrays (and persistent values) from ``link``, across devices; not gradients.

        Example:
            >>> import kusari.links as L
            >>> a, b = L.Linear(2, 2), L.Linear(2, 2)
            >>> a.copyparams(b)
            >>> bool((a.W.array == b.W.array).all()), a.W.array is b.W.array
            (True, False)
        """
        src = link.__dict__
        dst = self.__dict__
        for name, theirs in self._param_pairs(link, "copyparams"):
            if theirs._data is not None:
                dst[name].copydata(theirs)
        if copy_persistent:
            for name in self._persistent:
                if name not in src:
                    raise ValueError(
                        f"{type(self).__name__}.copyparams: argument 'link' expected a link with "
                        f"persistent value {name!r}, got a {type(link).__name__} without it")
                d, s = dst[name], src[name]
                if _is_array(d) and _is_array(s) and d.shape == s.shape:
                    backend.copyto(d, s)
                else:
                    dst[name] = _copy.deepcopy(s)
        self._for_child_pairs(link, "copyparams", copy_persistent)

    def repeat(self, n_repeat, mode="init"):
        """A :class:`~kusari.Sequential` of ``n_repeat`` copies of this link (see :meth:`copy`).

        Example:
            >>> import kusari.links as L
            >>> seq = L.Linear(3, 3).repeat(2)
            >>> len(seq), seq[0].W.array is seq[1].W.array
            (2, False)
        """
        from kusari.sequential import Sequential

        if mode not in _COPY_MODES:
            raise ValueError(
                f"{type(self).__name__}.repeat: argument 'mode' expected 'init', 'copy' or "
                f"'share', got {mode!r}")
        ret = Sequential()
        for _ in range(n_repeat):
            ret.append(self.copy(mode))
        return ret

    @classmethod
    def from_params(cls, *args, **kwargs):
        """Build the link from given arrays (links that support it override this)."""
        raise NotImplementedError(f"{cls.__name__} does not implement from_params")

    # ---- serialization ---------------------------------------------------------
    def serialize(self, serializer):
        """Save or load parameters and persistent values through ``serializer``.

        Each parameter goes through ``serializer(name, array)``; an
        uninitialised parameter is initialised from the loaded array's shape.
        Children use ``serializer[child_name]``.

        Example:
            >>> import numpy as np, kusari.links as L
            >>> saved = {}
            >>> def save(name, value):
            ...     saved[name] = value; return value
            >>> L.Linear(2, 3).serialize(save)
            >>> sorted(saved)
            ['W', 'b']
        """
        d = self.__dict__
        for name in sorted(self._params):
            param = d[name]
            data = serializer(name, param._data)
            if param._data is None and data is not None:
                param.initialize(data.shape)
                param._data[...] = backend.get_device_from_array(param._data).send(data)
        for name in sorted(self._persistent):
            d[name] = serializer(name, d[name])
        for child_name, child in self._named_children():
            child.serialize(serializer[child_name])

    # ---- devices ---------------------------------------------------------------
    @property
    def device(self):
        """The :class:`~kusari.backend.Device` the link was last sent to (CPU by default)."""
        return self._device

    @property
    def xp(self):
        """The array module of :attr:`device` (``numpy`` or ``cupy``)."""
        return self._device.xp

    def to_device(self, device):
        """Send parameters and persistent arrays of the whole hierarchy to ``device``.

        Args:
            device: a device specifier (``'@numpy'``, ``'@cupy:0'``, an int, a Device).

        Returns:
            self

        Example:
            >>> import kusari.links as L
            >>> L.Linear(2, 2).to_device('@numpy').device
            <CpuDevice (numpy)>
        """
        device = backend.get_device(device)
        d = self.__dict__
        d["_device"] = device
        for name in self._params:
            d[name].to_device(device)
        for name in self._persistent:
            value = d[name]
            if _is_array(value):
                d[name] = device.send(value)
        for _, child in self._named_children():
            child.to_device(device)
        return self

    def to_cpu(self):
        """Send the hierarchy to the CPU (``to_device('@numpy')``); returns self."""
        return self.to_device(_CPU)

    def to_gpu(self, device=None):
        """Send the hierarchy to a GPU (the current one by default); needs kusari-cuda."""
        from kusari import cuda

        return self.to_device(cuda._gpu_device(device))

    # ---- display -----------------------------------------------------------------
    @property
    def printable_specs(self):
        """(name, value) pairs shown by ``str(link)``: the constructor's arguments."""
        return iter(())

    def __str__(self):
        specs = ", ".join(f"{k}={v}" for k, v in self.printable_specs)
        return f"{type(self).__name__}({specs})"

    def __repr__(self):
        lines = [self._repr_head()]
        children = list(self._named_children())
        if not children:
            return lines[0]
        lines[0] += "("
        for name, child in children:
            child_lines = repr(child).splitlines()
            lines.append(f"  ({name}): {child_lines[0]}")
            lines.extend("  " + line for line in child_lines[1:])
        lines.append(")")
        return "\n".join(lines)

    def _repr_head(self):
        specs = ", ".join(f"{k}={v}" for k, v in self.printable_specs)
        head = type(self).__name__
        if specs or not list(self._named_children()):
            head += f"({specs})"
        d = self.__dict__
        params = []
        for name in sorted(d.get("_params", ())):
            p = d[name]
            params.append(f"{name}: uninitialized" if p._data is None
                          else f"{name}: {tuple(p._data.shape)} {p._data.dtype}")
        if params:
            head += " [" + ", ".join(params) + "]"
        return head


class Chain(Link):
    """A link with named child links.

    Children are registered by assignment inside ``init_scope()`` (or with
    Chainer's old keyword constructor ``Chain(l1=..., l2=...)`` and
    :meth:`add_link`); ``chain['l1']`` is ``chain.l1``.

    Example:
        >>> import numpy as np, kusari, kusari.links as L
        >>> model = kusari.Chain(l1=L.Linear(3, 2), l2=L.Linear(2, 1))
        >>> model['l1'] is model.l1, model.l1.name
        (True, 'l1')
        >>> [name for name, _ in model.namedparams()]
        ['/l1/W', '/l1/b', '/l2/W', '/l2/b']
    """

    def __init__(self, **links):
        super().__init__()
        self._children = set()
        for name, link in links.items():
            self.add_link(name, link)

    def __getitem__(self, name):
        """The attribute ``name`` (``chain['l1']`` is ``chain.l1``)."""
        return getattr(self, name)

    def __setattr__(self, name, value):
        d = self.__dict__
        if isinstance(value, Link):
            if self._within_init_scope:
                if hasattr(self, name):
                    raise AttributeError(
                        f"{type(self).__name__}: cannot register a new link {name!r}: "
                        f"the attribute exists")
                value.name = name
                d["_children"].add(name)
            elif name in d.get("_children", ()):
                value.name = name
        elif name in d.get("_children", ()):
            d["_children"].discard(name)
        super().__setattr__(name, value)

    def __delattr__(self, name):
        self.__dict__.get("_children", set()).discard(name)
        super().__delattr__(name)

    def add_link(self, name, link):
        """Register ``link`` as the child ``name`` (also the attribute name).

        Example:
            >>> import kusari, kusari.links as L
            >>> c = kusari.Chain()
            >>> c.add_link('fc', L.Linear(2, 2))
            >>> [l.name for l in c.children()]
            ['fc']
        """
        if name in self.__dict__:
            raise AttributeError(
                f"Chain.add_link: argument 'name' expected a name not in use, got {name!r} "
                f"(the attribute exists)")
        if not isinstance(link, Link):
            raise TypeError(
                f"Chain.add_link: argument 'link' expected a Link, got {type(link).__name__}")
        with self.init_scope():
            setattr(self, name, link)

    def _named_children(self):
        d = self.__dict__
        return [(name, d[name]) for name in sorted(d["_children"])]

    def _share_copy(self):
        ret = super()._share_copy()
        d = ret.__dict__
        d["_children"] = set(self._children)
        for name in d["_children"]:
            child = d[name].copy("share")
            child.name = name
            d[name] = child
        return ret

    def copy(self, mode="share"):
        ret = super().copy(mode)
        for name, child in ret._named_children():
            child.name = name
        return ret

    copy.__doc__ = Link.copy.__doc__

    def __str__(self):
        return _str_with_children(self, ((c.name, c) for c in self.children()))


class ChainList(Link, collections.abc.MutableSequence):
    """A link with a list of child links, named ``'0'``, ``'1'``, ...

    Supports ``append``, ``insert``, ``extend``, ``pop``, ``remove``,
    indexing, slicing, ``len`` and iteration.

    Example:
        >>> import kusari, kusari.links as L
        >>> layers = kusari.ChainList(L.Linear(2, 3), L.Linear(3, 4))
        >>> layers.append(L.Linear(4, 1))
        >>> len(layers), layers[2].name
        (3, '2')
        >>> [name for name, _ in layers.namedparams()][:2]
        ['/0/W', '/0/b']
    """

    def __init__(self, *links):
        super().__init__()
        self._children = []
        for link in links:
            self.add_link(link)

    def __setattr__(self, name, value):
        if self._within_init_scope and isinstance(value, Link):
            raise TypeError(
                f"{type(self).__name__}: cannot register a link by assignment inside "
                f"init_scope(); use append() or add_link()")
        super().__setattr__(name, value)

    def _renumber(self, start=0):
        children = self._children
        for i in range(start, len(children)):
            children[i].name = str(i)

    def __getitem__(self, index):
        return self._children[index]

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            value = list(value)
            for link in value:
                _check_link(type(self).__name__ + ".__setitem__", link)
            self._children[index] = value
            self._renumber()
        elif isinstance(index, (int, numpy.integer)):
            _check_link(type(self).__name__ + ".__setitem__", value)
            self._children[index] = value
            value.name = str(index % len(self._children))
        else:
            raise TypeError(
                f"{type(self).__name__}: indices must be integers or slices, not {type(index).__name__}")

    def __delitem__(self, index):
        del self._children[index]
        self._renumber()

    def insert(self, index, link):
        """Insert ``link`` before position ``index``; children are renumbered."""
        _check_link(type(self).__name__ + ".insert", link)
        self._children.insert(index, link)
        self._renumber()

    def __iter__(self):
        return iter(self._children)

    def __len__(self):
        return len(self._children)

    def add_link(self, link):
        """Append ``link`` (Chainer's name for :meth:`append`)."""
        self.append(link)

    def _named_children(self):
        return [(str(i), child) for i, child in enumerate(self._children)]

    def _share_copy(self):
        ret = super()._share_copy()
        ret.__dict__["_children"] = [child.copy("share") for child in self._children]
        ret._renumber()
        return ret

    def copy(self, mode="share"):
        ret = super().copy(mode)
        ret._renumber()
        return ret

    copy.__doc__ = Link.copy.__doc__

    def _for_child_pairs(self, link, method, *args):
        theirs = [child for _, child in link._named_children()]
        if len(theirs) != len(self._children):
            raise ValueError(
                f"{type(self).__name__}.{method}: argument 'link' expected a link with "
                f"{len(self._children)} child links, got {len(theirs)}")
        for mine, other in zip(self._children, theirs, strict=True):
            getattr(mine, method)(other, *args)

    def __str__(self):
        return _str_with_children(self, ((str(i), c) for i, c in enumerate(self._children)))


def _check_link(where, link):
    if not isinstance(link, Link):
        raise TypeError(f"{where}: argument 'link' expected a Link, got {type(link).__name__}")


def _str_with_children(link, named):
    """Chainer's ``str()`` layout: ``Name(\\n  (child): ...,\\n)``."""
    lines = []
    for name, child in named:
        for line in f"({name}): {child},".splitlines():
            lines.append(f"  {line}\n")
    body = "".join(lines)
    return f"{type(link).__name__}({chr(10) + body if body else ''})"
