"""The dataset root, cached_download and cache_or_load_file (never the network)."""
import hashlib
import http.client
import os
import urllib.error
import urllib.request

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.datasets import download
from kusari.utils.type_check import InvalidType


@pytest.fixture(autouse=True)
def root(tmp_path):
    previous = download.set_dataset_root(tmp_path / "root")
    yield str(tmp_path / "root")
    download.set_dataset_root(previous)


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "src" / "data.bin"
    path.parent.mkdir()
    path.write_bytes(b"payload" * 1000)
    return path


def _all_files(directory):
    return sorted(os.path.relpath(os.path.join(d, f), directory)
                  for d, _, files in os.walk(directory) for f in files)


class FakeResponse:
    """A urlopen() result that yields ``chunks`` and then raises ``error``."""

    def __init__(self, chunks, error=None):
        self.chunks = list(chunks)
        self.error = error

    def read(self, size=-1):
        if self.chunks:
            return self.chunks.pop(0)
        if self.error is not None:
            raise self.error
        return b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _serve(monkeypatch, response_or_error):
    calls = []

    def fake_urlopen(url, timeout=None):
        calls.append(url)
        if isinstance(response_or_error, BaseException):
            raise response_or_error
        return response_or_error

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    return calls


# --- the root ----------------------------------------------------------------

def test_root_follows_the_environment_then_the_home_default(monkeypatch, tmp_path):
    download.set_dataset_root(None)
    monkeypatch.setenv("KUSARI_DATASET_ROOT", str(tmp_path / "from-env"))
    assert download.get_dataset_root() == str(tmp_path / "from-env")
    monkeypatch.delenv("KUSARI_DATASET_ROOT")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert download.get_dataset_root() == str(tmp_path / "home" / ".kusari" / "dataset")


def test_set_dataset_root_overrides_the_environment_and_returns_the_previous(monkeypatch, root):
    monkeypatch.setenv("KUSARI_DATASET_ROOT", "/elsewhere")
    assert download.set_dataset_root("/mine") == root
    assert download.get_dataset_root() == "/mine"


def test_set_dataset_root_rejects_a_non_path():
    with pytest.raises(InvalidType, match=r"set_dataset_root: argument 'path' expected a str, "
                                          r"os.PathLike or None, got int"):
        download.set_dataset_root(3)


def test_get_dataset_directory_creates_it_only_when_asked(root):
    path = download.get_dataset_directory("a/b", create_directory=False)
    assert path == os.path.join(root, "a/b") and not os.path.exists(path)
    assert os.path.isdir(download.get_dataset_directory("a/b"))


def test_get_dataset_directory_rejects_an_empty_name():
    with pytest.raises(InvalidType, match=r"get_dataset_directory: argument 'dataset_name' "
                                          r"expected a non-empty str, got ''"):
        download.get_dataset_directory("")


# --- cached_download ------------------------------------------------------------

def test_downloads_a_file_url_once_then_reuses_it(monkeypatch, source, root):
    url = source.as_uri()
    path = download.cached_download(url)
    assert path.startswith(os.path.join(root, "_dl_cache"))
    assert path.endswith("data.bin")
    with open(path, "rb") as f:
        assert f.read() == source.read_bytes()
    calls = _serve(monkeypatch, AssertionError("must not download again"))
    assert download.cached_download(url) == path
    assert calls == []


def test_matching_checksum_is_accepted(source):
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    path = download.cached_download(source.as_uri(), sha256=digest.upper())
    assert hashlib.sha256(open(path, "rb").read()).hexdigest() == digest


def test_checksum_mismatch_leaves_no_file(source, root):
    wrong = "0" * 64
    with pytest.raises(download.ChecksumError, match=r"expected 0{64}.*nothing was saved"):
        download.cached_download(source.as_uri(), sha256=wrong)
    assert not os.path.exists(download.cached_download_path(source.as_uri()))
    assert _all_files(root) == []


def test_a_cached_file_with_the_wrong_checksum_is_reported(source):
    path = download.cached_download(source.as_uri())
    with pytest.raises(download.ChecksumError, match=r"delete it to download it again"):
        download.cached_download(source.as_uri(), sha256="f" * 64)
    assert os.path.exists(path)  # a hand-placed file is the user's: not deleted


