"""The CIFAR loaders on a real .tar.gz of batches pickled the way the CIFAR files were made."""
import io
import os
import pickle
import tarfile
import urllib.error
import urllib.request

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kusari.datasets import cifar, download, get_cifar10, get_cifar100
from kusari.datasets.tuple_dataset import TupleDataset
from kusari.utils.type_check import InvalidType


class Py2Pickler(pickle._Pickler):
    """Protocol 2 as Python 2's cPickle wrote it: every str (and the pixel bytes) a BINSTRING.

    The CIFAR batches were dumped by Python 2 with NumPy 1.x: no BINUNICODE and
    no ``_codecs.encode`` (which Python 3 uses for bytes under protocol 2).
    """

    dispatch = dict(pickle._Pickler.dispatch)

    def save_py2_str(self, obj):
        data = obj.encode("latin1") if isinstance(obj, str) else obj
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + len(data).to_bytes(4, "little") + data)
        self.memoize(obj)

    dispatch[str] = save_py2_str
    dispatch[bytes] = save_py2_str

    def save_global(self, obj, name=None):
        if obj is cifar._RECONSTRUCT:  # NumPy 1.x's module name, as in the real files
            self.write(pickle.GLOBAL + b"numpy.core.multiarray\n_reconstruct\n")
            self.memoize(obj)
        else:
            super().save_global(obj, name)

    dispatch[type(cifar._RECONSTRUCT)] = save_global


def py2_pickle(obj):
    f = io.BytesIO()
    Py2Pickler(f, protocol=2).dump(obj)
    return f.getvalue()


def batch(rng, n, label_key, n_classes):
    return {"batch_label": "training batch 1 of 5", label_key: rng.integers(0, n_classes, n).tolist(),
            "data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
            "filenames": [f"img_{i}.png" for i in range(n)]}


def write_archive(path, members):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, blob in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))


