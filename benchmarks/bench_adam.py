"""(c) One Adam step over a model with 10M float32 parameters.

The model is ten bias-free 1000x1000 linear layers (10,000,000 float32
parameters) with fixed random gradients, so only the optimizer step is
timed (no forward, no backward): ``optimizer.update()`` in kusari and
Chainer 7.8.1, ``torch.optim.Adam(foreach=True).step()`` in PyTorch 2.13
(CPU).  kusari runs in this process, Chainer and PyTorch in their reference
environments (shared/tools/reference-venvs.sh) as subprocesses, all in one
run (see _harness.py for the timing protocol).

``NumPy bound`` is Adam written by hand in plain NumPy, in place, whole
array at a time with one preallocated temporary per step: the obvious way
to do it without a framework.  kusari's rule is one blockwise kernel
(kusari/_elementwise.py) that keeps its temporaries in cache, so it can
beat that "bound".

Target (issue 4): kusari faster than Chainer and within 1.3x of PyTorch.

Run:  python benchmarks/bench_adam.py                          (all frameworks)
      python benchmarks/bench_adam.py --interleave --threads 1   (on a busy machine)
      python benchmarks/bench_adam.py --quick                    (smoke test)
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

N_LAYERS, SIDE = 10, 1000
SETTINGS = {"warmup": 3, "iters": 3, "repeats": 15}
QUICK = {"warmup": 1, "iters": 1, "repeats": 2}
TARGET = "target (issue 4): kusari faster than Chainer 7.8.1 and within 1.3x of PyTorch (Adam, foreach=True)"
ALPHA, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8


def make_grads(seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((SIDE, SIDE), dtype=np.float32) for _ in range(N_LAYERS)]


def build_numpy(threads):
    grads = make_grads()
    params = [np.random.default_rng(1).standard_normal((SIDE, SIDE), dtype=np.float32) for _ in grads]
    adam = _common.NumpyAdam(params, ALPHA, BETA1, BETA2, EPS, one_temporary=True)
    return (lambda: adam.update(grads)), f"NumPy bound {np.__version__}"


def _chain_of_linears(chainer_like):
    model = chainer_like.ChainList(*[chainer_like.links.Linear(SIDE, SIDE, nobias=True)
                                     for _ in range(N_LAYERS)])
    for p, g in zip(model.params(), make_grads(), strict=True):
        p.grad = g
    return model


def build_kusari(threads):
    import kusari
    import kusari.links  # noqa: F401
    from kusari import optimizers

    opt = optimizers.Adam(alpha=ALPHA, beta1=BETA1, beta2=BETA2, eps=EPS).setup(_chain_of_linears(kusari))
    return opt.update, f"kusari {kusari.__version__}"


def build_chainer(threads):
    import chainer
    import chainer.links  # noqa: F401
    from chainer import optimizers

    opt = optimizers.Adam(alpha=ALPHA, beta1=BETA1, beta2=BETA2, eps=EPS)
    opt.setup(_chain_of_linears(chainer))
    return opt.update, f"Chainer {chainer.__version__}"


def build_torch(threads):
    import torch

    torch.set_num_threads(threads)
    layers = [torch.nn.Linear(SIDE, SIDE, bias=False) for _ in range(N_LAYERS)]
    for layer, g in zip(layers, make_grads(), strict=True):
        layer.weight.grad = torch.from_numpy(g)
    opt = torch.optim.Adam([layer.weight for layer in layers], lr=ALPHA, betas=(BETA1, BETA2), eps=EPS,
                           foreach=True)

    def step():
        with torch.no_grad():
            opt.step()

    return step, f"PyTorch {torch.__version__} foreach"


BUILDERS = {"numpy": build_numpy, "kusari": build_kusari, "chainer": build_chainer, "torch": build_torch}


def main(argv=None):
    return _harness.run(os.path.abspath(__file__),
                        f"(c) one Adam step over {N_LAYERS * SIDE * SIDE:,} float32 parameters "
                        f"({N_LAYERS} x {SIDE}x{SIDE})",
                        BUILDERS, SETTINGS, QUICK, in_process=("numpy", "kusari"), argv=argv,
                        target_note=TARGET)


if __name__ == "__main__":
    main()
