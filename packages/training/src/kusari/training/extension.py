"""Trainer extensions: the :class:`Extension` base class and :func:`make_extension`.

An extension is any callable ``ext(trainer)``; the trainer reads its
``trigger``, ``priority`` and ``name``/``default_name`` attributes when it is
registered with :meth:`~kusari.training.Trainer.extend`, and calls its
optional ``initialize(trainer)``, ``on_error(trainer, exc, tb)``,
``finalize()`` and ``serialize(serializer)`` at the matching moments.
"""
from __future__ import annotations

__all__ = ["Extension", "make_extension", "PRIORITY_WRITER", "PRIORITY_EDITOR", "PRIORITY_READER"]

#: Priority of extensions that write records into the observation.
PRIORITY_WRITER = 300
#: Priority of extensions that edit the observation written by writers.
PRIORITY_EDITOR = 200
#: Priority of extensions that only read the observation (the default).
PRIORITY_READER = 100


class Extension:
    """Base class of trainer extensions.

    Subclasses override ``__call__``; ``trigger`` (default ``(1, 'iteration')``)
    and ``priority`` (default :data:`PRIORITY_READER`) are the defaults the
    trainer uses when :meth:`~kusari.training.Trainer.extend` is not given
    them.  ``name`` is set by the trainer when the extension is registered.

    Example:
        >>> from kusari.training.extension import Extension
        >>> class Count(Extension):
        ...     trigger = 2, 'iteration'
        ...     def __init__(self):
        ...         self.calls = 0
        ...     def __call__(self, trainer):
        ...         self.calls += 1
        >>> ext = Count()
        >>> ext.default_name, ext.trigger, ext.priority, ext.name
        ('Count', (2, 'iteration'), 100, None)
    """

    trigger = 1, "iteration"
    priority = PRIORITY_READER
    name = None

    @property
    def default_name(self) -> str:
        """The name used when neither ``extend(name=...)`` nor ``name`` is set: the class name.

        Example:
            >>> from kusari.training.extension import Extension
            >>> class Plot(Extension): pass
            >>> Plot().default_name
            'Plot'
        """
        return type(self).__name__

    def __call__(self, trainer):
        """Run the extension; subclasses must override it.

        Example:
            >>> from kusari.training.extension import Extension
            >>> Extension()(None)
            Traceback (most recent call last):
            ...
            NotImplementedError: Extension must override __call__(trainer)
        """
        raise NotImplementedError(f"{type(self).__name__} must override __call__(trainer)")

    def __getattr__(self, name):
        # Chainer v1 extensions set invoke_before_training; say what replaced it.
        if name == "invoke_before_training":
            raise AttributeError("invoke_before_training was removed in Chainer v2; "
                                 "override Extension.initialize(trainer) instead")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def initialize(self, trainer) -> None:
        """Called once by ``Trainer.run`` before the loop (also after a resume).  No-op here.

        Example:
            >>> from kusari.training.extension import Extension
            >>> Extension().initialize(None) is None
            True
        """

    def on_error(self, trainer, exc, tb) -> None:
        """Called when the training loop raises, before ``finalize``.  No-op here.

        Example:
            >>> from kusari.training.extension import Extension
            >>> Extension().on_error(None, ValueError('x'), None) is None
            True
        """

    def finalize(self) -> None:
        """Called when training ends, normally or by an error.  No-op here.

        Example:
            >>> from kusari.training.extension import Extension
            >>> Extension().finalize() is None
            True
        """

    def serialize(self, serializer) -> None:
        """Save or load the extension's state.  Nothing by default.

        Example:
            >>> from kusari.training.extension import Extension
            >>> Extension().serialize(None) is None
            True
        """


def make_extension(trigger=None, default_name=None, priority=None, finalizer=None,
                   initializer=None, on_error=None, **kwargs):
    """Decorator turning a function ``f(trainer)`` into an extension by setting its attributes.

    Args:
        trigger: default trigger, ``(1, 'iteration')`` when None.
        default_name: default name, the function's ``__name__`` when None.
        priority: default priority, :data:`PRIORITY_READER` when None.
        finalizer: ``finalize()`` callable, or None.
        initializer: ``initialize(trainer)`` callable, or None.
        on_error: ``on_error(trainer, exc, tb)`` callable, or None.

    Example:
        >>> from kusari.training.extension import make_extension
        >>> @make_extension(trigger=(1, 'epoch'), priority=300)
        ... def dump(trainer):
        ...     pass
        >>> dump.trigger, dump.default_name, dump.priority
        ((1, 'epoch'), 'dump', 300)
    """
    if "invoke_before_training" in kwargs:
        raise TypeError("make_extension: invoke_before_training was removed in Chainer v2; "
                        "use initializer= instead")
    if kwargs:
        raise TypeError(f"make_extension: unexpected keyword argument(s) {sorted(kwargs)}")
    if trigger is None:
        trigger = Extension.trigger
    if priority is None:
        priority = Extension.priority

    def decorate(ext):
        ext.trigger = trigger
        ext.default_name = default_name or ext.__name__
        ext.priority = priority
        ext.finalize = finalizer
        ext.on_error = on_error
        ext.initialize = initializer
        return ext

    return decorate
