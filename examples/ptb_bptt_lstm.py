#!/usr/bin/env python
"""A word language model: stateful LSTMs trained by truncated BPTT (Chainer's PTB example).

The model reads one word per step and keeps its state between steps
(``L.LSTM``).  ``ParallelSequentialIterator`` reads the training text at
``--batchsize`` evenly spaced positions; ``BPTTUpdater`` accumulates the
loss of ``--bproplen`` steps, back-propagates it, cuts the graph and
updates (SGD with gradient clipping).  The log reports the perplexity
(``exp`` of the mean word loss) through ``LogReport(postprocess=...)``.

Data (``--dataset``):

* ``ptb``: the Penn Tree Bank (``kusari.datasets.get_ptb_words``, which
  downloads it into the dataset root on first use);
* ``text``: an offline English text that ships with Python: the docstrings
  of a fixed list of standard-library modules, one line a sentence,
  lower-cased, tokenised into words, ``<eos>`` after each line, words seen
  fewer than twice replaced by ``<unk>``; lines split 18:1:1 into
  train/valid/test (see :func:`load_words`);
* ``auto`` (default): ``ptb`` when its files are already in the dataset
  root (``$KUSARI_DATASET_ROOT``), ``text`` otherwise, so the example runs
  offline.

A run of a few seconds::

    python examples/ptb_bptt_lstm.py --dataset text --epoch 1 --unit 16 \\
        --max-words 2000 --bproplen 5 --log-interval 5

Requires kusari-rnn with its training extra: ``pip install kusari-rnn[training]``.
"""
from __future__ import annotations

import argparse
import collections
import importlib
import os
import re
import warnings

import numpy as np

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import training
from kusari.rnn.sequences import compute_perplexity
from kusari.rnn.training import BPTTUpdater, ParallelSequentialIterator
from kusari.training import extensions

EOS, UNK = "<eos>", "<unk>"

# Standard-library modules whose docstrings make the offline text: pure
# English prose that every Python installation has.
TEXT_MODULES = (
    "argparse", "asyncio", "base64", "bisect", "calendar", "collections", "configparser",
    "contextlib", "copy", "csv", "dataclasses", "datetime", "decimal", "difflib", "email.message",
    "enum", "fractions", "ftplib", "functools", "getopt", "gettext", "glob", "gzip", "heapq",
    "hmac", "html.parser", "http.client", "http.server", "imaplib", "inspect", "ipaddress",
    "json", "locale", "logging", "mailbox", "mimetypes", "netrc", "numbers", "operator",
    "optparse", "os", "pathlib", "pickle", "pprint", "pydoc", "queue", "random", "re", "sched",
    "selectors", "shlex", "shutil", "smtplib", "socket", "socketserver", "statistics", "string",
    "subprocess", "tarfile", "tempfile", "textwrap", "threading", "timeit", "tokenize",
    "traceback", "typing", "unittest", "urllib.parse", "urllib.request", "uuid",
    "warnings", "weakref", "xml.dom.minidom", "zipfile",
)
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|[0-9]+")


def _docstrings(module_name):
    try:
        module = importlib.import_module(module_name)
    except Exception:  # an optional module missing from this build (turtle without tkinter)
        return
    yield module.__doc__
    for name in sorted(vars(module)):
        obj = getattr(module, name)
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        yield getattr(obj, "__doc__", None)
        if isinstance(obj, type):
            for attr in sorted(vars(obj)):
                if not attr.startswith("_"):
                    yield getattr(vars(obj)[attr], "__doc__", None)


def text_sentences():
    """The offline corpus: one list of words per non-empty docstring line."""
    sentences = []
    with warnings.catch_warnings():  # some attributes warn when read (typing.io...)
        warnings.simplefilter("ignore")
        docs = [doc for module_name in TEXT_MODULES for doc in _docstrings(module_name)]
    for doc in docs:
        if not isinstance(doc, str):
            continue
        for line in doc.lower().splitlines():
            words = _WORD.findall(line)
            if words:
                sentences.append(words)
    return sentences


def _text_words():
    sentences = text_sentences()
    splits = {"train": [], "valid": [], "test": []}
    for i, sentence in enumerate(sentences):
        name = "valid" if i % 20 == 18 else "test" if i % 20 == 19 else "train"
        splits[name].extend(sentence + [EOS])
    counts = collections.Counter(splits["train"])
    vocab = {EOS: 0, UNK: 1}
    for word in splits["train"]:
        if counts[word] >= 2 and word not in vocab:
            vocab[word] = len(vocab)
    unk = vocab[UNK]
    arrays = tuple(np.array([vocab.get(w, unk) for w in splits[name]], np.int32)
                   for name in ("train", "valid", "test"))
    return arrays, vocab


def ptb_available():
    """Whether the PTB files are already in the dataset root (so no download is needed)."""
    from kusari.datasets import download, ptb

    directory = download.get_dataset_directory("ptb", create_directory=False)
    cached = all(os.path.exists(os.path.join(directory, f"{s}.npz")) for s in ptb._SPLITS)
    cached = cached and os.path.exists(os.path.join(directory, "vocab.txt"))
    raw = all(os.path.exists(download.cached_download_path(ptb._url(s))) for s in ptb._SPLITS)
    return cached or raw


