"""One shared network, several classifier heads, one optimizer each: a custom Updater on the Trainer.

Seed 002's pattern (a blog post on writing your own Updater): a base network
computes features once per batch; several classifiers read them, each with
its own loss and its own optimizer; the base network learns from the sum of
their gradients.  Here, offline, on scikit-learn's 8x8 handwritten digits
(``kusari.datasets.get_digits``), with three heads predicting labels derived
from the digit:

* ``digit``: which digit (10 classes);
* ``parity``: odd or even;
* ``large``: 5 or more.

``MultiHeadUpdater`` is a ``training.StandardUpdater`` subclass: it passes
every optimizer to the parent (``main`` for the base network, one per head)
so that the Trainer reports each head's loss and accuracy under its name
(``digit/loss``, ``parity/accuracy``, ...) and ``snapshot`` saves them all.
Its ``update_core`` clears every gradient, runs the base network once,
back-propagates each head's loss, then steps every optimizer.  An
``Evaluator`` with an ``eval_func`` scores the heads on the test set each
epoch (``validation/digit/accuracy``, ...).

Run it with ``python examples/seed002_multi_optimizer.py``; it exits with
status 1 when a head's final test accuracy is not above ``--min-accuracy``.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import training
from kusari.training import extensions

HEADS = {"digit": 10, "parity": 2, "large": 2}


def derived_labels(digits: np.ndarray) -> np.ndarray:
    """(N,) digit labels -> (N, 3) int32 labels: the digit, its parity, whether it is 5 or more."""
    return np.stack([digits, digits % 2, (digits >= 5)], axis=1).astype(np.int32)


def multi_label_digits():
    """``(train, test)`` TupleDatasets of (64,) float32 images and (3,) int32 labels."""
    datasets = []
    for split in kusari.datasets.get_digits():
        images, digits = kusari.dataset.concat_examples(split[:])
        datasets.append(kusari.datasets.TupleDataset(images, derived_labels(digits)))
    return tuple(datasets)


class BaseNet(kusari.Chain):
    """The shared feature extractor: two ReLU layers."""

    def __init__(self, n_units: int):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_units)
            self.l2 = L.Linear(n_units, n_units)

    def forward(self, x):
        return F.relu(self.l2(F.relu(self.l1(x))))


def head_losses(base, heads, x, t):
    """Run ``base`` once and every head on its column of ``t``; the heads report loss and accuracy."""
    features = base(x)
    return {name: head(features, t[:, i]) for i, (name, head) in enumerate(heads.items())}


class MultiHeadUpdater(training.StandardUpdater):
    """Updates a shared base network and several heads, each through its own optimizer.

    Args:
        iterator: the training iterator; batches of ``(x, t)`` with one
            label column per head.
        base_optimizer: the optimizer of the base network (named ``main``).
        head_optimizers (dict): head name -> optimizer of a ``L.Classifier``.
        device: where the batches go.
    """

    def __init__(self, iterator, base_optimizer, head_optimizers, device=None):
        optimizers = {"main": base_optimizer, **head_optimizers}
        super().__init__(iterator, optimizers, device=device)
        self.base = base_optimizer.target
        self.heads = {name: opt.target for name, opt in head_optimizers.items()}

    def update_core(self):
        x, t = self.converter(self.get_iterator("main").next(), self.device)
        optimizers = self.get_all_optimizers()
        for optimizer in optimizers.values():
            optimizer.target.cleargrads()
        # Each head's backward adds into the base network's gradients.
        for loss in head_losses(self.base, self.heads, x, t).values():
            loss.backward()
        for optimizer in optimizers.values():
            optimizer.update()


def build(args, train, test):
    base = BaseNet(args.unit)
    base_optimizer = kusari.optimizers.Adam()
    base_optimizer.setup(base)
    head_optimizers = {}
    for name, n_classes in HEADS.items():
        optimizer = kusari.optimizers.Adam()
        optimizer.setup(L.Classifier(L.Linear(args.unit, n_classes)))
        head_optimizers[name] = optimizer
    heads = {name: opt.target for name, opt in head_optimizers.items()}

    train_iter = kusari.iterators.SerialIterator(train, args.batchsize)
    test_iter = kusari.iterators.SerialIterator(test, args.batchsize, repeat=False, shuffle=False)
    updater = MultiHeadUpdater(train_iter, base_optimizer, head_optimizers)
    trainer = training.Trainer(updater, (args.epoch, "epoch"), out=args.out)
    trainer.extend(extensions.Evaluator(
        test_iter, {"main": base, **heads},
        eval_func=lambda x, t: head_losses(base, heads, x, t)))
    trainer.extend(extensions.LogReport())
    trainer.extend(extensions.PrintReport(
        ["epoch"] + [f"{name}/loss" for name in HEADS]
        + [f"validation/{name}/accuracy" for name in HEADS]))
    trainer.extend(extensions.snapshot(), trigger=(args.epoch, "epoch"))
    return trainer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epoch", "-e", type=int, default=10)
    parser.add_argument("--batchsize", "-b", type=int, default=50)
    parser.add_argument("--unit", "-u", type=int, default=64)
    parser.add_argument("--out", "-o", default="result_multi_head")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-accuracy", type=float, default=0.8,
                        help="exit with status 1 when a head's final test accuracy is not above this")
    args = parser.parse_args(argv)

    np.random.seed(args.seed)  # initializers and the iterator's shuffling use NumPy's generator
    train, test = multi_label_digits()
    print(f"digits: {len(train)} training and {len(test)} test images; heads: {', '.join(HEADS)}")
    trainer = build(args, train, test)
    trainer.run()

    with open(os.path.join(args.out, "log")) as f:
        final = json.load(f)[-1]
    failed = False
    for name in HEADS:
        accuracy = final[f"validation/{name}/accuracy"]
        print(f"final test accuracy of {name}: {accuracy:.4f}")
        if not accuracy > args.min_accuracy:
            print(f"FAILED: {name} test accuracy {accuracy:.4f} is not above {args.min_accuracy}",
                  file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
