"""Optimizer machinery: ``Optimizer``, ``GradientMethod``, ``UpdateRule``, ``Hyperparameter``.

Chainer v7's design, unchanged for user code:

* ``optimizer.setup(link)`` gives every parameter of ``link`` its own
  :class:`UpdateRule` (``param.update_rule``), made by
  ``optimizer.create_update_rule()``;
* a rule's :class:`Hyperparameter` falls back to the optimizer's, so
  ``optimizer.lr = 0.1`` changes every rule and
  ``param.update_rule.hyperparam.lr = 0`` changes one;
* ``optimizer.update(lossfun, *args)`` clears the gradients, runs the loss
  function and ``backward``, then updates every parameter;
  ``optimizer.update()`` uses the gradients already there;
* hooks (``add_hook``) run before ('pre') or after ('post') the update, once
  per step or once per parameter (``call_for_each_param``);
* ``param.update_rule.enabled = False`` (or ``link.disable_update()``)
  freezes a parameter; ``serialize`` saves ``t``, ``epoch`` and every rule's
  state under the parameter's path (``l1/W/m``).

Example:
    >>> import numpy as np, kusari
    >>> from kusari import optimizers
    >>> class Model:
    ...     def __init__(self): self.w = kusari.Parameter(np.array([3.0], np.float32))
    ...     def params(self, include_uninit=True): yield self.w
    ...     def namedparams(self, include_uninit=True): yield '/w', self.w
    ...     def cleargrads(self): self.w.cleargrad()
    >>> model = Model()
    >>> opt = optimizers.SGD(lr=0.25).setup(model)
    >>> opt.update(lambda: model.w * model.w)  # grad 2w = 6
    >>> model.w.array, opt.t
    (array([1.5], dtype=float32), 1)
"""
from __future__ import annotations

import copy
import math
import warnings

import numpy

from kusari import _config, optimizer_hooks
from kusari import serializer as serializer_module
from kusari.serializer import fail_value
from kusari.utils import type_check

__all__ = [
    "Hyperparameter", "HyperparameterProxy", "UpdateRule", "Optimizer", "GradientMethod",
    "WeightDecay", "Lasso", "GradientClipping", "GradientHardClipping", "GradientNoise",
]

_ndarray = numpy.ndarray
_TIMINGS = ("pre", "post", "auto")


class _Hooks:
    """Named hooks in registration order, split by timing ('pre' / 'post')."""

    def __init__(self, owner: str):
        self.owner = owner
        self.pre: dict = {}
        self.post: dict = {}

    def add(self, hook, name, timing) -> None:
        func = f"{self.owner}.add_hook"
        if not callable(hook):
            type_check.fail(func, "hook", "a callable", type(hook).__name__)
        if timing not in _TIMINGS:
            fail_value(func, "timing", "'pre', 'post' or 'auto'", repr(timing))
        if timing == "auto":
            timing = getattr(hook, "timing", "pre")
            if timing not in ("pre", "post"):
                warnings.warn(f"{func}: the hook's timing attribute {timing!r} is not 'pre' or "
                              f"'post'; using 'pre'", stacklevel=3)
                timing = "pre"
        if name is None:
            name = getattr(hook, "name", None) or getattr(hook, "__name__", None)
            if name is None:
                fail_value(func, "name", "a name (the hook has no 'name' or '__name__')", "None")
        if name in self.pre or name in self.post:
            raise KeyError(f"{func}: a hook named {name!r} already exists")
        (self.pre if timing == "pre" else self.post)[name] = hook

    def remove(self, name) -> None:
        if name in self.pre:
            del self.pre[name]
        elif name in self.post:
            del self.post[name]
        else:
            known = ", ".join(repr(n) for n in (*self.pre, *self.post)) or "none"
            raise KeyError(f"{self.owner}.remove_hook: no hook named {name!r}; hooks: {known}")


