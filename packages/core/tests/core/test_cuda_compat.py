"""kusari.cuda: Chainer's chainer.cuda, importable and useful without CuPy."""
import subprocess
import sys

import numpy as np
import pytest

import kusari
from kusari import backend, cuda, plugins


def _cupy_backend():
    registry = plugins.get_registry("backends")
    return registry.get("cupy") if "cupy" in registry else None


HAVE_GPU = _cupy_backend() is not None and _cupy_backend().is_available()


def test_import_paths():
    from kusari import cuda as c1
    from kusari.cuda import to_cpu, to_gpu  # noqa: F401

    assert c1 is cuda is kusari.cuda
    assert callable(to_cpu) and callable(to_gpu)


def test_importing_kusari_cuda_does_not_import_cupy_or_the_backend():
    code = ("import sys, kusari.cuda, kusari; kusari.cuda.to_cpu(None); "
            "print('cupy' in sys.modules, 'kusari.cuda_backend._backend' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_without_kusari_cuda_flags_are_off(without_kusari_cuda):
    assert cuda.available is False
    assert cuda.cudnn_enabled is False
    assert cuda.cupy is None
    assert cuda.cupyx is None
    assert not isinstance(np.zeros(1), cuda.ndarray)
    with pytest.raises(RuntimeError, match="pip install kusari-cuda"):
        cuda.ndarray()


def test_from_import_of_dynamic_names(without_kusari_cuda):
    from kusari.cuda import available, cupy

    assert available is False and cupy is None


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="module 'kusari.cuda' has no attribute 'nope'"):
        _ = cuda.nope


def test_to_cpu_numpy_is_identity_and_none_passes():
    a = np.arange(3, dtype=np.float32)
    assert cuda.to_cpu(a) is a
    assert cuda.to_cpu(None) is None


def test_to_cpu_variables_containers_and_scalars():
    a = np.ones((2, 2), np.float32)
    v = kusari.Variable(a)
    assert cuda.to_cpu(v) is a
    out = cuda.to_cpu([a, (v, None), np.float64(2.5)])
    assert isinstance(out, list) and isinstance(out[1], tuple)
    assert out[0] is a and out[1][0] is a and out[1][1] is None
    assert isinstance(out[2], np.ndarray) and out[2].shape == () and out[2] == 2.5


def test_to_cpu_rejects_other_objects():
    with pytest.raises(TypeError, match=r"to_cpu: argument 'array' expected an array, a Variable, "
                                        r"None or a list/tuple of them, got dict"):
        cuda.to_cpu({"a": 1})


def test_to_cpu_stream_is_deprecated():
    with pytest.warns(DeprecationWarning, match="stream"):
        cuda.to_cpu(np.zeros(1), stream=object())


@pytest.mark.parametrize("device", [None, 0, "@cupy:0", 1])
def test_to_gpu_without_kusari_cuda_names_the_install(device, without_kusari_cuda):
    with pytest.raises(RuntimeError, match=r"to_gpu: the CUDA backend is not installed: pip install kusari-cuda"):
        cuda.to_gpu(np.zeros(2, np.float32), device)


def test_variable_to_gpu_without_kusari_cuda(without_kusari_cuda):
    v = kusari.Variable(np.zeros(2, np.float32))
    with pytest.raises(RuntimeError, match="pip install kusari-cuda"):
        v.to_gpu()
    assert isinstance(v.array, np.ndarray)  # unchanged


def test_check_cuda_available_and_device_helpers(without_kusari_cuda):
    with pytest.raises(RuntimeError, match="CUDA is not available: .*pip install kusari-cuda"):
        cuda.check_cuda_available()
    assert cuda.get_device_from_id(None) is cuda.DummyDevice
    assert cuda.get_device_from_id(-1) is cuda.DummyDevice
    with pytest.raises(RuntimeError, match="pip install kusari-cuda"):
        cuda.get_device_from_id(0)
    assert cuda.get_device_from_array(np.zeros(1), None, kusari.Variable(np.zeros(1))) is cuda.DummyDevice
    assert cuda.get_device_from_array() is cuda.DummyDevice
    with pytest.raises(RuntimeError, match="pip install kusari-cuda"):
        cuda.copy(np.zeros(1))
    with pytest.raises(RuntimeError, match="pip install kusari-cuda"):
        cuda.elementwise("T x", "T y", "y = x", "copy")


@pytest.mark.skipif(_cupy_backend() is None or HAVE_GPU,
                    reason="needs kusari-cuda installed where CuPy/CUDA is unusable")
def test_to_gpu_with_unusable_backend_says_why():
    with pytest.raises(RuntimeError, match=r"to_gpu: the 'cupy' backend is installed but not usable here: "):
        cuda.to_gpu(np.zeros(1))
    assert cuda.available is False


def test_dummy_device():
    d = cuda.DummyDevice
    assert d.id == -1 and int(d) == -1
    with d as entered:
        assert entered is d
    d.use()
    d.synchronize()
    assert d == cuda.DummyDeviceType() and d != 0
    assert repr(d) == "DummyDevice"


