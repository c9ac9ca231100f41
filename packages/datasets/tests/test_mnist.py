"""The IDX parser and the MNIST-family loaders, on tiny files written in the real format."""
import gzip
import os
import struct
import urllib.error
import urllib.request

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kusari.datasets import download, get_fashion_mnist, get_kuzushiji_mnist, get_mnist, mnist
from kusari.datasets.tuple_dataset import TupleDataset
from kusari.utils.type_check import InvalidType

# type code and big-endian struct format, from the IDX specification
IDX_TYPES = {np.uint8: (0x08, "B"), np.int8: (0x09, "b"), np.int16: (0x0B, "h"),
             np.int32: (0x0C, "i"), np.float32: (0x0D, "f"), np.float64: (0x0E, "d")}


def idx_bytes(array):
    code, fmt = IDX_TYPES[array.dtype.type]
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">I", n) for n in array.shape)
    return header + struct.pack(f">{array.size}{fmt}", *array.ravel().tolist())


@pytest.fixture(autouse=True)
def root(tmp_path, monkeypatch):
    previous = download.set_dataset_root(tmp_path / "root")

    def offline(url, timeout=None):
        raise urllib.error.URLError("offline in tests")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    yield str(tmp_path / "root")
    download.set_dataset_root(previous)


def place_dataset(directory, n_train=5, n_test=3, seed=0, image_shape=(28, 28), n_labels=None):
    """Write the four gzip'd IDX files where cached_download expects them; return the arrays."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for split, n in (("train", n_train), ("test", n_test)):
        images = rng.integers(0, 256, (n,) + image_shape, dtype=np.uint8)
        labels = rng.integers(0, 10, n if n_labels is None else n_labels, dtype=np.uint8)
        arrays[split] = (images, labels)
        for name, array in zip(mnist._FILES[split], (images, labels)):
            path = download.cached_download_path(mnist._BASE_URLS[directory] + name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(gzip.compress(idx_bytes(array)))
    return arrays


# --- read_idx ---------------------------------------------------------------------

@given(hnp.arrays(st.sampled_from(list(IDX_TYPES)), hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                  elements={"allow_nan": False}), st.booleans())
def test_read_idx_round_trips_every_type(array, compressed):
    import io

    data = idx_bytes(array)
    parsed = mnist.read_idx(io.BytesIO(gzip.compress(data) if compressed else data))
    assert parsed.dtype == array.dtype and parsed.dtype.isnative
    np.testing.assert_array_equal(parsed, array)


def test_read_idx_reads_a_path(tmp_path):
    path = tmp_path / "labels-idx1-ubyte"
    path.write_bytes(idx_bytes(np.array([3, 1, 4], np.uint8)))
    np.testing.assert_array_equal(mnist.read_idx(path), [3, 1, 4])
    np.testing.assert_array_equal(mnist.read_idx(str(path)), [3, 1, 4])


@pytest.mark.parametrize("data, message", [
    (b"\x00\x01\x08\x01", r"is not an IDX file \(header 00010801\)"),
    (b"\x00\x00\x07\x01", r"is not an IDX file"),
    (b"", r"is not an IDX file \(header empty\)"),
    (b"\x00\x00\x08\x02\x00\x00\x00\x02", r"truncated inside its header"),
    (idx_bytes(np.zeros((2, 3), np.uint8))[:-1], r"has 17 bytes, its header \(shape \(2, 3\), uint8\) says 18"),
])
def test_read_idx_rejects_broken_files(tmp_path, data, message):
    path = tmp_path / "broken"
    path.write_bytes(data)
    with pytest.raises(mnist.IDXFormatError, match=message):
        mnist.read_idx(path)


def test_read_idx_rejects_a_non_file():
    with pytest.raises(InvalidType, match=r"read_idx: argument 'source' expected a path or a "
                                          r"binary file object, got int"):
        mnist.read_idx(3)


# --- the loaders ------------------------------------------------------------------

def test_get_mnist_returns_scaled_images_and_labels():
    arrays = place_dataset("mnist")
    train, test = get_mnist()
    assert isinstance(train, TupleDataset) and (len(train), len(test)) == (5, 3)
    for dataset, (images, labels) in zip((train, test), (arrays["train"], arrays["test"])):
        x, t = dataset[1]
        assert x.shape == (784,) and x.dtype == np.float32
        np.testing.assert_allclose(x, images[1].ravel() / np.float32(255), rtol=1e-6)
        assert t.dtype == np.int32 and t == labels[1]


@pytest.mark.parametrize("ndim, rgb_format, shape", [
    (1, False, (784,)), (2, False, (28, 28)), (3, False, (1, 28, 28)), (3, True, (3, 28, 28)),
    (1, True, (784,)),  # as in Chainer, rgb_format only acts with ndim=3
])
def test_get_mnist_shapes(ndim, rgb_format, shape):
    arrays = place_dataset("mnist")
    train, _ = get_mnist(withlabel=False, ndim=ndim, rgb_format=rgb_format, scale=2.0,
                         dtype=np.float64)
    assert train.shape == (5,) + shape and train.dtype == np.float64 and train.flags.writeable
    expected = arrays["train"][0].astype(np.float64) * (2.0 / 255)
    for channel in range(shape[0] if ndim == 3 else 1):
        image = train[:, channel] if ndim == 3 else train
        np.testing.assert_allclose(image.reshape(5, 28, 28), expected)


def test_label_dtype_is_honoured():
    place_dataset("mnist")
    train, _ = get_mnist(label_dtype=np.int64)
    assert train[0][1].dtype == np.int64


def test_the_converted_cache_is_reused_without_the_downloads(root):
    arrays = place_dataset("mnist")
    first_train, _ = get_mnist(withlabel=False)
    for dirpath, _, files in os.walk(os.path.join(root, "_dl_cache")):
        for name in files:
            os.remove(os.path.join(dirpath, name))
    cache = os.path.join(root, "mnist", "train.npz")
    with np.load(cache, allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["x"], arrays["train"][0].reshape(5, 784))
        np.testing.assert_array_equal(npz["y"], arrays["train"][1])
    again, _ = get_mnist(withlabel=False)
    np.testing.assert_array_equal(again, first_train)


def test_offline_error_lists_each_file_and_where_it_goes(root):
    with pytest.raises(download.DownloadError) as info:
        get_mnist()
    message = str(info.value)
    for name in mnist._FILES["train"]:
        url = mnist._BASE_URLS["mnist"] + name
        assert f"{url} -> {download.cached_download_path(url)}" in message
    assert "offline in tests" in message
    assert not os.path.exists(os.path.join(root, "mnist", "train.npz"))


def test_fashion_and_kuzushiji_read_their_own_files():
    fashion = place_dataset("fashion-mnist", seed=1)
    kuzushiji = place_dataset("kuzushiji-mnist", n_train=2, seed=2)
    f_train, _ = get_fashion_mnist(withlabel=False, ndim=2, scale=255.0)
    k_train, k_test = get_kuzushiji_mnist()
    np.testing.assert_allclose(f_train, fashion["train"][0], rtol=1e-6)
    assert len(k_train) == 2 and k_test[2][1] == kuzushiji["test"][1][2]
    with pytest.raises(download.DownloadError, match="mnist"):
        get_mnist()  # the other datasets' files are not MNIST's


def test_label_names():
    fashion = mnist.get_fashion_mnist_labels()
    kuzushiji = mnist.get_kuzushiji_mnist_labels()
    assert len(fashion) == len(kuzushiji) == 10 and len(set(fashion)) == 10
    assert fashion[0] == "T-shirt/top" and kuzushiji[9] == ("wo", "を")


def test_images_of_the_wrong_size_are_reported():
    place_dataset("mnist", image_shape=(27, 28))
    with pytest.raises(mnist.IDXFormatError, match=r"expected uint8 images of shape \(N, 28, 28\)"):
        get_mnist()


def test_a_label_count_mismatch_is_reported(root):
    place_dataset("mnist", n_labels=4)
    with pytest.raises(mnist.IDXFormatError, match=r"labels of shape \(4,\), expected \(5,\)"):
        get_mnist()
    assert not os.path.exists(os.path.join(root, "mnist", "train.npz"))


@pytest.mark.parametrize("ndim", [0, 4, True])
def test_bad_ndim_is_rejected_as_a_value_error(ndim):
    with pytest.raises(ValueError, match=rf"get_mnist: argument 'ndim' expected 1, 2 or 3, got {ndim!r}"):
        get_mnist(ndim=ndim)
    with pytest.raises(InvalidType):
        get_fashion_mnist(ndim=ndim)


def test_an_integer_image_dtype_is_rejected():
    with pytest.raises(InvalidType, match=r"get_kuzushiji_mnist: argument 'dtype' expected a "
                                          r"floating-point dtype \(pixels are scaled\), got int32"):
        get_kuzushiji_mnist(dtype=np.int32)