class Hyperparameter:
    """A set of hyperparameters that falls back to a parent set.

    A rule's hyperparameter has the optimizer's as its parent: what the rule
    does not set itself is read from the optimizer, so changing the
    optimizer's value changes every rule that did not override it.

    Example:
        >>> from kusari.optimizer import Hyperparameter
        >>> parent = Hyperparameter(); parent.lr = 0.1; parent.momentum = 0.9
        >>> child = Hyperparameter(parent); child.lr = 0.01
        >>> child.lr, child.momentum
        (0.01, 0.9)
        >>> child.get_dict() == {'lr': 0.01, 'momentum': 0.9}
        True
    """

    def __init__(self, parent=None):
        self._parent = parent

    def __getattr__(self, name):
        # Only reached for names this object does not hold itself.
        d = self.__dict__
        if "_parent" not in d:  # during unpickling / copying
            raise AttributeError(name)
        parent = d["_parent"]
        if parent is None:
            raise AttributeError(f"hyperparameter {name!r} is not set")
        return getattr(parent, name)

    @property
    def parent(self):
        """The hyperparameter this one falls back to."""
        return self._parent

    def get_dict(self) -> dict:
        """Every entry visible from here (own values override the parent's)."""
        d = {} if self._parent is None else self._parent.get_dict()
        d.update((k, v) for k, v in self.__dict__.items() if k != "_parent")
        return d

    def __repr__(self):
        d = self.get_dict()
        return "Hyperparameter(" + ", ".join(f"{k}={d[k]}" for k in sorted(d)) + ")"


class HyperparameterProxy:
    """A property of an optimizer that reads and writes ``optimizer.hyperparam.<name>``.

    Example:
        >>> from kusari.optimizer import GradientMethod, HyperparameterProxy
        >>> class MyOpt(GradientMethod):
        ...     lr = HyperparameterProxy('lr')
        >>> o = MyOpt(); o.lr = 0.5; o.hyperparam.lr
        0.5
    """

    def __init__(self, attr_name: str):
        self._attr_name = attr_name
        self.__doc__ = f"Alias to ``self.hyperparam.{attr_name}``."

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return getattr(obj.hyperparam, self._attr_name)

    def __set__(self, obj, value):
        setattr(obj.hyperparam, self._attr_name, value)


def _is_numpy(arr) -> bool:
    return type(arr) is _ndarray


