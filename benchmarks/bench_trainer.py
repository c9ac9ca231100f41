"""(f) Training epochs at MNIST's shape: the Trainer against the bare loop, the NumPy bound and the others.

One sample is one whole training run: ``--epochs`` epochs (default 1) over
``--examples`` synthetic examples of MNIST's shape (default 60000 rows of 784
floats in [0, 1) and random labels 0..9), an MLP 784-1000-1000-10 wrapped in
``Classifier`` (softmax cross entropy and accuracy), batch 100, Adam with
Chainer's defaults, every framework starting from the same weights.  The
rows:

* ``NumPy bound``: the floor.  A Python loop over a random permutation; each
  batch is taken by fancy indexing, then forward, softmax cross entropy and
  backward by hand (``bench_mlp.numpy_forward_backward``) and an in-place
  NumPy Adam step.  The epoch ratios (f2) are taken against this one.
* ``kusari bare loop``: the same model, optimizer and ``SerialIterator`` as
  the Trainer row, driven by a plain loop: ``next(iterator)``,
  ``concat_examples``, ``optimizer.update(model, x, t)``.
* ``kusari Trainer``: ``Trainer`` + ``StandardUpdater`` with the extensions
  of the MNIST example: ``Evaluator`` on ``--test-examples`` examples (default
  1000) every epoch, ``LogReport``, ``PrintReport`` and ``ProgressBar``
  writing to a null stream, and ``snapshot`` once at the end.
* ``Chainer 7.8.1 Trainer``: the same Trainer code, run by Chainer.
* ``PyTorch``: a plain loop over permuted index batches, ``Adam`` (foreach).

Targets (issue 6, "Speed"):

* (f1) the kusari Trainer at most 5% above the kusari bare loop;
* (f2) the kusari Trainer epoch within 1.1x of the NumPy bound (the issue
  measured Chainer at 1.6x and PyTorch at 1.15x).

The harness's table is in microseconds per *run* (its "µs/iter" column);
the lines under it convert to milliseconds per training iteration.

Options of this script (the harness's are in benchmarks/README.md):
``--examples N`` (training examples per epoch), ``--epochs N``,
``--test-examples N`` (the Evaluator's set), ``--compressed-snapshot`` /
``--uncompressed-snapshot`` (force ``save_npz(..., compression=True/False)``
for the final snapshot in both Trainers; by default each uses its own
``snapshot()`` default: compressed in Chainer, uncompressed in kusari), ``--cpu-time`` (time each run with
``time.process_time``, the CPU seconds of its process, instead of wall time:
on an overloaded shared machine wall time mostly measures the other load;
with ``--threads 1`` a process's CPU time is its own work, but time spent
waiting for the disk, e.g. the snapshot's fsync, is not counted).

Run:  python benchmarks/bench_trainer.py --threads 1 --interleave
      python benchmarks/bench_trainer.py --examples 20000   (shorter epochs)
      python benchmarks/bench_trainer.py --quick             (smoke test)
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import json
import os
import shutil
import sys
import tempfile
import time
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402

if __name__ == "__main__":
    _harness.pin_threads()  # before NumPy is imported

import _common  # noqa: E402  (imports NumPy)
import bench_mlp  # noqa: E402  (same weights and hand-written forward/backward)
import numpy as np  # noqa: E402

BATCH = 100
ALPHA, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8  # Adam's defaults in Chainer and PyTorch
SETTINGS = {"warmup": 1, "iters": 1, "repeats": 3}
QUICK = {"warmup": 0, "iters": 1, "repeats": 2}
# The run's shape travels to the reference subprocesses in the environment: the
# harness starts them with its own fixed command line.
SHAPE_VARIABLE = "KUSARI_BENCH_TRAINER_SHAPE"
DEFAULT_SHAPE = {"examples": 60000, "epochs": 1, "test_examples": 1000, "compressed_snapshot": None,
                 "cpu_time": False}
QUICK_SHAPE = {**DEFAULT_SHAPE, "examples": 600, "test_examples": 200}
TARGET = ("targets (issue 6): kusari Trainer <= 1.05x the kusari bare loop; "
          "kusari Trainer within 1.1x of the NumPy bound")
PRINT_ENTRIES = ["epoch", "main/loss", "validation/main/loss", "main/accuracy",
                 "validation/main/accuracy", "elapsed_time"]


def shape() -> dict:
    return {**DEFAULT_SHAPE, **json.loads(os.environ.get(SHAPE_VARIABLE, "{}"))}


def iterations_per_run(s: dict) -> int:
    return s["epochs"] * s["examples"] // BATCH  # examples is a multiple of BATCH


def make_dataset(examples: int, seed: int):
    """MNIST-shaped synthetic data: float32 (examples, 784) in [0, 1) and int32 labels."""
    rng = np.random.default_rng(seed)
    x = rng.random((examples, bench_mlp.SIZES[0]), dtype=np.float32)
    t = rng.integers(0, bench_mlp.SIZES[-1], examples).astype(np.int32)
    return x, t


def make_weights():
    return bench_mlp.make_data(seed=0)[0]


# ---- plain NumPy ---------------------------------------------------------------------------
def numpy_train_step(weights, adam: _common.NumpyAdam, x, t) -> float:
    """One iteration of the bound: forward/backward by hand, then Adam; returns the loss."""
    loss, grads = bench_mlp.numpy_forward_backward(weights, x, t)
    adam.update([g for pair in grads for g in pair])
    return float(loss)


def build_numpy(threads):
    s = shape()
    x_all, t_all = make_dataset(s["examples"], seed=1)
    weights = make_weights()
    adam = _common.NumpyAdam([a for pair in weights for a in pair], ALPHA, BETA1, BETA2, EPS)
    rng = np.random.default_rng(2)

    def run():
        for _ in range(s["epochs"]):
            order = rng.permutation(len(x_all))
            for i in range(0, len(order), BATCH):
                index = order[i:i + BATCH]
                numpy_train_step(weights, adam, x_all[index], t_all[index])

    return run, "NumPy bound (loop + Adam)"


# ---- kusari and Chainer: the same user code ---------------------------------------------
def setup(chainer_like, seed: int = 1):
    """Classifier(MLP), Adam, the training dataset and the test dataset of ``shape()``."""
    import importlib

    L = importlib.import_module(chainer_like.__name__ + ".links")
    datasets = importlib.import_module(chainer_like.__name__ + ".datasets")
    s = shape()
    model = L.Classifier(bench_mlp.build_chain(chainer_like, make_weights()))
    optimizer = chainer_like.optimizers.Adam()
    optimizer.setup(model)
    train = datasets.TupleDataset(*make_dataset(s["examples"], seed))
    test = datasets.TupleDataset(*make_dataset(s["test_examples"], seed + 1))
    return model, optimizer, train, test


def bare_loop(chainer_like, model, optimizer, train, epochs: int) -> None:
    """The loop a Trainer replaces: batches from a fresh SerialIterator, optimizer.update."""
    import importlib

    iterators = importlib.import_module(chainer_like.__name__ + ".iterators")
    convert = importlib.import_module(chainer_like.__name__ + ".dataset").concat_examples
    iterator = iterators.SerialIterator(train, BATCH)
    while iterator.epoch < epochs:
        x, t = convert(next(iterator))
        optimizer.update(model, x, t)


def make_trainer(chainer_like, model, optimizer, train, test, epochs: int, out: str, null,
                 compressed_snapshot: bool | None = None):
    """The MNIST example's Trainer, reports written to ``null``."""
    import importlib

    serializers = importlib.import_module(chainer_like.__name__ + ".serializers")

    training = importlib.import_module(chainer_like.__name__ + ".training")
    extensions = importlib.import_module(chainer_like.__name__ + ".training.extensions")
    iterators = importlib.import_module(chainer_like.__name__ + ".iterators")
    train_iter = iterators.SerialIterator(train, BATCH)
    test_iter = iterators.SerialIterator(test, BATCH, repeat=False, shuffle=False)
    updater = training.updaters.StandardUpdater(train_iter, optimizer)
    trainer = training.Trainer(updater, (epochs, "epoch"), out=out)
    trainer.extend(extensions.Evaluator(test_iter, model))
    savefun = (None if compressed_snapshot is None
               else functools.partial(serializers.save_npz, compression=compressed_snapshot))
    trainer.extend(extensions.snapshot(savefun=savefun), trigger=(epochs, "epoch"))
    trainer.extend(extensions.LogReport())
    trainer.extend(extensions.PrintReport(PRINT_ENTRIES, out=null))
    trainer.extend(extensions.ProgressBar(out=null))
    return trainer


