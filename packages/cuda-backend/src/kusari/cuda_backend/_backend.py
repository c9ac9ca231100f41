"""The CuPy backend: ``'@cupy:N'`` devices holding ``cupy.ndarray``.

CuPy is imported on first need, never at import time: this module (and the
plugin that registers it) must load on machines without CuPy or without a
GPU, where the backend stays registered and explains what is missing.
"""
from __future__ import annotations

import sys

from kusari.backend import Backend, Device

#: What to run when CuPy is missing; core's error for ``'@cupy:N'`` quotes it.
INSTALL_HINT = (
    "pip install 'kusari-cuda[cuda12]' (or 'kusari-cuda[cuda13]': the CuPy wheel must match "
    "your CUDA driver, see https://docs.cupy.dev/en/stable/install.html)"
)


def _cupy_if_imported():
    """CuPy if something already imported it, else None.

    An object can only be a CuPy array once CuPy is imported, so the array
    lookups (which run for every non-NumPy array) never trigger the import.
    """
    return sys.modules.get("cupy")


class CupyDevice(Device):
    """One GPU seen through CuPy: ``'@cupy:N'``.

    Made by :class:`CupyBackend` (``kusari.get_device('@cupy:0')``); needs CuPy
    and a GPU, so the example only shows the spelling.

    Example::

        >>> import numpy, kusari
        >>> dev = kusari.get_device('@cupy:0')          # doctest: +SKIP
        >>> dev.send(numpy.ones(3)).device.id            # doctest: +SKIP
        0
    """

    def __init__(self, cupy, device_id: int):
        self.xp = cupy
        self.device_id = device_id
        self.name = f"@cupy:{device_id}"
        self.supported_array_types = (cupy.ndarray,)

    @property
    def device(self):
        """The ``cupy.cuda.Device`` (Chainer's ``GpuDevice.device``)."""
        return self.xp.cuda.Device(self.device_id)

    def is_array_supported(self, array) -> bool:
        return isinstance(array, self.xp.ndarray) and array.device.id == self.device_id

    def send_array(self, array):
        xp = self.xp
        if isinstance(array, xp.ndarray):
            if array.device.id == self.device_id:
                return array
            with self.device:
                return xp.array(array, copy=True)  # peer copy from another GPU
        with self.device:
            return xp.asarray(array)

    def create_context(self):
        return self.device

    def use(self) -> None:
        self.device.use()


class CupyBackend(Backend):
    """The ``cupy`` backend registered by kusari-cuda.

    Without CuPy (or without a visible GPU) it stays registered and reports
    why, so asking for ``'@cupy:0'`` says what to install.

    Example:
        >>> from kusari import plugins
        >>> cupy_backend = plugins.get_registry('backends').get('cupy')
        >>> type(cupy_backend).__name__
        'CupyBackend'
        >>> cupy_backend.is_available() or 'CuPy' in cupy_backend.unavailable_reason()
        True
    """

    name = "cupy"

    def __init__(self):
        self._probed = False
        self._cupy = None
        self._device_count = 0
        self._reason = ""
        self._devices: dict[int, CupyDevice] = {}

    def _probe(self):
        """Import CuPy and count GPUs once; CuPy when usable, else None (and a reason)."""
        if self._probed:
            return self._cupy
        self._probed = True
        try:
            import cupy
        except Exception as error:  # noqa: BLE001 - a broken CUDA install raises more than ImportError
            self._reason = (
                f"CuPy is not importable ({type(error).__name__}: {error}); install it with: {INSTALL_HINT}"
            )
            return None
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as error:  # noqa: BLE001 - CUDARuntimeError when no driver
            self._reason = (
                f"CuPy {getattr(cupy, '__version__', '?')} is installed but CUDA is not usable "
                f"({type(error).__name__}: {error}); check the NVIDIA driver"
            )
            return None
        if count < 1:
            self._reason = "CuPy is installed but no CUDA device is visible (check CUDA_VISIBLE_DEVICES)"
            return None
        self._cupy, self._device_count = cupy, count
        return cupy

    @property
    def xp(self):
        """The ``cupy`` module when the backend is usable, else None (``kusari.cuda.cupy``)."""
        return self._probe()

    def is_available(self) -> bool:
        return self._probe() is not None

    def unavailable_reason(self) -> str:
        self._probe()
        return self._reason

    def _device(self, device_id: int) -> CupyDevice:
        device = self._devices.get(device_id)
        if device is None:
            device = self._devices[device_id] = CupyDevice(self._cupy, device_id)
        return device

    def device_from_spec(self, ident):
        cupy = self._probe()
        if cupy is None:
            raise RuntimeError(f"get_device: the 'cupy' backend is not usable here: {self._reason}")
        if ident is None:
            return self._device(cupy.cuda.runtime.getDevice())  # '@cupy': the current GPU
        try:
            device_id = int(ident)
        except ValueError:
            device_id = -1
        if device_id < 0 or str(device_id) != ident.strip():
            raise ValueError(
                f"get_device: argument 'device_spec' expected '@cupy:<non-negative int>', got '@cupy:{ident}'"
            )
        if device_id >= self._device_count:
            raise ValueError(
                f"get_device: argument 'device_spec' expected a GPU id below {self._device_count} "
                f"(visible CUDA devices), got '@cupy:{ident}'"
            )
        return self._device(device_id)

    def device_from_array(self, array):
        cupy = _cupy_if_imported()
        if cupy is None or not isinstance(array, cupy.ndarray) or self._probe() is None:
            return None
        return self._device(array.device.id)

    def device_from_object(self, obj):
        cupy = _cupy_if_imported()
        if cupy is None or not isinstance(obj, cupy.cuda.Device) or self._probe() is None:
            return None
        return self._device(obj.id)