class UpdateRule:
    """How one parameter is updated from its gradient; one instance per parameter.

    Subclasses implement ``update_core(param)`` (or Chainer's
    ``update_core_cpu`` / ``update_core_gpu`` pair) and, when they keep
    state, ``init_state(param)``, which fills ``self.state`` on the first
    update.  The state is saved and loaded by ``serialize``.

    Attributes:
        enabled (bool): False freezes the parameter (``update`` does nothing).
        hyperparam (Hyperparameter): this rule's hyperparameters; unset ones
            come from the optimizer.
        t (int): number of updates done by this rule.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.optimizer import UpdateRule
        >>> class HalfStep(UpdateRule):
        ...     def update_core(self, param): param.array -= 0.5 * param.grad
        >>> p = kusari.Parameter(np.ones(2, np.float32)); p.grad = np.ones(2, np.float32)
        >>> rule = HalfStep(); rule.update(p); p.array, rule.t
        (array([0.5, 0.5], dtype=float32), 1)
    """

    is_elementwise = False

    def __init__(self, parent_hyperparam=None):
        self._state = None
        self.enabled = True
        self.hyperparam = Hyperparameter(parent_hyperparam)
        self.t = 0
        self._use_fp32_update = False
        self._fp32_param = None
        self._hooks = _Hooks("UpdateRule")

    @property
    def state(self):
        """The state dict (e.g. Adam's ``m`` and ``v``), None before the first update."""
        return self._state

    def add_hook(self, hook, name=None, timing="auto") -> None:
        """Add ``hook(rule, param)``, called before ('pre') or after ('post') each update.

        ``timing='auto'`` takes the hook's ``timing`` attribute ('pre' when absent).
        """
        self._hooks.add(hook, name, timing)

    def remove_hook(self, name) -> None:
        """Remove the hook registered under ``name``."""
        self._hooks.remove(name)

    def update(self, param) -> None:
        """Run the pre hooks, ``update_core`` and the post hooks on ``param``."""
        if not self.enabled:
            return
        self.t += 1
        data = param._data
        if data is None or _is_numpy(data):
            self._update(param)
            return
        from kusari import backend

        with backend.using_device(backend.get_device_from_array(data)):
            self._update(param)

    def _update(self, param) -> None:
        target = param
        fp32 = self._use_fp32_update and param._data is not None and param._data.dtype == numpy.float16
        if fp32:
            target = self._fp32_copy(param)
        if target._data is not None:
            self._init_states(target)
            loss_scale = getattr(param, "_loss_scale", None)
            if loss_scale is not None:
                grad = target.grad
                if grad is not None:
                    grad /= loss_scale
                if target is param:
                    # The gradient is unscaled now: a second update() or a
                    # per-rule WeightDecay must not see the old scale.
                    param._loss_scale = None
        hooks = self._hooks
        for hook in tuple(hooks.pre.values()):
            hook(self, target)
        self.update_core(target)
        for hook in tuple(hooks.post.values()):
            hook(self, target)
        if fp32:
            param._data[...] = target._data.astype(param._data.dtype)
            target.grad = None

    def _fp32_copy(self, param):
        from kusari.variable import Parameter

        master = self._fp32_param
        if master is None:
            master = self._fp32_param = Parameter(param._data.astype(numpy.float32), name=param.name)
        grad = param.grad
        master.grad = None if grad is None else grad.astype(numpy.float32)
        return master

    def update_core(self, param) -> None:
        """Update ``param`` from its gradient.  The base dispatches on the array type."""
        if _is_numpy(param._data):
            self.update_core_cpu(param)
        else:
            self.update_core_gpu(param)

    def update_core_cpu(self, param) -> None:
        raise NotImplementedError(f"{type(self).__name__} implements neither update_core nor update_core_cpu")

    def update_core_gpu(self, param) -> None:
        raise NotImplementedError(f"{type(self).__name__} implements neither update_core nor update_core_gpu")

    def init_state(self, param) -> None:
        """Fill ``self.state`` for ``param`` (called at the first update)."""

    def _init_states(self, param) -> None:
        state = self._state
        if state is None:
            state = self._state = {}
            self.init_state(param)
            return
        # State loaded from a file lives on the host; follow the parameter.
        data = param._data
        kind = type(data)
        for name, value in state.items():
            if type(value) is not kind and (type(value) is _ndarray or hasattr(value, "get")):
                from kusari import backend

                state[name] = backend.get_device_from_array(data).send(value)
        if self.__dict__.pop("_loaded_state_unchecked", False) and self.is_elementwise:
            for name, value in state.items():
                shape = getattr(value, "shape", None)
                if shape is not None and tuple(shape) != tuple(data.shape):
                    fail_value(f"{type(self).__name__}.update", "param",
                               f"shape {tuple(shape)} (the shape of the loaded state {name!r})",
                               f"{tuple(data.shape)}: the optimizer file does not match the model")

    def _state_keys(self) -> list:
        # Which keys init_state would create: run it on a probe copy with a dummy parameter.
        from kusari.variable import Variable

        probe = copy.copy(self)
        probe._state = {}
        dummy = numpy.zeros(1, dtype=numpy.float32)
        probe.init_state(Variable(dummy, grad=dummy.copy()))
        return list(probe._state)

    def serialize(self, serializer) -> None:
        """Save or load ``t`` and the state (not the parameter itself).

        Loading into a rule whose state is not yet created takes the state
        from the file.  A file saved before the first update has no state:
        then (``t == 0``), or for a disabled rule, the state is left to be
        created at the next update instead of raising ``KeyError`` (Chainer
        raised there).
        """
        self.t = serializer("t", self.t)
        state = self._state
        if state is not None:
            for key in list(state):
                state[key] = serializer(key, state[key])
            return
        if not isinstance(serializer, serializer_module.Deserializer):
            return
        loaded = {}
        for key in self._state_keys():
            try:
                value = serializer(key, None)
            except KeyError:
                if self.enabled and self.t > 0:
                    raise
                value = None
            if value is None:
                loaded = None
                break
            loaded[key] = value
        self._state = loaded
        self._loaded_state_unchecked = loaded is not None

    def use_fp32_update(self, flag: bool = True) -> None:
        """Update float16 parameters through a float32 master copy."""
        self._use_fp32_update = flag

    def _to_device(self, device) -> None:
        # Called by Parameter.to_device so the state follows the parameter.
        state = self._state
        if state:
            for name, value in state.items():
                if hasattr(value, "shape"):
                    state[name] = device.send(value)
        if self._fp32_param is not None:
            self._fp32_param.to_device(device)