def test_get_array_module_delegates_to_backend():
    a = np.zeros(1)
    assert cuda.get_array_module(a) is np
    assert cuda.get_array_module(kusari.Variable(np.zeros(1, np.float32)), a) is np
    assert cuda.get_array_module() is np


def test_fuse_is_a_pass_through_on_numpy(without_kusari_cuda):
    def f(x, y):
        return x * y + 1

    assert cuda.fuse(f) is f
    assert cuda.fuse()(f) is f
    assert cuda.fuse(kernel_name="f")(f) is f

    @cuda.fuse
    def g(x):
        return x - 1

    np.testing.assert_array_equal(g(np.array([3.0])), [2.0])


def test_memoize_without_cuda_caches(without_kusari_cuda):
    calls = []

    @cuda.memoize()
    def h(n):
        calls.append(n)
        return n + 1

    assert h(1) == 2 and h(1) == 2 and calls == [1]


def _fake_backend_plugin():
    class FakeCupyBackend(backend.Backend):
        name = "cupy"
        cudnn_enabled = True
        xp = np  # stands in for the cupy module

        def device_from_spec(self, ident):
            return FakeGpuDevice(int(ident or 0))

    class FakeGpuDevice(backend.Device):
        xp = "fake-cupy"

        def __init__(self, ident):
            self.name = f"@cupy:{ident}"

        def send_array(self, array):
            return ("on", self.name, array)

    class Plugin:
        @plugins.hookimpl
        def kusari_register_backends(self):
            return [FakeCupyBackend()]

    return Plugin()


@pytest.fixture
def fake_cupy_backend(without_kusari_cuda):
    name = plugins.register(_fake_backend_plugin(), name="fake-cupy-test")
    try:
        yield
    finally:
        plugins.unregister(name)


def test_delegates_to_registered_cupy_backend(fake_cupy_backend):
    assert cuda.available is True
    assert cuda.cudnn_enabled is True
    assert cuda.cupy is np  # the backend's module
    a = np.zeros(2)
    assert cuda.to_gpu(a) == ("on", "@cupy:0", a)
    assert cuda.to_gpu(a, 1)[1] == "@cupy:1"
    assert cuda.to_gpu(a, "@cupy:2")[1] == "@cupy:2"
    sent = cuda.to_gpu([a, (None, np.float32(1))], 3)
    assert sent[0][1] == "@cupy:3" and sent[1][0] is None and sent[1][1][2].shape == ()
    assert cuda._gpu_device(None).name == "@cupy:0"
    assert cuda._gpu_device(2).name == "@cupy:2"
    dev = cuda._gpu_device("@cupy:1")
    assert cuda._gpu_device(dev) is dev
    cuda.check_cuda_available()  # no error


def test_gpu_device_rejects_cpu_specifiers(fake_cupy_backend):
    with pytest.raises(TypeError, match=r"to_gpu: argument 'device' expected a GPU id >= 0 \(negative ids mean the CPU\), got -1"):
        cuda._gpu_device(-1)
    with pytest.raises(TypeError, match=r"to_gpu: argument 'device' expected a GPU device, got <CpuDevice \(numpy\)>"):
        cuda._gpu_device("@numpy")
    with pytest.raises(TypeError, match=r"argument 'device' expected a GPU device, got DummyDevice"):
        cuda._gpu_device(cuda.DummyDevice)
    with pytest.raises(TypeError, match=r"argument 'device' expected a GPU id, '@cupy:N' or a Device, got True"):
        cuda._gpu_device(True)


def test_to_gpu_rejects_variables_and_junk(fake_cupy_backend):
    with pytest.raises(TypeError, match=r"to_gpu: argument 'array' expected an array \(use Variable.to_gpu\(\) for Variables\), got Variable"):
        cuda.to_gpu(kusari.Variable(np.zeros(1, np.float32)))
    with pytest.raises(TypeError, match=r"to_gpu: argument 'array' expected an array, None or a list/tuple of them, got str"):
        cuda.to_gpu("abc")
    with pytest.warns(DeprecationWarning, match="stream"):
        cuda.to_gpu(None, stream=1)


@pytest.mark.gpu
@pytest.mark.skipif(not HAVE_GPU, reason="needs kusari-cuda and a GPU")
def test_real_gpu_round_trip():
    a = np.arange(4, dtype=np.float32)
    g = cuda.to_gpu(a)
    assert isinstance(g, cuda.ndarray)
    assert cuda.get_array_module(g) is cuda.cupy
    assert cuda.get_device_from_array(g).id == 0
    np.testing.assert_array_equal(cuda.to_cpu(g), a)
    v = kusari.Variable(a.copy())
    v.to_gpu()
    assert isinstance(v.array, cuda.ndarray)
    v.to_cpu()
    assert isinstance(v.array, np.ndarray)
