"""(e) A LeNet-style network on 28x28 images at batch size 64: forward + backward.

One iteration: Conv(1->20, 5x5) -> max_pool(2, 2) -> ReLU -> Conv(20->50, 5x5)
-> max_pool(2, 2) -> ReLU -> Linear(800->500) -> ReLU -> Linear(500->10),
``softmax_cross_entropy`` against integer labels, clearing the gradients and
backward.  Unlike (b) the work is not one big matrix product per layer: the
convolutions need im2col (a gather) before their products and col2im (a
scatter-add) after, and pooling needs its argmax, so this measures how well
the convolution and pooling functions are vectorised.

The floor, measured in the same run:

* ``NumPy bound``: the iteration written by hand in plain NumPy (im2col
  as one copy of a strided window view, one matrix product per sample for
  each convolution and gradient, col2im as 25 slice additions, 2x2 pooling as the maximum of
  four strided slices); the ratios in the last column are taken against it.

Target (functions issue): kusari faster than Chainer 7.8.1, within 1.5x of
PyTorch.

Run:  python benchmarks/bench_lenet.py            (all frameworks)
      python benchmarks/bench_lenet.py --quick    (smoke test)
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402

if __name__ == "__main__":
    _harness.pin_threads()  # before NumPy is imported

import _common  # noqa: E402  (imports NumPy)
import numpy as np  # noqa: E402

BATCH = 64
IMAGE = 28
KSIZE = 5
# (in, out) of the two convolutions and the two linear layers
CONVS = ((1, 20), (20, 50))
LINEARS = ((800, 500), (500, 10))
SETTINGS = {"warmup": 10, "iters": 5, "repeats": 30}
QUICK = {"warmup": 1, "iters": 1, "repeats": 3}
TARGET = "target (functions issue): kusari faster than Chainer, within 1.5x of PyTorch"


def make_data(seed: int = 0):
    """Weights [(W, b)] for conv1, conv2, fc3, fc4 (float32), images (64, 1, 28, 28), int32 labels."""
    rng = np.random.default_rng(seed)
    weights = []
    for c_in, c_out in CONVS:
        fan_in = c_in * KSIZE * KSIZE
        weights.append((rng.normal(0, np.sqrt(1 / fan_in), (c_out, c_in, KSIZE, KSIZE)).astype(np.float32),
                        rng.normal(0, 0.1, c_out).astype(np.float32)))
    for n_in, n_out in LINEARS:
        weights.append((rng.normal(0, np.sqrt(1 / n_in), (n_out, n_in)).astype(np.float32),
                        rng.normal(0, 0.1, n_out).astype(np.float32)))
    x = rng.random((BATCH, 1, IMAGE, IMAGE), dtype=np.float32)
    t = rng.integers(0, LINEARS[-1][1], BATCH).astype(np.int32)
    return weights, x, t


# ---- plain NumPy ---------------------------------------------------------------------------
def _conv_forward(x, W, b):
    """Valid stride-1 convolution: im2col (one copy) then one matrix product per sample.

    The columns are laid out (N, C*k*k, oh*ow), so ``W @ columns`` comes out
    directly in (N, O, oh*ow), the NCHW layout, with no transposed copies.
    """
    n, c, h, w = x.shape
    out_channels, _, k, _ = W.shape
    oh, ow = h - k + 1, w - k + 1
    windows = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))  # (N, C, oh, ow, k, k)
    cols = np.ascontiguousarray(windows.transpose(0, 1, 4, 5, 2, 3)).reshape(n, c * k * k, oh * ow)
    y = W.reshape(out_channels, -1) @ cols  # (N, O, oh*ow)
    y += b[:, None]
    return y.reshape(n, out_channels, oh, ow), cols


def _conv_backward(gy, cols, W, x_shape=None):
    """gW, gb and, when ``x_shape`` is given, gx (col2im: one slice addition per kernel offset)."""
    n, out_channels, oh, ow = gy.shape
    gmat = gy.reshape(n, out_channels, oh * ow)
    gW = (gmat @ cols.transpose(0, 2, 1)).sum(axis=0).reshape(W.shape)
    gb = gmat.sum(axis=(0, 2))
    if x_shape is None:
        return gW, gb, None
    c, k = W.shape[1], W.shape[2]
    gcols = (W.reshape(out_channels, -1).T @ gmat).reshape(n, c, k, k, oh, ow)
    gx = np.zeros(x_shape, gy.dtype)
    for i in range(k):
        for j in range(k):
            gx[:, :, i:i + oh, j:j + ow] += gcols[:, :, i, j]
    return gW, gb, gx


def _pool_forward(y):
    """2x2 max pooling with stride 2 (even sizes) and the mask of the chosen elements."""
    n, c, h, w = y.shape
    m = np.maximum(np.maximum(y[:, :, 0::2, 0::2], y[:, :, 0::2, 1::2]),
                   np.maximum(y[:, :, 1::2, 0::2], y[:, :, 1::2, 1::2]))
    return m, y.reshape(n, c, h // 2, 2, w // 2, 2) == m[:, :, :, None, :, None]


def _pool_backward(gm, mask):
    n, c, h, _, w, _ = mask.shape
    return (mask * gm[:, :, :, None, :, None]).reshape(n, c, h * 2, w * 2)


def numpy_forward_backward(weights, x, t):
    """Loss and [(gW, gb)] of softmax_cross_entropy(LeNet(x), t), by hand (random data: no ties in pooling)."""
    (W1, b1), (W2, b2), (W3, b3), (W4, b4) = weights
    z1, cols1 = _conv_forward(x, W1, b1)
    p1, mask1 = _pool_forward(z1)
    a1 = np.maximum(p1, 0)
    z2, cols2 = _conv_forward(a1, W2, b2)
    p2, mask2 = _pool_forward(z2)
    a2 = np.maximum(p2, 0)
    h2 = a2.reshape(len(x), -1)
    z3 = h2 @ W3.T
    z3 += b3
    a3 = np.maximum(z3, 0)
    z4 = a3 @ W4.T
    z4 += b4
    loss, gz4 = _common.softmax_cross_entropy(z4, t)
    gW4, gb4 = gz4.T @ a3, gz4.sum(axis=0)
    gz3 = gz4 @ W4
    gz3 *= z3 > 0
    gW3, gb3 = gz3.T @ h2, gz3.sum(axis=0)
    ga2 = (gz3 @ W3).reshape(a2.shape)
    ga2 *= p2 > 0
    gW2, gb2, ga1 = _conv_backward(_pool_backward(ga2, mask2), cols2, W2, a1.shape)
    ga1 *= p1 > 0
    gW1, gb1, _ = _conv_backward(_pool_backward(ga1, mask1), cols1, W1)
    return loss, [(gW1, gb1), (gW2, gb2), (gW3, gb3), (gW4, gb4)]


def build_numpy(threads):
    weights, x, t = make_data()
    return (lambda: numpy_forward_backward(weights, x, t)), f"NumPy bound {np.__version__}"


# ---- kusari and Chainer: the same user code ---------------------------------------------
def build_chain(F, L, chain_class, weights):
    """The LeNet Chain, written once for any Chainer-like ``F`` (functions) and ``L`` (links)."""
    (W1, b1), (W2, b2), (W3, b3), (W4, b4) = weights

    class LeNet(chain_class):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.conv1 = L.Convolution2D(1, 20, 5, initialW=W1, initial_bias=b1)
                self.conv2 = L.Convolution2D(20, 50, 5, initialW=W2, initial_bias=b2)
                self.fc3 = L.Linear(800, 500, initialW=W3, initial_bias=b3)
                self.fc4 = L.Linear(500, 10, initialW=W4, initial_bias=b4)

        def forward(self, x):
            h = F.relu(F.max_pooling_2d(self.conv1(x), 2, 2))
            h = F.relu(F.max_pooling_2d(self.conv2(h), 2, 2))
            h = F.relu(self.fc3(h))
            return self.fc4(h)

    return LeNet()


def kusari_modules():
    """kusari's ``F`` and ``L`` for this network, imported from their defining modules.

    (Importing from the modules keeps the benchmark independent of when the
    names reach the ``kusari.functions`` / ``kusari.links`` maps.)
    """
    from types import SimpleNamespace

    import kusari.functions as KF
    from kusari.functions.pooling.max_pooling_nd import max_pooling_2d
    from kusari.links.connection.convolution_2d import Convolution2D
    from kusari.links.connection.linear import Linear

    F = SimpleNamespace(relu=KF.relu, softmax_cross_entropy=KF.softmax_cross_entropy,
                        max_pooling_2d=max_pooling_2d)
    return F, SimpleNamespace(Convolution2D=Convolution2D, Linear=Linear)


def build_kusari(threads):
    import kusari

    F, L = kusari_modules()
    weights, x, t = make_data()
    return _common.classifier_step(F, build_chain(F, L, kusari.Chain, weights), x, t), f"kusari {kusari.__version__}"


def build_chainer(threads):
    import chainer
    import chainer.functions as F
    import chainer.links as L

    weights, x, t = make_data()
    return (_common.classifier_step(F, build_chain(F, L, chainer.Chain, weights), x, t),
            f"Chainer {chainer.__version__}")


# ---- PyTorch -------------------------------------------------------------------------------
def build_torch(threads):
    import torch

    torch.set_num_threads(threads)
    weights, x, t = make_data()
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(*CONVS[0], KSIZE), nn.MaxPool2d(2, 2), nn.ReLU(),
        nn.Conv2d(*CONVS[1], KSIZE), nn.MaxPool2d(2, 2), nn.ReLU(),
        nn.Flatten(), nn.Linear(*LINEARS[0]), nn.ReLU(), nn.Linear(*LINEARS[1]))
    _common.copy_into_torch([m for m in model if isinstance(m, (nn.Conv2d, nn.Linear))], weights)
    return _common.torch_classifier_step(model, x, t), f"PyTorch {torch.__version__}"


BUILDERS = {"numpy": build_numpy, "kusari": build_kusari, "chainer": build_chainer, "torch": build_torch}


def main(argv=None):
    return _harness.run(os.path.abspath(__file__),
                        "(e) LeNet conv5-pool-conv5-pool-800-500-10 on 28x28, batch 64, forward + backward "
                        "(softmax_cross_entropy)",
                        BUILDERS, SETTINGS, QUICK, argv=argv, target_note=TARGET)


if __name__ == "__main__":
    main()