class Optimizer:
    """Base of all optimizers: the target link, ``t``, ``epoch``, hooks and serialization.

    Subclasses implement :meth:`update`.  Most optimizers derive from
    :class:`GradientMethod` instead.

    Attributes:
        target: the link set by :meth:`setup`.
        t (int): number of update steps.
        epoch (int): number of :meth:`new_epoch` calls.
        use_auto_new_epoch (bool): set by an updater that calls
            ``new_epoch(auto=True)`` itself.

    Example:
        >>> from kusari.optimizer import Optimizer
        >>> o = Optimizer(); o.t, o.epoch
        (0, 0)
        >>> o.new_epoch(); o.epoch
        1
    """

    #: Registry name (``kusari.plugins.get_registry('optimizers')``); set by each optimizer.
    name = None
    target = None
    t = 0
    epoch = 0
    use_auto_new_epoch = False
    _hooks = None
    _loss_scale = None
    _loss_scale_max = 65504  # the largest float16
    _loss_scaling_is_dynamic = False
    _loss_scaling_isnan = False

    def setup(self, link):
        """Make ``link`` the target, reset ``t`` and ``epoch``, and return self.

        Example:
            >>> import numpy as np, kusari
            >>> from kusari import optimizers
            >>> class M:
            ...     p = kusari.Parameter(np.zeros(1, np.float32))
            ...     def params(self, include_uninit=True): yield self.p
            ...     def namedparams(self, include_uninit=True): yield '/p', self.p
            >>> m = M(); opt = optimizers.Adam().setup(m)
            >>> type(m.p.update_rule).__name__
            'AdamRule'
        """
        if not (callable(getattr(link, "params", None)) and callable(getattr(link, "namedparams", None))):
            type_check.fail(f"{type(self).__name__}.setup", "link", "a kusari.Link (with params() and "
                            "namedparams())", type(link).__name__)
        self.target = link
        self.t = 0
        self.epoch = 0
        self._hooks = _Hooks("Optimizer")
        return self

    def _check_set_up(self, what: str) -> None:
        if self._hooks is None:
            raise RuntimeError(f"{type(self).__name__}.{what}: the optimizer is not set up; "
                               f"call setup(link) first")

    def update(self, lossfun=None, *args, **kwds) -> None:
        """Update the target's parameters (from ``lossfun(*args, **kwds)`` when given)."""
        raise NotImplementedError

    def new_epoch(self, auto: bool = False) -> None:
        """Count a new epoch.

        ``auto=True`` is for updaters, which set ``use_auto_new_epoch``; the
        two must agree so an epoch is never counted twice.
        """
        if auto and not self.use_auto_new_epoch:
            raise RuntimeError("new_epoch(auto=True) was called but use_auto_new_epoch is False; "
                               "the updater must set optimizer.use_auto_new_epoch = True")
        if not auto and self.use_auto_new_epoch:
            raise RuntimeError("new_epoch() was called although the updater already counts epochs "
                               "(use_auto_new_epoch is True); pass auto_new_epoch=False to the "
                               "updater or stop calling new_epoch")
        self.epoch += 1

    def add_hook(self, hook, name=None, timing="auto") -> None:
        """Register a hook: ``hook(optimizer)`` once per step, or, when
        ``hook.call_for_each_param`` is true, ``hook(param.update_rule, param)``
        for every parameter.

        Args:
            hook: the callable (e.g. ``optimizer_hooks.WeightDecay(1e-4)``).
            name (str): registration name; the hook's ``name`` by default.
            timing (str): 'pre' (before the update), 'post' (after it) or
                'auto' (the hook's ``timing`` attribute, else 'pre').
        """
        self._check_set_up("add_hook")
        self._hooks.add(hook, name, timing)

    def remove_hook(self, name) -> None:
        """Remove the hook registered under ``name``."""
        self._check_set_up("remove_hook")
        self._hooks.remove(name)

    def call_hooks(self, timing: str = "pre") -> None:
        """Run the hooks of one timing in registration order."""
        self._check_set_up("call_hooks")
        if timing not in ("pre", "post"):
            fail_value(f"{type(self).__name__}.call_hooks", "timing", "'pre' or 'post'", repr(timing))
        hooks = self._hooks.pre if timing == "pre" else self._hooks.post
        for hook in tuple(hooks.values()):
            self.call_hook(hook)

    def call_hook(self, hook) -> None:
        if getattr(hook, "call_for_each_param", False):
            for param in self.target.params():
                hook(param.update_rule, param)
        else:
            hook(self)

    def serialize(self, serializer) -> None:
        """Save or load ``t``, ``epoch`` and the state of every parameter's rule.

        The parameters themselves are not included: save the link too.
        """
        self._check_set_up("serialize")
        self.t = serializer("t", self.t)
        self.epoch = serializer("epoch", self.epoch)
        for name, param in self.target.namedparams():
            rule = getattr(param, "update_rule", None)
            if rule is not None:
                rule.serialize(serializer[name])

    # ---- loss scaling ----------------------------------------------------
    def loss_scaling(self, interval: int = 1000, scale=None) -> None:
        """Scale the loss before backward (mixed precision).

        With ``scale`` None the scale is dynamic: it starts at 1, doubles
        every step (every ``interval`` steps once an overflow has been
        seen), and halves, skipping the update, when a gradient is not finite.
        """
        func = f"{type(self).__name__}.loss_scaling"
        if scale is None:
            if interval < 1:
                fail_value(func, "interval", "an integer >= 1", repr(interval))
            self._loss_scaling_is_dynamic = True
            self._loss_scale = 1.0
            self._loss_scaling_multiplier = math.pow(2.0, 1.0 / interval)
            self._loss_scaling_isnan_ever = False
        else:
            if not scale > 0:
                fail_value(func, "scale", "a positive number", repr(scale))
            self._loss_scaling_is_dynamic = False
            self._loss_scale = scale

    def set_loss_scale(self, loss_scale) -> None:
        """Use a static loss scale."""
        self.loss_scaling(scale=loss_scale)

    def check_nan_in_grads(self) -> None:
        """Look for NaN/inf in the gradients.

        Under dynamic loss scaling a non-finite gradient skips this update
        (with a warning) and lowers the scale.  In debug mode
        (``kusari.config.debug``) without dynamic scaling it raises a
        ``RuntimeError`` naming the parameter.
        """
        self._loss_scaling_isnan = False
        dynamic = self._loss_scaling_is_dynamic
        if not dynamic and not _config.config.debug:
            return
        for name, param in self.target.namedparams():
            grad = param.grad
            if grad is None:
                continue
            xp = numpy if _is_numpy(grad) else param.xp
            if bool(xp.isfinite(grad).all()):
                continue
            if not dynamic:
                raise RuntimeError(f"{type(self).__name__}.update: the gradient of parameter "
                                   f"{name!r} has NaN or inf (iteration {self.t}; debug mode)")
            self._loss_scaling_isnan = True
            self._loss_scaling_isnan_ever = True
            warnings.warn(f"non-finite gradient in {name} (iteration {self.t}, loss scale "
                          f"{self._loss_scale}); skipping this update", RuntimeWarning, stacklevel=3)

    def is_safe_to_update(self) -> bool:
        return not self._loss_scaling_isnan

    def update_loss_scale(self) -> None:
        if not self._loss_scaling_is_dynamic:
            return
        if self._loss_scaling_isnan:
            multiplier = 0.5
        elif self._loss_scaling_isnan_ever:
            multiplier = self._loss_scaling_multiplier
        else:
            multiplier = 2.0
        self._loss_scale = max(1, min(self._loss_scale_max, self._loss_scale * multiplier))


