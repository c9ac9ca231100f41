"""The PTB loaders on tiny text files written where the real ones are cached."""
import os
import urllib.error
import urllib.request

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari.datasets import download, get_ptb_words, get_ptb_words_vocabulary, ptb

TEXTS = {
    "train": " the cat sat \n\n a cat ran \n",
    "valid": " a dog \n",  # 'dog' is not in the training file
    "test": " the the cat \n",
}


@pytest.fixture(autouse=True)
def root(tmp_path, monkeypatch):
    previous = download.set_dataset_root(tmp_path / "root")

    def offline(url, timeout=None):
        raise urllib.error.URLError("offline in tests")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    yield str(tmp_path / "root")
    download.set_dataset_root(previous)


def place(texts):
    for split, text in texts.items():
        path = download.cached_download_path(ptb._url(split))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)


@given(st.lists(st.lists(st.sampled_from(["a", "bb", "<unk>", "N"]), max_size=4), max_size=4),
       st.sampled_from([" ", "  ", "\t"]))
def test_read_words_appends_eos_to_every_line(sentences, separator):
    lines = [separator + separator.join(s) + separator + "\n" for s in sentences]
    expected = [w for s in sentences for w in s + ["<eos>"]]
    assert ptb.read_words(lines) == expected


def test_vocabulary_ids_follow_first_appearance_in_train():
    place(TEXTS)
    vocab = get_ptb_words_vocabulary()
    assert vocab == {"the": 0, "cat": 1, "sat": 2, "<eos>": 3, "a": 4, "ran": 5}


def test_words_are_int32_ids_with_eos_per_line():
    place({**TEXTS, "valid": " a ran \n"})
    train, valid, test = get_ptb_words()
    vocab = get_ptb_words_vocabulary()
    for array, text in ((train, TEXTS["train"]), (valid, " a ran \n"), (test, TEXTS["test"])):
        assert array.dtype == np.int32 and array.ndim == 1
        words = ptb.read_words(text.splitlines(keepends=True))
        np.testing.assert_array_equal(array, [vocab[w] for w in words])
    # the blank line of the training file is a lone <eos>
    np.testing.assert_array_equal(train, [0, 1, 2, 3, 3, 4, 1, 5, 3])


def test_caches_are_reused_without_the_downloads(root):
    place({**TEXTS, "valid": "cat\n"})
    first = get_ptb_words()
    vocab = get_ptb_words_vocabulary()
    for split in ptb._SPLITS:
        os.remove(download.cached_download_path(ptb._url(split)))
    assert sorted(os.listdir(os.path.join(root, "ptb"))) == [
        "test.npz", "train.npz", "valid.npz", "vocab.txt"]
    for a, b in zip(first, get_ptb_words()):
        np.testing.assert_array_equal(a, b)
    assert get_ptb_words_vocabulary() == vocab


def test_a_word_missing_from_the_vocabulary_is_reported(root):
    place(TEXTS)
    with pytest.raises(ValueError, match=r"the valid file holds the word 'dog', which is not in "
                                         r"the vocabulary"):
        get_ptb_words()
    assert not os.path.exists(os.path.join(root, "ptb", "valid.npz"))


def test_offline_error_names_the_url_and_the_place(root):
    with pytest.raises(download.DownloadError) as info:
        get_ptb_words()
    url = ptb._url("train")
    assert f"fetch {url} elsewhere and put it at {download.cached_download_path(url)}" in str(info.value)
    assert "offline in tests" in str(info.value)
    assert not os.path.exists(os.path.join(root, "ptb", "vocab.txt"))