@pytest.mark.parametrize("error", [ConnectionResetError("reset by peer"),
                                   http.client.IncompleteRead(b"x", 10)])
def test_interrupted_download_leaves_nothing_under_the_final_name(monkeypatch, root, error):
    url = "https://example.org/data/big.gz"
    _serve(monkeypatch, FakeResponse([b"first chunk"], error=error))
    with pytest.raises(download.DownloadError, match=type(error).__name__):
        download.cached_download(url)
    assert not os.path.exists(download.cached_download_path(url))
    assert _all_files(root) == []  # nor a temporary file


def test_keyboard_interrupt_mid_download_leaves_nothing(monkeypatch, root):
    url = "https://example.org/data/big.gz"
    _serve(monkeypatch, FakeResponse([b"first chunk"], error=KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        download.cached_download(url)
    assert _all_files(root) == []


def test_offline_error_names_the_url_and_where_to_put_the_file(monkeypatch, root):
    url = "https://example.org/mnist/train-images-idx3-ubyte.gz"
    _serve(monkeypatch, urllib.error.URLError("Name or service not known"))
    expected = os.path.join(root, "_dl_cache", "example.org", "mnist", "train-images-idx3-ubyte.gz")
    with pytest.raises(download.DownloadError) as info:
        download.cached_download(url)
    message = str(info.value)
    assert url in message and "Name or service not known" in message
    assert message.endswith(f"put the file at {expected}")
    assert isinstance(info.value, OSError)
    # Following the advice works offline.
    os.makedirs(os.path.dirname(expected), exist_ok=True)
    with open(expected, "wb") as f:
        f.write(b"by hand")
    assert download.cached_download(url) == expected


def test_a_query_string_gives_its_own_cache_file():
    a = download.cached_download_path("https://h.org/get?file=a")
    b = download.cached_download_path("https://h.org/get?file=b")
    assert a != b and os.path.basename(a).startswith("get_")


@given(st.text(min_size=1, max_size=30))
def test_cache_path_never_escapes_the_cache(path_text):
    url = "https://example.org/" + path_text.replace("?", "").replace("#", "") + "/f"
    cache = os.path.join(download.get_dataset_root(), "_dl_cache")
    path = os.path.normpath(download.cached_download_path(url))
    assert path.startswith(cache + os.sep)


@pytest.mark.parametrize("url, message", [
    (3, r"cached_download: argument 'url' expected a non-empty URL str, got 3"),
    ("https://example.org/", r"cached_download: argument 'url' expected a URL that names a file"),
])
def test_bad_urls_are_rejected(url, message):
    with pytest.raises(InvalidType, match=message):
        download.cached_download(url)


def test_a_malformed_checksum_is_rejected(source):
    with pytest.raises(InvalidType, match=r"cached_download: argument 'sha256' expected None or "
                                          r"64 hexadecimal digits, got 'abc'"):
        download.cached_download(source.as_uri(), sha256="abc")


# --- cache_or_load_file -----------------------------------------------------------

def test_cache_or_load_file_creates_once_then_loads(tmp_path):
    path = tmp_path / "sub" / "cache.txt"
    created = []

    def creator(tmp):
        created.append(tmp)
        with open(tmp, "w") as f:
            f.write("converted")
        return "from creator"

    def loader(p):
        with open(p) as f:
            return "loaded " + f.read()

    assert download.cache_or_load_file(path, creator, loader) == "from creator"
    assert created[0] != str(path)  # written elsewhere, then renamed
    assert download.cache_or_load_file(path, creator, loader) == "loaded converted"
    assert len(created) == 1


def test_a_failing_creator_leaves_no_cache(tmp_path):
    path = tmp_path / "cache.txt"

    def creator(tmp):
        with open(tmp, "w") as f:
            f.write("half")
        raise RuntimeError("conversion failed")

    with pytest.raises(RuntimeError, match="conversion failed"):
        download.cache_or_load_file(path, creator, None)
    assert os.listdir(tmp_path) == []