def place(name, seed=0, sizes=(2, 1, 3, 1, 2, 4), dumps=py2_pickle, skip=()):
    """Write the real-format archive where cached_download expects it; return the batches."""
    archive, members, label_key = cifar._LAYOUT[name]
    rng = np.random.default_rng(seed)
    batches = {m: batch(rng, n, label_key, 10 if name == "cifar-10" else 100)
               for (_, m), n in zip(members, sizes)}
    if name == "cifar-100":
        for b in batches.values():
            b["coarse_labels"] = [lab // 5 for lab in b["fine_labels"]]
    write_archive(download.cached_download_path(cifar._BASE_URL + archive),
                  {m: dumps(b) for m, b in batches.items() if m not in skip})
    return {split: [batches[m] for s, m in members if s == split] for split in ("train", "test")}, label_key


@pytest.fixture(autouse=True)
def root(tmp_path, monkeypatch):
    previous = download.set_dataset_root(tmp_path / "root")

    def offline(url, timeout=None):
        raise urllib.error.URLError("offline in tests")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    yield str(tmp_path / "root")
    download.set_dataset_root(previous)


# --- the restricted reader ----------------------------------------------------------

def test_the_fixture_is_a_python2_style_pickle():
    import pickletools

    blob = py2_pickle({"data": np.zeros((1, 3072), np.uint8), "labels": [1]})
    ops = {op.name for op, _, _ in pickletools.genops(blob)}
    assert "BINUNICODE" not in ops and "BINSTRING" in ops and b"_codecs" not in blob
    assert b"numpy.core.multiarray\n_reconstruct" in blob


@given(st.integers(0, 3), st.booleans())
@example(0, False)  # Python 3 pickles b'' as a call of bytes()
def test_load_batch_matches_a_trusted_unpickle(n, python2_style):
    rng = np.random.default_rng(n)
    original = {"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                "labels": rng.integers(0, 10, n).tolist(), "batch_label": "b"}
    blob = py2_pickle(original) if python2_style else pickle.dumps(original, protocol=2)
    loaded = cifar.load_batch(io.BytesIO(blob))
    trusted = pickle.loads(blob, encoding="latin1")  # our own fixture: safe to trust here
    assert loaded.keys() == trusted.keys() == original.keys()
    assert loaded["data"].dtype == np.uint8
    np.testing.assert_array_equal(loaded["data"], original["data"])
    assert loaded["labels"] == original["labels"] and loaded["batch_label"] == "b"


def test_a_pickle_naming_os_system_is_refused_without_running(tmp_path):
    marker = tmp_path / "ran"

    class Evil:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    blob = pickle.dumps({"data": Evil()}, protocol=2)
    with pytest.raises(cifar.CIFARFormatError, match=r"names (posix|os|nt)\.system, which a CIFAR "
                                                     r"batch never holds; refusing to load it"):
        cifar.load_batch(io.BytesIO(blob))
    assert not marker.exists()


def test_only_the_latin1_codec_is_allowed():
    blob = (b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x05\x00\x00\x00rot13\x86R.")
    with pytest.raises(cifar.CIFARFormatError, match=r"asks for the codec 'rot13'"):
        cifar.load_batch(io.BytesIO(blob))


@pytest.mark.parametrize("blob, message", [
    (pickle.dumps([1, 2], protocol=2), r"the pickle holds a list, expected a dict"),
    (b"not a pickle", r"not a readable pickle \(UnpicklingError"),
])
def test_load_batch_rejects_non_batches(blob, message):
    with pytest.raises(cifar.CIFARFormatError, match=message):
        cifar.load_batch(io.BytesIO(blob))


def test_load_batch_rejects_a_non_file():
    with pytest.raises(InvalidType, match=r"load_batch: argument 'file' expected a binary file "
                                          r"object, got bytes"):
        cifar.load_batch(b"data")


# --- the loaders --------------------------------------------------------------------

@pytest.mark.parametrize("name, loader", [("cifar-10", get_cifar10), ("cifar-100", get_cifar100)])
def test_loaders_return_scaled_chw_images_and_int32_labels(name, loader):
    batches, label_key = place(name)
    train, test = loader()
    for dataset, parts in ((train, batches["train"]), (test, batches["test"])):
        images = np.concatenate([b["data"] for b in parts])
        labels = [lab for b in parts for lab in b[label_key]]
        assert isinstance(dataset, TupleDataset) and len(dataset) == len(images)
        x, t = dataset[len(dataset) - 1]
        assert x.shape == (3, 32, 32) and x.dtype == np.float32
        np.testing.assert_allclose(x, images[-1].reshape(3, 32, 32) / np.float32(255), rtol=1e-6)
        assert t.dtype == np.int32 and t == labels[-1]


@pytest.mark.parametrize("ndim, shape", [(1, (3072,)), (3, (3, 32, 32))])
def test_ndim_scale_and_dtype(ndim, shape):
    batches, _ = place("cifar-10")
    train, test = get_cifar10(withlabel=False, ndim=ndim, scale=2.0, dtype=np.float64)
    images = np.concatenate([b["data"] for b in batches["train"]])
    assert train.shape == (len(images),) + shape and train.dtype == np.float64
    np.testing.assert_allclose(train.reshape(len(images), -1), images * (2.0 / 255))
    assert test.shape[1:] == shape


def test_the_npz_cache_is_reused_without_the_archive(root):
    place("cifar-100")
    first, _ = get_cifar100(withlabel=False)
    os.remove(download.cached_download_path(cifar._BASE_URL + "cifar-100-python.tar.gz"))
    with np.load(os.path.join(root, "cifar", "cifar-100.npz"), allow_pickle=False) as npz:
        assert sorted(npz.files) == ["test_x", "test_y", "train_x", "train_y"]
        assert npz["train_x"].dtype == np.uint8 and npz["train_y"].dtype == np.uint8
    again, _ = get_cifar100(withlabel=False)
    np.testing.assert_array_equal(again, first)


def test_offline_error_names_the_url_and_the_place(root):
    with pytest.raises(download.DownloadError) as info:
        get_cifar10()
    url = cifar._BASE_URL + "cifar-10-python.tar.gz"
    assert f"fetch {url} elsewhere and put it at {download.cached_download_path(url)}" in str(info.value)
    assert not os.path.exists(os.path.join(root, "cifar", "cifar-10.npz"))


def test_a_missing_batch_is_reported(root):
    place("cifar-10", skip=("cifar-10-batches-py/data_batch_3",))
    with pytest.raises(cifar.CIFARFormatError, match=r"has no file cifar-10-batches-py/data_batch_3"):
        get_cifar10()
    assert not os.path.exists(os.path.join(root, "cifar", "cifar-10.npz"))


def test_a_label_count_mismatch_is_reported():
    def short_labels(b):
        return py2_pickle({**b, "labels": b["labels"][:-1]})

    place("cifar-10", dumps=short_labels)
    with pytest.raises(cifar.CIFARFormatError, match=r"data_batch_1: 'labels' is not a list of 2 labels"):
        get_cifar10()


@pytest.mark.parametrize("ndim", [2, 0, True])
def test_bad_ndim_is_a_value_error(ndim):
    with pytest.raises(ValueError, match=rf"get_cifar10: argument 'ndim' expected 1 or 3, got {ndim!r}"):
        get_cifar10(ndim=ndim)


def test_an_integer_dtype_is_rejected():
    with pytest.raises(InvalidType, match=r"get_cifar100: argument 'dtype' expected a floating-point "
                                          r"dtype \(pixels are scaled\), got uint8"):
        get_cifar100(dtype=np.uint8)
