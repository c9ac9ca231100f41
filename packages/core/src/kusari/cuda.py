"""Chainer's ``chainer.cuda`` (``chainer.backends.cuda``), always importable.

CPU-only Chainer code calls ``cuda.to_cpu`` and checks ``cuda.available``;
this module answers those without CuPy.  Everything GPU-specific is
delegated to the ``'cupy'`` backend from the backend registry, which the
kusari-cuda distribution provides; without it ``to_gpu`` and friends say
what to install.  CuPy itself is imported only when that backend is usable.

``available``, ``cudnn_enabled``, ``cupy``, ``cupyx`` and ``ndarray`` are
looked up on each access (a plugin registered later is seen).

Example:
    >>> import numpy as np
    >>> from kusari import cuda
    >>> cuda.to_cpu([np.zeros(2, np.float32), None])
    [array([0., 0.], dtype=float32), None]
    >>> cuda.get_array_module(np.zeros(1)) is np
    True
"""
from __future__ import annotations

import importlib
import warnings

import numpy

from kusari import backend as _backend
from kusari.utils import type_check as _type_check
from kusari.variable import Variable as _Variable

_INSTALL = "pip install kusari-cuda (it needs CuPy and an NVIDIA GPU)"


class _NoCupyArray:
    """Stands in for ``cupy.ndarray`` without CuPy: nothing is an instance of it."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError(f"cupy.ndarray is not available: {_INSTALL}")


def _cupy_backend():
    """The registered 'cupy' backend if it is usable here, else None."""
    from kusari import plugins

    registry = plugins.get_registry("backends")
    if "cupy" not in registry:
        return None
    backend = registry.get("cupy")
    return backend if backend.is_available() else None


def _unavailable_reason() -> str:
    from kusari import plugins

    registry = plugins.get_registry("backends")
    if "cupy" in registry:
        reason = registry.get("cupy").unavailable_reason()
        if reason:
            return f"the 'cupy' backend is installed but not usable here: {reason}"
    return f"the CUDA backend is not installed: {_INSTALL}"


def _cupy_module():
    backend = _cupy_backend()
    if backend is None:
        return None
    xp = getattr(backend, "xp", None)
    return xp if xp is not None else importlib.import_module("cupy")


def __getattr__(name):
    if name == "available":
        return _cupy_backend() is not None
    if name == "cupy":
        return _cupy_module()
    if name == "cupyx":
        return None if _cupy_backend() is None else importlib.import_module("cupyx")
    if name == "ndarray":
        cupy = _cupy_module()
        return _NoCupyArray if cupy is None else cupy.ndarray
    if name == "cudnn_enabled":
        backend = _cupy_backend()
        return bool(backend is not None and getattr(backend, "cudnn_enabled", False))
    raise AttributeError(f"module 'kusari.cuda' has no attribute {name!r}")


def check_cuda_available() -> None:
    """Raise ``RuntimeError`` (saying what to install) unless the CUDA backend is usable.

    Example:
        >>> from kusari import cuda
        >>> if not cuda.available:
        ...     try:
        ...         cuda.check_cuda_available()
        ...     except RuntimeError as e:
        ...         print('kusari-cuda' in str(e))
        ... else:
        ...     print(True)
        True
    """
    if _cupy_backend() is None:
        raise RuntimeError(f"CUDA is not available: {_unavailable_reason()}")


class DummyDeviceType:
    """The CPU as a device object: ``with``, ``use()`` and ``synchronize()`` do nothing.

    Example:
        >>> from kusari import cuda
        >>> with cuda.DummyDevice as d:
        ...     int(d)
        -1
    """

    id = -1

    def __int__(self):
        return -1

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def use(self) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def __eq__(self, other):
        return isinstance(other, DummyDeviceType)

    def __hash__(self):
        return hash(DummyDeviceType)

    def __repr__(self):
        return "DummyDevice"


#: The CPU "device" returned for CPU arrays and negative ids.
DummyDevice = DummyDeviceType()


def get_device_from_id(device_id):
    """``cupy.cuda.Device(device_id)``, or ``DummyDevice`` for None or a negative id.

    Example:
        >>> from kusari import cuda
        >>> cuda.get_device_from_id(None) is cuda.DummyDevice
        True
    """
    if device_id is None or int(device_id) < 0:
        return DummyDevice
    check_cuda_available()
    return _cupy_module().cuda.Device(int(device_id))


def get_device_from_array(*arrays):
    """The ``cupy.cuda.Device`` of the first GPU array (Variables too), else ``DummyDevice``.

    Example:
        >>> import numpy as np
        >>> from kusari import cuda
        >>> cuda.get_device_from_array(np.zeros(1)) is cuda.DummyDevice
        True
    """
    cupy = None
    for array in arrays:
        if isinstance(array, _Variable):
            array = array.array
        if array is None or isinstance(array, (numpy.ndarray, numpy.generic)):
            continue
        if cupy is None:
            cupy = _cupy_module()
            if cupy is None:
                return DummyDevice
        if isinstance(array, cupy.ndarray):
            return array.device
    return DummyDevice


def get_array_module(*args):
    """``numpy`` or ``cupy``, whichever the arrays (or Variables) belong to.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import cuda
        >>> cuda.get_array_module(kusari.Variable(np.zeros(1, np.float32))) is np
        True
    """
    return _backend.get_array_module(*args)


def to_cpu(array, stream=None):
    """Copy an array (or a Variable's array, or lists/tuples of them) to host memory.

    NumPy arrays are returned as they are; None stays None; NumPy scalars
    become 0-d arrays.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari import cuda
        >>> a = np.ones(2, np.float32)
        >>> cuda.to_cpu(a) is a
        True
        >>> cuda.to_cpu((kusari.Variable(a), np.float32(3)))
        (array([1., 1.], dtype=float32), array(3., dtype=float32))
        >>> cuda.to_cpu('text')
        Traceback (most recent call last):
        ...
        kusari.utils.type_check.InvalidType: to_cpu: argument 'array' expected an array, a Variable, None or a list/tuple of them, got str
    """
    if stream is not None:
        warnings.warn("to_cpu: the stream argument has no effect", DeprecationWarning, stacklevel=2)
    return _to_cpu(array)


def _to_cpu(array):
    if array is None or isinstance(array, numpy.ndarray):
        return array
    if isinstance(array, (list, tuple)):
        return type(array)([_to_cpu(a) for a in array])
    if isinstance(array, numpy.generic):
        return numpy.asarray(array)
    if isinstance(array, _Variable):
        return _to_cpu(array.array)
    if _backend.is_array_supported(array) or hasattr(array, "dtype") and hasattr(array, "get"):
        # ``get()`` copies a CuPy array to the host even without kusari-cuda.
        return _backend.CPU_DEVICE.send_array(array)
    _type_check.fail("to_cpu", "array", "an array, a Variable, None or a list/tuple of them",
                     type(array).__name__)


def _gpu_device(device=None):
    """The kusari Device for a GPU specifier: None (current GPU), int, Device or '@cupy:N'.

    Raises ``RuntimeError`` naming ``pip install kusari-cuda`` when the
    'cupy' backend is missing.

    Example:
        >>> from kusari import cuda
        >>> if not cuda.available:
        ...     try:
        ...         cuda._gpu_device(0)
        ...     except RuntimeError as e:
        ...         print('kusari-cuda' in str(e))
        ... else:
        ...     print(True)
        True
    """
    backend = _cupy_backend()
    if backend is None:
        raise RuntimeError(f"to_gpu: {_unavailable_reason()}")
    if device is None:
        return backend.device_from_spec(None)
    if isinstance(device, bool):
        _type_check.fail("to_gpu", "device", "a GPU id, '@cupy:N' or a Device", repr(device))
    if isinstance(device, (int, numpy.integer)) and device < 0:
        _type_check.fail("to_gpu", "device", "a GPU id >= 0 (negative ids mean the CPU)", str(device))
    if isinstance(device, DummyDeviceType):
        _type_check.fail("to_gpu", "device", "a GPU device", "DummyDevice (the CPU)")
    result = _backend.get_device(device)
    if result.xp is numpy:
        _type_check.fail("to_gpu", "device", "a GPU device", repr(result))
    return result


def to_gpu(array, device=None, stream=None):
    """Copy an array (or lists/tuples of them) to a GPU through the 'cupy' backend.

    Args:
        array: a NumPy or CuPy array, a NumPy scalar, None, or a list/tuple of them.
        device: None (the current GPU), a GPU id, ``'@cupy:N'`` or a Device.
        stream: ignored (deprecated in Chainer v7).

    Without kusari-cuda this raises ``RuntimeError`` naming the install command.

    Example:
        >>> import numpy as np
        >>> from kusari import cuda
        >>> if not cuda.available:
        ...     try:
        ...         cuda.to_gpu(np.zeros(2))
        ...     except RuntimeError as e:
        ...         print('kusari-cuda' in str(e))
        ... else:
        ...     print(True)
        True
    """
    if stream is not None:
        warnings.warn("to_gpu: the stream argument has no effect", DeprecationWarning, stacklevel=2)
    target = _gpu_device(device)
    return _to_gpu(array, target)


def _to_gpu(array, device):
    if array is None:
        return None
    if isinstance(array, (list, tuple)):
        return type(array)([_to_gpu(a, device) for a in array])
    if isinstance(array, numpy.generic):
        array = numpy.asarray(array)
    if isinstance(array, _Variable):
        _type_check.fail("to_gpu", "array", "an array (use Variable.to_gpu() for Variables)", "Variable")
    if not _backend.is_array_supported(array):
        _type_check.fail("to_gpu", "array", "an array, None or a list/tuple of them", type(array).__name__)
    return device.send_array(array)


def copy(array, out=None, out_device=None, stream=None):
    """Copy a GPU array, optionally into ``out`` or onto another GPU.

    Example:
        >>> import numpy as np
        >>> from kusari import cuda
        >>> if not cuda.available:
        ...     try:
        ...         cuda.copy(np.zeros(1))
        ...     except RuntimeError as e:
        ...         print('kusari-cuda' in str(e))
        ... else:
        ...     print(True)
        True
    """
    check_cuda_available()
    cupy = _cupy_module()
    if out is not None:
        cupy.copyto(out, cupy.asarray(array))
        return out
    device = get_device_from_array(array) if out_device is None else out_device
    if not isinstance(device, DummyDeviceType) and not hasattr(device, "use"):
        device = get_device_from_id(device)
    with device:
        return cupy.array(array, copy=True)


def fuse(*args, **kwargs):
    """``cupy.fuse`` when CUDA is usable; on NumPy a pass-through decorator.

    Works bare (``@cuda.fuse``) and with arguments (``@cuda.fuse(kernel_name='f')``).

    Example:
        >>> import numpy as np
        >>> from kusari import cuda
        >>> @cuda.fuse()
        ... def squared_diff(x, y):
        ...     return (x - y) * (x - y)
        >>> squared_diff(np.array([3.0]), np.array([1.0]))
        array([4.])
    """
    cupy = _cupy_module()
    if cupy is not None:
        return cupy.fuse(*args, **kwargs)
    if len(args) == 1 and not kwargs and callable(args[0]):
        return args[0]
    return lambda func: func


def elementwise(in_params, out_params, operation, name, **kwargs):
    """A cached ``cupy.ElementwiseKernel`` (needs the CUDA backend)."""
    check_cuda_available()
    return _kernel("ElementwiseKernel", in_params, out_params, operation, name, **kwargs)


def reduce(in_params, out_params, map_expr, reduce_expr, post_map_expr, identity, name, **kwargs):
    """A cached ``cupy.ReductionKernel`` (needs the CUDA backend)."""
    check_cuda_available()
    return _kernel("ReductionKernel", in_params, out_params, map_expr, reduce_expr,
                   post_map_expr, identity, name, **kwargs)


def raw(code, name, *args, **kwargs):
    """A cached ``cupy.RawKernel`` (needs the CUDA backend)."""
    check_cuda_available()
    return _kernel("RawKernel", code, name, *args, **kwargs)


_kernels: dict = {}


def _kernel(kind, *args, **kwargs):
    key = (kind, args, tuple(sorted(kwargs.items())))
    kernel = _kernels.get(key)
    if kernel is None:
        kernel = _kernels[key] = getattr(_cupy_module(), kind)(*args, **kwargs)
    return kernel


def memoize(for_each_device=False):
    """``cupy.memoize`` when CUDA is usable, else a plain per-arguments cache.

    Example:
        >>> from kusari import cuda
        >>> @cuda.memoize()
        ... def square(n):
        ...     return n * n
        >>> square(4)
        16
    """
    cupy = _cupy_module()
    if cupy is not None:
        return cupy.memoize(for_each_device)
    import functools

    return functools.lru_cache(maxsize=None)


def clear_memo() -> None:
    """Forget memoized kernels."""
    _kernels.clear()
    cupy = _cupy_module()
    if cupy is not None:
        cupy.clear_memo()
