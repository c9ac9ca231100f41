#!/usr/bin/env python
"""A word language model with NStepLSTM on the standard Trainer, one sentence a sequence.

Each sentence of the text (the words up to ``<eos>``) is one training
example ``(x, t)``: ``x`` is ``<eos>`` followed by the sentence, ``t`` the
sentence followed by ``<eos>``, so the model predicts every word from the
ones before it.  Sentences have different lengths, and nothing here is
custom: ``SerialIterator`` batches them, ``convert_sequences`` keeps the
inputs as a list of per-sentence arrays (what ``NStepLSTM`` takes) and
concatenates the targets, ``SequenceClassifier`` computes one softmax cross
entropy over every word of the batch and reports ``loss``/``accuracy``,
``StandardUpdater`` and ``Evaluator`` run as for any model, and
``LogReport(postprocess=compute_perplexity)`` adds ``perplexity`` and
``val_perplexity`` (``exp`` of the mean word loss).

The model embeds every word of the batch in one lookup, runs the stacked
LSTM over the list of sentences and projects all outputs in one matrix
product (no Python loop over sentences).

Data: ``--dataset ptb`` (Penn Tree Bank), ``text`` (an offline English text
assembled from Python's standard-library docstrings) or ``auto`` (PTB when
it is in the dataset root, else the text); see ``ptb_bptt_lstm.py``.

A run of a few seconds::

    python examples/ptb_nstep_lstm.py --dataset text --epoch 2 --unit 16 \\
        --max-words 2000 --log-interval 5

Requires kusari-rnn with its training extra: ``pip install kusari-rnn[training]``.
"""
from __future__ import annotations

import argparse

import numpy as np
from ptb_bptt_lstm import EOS, add_shared_arguments, load_words  # what both PTB examples share

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import training
from kusari.iterators import SerialIterator
from kusari.rnn.sequences import SequenceClassifier, compute_perplexity, convert_sequences
from kusari.training import extensions


def sentences(words, eos):
    """Cut a word-ID stream at ``eos`` into ``(x, t)`` pairs: x = eos + sentence, t = sentence + eos."""
    ends = np.flatnonzero(words == eos)
    starts = np.concatenate([[0], ends[:-1] + 1])
    examples = []
    for start, end in zip(starts, ends):
        t = words[start:end + 1]  # the sentence and its <eos>
        x = np.concatenate([[eos], words[start:end]]).astype(np.int32)
        examples.append((x, t))
    return examples


class NStepRNNForLM(kusari.Chain):
    """Embedding, a stacked NStepLSTM with dropout and a linear output layer."""

    def __init__(self, n_vocab, n_units, n_layers=2, dropout=0.5):
        super().__init__()
        with self.init_scope():
            self.embed = L.EmbedID(n_vocab, n_units)
            self.lstm = L.NStepLSTM(n_layers, n_units, n_units, dropout)
            self.out = L.Linear(n_units, n_vocab)
        self.dropout = dropout
        for param in self.params():
            param.array[...] = np.random.uniform(-0.1, 0.1, param.array.shape)

    def forward(self, xs):
        """``xs``: a list of word-ID arrays.  Returns the scores of every word, concatenated."""
        sections = np.cumsum([len(x) for x in xs[:-1]]).tolist()
        embedded = F.dropout(self.embed(self.xp.concatenate(xs)), self.dropout)
        hs = F.split_axis(embedded, sections, axis=0) if sections else [embedded]
        _, _, ys = self.lstm(None, None, list(hs))
        return self.out(F.dropout(F.concat(ys, axis=0), self.dropout))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batchsize", "-b", type=int, default=64, help="sentences per batch")
    parser.add_argument("--epoch", "-e", type=int, default=10, help="training epochs")
    parser.add_argument("--layer", type=int, default=2, help="LSTM layers")
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--lr", type=float, default=1.0, help="SGD learning rate")
    add_shared_arguments(parser, log_interval=100)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    np.random.seed(args.seed)
    device = int(args.device) if args.device.lstrip("-").isdigit() else args.device
    train, val, test, vocab, name = load_words(args.dataset, args.max_words)
    eos = vocab[EOS]
    train, val, test = (sentences(words, eos) for words in (train, val, test))
    print(f"dataset {name}: {len(train)} train / {len(val)} valid / {len(test)} test sentences, "
          f"vocabulary {len(vocab)}")

    model = SequenceClassifier(NStepRNNForLM(len(vocab), args.unit, args.layer, args.dropout))
    optimizer = kusari.optimizers.SGD(lr=args.lr)
    optimizer.setup(model)
    optimizer.add_hook(kusari.optimizer_hooks.GradientClipping(args.gradclip))

    train_iter = SerialIterator(train, args.batchsize)
    val_iter = SerialIterator(val, args.batchsize, repeat=False, shuffle=False)
    updater = training.StandardUpdater(train_iter, optimizer, converter=convert_sequences,
                                       device=device)
    trainer = training.Trainer(updater, (args.epoch, "epoch"), out=args.out)
    trainer.extend(extensions.Evaluator(val_iter, model, converter=convert_sequences,
                                        device=device))
    interval = args.log_interval
    trainer.extend(extensions.LogReport(postprocess=compute_perplexity,
                                        trigger=(interval, "iteration")))
    trainer.extend(extensions.PrintReport(
        ["epoch", "iteration", "perplexity", "val_perplexity", "main/accuracy"]),
        trigger=(interval, "iteration"))
    trainer.run()

    test_iter = SerialIterator(test, args.batchsize, repeat=False, shuffle=False)
    result = extensions.Evaluator(test_iter, model, converter=convert_sequences, device=device)()
    print("test perplexity:", np.exp(float(result["main/loss"])))


if __name__ == "__main__":
    main()
