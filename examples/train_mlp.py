"""Train a small MLP on a three-armed spiral with a hand-written training loop.

The quick start's main job until kusari-training brings the Trainer: every
step of training is spelled out here with kusari-core alone.

* the data: three interleaved spiral arms in 2-D, generated with NumPy (no
  download), split into a training and a test set;
* the model: ``kusari.Chain`` of three ``L.Linear`` layers with ``F.relu``;
* one iteration: forward, ``F.softmax_cross_entropy``, ``cleargrads``,
  ``backward``, then plain SGD written out by hand over ``model.params()``;
* after every epoch: the mean training loss and the accuracy on the test set
  (``F.accuracy``, in ``no_backprop_mode`` and with ``train`` off).

Run it with ``python examples/train_mlp.py``; it takes a few seconds and
exits non-zero when the final test accuracy is not above 0.9, so a broken
install or a broken autograd fails loudly.
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

import kusari
import kusari.functions as F
import kusari.links as L


def make_spiral(n_per_class: int, n_classes: int, noise: float, rng: np.random.Generator):
    """``n_classes`` interleaved spiral arms: points (N, 2) float32 and labels (N,) int32."""
    radius = np.tile(np.linspace(0.05, 1.0, n_per_class), n_classes)
    labels = np.repeat(np.arange(n_classes), n_per_class)
    # Each arm turns through 1.25 revolutions, offset by 1/n_classes of a turn.
    angle = (labels * 2 * np.pi / n_classes + radius * 2.5 * np.pi
             + rng.normal(0.0, noise, radius.shape))
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return points.astype(np.float32), labels.astype(np.int32)


def train_test_split(x, t, test_fraction: float, rng: np.random.Generator):
    order = rng.permutation(len(x))
    n_test = int(len(x) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return (x[train], t[train]), (x[test], t[test])


class MLP(kusari.Chain):
    """Two hidden ReLU layers and a linear output layer."""

    def __init__(self, n_units: int, n_out: int):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_units)  # in_size inferred on the first call
            self.l2 = L.Linear(n_units, n_units)
            self.l3 = L.Linear(n_units, n_out)

    def forward(self, x):
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        return self.l3(h)


def sgd_step(model: kusari.Link, lr: float) -> None:
    """Plain SGD by hand: ``param -= lr * grad``, in place, for every parameter."""
    for param in model.params():
        if param.grad is not None:
            param.array -= lr * param.grad


def evaluate(model, x, t, batch_size: int) -> tuple[float, float]:
    """Mean loss and accuracy over (x, t), without building a graph."""
    total_loss = total_acc = 0.0
    with kusari.using_config("train", False), kusari.no_backprop_mode():
        for i in range(0, len(x), batch_size):
            xb, tb = x[i:i + batch_size], t[i:i + batch_size]
            y = model(xb)
            total_loss += float(F.softmax_cross_entropy(y, tb).array) * len(xb)
            total_acc += float(F.accuracy(y, tb).array) * len(xb)
    return total_loss / len(x), total_acc / len(x)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-accuracy", type=float, default=0.9,
                        help="exit with status 1 when the final test accuracy is not above this")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    np.random.seed(args.seed)  # kusari's initializers draw from NumPy's global generator
    x, t = make_spiral(500, 3, noise=0.08, rng=rng)
    (x_train, t_train), (x_test, t_test) = train_test_split(x, t, 0.2, rng)
    print(f"spiral: {len(x_train)} training and {len(x_test)} test points, 3 classes")

    model = MLP(args.units, 3)
    start = time.perf_counter()
    test_acc = 0.0
    for epoch in range(1, args.epochs + 1):
        order = rng.permutation(len(x_train))
        total_loss = 0.0
        for i in range(0, len(order), args.batch_size):
            batch = order[i:i + args.batch_size]
            loss = F.softmax_cross_entropy(model(x_train[batch]), t_train[batch])
            model.cleargrads()
            loss.backward()
            sgd_step(model, args.lr)
            total_loss += float(loss.array) * len(batch)
        test_loss, test_acc = evaluate(model, x_test, t_test, batch_size=256)
        print(f"epoch {epoch:3d}  train loss {total_loss / len(order):.4f}  "
              f"test loss {test_loss:.4f}  test accuracy {test_acc:.4f}")
    print(f"trained in {time.perf_counter() - start:.2f} s")
    print(f"final test accuracy: {test_acc:.4f}")
    if not test_acc > args.min_accuracy:
        print(f"FAILED: test accuracy {test_acc:.4f} is not above {args.min_accuracy}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
