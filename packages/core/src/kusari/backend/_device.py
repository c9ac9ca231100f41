"""``Device`` and ``Backend``: the interface a backend plugin implements."""
from __future__ import annotations

import contextlib

import numpy


class Device:
    """One place arrays can live: the CPU, GPU 0, ...

    Subclasses set ``xp`` (the array module), ``name`` (the specifier, e.g.
    ``'@cupy:0'``) and ``supported_array_types``, and implement
    :meth:`send_array`.  :meth:`send` walks tuples, lists and dicts.

    Example:
        >>> import numpy as np
        >>> from kusari import backend
        >>> backend.CPU_DEVICE.send({'x': np.zeros(2)})['x']
        array([0., 0.])
    """

    xp = None
    name = None
    supported_array_types: tuple = ()

    @property
    def backend_name(self) -> str:
        return self.name[1:].partition(":")[0]

    def is_array_supported(self, array) -> bool:
        return isinstance(array, self.supported_array_types)

    def send_array(self, array):
        raise NotImplementedError

    def send(self, arrays):
        """Send an array, or nested tuples/lists/dicts of arrays, to this device."""
        if arrays is None:
            return None
        if isinstance(arrays, (tuple, list)):
            return type(arrays)(self.send(a) for a in arrays)
        if isinstance(arrays, dict):
            return {k: self.send(v) for k, v in arrays.items()}
        return self.send_array(arrays)

    def create_context(self):
        """A context manager that makes this device current (no-op on the CPU)."""
        return contextlib.nullcontext()

    def use(self) -> None:
        """Make this device the current one for the thread (no-op on the CPU)."""

    def __eq__(self, other):
        return isinstance(other, Device) and self.name == other.name

    def __hash__(self):
        return hash(self.name)

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"<{type(self).__name__} {self.name}>"


class CpuDevice(Device):
    """The NumPy device, ``'@numpy'``."""

    xp = numpy
    name = "@numpy"
    supported_array_types = (numpy.ndarray,)

    def send_array(self, array):
        if isinstance(array, numpy.ndarray):
            return array
        if isinstance(array, numpy.generic):
            return numpy.asarray(array)
        get = getattr(array, "get", None)  # cupy.ndarray and friends
        if get is not None:
            return get()
        return numpy.asarray(array)

    def __repr__(self):
        return "<CpuDevice (numpy)>"


class Backend:
    """What a backend plugin registers through ``kusari_register_backends``.

    ``name`` is the specifier prefix: ``'cupy'`` serves ``'@cupy:N'``.  A
    backend whose library is missing stays registered, answers
    ``is_available() == False`` and explains why in
    ``unavailable_reason()`` (with the install command).

    Example (a whole backend for a hypothetical array library)::

        class MyBackend(kusari.backend.Backend):
            name = 'mylib'
            def is_available(self): return True
            def device_from_spec(self, ident): return MyDevice(int(ident or 0))
            def device_from_array(self, array):
                return MyDevice(array.device_id) if isinstance(array, mylib.ndarray) else None
    """

    name: str = ""

    def is_available(self) -> bool:
        return True

    def unavailable_reason(self) -> str:
        return ""

    def device_from_spec(self, ident: str | None) -> Device:
        """The device for ``'@<name>:<ident>'`` (``ident`` None when absent)."""
        raise NotImplementedError

    def device_from_array(self, array) -> Device | None:
        """The device holding ``array``, or None if it is not this backend's array."""
        return None

    def device_from_object(self, obj) -> Device | None:
        """A device for a backend-specific object (e.g. ``cupy.cuda.Device``), else None."""
        return None


class NumpyBackend(Backend):
    """The built-in backend: ``'@numpy'``."""

    name = "numpy"

    def device_from_spec(self, ident):
        if ident not in (None, "", "0"):
            raise ValueError(f"get_device: '@numpy' takes no device id, got '@numpy:{ident}'")
        from kusari.backend import CPU_DEVICE

        return CPU_DEVICE

    def device_from_array(self, array):
        from kusari.backend import CPU_DEVICE

        return CPU_DEVICE if isinstance(array, (numpy.ndarray, numpy.generic)) else None
