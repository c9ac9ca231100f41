"""get_svhn on tiny .mat files written with scipy.io.savemat in SVHN's layout."""
import os
import sys
import urllib.error
import urllib.request

import numpy as np
import pytest

from kusari.datasets import download, get_svhn, svhn
from kusari.datasets.tuple_dataset import TupleDataset
from kusari.utils.type_check import InvalidType

scipy_io = pytest.importorskip("scipy.io")


@pytest.fixture(autouse=True)
def root(tmp_path, monkeypatch):
    previous = download.set_dataset_root(tmp_path / "root")

    def offline(url, timeout=None):
        raise urllib.error.URLError("offline in tests")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    yield str(tmp_path / "root")
    download.set_dataset_root(previous)


def place(split, n, seed=0, labels=None, x_shape=None):
    """Write <split>_32x32.mat as the real files are: X (32, 32, 3, N) uint8, y (N, 1) in 1..10."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, x_shape or (32, 32, 3, n), dtype=np.uint8)
    y = (rng.integers(1, 11, (n, 1)) if labels is None else np.asarray(labels).reshape(-1, 1))
    path = download.cached_download_path(svhn._url(split))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    scipy_io.savemat(path, {"X": images, "y": y.astype(np.uint8)})
    return images, y


def test_images_are_nchw_scaled_and_label_10_is_0():
    images, _ = place("train", 4, labels=[10, 1, 9, 10])
    test_images, test_y = place("test", 3, seed=1)
    train, test = get_svhn()
    assert isinstance(train, TupleDataset) and (len(train), len(test)) == (4, 3)
    x, t = train[2]
    assert x.shape == (3, 32, 32) and x.dtype == np.float32
    np.testing.assert_allclose(x, images[:, :, :, 2].transpose(2, 0, 1) / np.float32(255), rtol=1e-6)
    labels = np.array([train[i][1] for i in range(4)])
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, [0, 1, 9, 0])
    np.testing.assert_array_equal([test[i][1] for i in range(3)], test_y.ravel() % 10)


def test_scale_dtype_label_dtype_and_extra():
    images, _ = place("train", 2)
    place("test", 1)
    extra_images, _ = place("extra", 3, seed=2)
    train, test, extra = get_svhn(withlabel=False, scale=3.0, dtype=np.float64, add_extra=True)
    assert train.dtype == np.float64 and extra.shape == (3, 3, 32, 32)
    np.testing.assert_allclose(train, images.transpose(3, 2, 0, 1) * (3.0 / 255))
    np.testing.assert_allclose(extra, extra_images.transpose(3, 2, 0, 1) * (3.0 / 255))
    labelled, _ = get_svhn(label_dtype=np.int64)
    assert labelled[0][1].dtype == np.int64


def test_the_npz_cache_is_reused_without_the_mat_files(root):
    place("train", 2)
    place("test", 2)
    first, _ = get_svhn(withlabel=False)
    for split in ("train", "test"):
        os.remove(download.cached_download_path(svhn._url(split)))
    again, _ = get_svhn(withlabel=False)
    np.testing.assert_array_equal(again, first)
    assert sorted(os.listdir(os.path.join(root, "svhn"))) == ["test.npz", "train.npz"]


def test_offline_error_names_the_url_and_the_place(root):
    with pytest.raises(download.DownloadError) as info:
        get_svhn()
    url = svhn._url("train")
    assert f"fetch {url} elsewhere and put it at {download.cached_download_path(url)}" in str(info.value)


def test_a_file_in_the_wrong_layout_is_reported(root):
    place("train", 2, x_shape=(2, 32, 32, 3))
    with pytest.raises(svhn.SVHNFormatError, match=r"does not hold 'X' of shape \(32, 32, 3, N\)"):
        get_svhn()
    assert not os.path.exists(os.path.join(root, "svhn", "train.npz"))


def test_a_label_count_mismatch_is_reported():
    place("train", 3, labels=[1, 2])
    with pytest.raises(svhn.SVHNFormatError, match=r"holds 2 labels for 3 images"):
        get_svhn()


def test_missing_scipy_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.io", None)  # makes `from scipy.io import ...` fail
    with pytest.raises(ImportError, match=r"get_svhn needs scipy .*install .kusari-datasets\[svhn\]"):
        get_svhn()


def test_an_integer_dtype_is_rejected():
    with pytest.raises(InvalidType, match=r"get_svhn: argument 'dtype' expected a floating-point "
                                          r"dtype \(pixels are scaled\), got int32"):
        get_svhn(dtype=np.int32)
