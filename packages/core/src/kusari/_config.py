"""Configuration: ``kusari.config``, ``kusari.global_config``, ``using_config``.

Chainer looks a setting up in a thread-local object first and falls back to a
global one.  Done with ``__getattr__`` that costs about 1.6 µs per lookup, and
``config.enable_backprop`` is read on every operation.  Here the *global*
values are class attributes of a ``threading.local`` subclass, so a lookup is a
plain attribute read (about 0.07 µs): the thread's own ``__dict__`` first, the
class (the global value) second.  ``global_config.x = v`` writes the class
attribute, which every thread without an override then sees.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading

import numpy


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value not in ("0", "", "false", "False")


class _LocalConfig(threading.local):
    """Per-thread configuration; class attributes are the global defaults."""

    # Chainer v7 defaults.
    train = True
    enable_backprop = True
    type_check = _env_flag("KUSARI_TYPE_CHECK", True)
    debug = _env_flag("KUSARI_DEBUG", False)
    use_cudnn = os.environ.get("KUSARI_USE_CUDNN", "auto")
    cudnn_deterministic = _env_flag("KUSARI_CUDNN_DETERMINISTIC", False)
    autotune = False
    use_cudnn_tensor_core = "auto"
    use_ideep = "never"
    lazy_grad_sum = False
    keep_graph_on_report = _env_flag("KUSARI_KEEP_GRAPH_ON_REPORT", False)
    warn_nondeterministic = False
    in_recomputing = False
    dtype = numpy.dtype(os.environ.get("KUSARI_DTYPE", "float32"))
    compute_mode = None

    def __getattr__(self, name: str):
        # Only reached when neither the thread nor the class has the name.
        raise AttributeError(
            f"kusari.config has no setting {name!r}; set it first with "
            f"kusari.global_config.{name} = ... or using_config({name!r}, ...)"
        )

    def show(self, file=None) -> None:
        """Print every setting and its value for the current thread.

        Example:
            >>> import kusari
            >>> kusari.config.show()  # doctest: +ELLIPSIS
            autotune ...
        """
        file = sys.stdout if file is None else file
        names = {n for n in vars(_LocalConfig) if not n.startswith("_")}
        names |= set(vars(self))
        names -= {"show"}
        width = max(len(n) for n in names)
        for name in sorted(names):
            print(f"{name:<{width}} {getattr(self, name)}", file=file)


class _GlobalConfig:
    """Writes and reads the defaults that every thread falls back to."""

    def __getattr__(self, name: str):
        try:
            return getattr(_LocalConfig, name)
        except AttributeError:
            raise AttributeError(f"kusari.global_config has no setting {name!r}") from None

    def __setattr__(self, name: str, value) -> None:
        if name.startswith("_"):
            raise AttributeError(f"cannot set private setting {name!r}")
        setattr(_LocalConfig, name, value)

    def __delattr__(self, name: str) -> None:
        delattr(_LocalConfig, name)

    def show(self, file=None) -> None:
        """Print the global defaults."""
        _LocalConfig.show(_LocalConfig.__new__(_LocalConfig), file)


config = _LocalConfig()
global_config = _GlobalConfig()

_MISSING = object()


@contextlib.contextmanager
def using_config(name: str, value, config=config):
    """Set a setting for the current thread inside a ``with`` block.

    Example:
        >>> import kusari
        >>> with kusari.using_config('train', False):
        ...     kusari.config.train
        False
        >>> kusari.config.train
        True
    """
    old = config.__dict__.get(name, _MISSING) if isinstance(config, _LocalConfig) else getattr(config, name, _MISSING)
    setattr(config, name, value)
    try:
        yield
    finally:
        if old is _MISSING:
            try:
                delattr(config, name)
            except AttributeError:
                pass
        else:
            setattr(config, name, old)


def no_backprop_mode():
    """Context in which new operations record no graph.

    Example:
        >>> import numpy as np, kusari
        >>> x = kusari.Variable(np.ones(2, np.float32))
        >>> with kusari.no_backprop_mode():
        ...     y = x * 2
        >>> y.creator is None
        True
    """
    return using_config("enable_backprop", False)


def force_backprop_mode():
    """Context in which operations record the graph even inside ``no_backprop_mode``.

    Example:
        >>> import numpy as np, kusari
        >>> x = kusari.Variable(np.ones(2, np.float32))
        >>> with kusari.no_backprop_mode(), kusari.force_backprop_mode():
        ...     y = x * 2
        >>> y.creator is not None
        True
    """
    return using_config("enable_backprop", True)


def is_debug() -> bool:
    """Whether debug mode (NaN checks, keeping stack traces on nodes) is on."""
    return bool(config.debug)


def set_debug(debug: bool) -> None:
    """Turn debug mode on or off globally (Chainer's ``chainer.set_debug``)."""
    global_config.debug = debug


class DebugMode:
    """Context manager form of ``set_debug`` (Chainer's ``chainer.DebugMode``)."""

    def __init__(self, debug: bool):
        self._ctx = using_config("debug", debug)

    def __enter__(self):
        self._ctx.__enter__()

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)
