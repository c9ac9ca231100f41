"""Train a multi-layer perceptron on MNIST with the Trainer: Chainer's train_mnist.py, on kusari.

The command line is Chainer's example's: ``--batchsize``, ``--epoch``,
``--frequency``, ``--device``, ``--out``, ``--resume``, ``--autoload``,
``--unit``, ``--noplot`` (and the deprecated ``--gpu``).  What it builds:

* ``L.Classifier`` around an MLP of three ``L.Linear`` layers (input size
  inferred on the first batch), optimized by ``optimizers.Adam``;
* ``SerialIterator`` over the training set, and one with ``repeat=False,
  shuffle=False`` over the test set;
* ``training.updaters.StandardUpdater`` and ``training.Trainer`` for
  ``--epoch`` epochs, writing into ``--out``;
* extensions: ``Evaluator`` (the test set each epoch), ``DumpGraph`` (the
  graph of ``main/loss`` as ``<out>/cg.dot``), ``snapshot`` (the
  whole trainer every ``--frequency`` epochs, the last one kept),
  ``LogReport`` (``<out>/log``), ``PrintReport``, ``ProgressBar``, and the
  loss/accuracy plots with ``PlotReport`` where matplotlib is installed;
  ``--resume <snapshot>`` continues from a snapshot.

The data: ``kusari.datasets.get_mnist()`` reads MNIST from the dataset root
(``$KUSARI_DATASET_ROOT``, else ``~/.kusari/dataset``).  This script never
downloads: when the files are not there it says how to get them and exits
with status 1.

Run it with ``python examples/train_mnist.py --epoch 1``.
"""
from __future__ import annotations

import argparse
import os
import sys

import kusari
import kusari.functions as F
import kusari.links as L
from kusari import training
from kusari.datasets import download
from kusari.datasets import mnist as mnist_module
from kusari.training import extensions


class MLP(kusari.Chain):
    """Two hidden ReLU layers of ``n_units`` and a linear output layer of ``n_out``."""

    def __init__(self, n_units: int, n_out: int):
        super().__init__()
        with self.init_scope():
            # None: each layer learns its input size from the first batch.
            self.l1 = L.Linear(None, n_units)
            self.l2 = L.Linear(None, n_units)
            self.l3 = L.Linear(None, n_out)

    def forward(self, x):
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        return self.l3(h)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="kusari example: MNIST")
    parser.add_argument("--batchsize", "-b", type=int, default=100,
                        help="number of images in each mini-batch")
    parser.add_argument("--epoch", "-e", type=int, default=20,
                        help="number of sweeps over the dataset to train")
    parser.add_argument("--frequency", "-f", type=int, default=-1,
                        help="take a snapshot every this many epochs (-1: at the end)")
    parser.add_argument("--device", "-d", type=str, default="-1",
                        help="device: '@numpy', '@cupy:N', or an integer (negative: the CPU, "
                             "N >= 0: CuPy on GPU N)")
    parser.add_argument("--out", "-o", default="result", help="directory for the results")
    parser.add_argument("--resume", "-r", type=str, help="resume the training from a snapshot")
    parser.add_argument("--autoload", action="store_true",
                        help="load the latest snapshot found in --out before training")
    parser.add_argument("--unit", "-u", type=int, default=1000, help="number of hidden units")
    parser.add_argument("--noplot", dest="plot", action="store_false",
                        help="do not draw the loss and accuracy plots")
    deprecated = parser.add_argument_group("deprecated arguments")
    deprecated.add_argument("--gpu", "-g", dest="device", type=int, nargs="?", const=0,
                            help="GPU ID (negative: the CPU); use --device")
    return parser.parse_args(argv)


def device_from_spec(spec):
    """``--device`` as a kusari device; integer strings ('-1', '0') as Chainer reads them."""
    try:
        spec = int(spec)
    except ValueError:
        pass
    return kusari.get_device(spec)