def build_trainer_run(chainer_like):
    model, optimizer, train, test = setup(chainer_like)
    s = shape()
    out = tempfile.mkdtemp(prefix="bench_trainer_")
    atexit.register(shutil.rmtree, out, True)
    null = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the benchmark)

    def run():
        # Chainer 7.8.1's ProgressBar writes to sys.stdout whatever its ``out``
        # (kusari honours it); the child's stdout is the harness's pipe.
        with contextlib.redirect_stdout(null):
            make_trainer(chainer_like, model, optimizer, train, test, s["epochs"], out, null,
                         s["compressed_snapshot"]).run()

    return run


def build_bare(threads):
    import kusari

    model, optimizer, train, _ = setup(kusari)
    epochs = shape()["epochs"]
    return (lambda: bare_loop(kusari, model, optimizer, train, epochs)), "kusari bare loop"


def build_kusari(threads):
    import kusari

    return build_trainer_run(kusari), f"kusari {kusari.__version__} Trainer"


def build_chainer(threads):
    import chainer

    return build_trainer_run(chainer), f"Chainer {chainer.__version__} Trainer"


# ---- PyTorch -------------------------------------------------------------------------------
def build_torch(threads):
    import torch

    torch.set_num_threads(threads)
    s = shape()
    model = _common.torch_mlp(make_weights())
    optimizer = torch.optim.Adam(model.parameters(), lr=ALPHA, betas=(BETA1, BETA2), eps=EPS)
    x_np, t_np = make_dataset(s["examples"], seed=1)
    x_all, t_all = torch.from_numpy(x_np), torch.from_numpy(t_np.astype(np.int64))

    def run():
        for _ in range(s["epochs"]):
            order = torch.randperm(len(x_all))
            for i in range(0, len(order), BATCH):
                index = order[i:i + BATCH]
                loss = torch.nn.functional.cross_entropy(model(x_all[index]), t_all[index])
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()

    return run, f"PyTorch {torch.__version__} loop"