def load_words(dataset="auto", max_words=None):
    """``(train, valid, test, vocab, name)``: three int32 word-ID streams and the vocabulary.

    ``max_words`` cuts the training stream to that many words (and the
    validation and test streams to a tenth of it, at least 2) for quick runs.
    """
    if dataset == "auto":
        dataset = "ptb" if ptb_available() else "text"
    if dataset == "ptb":
        from kusari.datasets import get_ptb_words, get_ptb_words_vocabulary

        (train, valid, test), vocab = get_ptb_words(), get_ptb_words_vocabulary()
    else:
        (train, valid, test), vocab = _text_words()
    if max_words:
        short = max(2, max_words // 10)
        train, valid, test = train[:max_words], valid[:short], test[:short]
    return train, valid, test, vocab, dataset


class RNNForLM(kusari.Chain):
    """Embedding, two stateful LSTMs with dropout, and a linear output layer."""

    def __init__(self, n_vocab, n_units):
        super().__init__()
        with self.init_scope():
            self.embed = L.EmbedID(n_vocab, n_units)
            self.l1 = L.LSTM(n_units, n_units)
            self.l2 = L.LSTM(n_units, n_units)
            self.l3 = L.Linear(n_units, n_vocab)
        for param in self.params():
            param.array[...] = np.random.uniform(-0.1, 0.1, param.array.shape)

    def reset_state(self):
        self.l1.reset_state()
        self.l2.reset_state()

    def forward(self, x):
        h0 = self.embed(x)
        h1 = self.l1(F.dropout(h0))
        h2 = self.l2(F.dropout(h1))
        return self.l3(F.dropout(h2))


def add_shared_arguments(parser, log_interval):
    """The options both PTB examples take (ptb_nstep_lstm.py imports this)."""
    parser.add_argument("--device", "-d", default="-1", help="device specifier (-1: CPU)")
    parser.add_argument("--gradclip", "-c", type=float, default=5, help="gradient norm bound")
    parser.add_argument("--out", "-o", default="result", help="output directory")
    parser.add_argument("--unit", "-u", type=int, default=650, help="LSTM units")
    parser.add_argument("--dataset", choices=("auto", "ptb", "text"), default="auto")
    parser.add_argument("--max-words", type=int, default=None,
                        help="cut the training text to this many words (tiny runs)")
    parser.add_argument("--log-interval", type=int, default=log_interval, help="iterations per log line")
    parser.add_argument("--seed", type=int, default=0)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batchsize", "-b", type=int, default=20, help="parallel streams")
    parser.add_argument("--bproplen", "-l", type=int, default=35, help="BPTT truncation length")
    parser.add_argument("--epoch", "-e", type=int, default=39, help="training epochs")
    add_shared_arguments(parser, log_interval=500)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    np.random.seed(args.seed)
    device = int(args.device) if args.device.lstrip("-").isdigit() else args.device
    train, val, test, vocab, name = load_words(args.dataset, args.max_words)
    n_vocab = len(vocab)
    print(f"dataset {name}: {len(train)} train / {len(val)} valid / {len(test)} test words, "
          f"vocabulary {n_vocab}")

    train_iter = ParallelSequentialIterator(train, args.batchsize)
    val_iter = ParallelSequentialIterator(val, 1, repeat=False)
    test_iter = ParallelSequentialIterator(test, 1, repeat=False)

    rnn = RNNForLM(n_vocab, args.unit)
    model = L.Classifier(rnn)
    model.compute_accuracy = False  # only the perplexity
    optimizer = kusari.optimizers.SGD(lr=1.0)
    optimizer.setup(model)
    optimizer.add_hook(kusari.optimizer_hooks.GradientClipping(args.gradclip))

    updater = BPTTUpdater(train_iter, optimizer, args.bproplen, device)
    trainer = training.Trainer(updater, (args.epoch, "epoch"), out=args.out)

    # The evaluator's model shares the parameters but keeps its own LSTM
    # state, so evaluating does not disturb the training streams.
    eval_model = model.copy()
    eval_rnn = eval_model.predictor
    trainer.extend(extensions.Evaluator(val_iter, eval_model, device=device,
                                        eval_hook=lambda _: eval_rnn.reset_state()))
    interval = args.log_interval
    trainer.extend(extensions.LogReport(postprocess=compute_perplexity,
                                        trigger=(interval, "iteration")))
    trainer.extend(extensions.PrintReport(["epoch", "iteration", "perplexity", "val_perplexity"]),
                   trigger=(interval, "iteration"))
    trainer.run()

    # The test set, with the trained weights.
    eval_rnn.reset_state()
    evaluator = extensions.Evaluator(test_iter, eval_model, device=device)
    result = evaluator()
    print("test perplexity:", np.exp(float(result["main/loss"])))


if __name__ == "__main__":
    main()