class GradientMethod(Optimizer):
    """Base of the first-order optimizers: one :class:`UpdateRule` per parameter.

    Subclasses implement :meth:`create_update_rule` and expose their
    hyperparameters with :class:`HyperparameterProxy`.

    Example:
        >>> from kusari import optimizers
        >>> opt = optimizers.MomentumSGD(lr=0.1)
        >>> opt.hyperparam.lr, opt.momentum
        (0.1, 0.9)
    """

    def __init__(self):
        self.hyperparam = Hyperparameter()
        self._use_fp32_update = False

    def setup(self, link):
        super().setup(link)
        for param in link.params():
            rule = self.create_update_rule()
            if self._use_fp32_update:
                rule.use_fp32_update()
            param.update_rule = rule
        return self

    def create_update_rule(self):
        """A new update rule for one parameter (its hyperparameter's parent is ours)."""
        raise NotImplementedError

    def reallocate_cleared_grads(self) -> None:
        """Give every initialised parameter without a gradient a zero one (hooks expect arrays)."""
        for param in self.target.params(False):
            if param._grad_var is None and param._data is not None:
                data = param._data
                xp = numpy if _is_numpy(data) else param.xp
                param.grad = xp.zeros_like(data)

    def call_hook(self, hook) -> None:
        super().call_hook(hook)
        self.reallocate_cleared_grads()

    def update(self, lossfun=None, *args, **kwds) -> None:
        """Update every parameter with its rule.

        With ``lossfun``: compute ``loss = lossfun(*args, **kwds)``, clear the
        gradients, ``loss.backward()`` (with the loss scale, if any), then
        update.  Without: use the gradients already computed.
        """
        if self.target is None:
            raise RuntimeError(f"{type(self).__name__}.update: the optimizer is not set up; "
                               f"call setup(link) first")
        if lossfun is not None:
            use_cleargrads = getattr(self, "_use_cleargrads", True)
            loss = lossfun(*args, **kwds)
            if use_cleargrads:
                self.target.cleargrads()
            else:
                self.target.zerograds()
            loss.backward(loss_scale=self._loss_scale)
            del loss
        self.reallocate_cleared_grads()
        self.check_nan_in_grads()
        self.call_hooks("pre")
        self.t += 1
        if self.is_safe_to_update():
            for param in self.target.params():
                rule = getattr(param, "update_rule", None)
                if rule is not None:
                    rule.update(param)
        self.reallocate_cleared_grads()
        self.call_hooks("post")
        self.update_loss_scale()

    def use_cleargrads(self, use: bool = True) -> None:
        """Deprecated (Chainer v2): ``update`` already uses ``cleargrads``."""
        warnings.warn("GradientMethod.use_cleargrads is deprecated", DeprecationWarning, stacklevel=2)
        self._use_cleargrads = use

    def use_fp32_update(self, flag: bool = True) -> None:
        """Update float16 parameters through float32 master copies."""
        self._use_fp32_update = flag
        if self.target is not None:
            for param in self.target.params():
                rule = getattr(param, "update_rule", None)
                if rule is not None:
                    rule.use_fp32_update(flag)