BUILDERS = {"numpy": build_numpy, "bare": build_bare, "kusari": build_kusari,
            "chainer": build_chainer, "torch": build_torch}


def parse_shape(argv):
    """Split this script's own options off the harness's."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--examples", type=int)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--test-examples", dest="test_examples", type=int)
    parser.add_argument("--uncompressed-snapshot", dest="compressed_snapshot", action="store_const",
                        const=False, help="save_npz(compression=False) for the final snapshot")
    parser.add_argument("--compressed-snapshot", dest="compressed_snapshot", action="store_const",
                        const=True, help="save_npz(compression=True) for the final snapshot (Chainer's default)")
    parser.add_argument("--cpu-time", dest="cpu_time", action="store_const", const=True,
                        help="time with time.process_time (CPU seconds of each process) instead of "
                             "wall time: steadier on an overloaded machine")
    ours, rest = parser.parse_known_args(argv)
    base = QUICK_SHAPE if "--quick" in rest else DEFAULT_SHAPE
    chosen = {k: (getattr(ours, k) if getattr(ours, k) is not None else v) for k, v in base.items()}
    if chosen["examples"] < BATCH or chosen["examples"] % BATCH:
        # Every framework must run the same number of full batches.
        parser.error(f"--examples must be a positive multiple of the batch size {BATCH}, "
                     f"got {chosen['examples']}")
    return chosen, rest


def derived_lines(results: dict, s: dict) -> list[str]:
    """Milliseconds per iteration and the two target ratios, from the medians per run."""
    n = iterations_per_run(s)
    lines = [f"one run = {s['epochs']} epoch(s) x {s['examples']} examples = {n} iterations "
             f"of batch {BATCH}; test set {s['test_examples']} examples; "
             f"{ {None: 'default', True: 'compressed', False: 'uncompressed'}[s['compressed_snapshot']]} final snapshot; "
             f"clock: {'CPU time (time.process_time)' if s['cpu_time'] else 'wall time (time.perf_counter)'}"]
    for r in results.values():
        lines.append(f"  {r.get('info') or r['framework']:<30} {r['median_us'] / n / 1e3:8.2f} ms/iteration "
                     f"(median), {r['min_us'] / n / 1e3:8.2f} (min)")

    def ratio(a, b, key="median_us"):
        return results[a][key] / results[b][key] if a in results and b in results else None

    for label, a, b in (("(f1) overhead: kusari Trainer / kusari bare loop", "kusari", "bare"),
                        ("(f2) epoch: kusari Trainer / NumPy bound", "kusari", "numpy"),
                        ("     epoch: Chainer Trainer / NumPy bound", "chainer", "numpy"),
                        ("     epoch: PyTorch loop / NumPy bound", "torch", "numpy")):
        med, low = ratio(a, b), ratio(a, b, "min_us")
        if med is not None:
            lines.append(f"{label}: {med:.3f}x median, {low:.3f}x min")
    return lines


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    s, rest = parse_shape(argv)
    if "--framework" in rest:  # a reference subprocess: the parent's shape is in the environment
        s = shape()
    else:
        os.environ[SHAPE_VARIABLE] = json.dumps(s)
    if s["cpu_time"]:
        # The harness reads its clock as ``time.perf_counter`` from its own module
        # global; give it the process's CPU clock (here and in the children).
        _harness.time = types.SimpleNamespace(perf_counter=time.process_time)
    title = (f"(f) MNIST-shaped training, 784-1000-1000-10, batch 100, Adam: "
             f"one sample = one run of {iterations_per_run(s)} iterations (µs/iter column = µs per run)")
    results = _harness.run(os.path.abspath(__file__), title, BUILDERS, SETTINGS, QUICK,
                           in_process=("numpy", "bare", "kusari"), argv=rest, target_note=TARGET)
    if not results:  # a --framework child
        return results
    lines = derived_lines(results, s)
    print("\n".join(lines))
    save = _harness.parse_args(title, list(BUILDERS), rest).save
    if save:
        with open(save) as f:
            saved = json.load(f)
        saved.update(shape=s, iterations_per_run=iterations_per_run(s), derived=lines)
        with open(save, "w") as f:
            json.dump(saved, f, indent=1)
    return results


if __name__ == "__main__":
    main()
