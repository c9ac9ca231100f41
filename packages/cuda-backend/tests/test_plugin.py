"""kusari-cuda: its plugin entry point, and the cupy backend (with and without CuPy)."""
import subprocess
import sys
import types

import numpy
import pytest

import kusari
from kusari import backend, plugins
from kusari.cuda_backend import CupyBackend, CupyDevice
from kusari.testing import plugin_checks


@pytest.fixture(autouse=True)
def fresh_plugins():
    with plugin_checks.fresh_plugin_state():
        yield


def test_the_plugin_is_declared_registered_and_can_be_disabled():
    plugin_checks.check_plugin("cuda", "kusari.cuda_backend._plugin", "kusari-cuda",
                               about_module="kusari.cuda_backend.__about__", hooks=["kusari_register_backends"])


# --- the cupy backend ----------------------------------------------------------


def test_without_cupy_asking_for_a_gpu_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` now raises ImportError
    with pytest.raises(RuntimeError, match=r"'@cupy:0'.*pip install 'kusari-cuda\[cuda12\]'"):
        kusari.get_device("@cupy:0")
    with pytest.raises(RuntimeError, match=r"pip install 'kusari-cuda\[cuda12\]'"):
        kusari.get_device(0)  # Chainer's legacy GPU id
    cupy_backend = plugins.get_registry("backends").get("cupy")
    assert isinstance(cupy_backend, CupyBackend)
    assert not cupy_backend.is_available()
    assert "cupy" not in backend.available_backends()
    assert backend.get_array_module(numpy.zeros(2)) is numpy


def test_loading_the_plugin_does_not_import_cupy():
    code = (
        "import sys, numpy, kusari\n"
        "from kusari import plugins, backend\n"
        "assert 'cupy' in plugins.get_registry('backends')\n"
        "backend.get_array_module(numpy.zeros(1)); backend.get_device_from_array([1.0])\n"
        "print('cupy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


class _FakeCudaDevice:
    """Just enough of ``cupy.cuda.Device`` to drive the backend without a GPU."""

    current = 0

    def __init__(self, device_id=0):
        self.id = device_id

    def __enter__(self):
        self._previous, _FakeCudaDevice.current = _FakeCudaDevice.current, self.id
        return self

    def __exit__(self, *exc):
        _FakeCudaDevice.current = self._previous

    def use(self):
        _FakeCudaDevice.current = self.id


class _FakeArray:
    def __init__(self, data):
        self.data = numpy.array(data)
        self.device = _FakeCudaDevice(_FakeCudaDevice.current)


def _fake_cupy(device_count=2, runtime_error=None):
    def get_device_count():
        if runtime_error is not None:
            raise runtime_error
        return device_count

    fake = types.ModuleType("cupy")
    fake.__version__ = "0.fake"
    fake.ndarray = _FakeArray
    fake.asarray = lambda a: a if isinstance(a, _FakeArray) else _FakeArray(a)
    fake.array = lambda a, copy=True: _FakeArray(a.data)
    fake.cuda = types.SimpleNamespace(
        Device=_FakeCudaDevice,
        runtime=types.SimpleNamespace(getDeviceCount=get_device_count, getDevice=lambda: _FakeCudaDevice.current),
    )
    return fake


@pytest.fixture
def fake_cupy(monkeypatch):
    fake = _fake_cupy()
    monkeypatch.setitem(sys.modules, "cupy", fake)
    monkeypatch.setattr(_FakeCudaDevice, "current", 0)
    return fake


def test_device_specifiers_resolve_to_one_cached_device_per_gpu(fake_cupy):
    dev = kusari.get_device("@cupy:1")
    assert isinstance(dev, CupyDevice)
    assert (dev.name, dev.device_id, dev.xp) == ("@cupy:1", 1, fake_cupy)
    assert kusari.get_device(1) is dev  # Chainer's legacy integer
    assert kusari.get_device(_FakeCudaDevice(1)) is dev  # a cupy.cuda.Device object
    assert kusari.get_device("@cupy").device_id == 0  # no id: the current GPU
    assert {"numpy", "cupy"} <= set(backend.available_backends())


@pytest.mark.parametrize("spec, message", [
    ("@cupy:x", r"get_device: argument 'device_spec' expected '@cupy:<non-negative int>', got '@cupy:x'"),
    ("@cupy:-1", r"expected '@cupy:<non-negative int>', got '@cupy:-1'"),
    ("@cupy:2", r"get_device: argument 'device_spec' expected a GPU id below 2 .*got '@cupy:2'"),
])
def test_bad_gpu_ids_are_rejected_with_the_specifier(fake_cupy, spec, message):
    with pytest.raises(ValueError, match=message):
        kusari.get_device(spec)


def test_send_moves_host_arrays_and_copies_across_gpus(fake_cupy):
    dev0, dev1 = kusari.get_device("@cupy:0"), kusari.get_device("@cupy:1")
    on1 = dev1.send(numpy.arange(3.0))
    assert isinstance(on1, _FakeArray) and on1.device.id == 1
    assert dev1.send(on1) is on1  # already there: no copy
    on0 = dev0.send(on1)
    assert on0 is not on1 and on0.device.id == 0
    numpy.testing.assert_array_equal(on0.data, [0.0, 1.0, 2.0])
    assert dev1.is_array_supported(on1) and not dev0.is_array_supported(on1)
    assert backend.get_device_from_array(on1) is dev1
    assert backend.get_array_module(on1) is fake_cupy
    with backend.using_device("@cupy:1"):
        assert _FakeCudaDevice.current == 1
    assert _FakeCudaDevice.current == 0


@pytest.mark.parametrize("fake, reason", [
    (_fake_cupy(device_count=0), "no CUDA device is visible"),
    (_fake_cupy(runtime_error=RuntimeError("no driver")), r"CuPy 0.fake is installed but CUDA is not usable \(RuntimeError: no driver\)"),
])
def test_cupy_without_a_usable_gpu_says_why(monkeypatch, fake, reason):
    monkeypatch.setitem(sys.modules, "cupy", fake)
    with pytest.raises(RuntimeError, match=reason):
        kusari.get_device("@cupy:0")


def _real_gpu_available():
    try:
        import cupy
    except Exception:  # noqa: BLE001
        return False
    try:
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # noqa: BLE001
        return False


@pytest.mark.gpu
@pytest.mark.skipif(not _real_gpu_available(), reason="needs CuPy and a CUDA GPU")
def test_round_trip_on_a_real_gpu():
    import cupy

    dev = kusari.get_device("@cupy:0")
    x = numpy.arange(6, dtype=numpy.float32).reshape(2, 3)
    on_gpu = dev.send(x)
    assert isinstance(on_gpu, cupy.ndarray) and on_gpu.device.id == 0
    assert backend.get_device_from_array(on_gpu) is dev
    assert backend.get_array_module(on_gpu) is cupy
    numpy.testing.assert_array_equal(backend.CPU_DEVICE.send(on_gpu), x)
