"""kusari.backend: device specifiers, array modules, using_device."""
import threading

import numpy as np
import pytest

import kusari
from kusari import backend, plugins


def _cupy_backend():
    registry = plugins.get_registry("backends")
    return registry.get("cupy") if "cupy" in registry else None


@pytest.mark.parametrize("spec", ["@numpy", -1, -5, np.int64(-1), np, (np,), (np, 0)])
def test_cpu_specifiers(spec):
    device = backend.get_device(spec)
    assert device is backend.CPU_DEVICE
    assert device.xp is np
    assert device.name == "@numpy"
    assert str(device) == "@numpy"


def test_device_objects_pass_through():
    assert backend.get_device(backend.CPU_DEVICE) is backend.CPU_DEVICE
    other = backend.CpuDevice()
    assert backend.get_device(other) is other
    assert other == backend.CPU_DEVICE and hash(other) == hash(backend.CPU_DEVICE)
    assert backend.CPU_DEVICE.backend_name == "numpy"
    assert repr(backend.CPU_DEVICE) == "<CpuDevice (numpy)>"


@pytest.mark.parametrize("spec", ["@cupy:0", "@cupy", 0, 3, np.int32(1)])
def test_gpu_specifiers_without_kusari_cuda_name_the_package(spec, without_kusari_cuda):
    with pytest.raises(RuntimeError, match=r"needs the 'cupy' backend; it is provided by kusari-cuda, "
                                           r"which is not installed: pip install kusari-cuda"):
        backend.get_device(spec)


@pytest.mark.skipif(_cupy_backend() is None or _cupy_backend().is_available(),
                    reason="needs kusari-cuda installed on a machine where CuPy/CUDA is unusable")
@pytest.mark.parametrize("spec", ["@cupy:0", 0])
def test_gpu_specifiers_with_unusable_cupy_backend_say_why(spec):
    with pytest.raises(RuntimeError, match=r"backend 'cupy' .* is installed but not usable here: .*kusari-cuda"):
        backend.get_device(spec)


@pytest.mark.gpu
@pytest.mark.skipif(_cupy_backend() is None or not _cupy_backend().is_available(),
                    reason="needs kusari-cuda and a GPU")
def test_gpu_specifiers_with_cupy():
    dev = backend.get_device("@cupy:0")
    assert dev.name == "@cupy:0"
    assert backend.get_device(0) == dev
    arr = dev.send(np.arange(3, dtype=np.float32))
    assert backend.get_device_from_array(arr) == dev
    assert backend.get_array_module(arr) is dev.xp
    np.testing.assert_array_equal(backend.CPU_DEVICE.send(arr), [0, 1, 2])


def test_integer_strings_are_chainer_legacy_ids():
    # Chainer 7's train_mnist.py passes --device '-1' through get_device
    assert backend.get_device("-1") is backend.CPU_DEVICE
    assert backend.get_device("-1") == backend.get_device(-1)


@pytest.mark.skipif(_cupy_backend() is None or _cupy_backend().is_available(),
                    reason="needs kusari-cuda installed on a machine where CuPy/CUDA is unusable")
def test_integer_string_gpu_id_goes_to_the_cupy_backend():
    with pytest.raises(RuntimeError, match=r"backend 'cupy'"):
        backend.get_device("0")


@pytest.mark.parametrize("spec, error, message", [
    ("numpy", ValueError, r"a device string starts with '@' \('@numpy', '@cupy:0'\), got 'numpy'"),
    ("@tpu:0", ValueError, r"unknown device specifier '@tpu:0'; installed backends: .*'@numpy'"),
    ("@numpy:1", ValueError, r"'@numpy' takes no device id, got '@numpy:1'"),
    (True, TypeError, r"expected a device specifier, got True"),
    (1.5, TypeError, r"expected a Device, '@numpy', '@cupy:N', an int or an array module, got float 1.5"),
    (None, TypeError, r"got NoneType None"),
])
def test_bad_specifiers(spec, error, message):
    with pytest.raises(error, match=message):
        backend.get_device(spec)


def test_get_array_module():
    a = np.zeros(2, np.float32)
    assert backend.get_array_module(a) is np
    assert backend.get_array_module(kusari.Variable(a)) is np
    assert backend.get_array_module() is np
    assert backend.get_array_module(None, 1.0, [1, 2]) is np
    assert kusari.get_array_module(a) is np


