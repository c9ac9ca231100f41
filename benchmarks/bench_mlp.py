"""(b) An MLP 784-1000-1000-10 at batch size 100: forward + backward.

One iteration: forward through Linear-ReLU-Linear-ReLU-Linear,
``softmax_cross_entropy`` against integer labels, clearing the gradients
and backward.  Here the arithmetic (about 1 GFLOP of matrix products)
dominates, so the question is how close a framework gets to doing nothing
but that arithmetic.

The floor, measured in the same run:

* ``NumPy bound``: every operation of the iteration written by hand in plain
  NumPy (matrix products, bias adds, ReLU and its mask, the softmax cross
  entropy and its gradient): the same arithmetic a framework must do, with
  no framework around it.  The ratios are taken against this one.
* ``NumPy matmuls``: only the eight matrix products (three forward, three
  weight gradients, two input gradients); shown to say how much of the
  bound is BLAS.

Target: kusari within 1.1x of the NumPy bound.

Run:  python benchmarks/bench_mlp.py            (all frameworks)
      python benchmarks/bench_mlp.py --quick    (smoke test)
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

SIZES = (784, 1000, 1000, 10)
BATCH = 100
SETTINGS = {"warmup": 10, "iters": 5, "repeats": 30}
QUICK = {"warmup": 1, "iters": 1, "repeats": 3}
TARGET = "target (foundation issue): kusari within 1.1x of the NumPy bound"


def make_data(seed: int = 0):
    """Weights [(W, b)] (float32, W is (out, in)), inputs (100, 784) and int32 labels."""
    rng = np.random.default_rng(seed)
    weights = [(rng.normal(0, np.sqrt(1 / n_in), (n_out, n_in)).astype(np.float32),
                rng.normal(0, 0.1, n_out).astype(np.float32))
               for n_in, n_out in zip(SIZES[:-1], SIZES[1:], strict=True)]
    x = rng.random((BATCH, SIZES[0]), dtype=np.float32)
    t = rng.integers(0, SIZES[-1], BATCH).astype(np.int32)
    return weights, x, t


# ---- plain NumPy ---------------------------------------------------------------------------
def numpy_forward_backward(weights, x, t):
    """Loss and [(gW, gb)] of softmax_cross_entropy(MLP(x), t), by hand."""
    (W1, b1), (W2, b2), (W3, b3) = weights
    z1 = x @ W1.T
    z1 += b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2.T
    z2 += b2
    a2 = np.maximum(z2, 0)
    z3 = a2 @ W3.T
    z3 += b3
    loss, gz3 = _common.softmax_cross_entropy(z3, t)
    # backward through the layers
    gW3, gb3 = gz3.T @ a2, gz3.sum(axis=0)
    gz2 = gz3 @ W3
    gz2 *= z2 > 0
    gW2, gb2 = gz2.T @ a1, gz2.sum(axis=0)
    gz1 = gz2 @ W2
    gz1 *= z1 > 0
    gW1, gb1 = gz1.T @ x, gz1.sum(axis=0)
    return loss, [(gW1, gb1), (gW2, gb2), (gW3, gb3)]


def build_numpy(threads):
    weights, x, t = make_data()
    return (lambda: numpy_forward_backward(weights, x, t)), f"NumPy bound {np.__version__}"


def build_numpy_matmul(threads):
    weights, x, _ = make_data()
    (W1, _), (W2, _), (W3, _) = weights

    def step():
        a1 = x @ W1.T
        a2 = a1 @ W2.T
        z3 = a2 @ W3.T
        g3 = z3  # any (100, 10) array: only the shapes of the products matter
        g3.T @ a2
        g2 = g3 @ W3
        g2.T @ a1
        g1 = g2 @ W2
        g1.T @ x

    return step, "NumPy matmuls only"


# ---- kusari and Chainer: the same user code ---------------------------------------------
def build_chain(chainer_like, weights):
    F, L = chainer_like.functions, chainer_like.links

    class MLP(chainer_like.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(SIZES[0], SIZES[1], initialW=weights[0][0], initial_bias=weights[0][1])
                self.l2 = L.Linear(SIZES[1], SIZES[2], initialW=weights[1][0], initial_bias=weights[1][1])
                self.l3 = L.Linear(SIZES[2], SIZES[3], initialW=weights[2][0], initial_bias=weights[2][1])

        def forward(self, x):
            h = F.relu(self.l1(x))
            h = F.relu(self.l2(h))
            return self.l3(h)

    return MLP()


def build_kusari(threads):
    import kusari
    import kusari.functions  # noqa: F401
    import kusari.links  # noqa: F401

    weights, x, t = make_data()
    return _common.classifier_step(kusari.functions, build_chain(kusari, weights), x, t), f"kusari {kusari.__version__}"


def build_chainer(threads):
    import chainer
    import chainer.functions  # noqa: F401
    import chainer.links  # noqa: F401

    weights, x, t = make_data()
    return (_common.classifier_step(chainer.functions, build_chain(chainer, weights), x, t),
            f"Chainer {chainer.__version__}")


# ---- PyTorch -------------------------------------------------------------------------------
def build_torch(threads):
    import torch

    torch.set_num_threads(threads)
    weights, x, t = make_data()
    return _common.torch_classifier_step(_common.torch_mlp(weights), x, t), f"PyTorch {torch.__version__}"


BUILDERS = {"numpy": build_numpy, "numpy_matmul": build_numpy_matmul, "kusari": build_kusari,
            "chainer": build_chainer, "torch": build_torch}


def main(argv=None):
    return _harness.run(os.path.abspath(__file__),
                        "(b) MLP 784-1000-1000-10, batch 100, forward + backward (softmax_cross_entropy)",
                        BUILDERS, SETTINGS, QUICK, in_process=("numpy_matmul", "numpy", "kusari"),
                        argv=argv, target_note=TARGET)


if __name__ == "__main__":
    main()