def _deprecated_alias(base):
    # Chainer v7 kept chainer.optimizer.WeightDecay & co. as deprecated
    # aliases of chainer.optimizer_hooks.*; so does kusari.
    def __init__(self, *args, **kwargs):
        warnings.warn(f"kusari.optimizer.{base.__name__} is deprecated; use "
                      f"kusari.optimizer_hooks.{base.__name__}", DeprecationWarning, stacklevel=2)
        base.__init__(self, *args, **kwargs)

    doc = (f"Deprecated alias of :class:`kusari.optimizer_hooks.{base.__name__}` (warns on use).\n\n"
           f"    Example:\n"
           f"        >>> import warnings\n"
           f"        >>> from kusari import optimizer, optimizer_hooks\n"
           f"        >>> with warnings.catch_warnings(record=True):\n"
           f"        ...     issubclass(optimizer.{base.__name__}, optimizer_hooks.{base.__name__})\n"
           f"        True\n")
    return type(base.__name__, (base,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


WeightDecay = _deprecated_alias(optimizer_hooks.WeightDecay)
Lasso = _deprecated_alias(optimizer_hooks.Lasso)
GradientClipping = _deprecated_alias(optimizer_hooks.GradientClipping)
GradientHardClipping = _deprecated_alias(optimizer_hooks.GradientHardClipping)
GradientNoise = _deprecated_alias(optimizer_hooks.GradientNoise)
