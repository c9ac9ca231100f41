"""Array backends and devices.

NumPy is built in (``'@numpy'``); every other backend is a plugin that
registers a :class:`Backend` through the ``kusari_register_backends`` hook
(kusari-cuda adds ``'@cupy:N'``).  Device specifiers are Chainer's:

* a :class:`Device` object,
* ``'@numpy'``, ``'@cupy:0'`` (``'@<backend>[:<id>]'``),
* Chainer's legacy integers: a negative integer is the CPU, ``N >= 0`` is ``'@cupy:N'``,
* the ``numpy`` module, or ``(cupy, N)``-style ``(module, id)`` tuples.

Example:
    >>> import numpy as np
    >>> from kusari import backend
    >>> dev = backend.get_device('@numpy')
    >>> dev
    <CpuDevice (numpy)>
    >>> backend.get_array_module(np.zeros(2)) is np
    True
"""
from __future__ import annotations

import contextlib
import threading

import numpy

from kusari.backend._device import Backend, CpuDevice, Device, NumpyBackend

__all__ = [
    "Backend", "Device", "CpuDevice", "NumpyBackend", "CPU_DEVICE",
    "get_device", "get_array_module", "get_device_from_array", "using_device",
    "is_array_supported", "copyto", "available_backends",
]

CPU_DEVICE = CpuDevice()
_NUMPY_TYPES = (numpy.ndarray, numpy.generic)
# Values that can never belong to another backend: skipped without asking plugins.
_HOST_TYPES = (numpy.ndarray, numpy.generic, int, float, complex, bool, str, list, tuple, dict)
_thread_local = threading.local()



def _backends():
    from kusari import plugins

    return plugins.get_registry("backends")


def _extra_backends():
    """Registered backends other than NumPy, in registration order (cached)."""
    from kusari import plugins

    return plugins._extra_backends()


def available_backends() -> list[str]:
    """Names of registered backends that can be used on this machine.

    Example:
        >>> from kusari import backend
        >>> 'numpy' in backend.available_backends()
        True
    """
    return [name for name, b in _backends().items() if b.is_available()]


def _backend_by_name(name: str, spec) -> "Backend":
    registry = _backends()
    if name in registry:
        backend = registry.get(name)
        if not backend.is_available():
            raise RuntimeError(
                f"get_device: backend {name!r} (device {spec!r}) is installed but not "
                f"usable here: {backend.unavailable_reason()}"
            )
        return backend
    from kusari import plugins

    hint = plugins.missing_name_message("backends", "cupy" if name == "cuda" else name,
                                        f"get_device: device {spec!r} needs the {name!r} backend; it")
    if hint:
        raise RuntimeError(hint)
    known = ", ".join(f"'@{n}'" for n in registry.names())
    raise ValueError(f"get_device: unknown device specifier {spec!r}; installed backends: {known}")


def get_device(device_spec) -> Device:
    """Return the :class:`Device` for a Chainer-style device specifier.

    Example:
        >>> from kusari import backend
        >>> backend.get_device(-1).xp.__name__
        'numpy'
        >>> backend.get_device('@numpy') == backend.CPU_DEVICE
        True
    """
    if isinstance(device_spec, Device):
        return device_spec
    if isinstance(device_spec, str):
        if device_spec == "@numpy":
            return CPU_DEVICE
        if device_spec.lstrip("-").isdigit():
            # Chainer 7 reads integer strings as its legacy ids: train_mnist.py's --device '-1'
            return get_device(int(device_spec))
        if not device_spec.startswith("@"):
            raise ValueError(
                f"get_device: a device string starts with '@' ('@numpy', '@cupy:0'), got {device_spec!r}"
            )
        name, _, ident = device_spec[1:].partition(":")
        return _backend_by_name(name, device_spec).device_from_spec(ident or None)
    if isinstance(device_spec, bool):
        raise TypeError(f"get_device: expected a device specifier, got {device_spec!r}")
    if isinstance(device_spec, (int, numpy.integer)):
        if device_spec < 0:
            return CPU_DEVICE
        return _backend_by_name("cupy", device_spec).device_from_spec(str(int(device_spec)))
    if device_spec is numpy:
        return CPU_DEVICE
    if isinstance(device_spec, tuple) and device_spec and hasattr(device_spec[0], "__name__"):
        module, *rest = device_spec
        if module is numpy:
            return CPU_DEVICE
        ident = str(rest[0]) if rest else None
        return _backend_by_name(module.__name__, device_spec).device_from_spec(ident)
    if hasattr(device_spec, "__name__") and hasattr(device_spec, "ndarray"):
        return _backend_by_name(device_spec.__name__, device_spec).device_from_spec(None)
    for backend in _extra_backends():
        device = backend.device_from_object(device_spec)
        if device is not None:
            return device
    raise TypeError(
        f"get_device: expected a Device, '@numpy', '@cupy:N', an int or an array module, "
        f"got {type(device_spec).__name__} {device_spec!r}"
    )


def get_device_from_array(array) -> Device:
    """The device an array lives on (CPU for NumPy arrays and Python scalars).

    Example:
        >>> import numpy as np
        >>> from kusari import backend
        >>> backend.get_device_from_array(np.zeros(1))
        <CpuDevice (numpy)>
    """
    from kusari.variable import Variable

    if isinstance(array, Variable):
        array = array._data
    if array is None or isinstance(array, _NUMPY_TYPES):
        return CPU_DEVICE
    for backend in _extra_backends():
        device = backend.device_from_array(array)
        if device is not None:
            return device
    return CPU_DEVICE


def get_array_module(*args):
    """The array module (``numpy``, ``cupy``) for arrays or Variables.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import backend
        >>> backend.get_array_module(kusari.Variable(np.zeros(1, np.float32))) is np
        True
    """
    for arg in args:
        arr = getattr(arg, "_data", arg)
        if arr is None or isinstance(arr, _HOST_TYPES):
            continue
        for backend in _extra_backends():
            device = backend.device_from_array(arr)
            if device is not None:
                return device.xp
    return numpy


def is_array_supported(array) -> bool:
    """Whether ``array`` is an array of an installed backend."""
    if isinstance(array, numpy.ndarray):
        return True
    return any(b.device_from_array(array) is not None for b in _extra_backends())


def copyto(dst, src) -> None:
    """Copy ``src`` into ``dst`` in place, across devices.

    Example:
        >>> import numpy as np
        >>> from kusari import backend
        >>> a = np.zeros(2); backend.copyto(a, np.ones(2)); a
        array([1., 1.])
    """
    device = get_device_from_array(dst)
    device.xp.copyto(dst, device.send(src))


@contextlib.contextmanager
def using_device(device_spec):
    """Make ``device_spec`` the current device inside a ``with`` block.

    Example:
        >>> from kusari import backend
        >>> with backend.using_device('@numpy') as dev:
        ...     dev.xp.__name__
        'numpy'
    """
    device = get_device(device_spec)
    stack = getattr(_thread_local, "stack", None)
    if stack is None:
        stack = _thread_local.stack = []
    stack.append(device)
    try:
        with device.create_context():
            yield device
    finally:
        stack.pop()


def current_device() -> Device:
    """The device of the innermost ``using_device`` block, else the CPU."""
    stack = getattr(_thread_local, "stack", None)
    return stack[-1] if stack else CPU_DEVICE
