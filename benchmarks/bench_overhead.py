"""(a) Define-by-run overhead: three Linear(10, 10) + ReLU layers at batch size 1.

One iteration is what a training step costs when the arithmetic is nearly
free: forward through the three layers, ``sum`` as the loss, clearing the
gradients, backward, and a hand-written SGD update (``p -= lr * grad``) of
the six parameters.  The time is almost all framework overhead: graph
recording, Python calls, config lookups, NumPy's own per-call cost.

Compared side by side, in one run: kusari (this process), the same
arithmetic in plain NumPy (the floor no framework can beat), Chainer 7.8.1
and PyTorch (CPU) in their reference environments.  Target: kusari at most
150 µs per iteration.

Run:  python benchmarks/bench_overhead.py            (all frameworks)
      python benchmarks/bench_overhead.py --quick    (smoke test)
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

SIZE, BATCH, LAYERS, LR = 10, 1, 3, 1e-3
SETTINGS = {"warmup": 500, "iters": 200, "repeats": 40}
QUICK = {"warmup": 5, "iters": 10, "repeats": 3}
TARGET = "target (foundation issue): kusari <= 150 µs per iteration"


def make_data(seed: int = 0):
    """Weights [(W, b)] * 3 (float32, W is (out, in) as in Linear) and one input row."""
    rng = np.random.default_rng(seed)
    weights = [(rng.normal(0, 1 / np.sqrt(SIZE), (SIZE, SIZE)).astype(np.float32),
                rng.normal(0, 0.1, SIZE).astype(np.float32)) for _ in range(LAYERS)]
    x = rng.normal(0, 1, (BATCH, SIZE)).astype(np.float32)
    return weights, x


# ---- plain NumPy: the arithmetic floor ------------------------------------------------
def numpy_forward_backward(weights, x):
    """Loss and [(gW, gb)] of sum(relu(linear(...))) by hand, the same arithmetic a framework does."""
    pre, acts = [], [x]
    h = x
    for W, b in weights:
        z = h @ W.T
        z += b
        pre.append(z)
        h = np.maximum(z, 0)
        acts.append(h)
    loss = h.sum()
    grads = [None] * len(weights)
    g = np.ones_like(h)  # d loss / d output
    for i in reversed(range(len(weights))):
        gz = g * (pre[i] > 0)
        grads[i] = (gz.T @ acts[i], gz.sum(axis=0))
        if i:
            g = gz @ weights[i][0]
    return loss, grads


def build_numpy(threads):
    weights, x = make_data()

    def step():
        _, grads = numpy_forward_backward(weights, x)
        for (W, b), (gW, gb) in zip(weights, grads, strict=True):
            W -= LR * gW
            b -= LR * gb

    return step, f"NumPy {np.__version__}"


# ---- kusari and Chainer: the same user code -------------------------------------------
def build_chain(chainer_like, weights):
    """Three Linear+ReLU layers as a Chain, written once for kusari and Chainer."""
    F, L = chainer_like.functions, chainer_like.links

    class ThreeLayers(chainer_like.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(SIZE, SIZE, initialW=weights[0][0], initial_bias=weights[0][1])
                self.l2 = L.Linear(SIZE, SIZE, initialW=weights[1][0], initial_bias=weights[1][1])
                self.l3 = L.Linear(SIZE, SIZE, initialW=weights[2][0], initial_bias=weights[2][1])

        def forward(self, x):
            h = F.relu(self.l1(x))
            h = F.relu(self.l2(h))
            return F.relu(self.l3(h))

    return ThreeLayers()


def chain_step(chainer_like, model, x):
    F = chainer_like.functions
    params = list(model.params())

    def step():
        loss = F.sum(model(x))
        model.cleargrads()
        loss.backward()
        for p in params:
            p.array -= LR * p.grad

    return step


def build_kusari(threads):
    import kusari
    import kusari.functions  # noqa: F401
    import kusari.links  # noqa: F401

    weights, x = make_data()
    model = build_chain(kusari, [(W.copy(), b.copy()) for W, b in weights])
    return chain_step(kusari, model, x), f"kusari {kusari.__version__}"


def build_chainer(threads):
    import chainer
    import chainer.functions  # noqa: F401
    import chainer.links  # noqa: F401

    weights, x = make_data()
    model = build_chain(chainer, weights)
    return chain_step(chainer, model, x), f"Chainer {chainer.__version__}"


# ---- PyTorch ------------------------------------------------------------------------------
def build_torch(threads):
    import torch

    torch.set_num_threads(threads)
    weights, x = make_data()
    model = _common.torch_mlp(weights, relu_last=True)
    params = list(model.parameters())
    xt = torch.from_numpy(x)

    def step():
        loss = model(xt).sum()
        model.zero_grad(set_to_none=True)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= LR * p.grad

    return step, f"PyTorch {torch.__version__}"


BUILDERS = {"numpy": build_numpy, "kusari": build_kusari, "chainer": build_chainer, "torch": build_torch}


def main(argv=None):
    return _harness.run(os.path.abspath(__file__),
                        "(a) define-by-run overhead: 3 x (Linear(10, 10) + ReLU), batch 1, "
                        "forward + backward + SGD step",
                        BUILDERS, SETTINGS, QUICK, argv=argv, target_note=TARGET)


if __name__ == "__main__":
    main()