def test_get_device_from_array():
    assert backend.get_device_from_array(np.zeros(1)) is backend.CPU_DEVICE
    assert backend.get_device_from_array(np.float32(1)) is backend.CPU_DEVICE
    assert backend.get_device_from_array(kusari.Variable(np.zeros(1, np.float32))) is backend.CPU_DEVICE
    assert backend.get_device_from_array(None) is backend.CPU_DEVICE


def test_is_array_supported():
    assert backend.is_array_supported(np.zeros(1))
    assert not backend.is_array_supported([1, 2])
    assert not backend.is_array_supported("x")


def test_send_walks_containers_and_keeps_numpy_arrays():
    a = np.zeros(2)
    sent = backend.CPU_DEVICE.send({"a": a, "t": (a, [a, None])})
    assert sent["a"] is a
    assert isinstance(sent["t"], tuple) and isinstance(sent["t"][1], list)
    assert sent["t"][1][0] is a and sent["t"][1][1] is None
    assert isinstance(backend.CPU_DEVICE.send(np.float32(2)), np.ndarray)
    assert backend.CPU_DEVICE.send(None) is None


def test_copyto():
    dst = np.zeros(3, np.float32)
    backend.copyto(dst, np.arange(3, dtype=np.float32))
    np.testing.assert_array_equal(dst, [0, 1, 2])


def test_using_device_nests_and_restores():
    assert backend.current_device() is backend.CPU_DEVICE
    with backend.using_device("@numpy") as outer:
        assert outer is backend.CPU_DEVICE
        assert backend.current_device() is outer
        other = backend.CpuDevice()
        with kusari.using_device(other) as inner:
            assert backend.current_device() is inner is other
        assert backend.current_device() is outer
    assert backend.current_device() is backend.CPU_DEVICE


def test_using_device_restores_on_exception_and_is_per_thread():
    other = backend.CpuDevice()
    with pytest.raises(ZeroDivisionError):
        with backend.using_device(other):
            raise ZeroDivisionError
    assert backend.current_device() is backend.CPU_DEVICE

    seen = []
    with backend.using_device(other):
        t = threading.Thread(target=lambda: seen.append(backend.current_device()))
        t.start()
        t.join()
    assert seen == [backend.CPU_DEVICE] and seen[0] is not other


def test_using_device_rejects_bad_spec():
    with pytest.raises(ValueError, match="starts with '@'"):
        with backend.using_device("cpu"):
            pass


def test_available_backends_lists_numpy():
    assert "numpy" in backend.available_backends()


class _FakeDevice(backend.Device):
    """A device for a pretend array type, to test registry-driven lookup."""

    xp = "fake-xp"

    def __init__(self, ident):
        self.name = f"@fake:{ident}"

    def send_array(self, array):
        return ("sent", array)


class _FakeArray:
    shape = (1,)
    dtype = np.dtype(np.float32)


class _FakeBackend(backend.Backend):
    name = "fake"

    def device_from_spec(self, ident):
        return _FakeDevice(ident or 0)

    def device_from_array(self, array):
        return _FakeDevice(7) if isinstance(array, _FakeArray) else None


class _FakePlugin:
    @plugins.hookimpl
    def kusari_register_backends(self):
        return [_FakeBackend()]


@pytest.fixture
def fake_backend():
    name = plugins.register(_FakePlugin(), name="fake-backend-test")
    try:
        yield
    finally:
        plugins.unregister(name)


def test_registered_backend_serves_specifiers_and_arrays(fake_backend):
    device = backend.get_device("@fake:2")
    assert isinstance(device, _FakeDevice) and device.name == "@fake:2"
    assert backend.get_device_from_array(_FakeArray()).name == "@fake:7"
    assert backend.get_array_module(_FakeArray()) == "fake-xp"
    assert backend.is_array_supported(_FakeArray())
    assert "fake" in backend.available_backends()
    with pytest.raises(ValueError, match=r"installed backends: .*'@fake'"):
        backend.get_device("@tpu")


def test_unavailable_backend_says_why(fake_backend):
    class Broken(_FakeBackend):
        name = "broken"

        def is_available(self):
            return False

        def unavailable_reason(self):
            return "no driver; pip install broken-driver"

    class Plugin:
        @plugins.hookimpl
        def kusari_register_backends(self):
            return [Broken()]

    name = plugins.register(Plugin(), name="broken-backend-test")
    try:
        with pytest.raises(RuntimeError, match=r"backend 'broken' \(device '@broken:0'\) is installed but not usable here: no driver; pip install broken-driver"):
            backend.get_device("@broken:0")
        assert "broken" not in backend.available_backends()
    finally:
        plugins.unregister(name)