def mnist_files():
    """``(split, url, path)`` of each raw MNIST file get_mnist reads from the download cache."""
    base = mnist_module._BASE_URLS["mnist"]
    for split, names in mnist_module._FILES.items():
        for name in names:
            yield split, base + name, download.cached_download_path(base + name)


def missing_mnist_files():
    """The raw files still needed: none for a split already converted to ``<split>.npz``."""
    directory = os.path.join(download.get_dataset_root(), "mnist")
    return [(url, path) for split, url, path in mnist_files()
            if not os.path.exists(os.path.join(directory, f"{split}.npz"))
            and not os.path.exists(path)]


def how_to_get_mnist(missing) -> str:
    lines = [f"MNIST is not in the dataset root {download.get_dataset_root()}.",
             "Either let kusari download it once (network needed):",
             "    python -c 'import kusari.datasets; kusari.datasets.get_mnist()'",
             "or fetch these files elsewhere and put each one at the path shown:"]
    lines += [f"    {url}\n        -> {path}" for url, path in missing]
    lines.append(f"(set ${download.ENV_VAR} to use another dataset root)")
    return "\n".join(lines)


def load_mnist():
    """``(train, test)``, or None after printing why MNIST could not be loaded."""
    missing = missing_mnist_files()
    if missing:
        print(how_to_get_mnist(missing), file=sys.stderr)
        return None
    try:
        return kusari.datasets.get_mnist()
    except (download.DownloadError, mnist_module.IDXFormatError, OSError) as error:
        print(f"MNIST could not be loaded: {error}", file=sys.stderr)
        return None


def main(argv=None) -> int:
    args = parse_args(argv)
    device = device_from_spec(args.device)
    print(f"Device: {device}")
    print(f"# unit: {args.unit}")
    print(f"# Minibatch-size: {args.batchsize}")
    print(f"# epoch: {args.epoch}")
    print("")

    datasets = load_mnist()
    if datasets is None:
        return 1
    train, test = datasets

    # The Classifier reports softmax cross-entropy loss and accuracy at every
    # call; LogReport and PrintReport read them as main/... and validation/...
    model = L.Classifier(MLP(args.unit, 10))
    model.to_device(device)
    device.use()
    optimizer = kusari.optimizers.Adam()
    optimizer.setup(model)

    train_iter = kusari.iterators.SerialIterator(train, args.batchsize)
    test_iter = kusari.iterators.SerialIterator(test, args.batchsize, repeat=False, shuffle=False)
    updater = training.updaters.StandardUpdater(train_iter, optimizer, device=device)
    trainer = training.Trainer(updater, (args.epoch, "epoch"), out=args.out)

    trainer.extend(extensions.Evaluator(test_iter, model, device=device), call_before_training=True)
    # The graph behind main/loss (the main optimizer's target's loss), as <out>/cg.dot.
    trainer.extend(extensions.DumpGraph("main/loss"))
    frequency = args.epoch if args.frequency == -1 else max(1, args.frequency)
    trainer.extend(extensions.snapshot(n_retains=1, autoload=args.autoload),
                   trigger=(frequency, "epoch"))
    trainer.extend(extensions.LogReport(), call_before_training=True)
    if args.plot and extensions.PlotReport.available():
        trainer.extend(extensions.PlotReport(["main/loss", "validation/main/loss"], "epoch",
                                             filename="loss.png"), call_before_training=True)
        trainer.extend(extensions.PlotReport(["main/accuracy", "validation/main/accuracy"], "epoch",
                                             filename="accuracy.png"), call_before_training=True)
    trainer.extend(extensions.PrintReport(
        ["epoch", "main/loss", "validation/main/loss", "main/accuracy",
         "validation/main/accuracy", "elapsed_time"]), call_before_training=True)
    trainer.extend(extensions.ProgressBar())

    if args.resume is not None:
        kusari.serializers.load_npz(args.resume, trainer)
    trainer.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
