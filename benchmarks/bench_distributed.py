"""(g) Data-parallel MLP training under mpiexec: throughput, gradient averaging, all-reduce cost.

One iteration on every process: the MLP 784-1000-1000-10 (1.79 M float32
parameters) on a batch of 100 synthetic MNIST-shaped examples,
``optimizer.update(model, x, t)`` through ``create_multi_node_optimizer``
(forward, backward, ``comm.multi_node_mean_grad``, the SGD or Adam step).
An "epoch" is ``--examples`` examples split equally over the processes.

For each process count (``--procs``, default 1 and 2) the script launches
``mpiexec -n P python bench_distributed.py --worker ...`` and reports

* throughput: examples per second of the whole job (the slowest rank's time),
* time per iteration and the part of it spent inside ``multi_node_mean_grad``
  (the communication; with one process it is the communicator's own
  overhead, no messages),
* a raw ``MPI_Allreduce`` microbenchmark: 8 bytes (latency, alpha) and the
  MLP's 7.2 MB of gradients, from which the bandwidth term (beta) follows.

The expected scaling on a real cluster then follows from the alpha-beta
model of a ring all-reduce over P processes:
``t(P) = 2 (P-1) alpha + 2 (P-1)/P * bytes / bandwidth``.

It does not use ``_harness`` (the frameworks-side-by-side machinery): the
unit of measurement is a whole mpiexec job, and there is nothing to compare
against but kusari itself at different process counts.

Run:  python benchmarks/bench_distributed.py                 (1 and 2 processes)
      python benchmarks/bench_distributed.py --quick         (smoke test)
      python benchmarks/bench_distributed.py --procs 1 2 --optimizer adam --save out.json
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

SIZES = (784, 1000, 1000, 10)
BATCH = 100


def _mpiexec() -> str | None:
    local = pathlib.Path(sys.executable).with_name("mpiexec")
    return str(local) if local.exists() else shutil.which("mpiexec")


def _parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, nargs="+", default=[1, 2], help="process counts (default 1 2)")
    parser.add_argument("--examples", type=int, default=12000,
                        help="examples per epoch, split over the processes (default 12000)")
    parser.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd")
    parser.add_argument("--communicator", default="naive", help="communicator name (default naive)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads per process (default 1)")
    parser.add_argument("--quick", action="store_true", help="a tiny epoch (smoke test)")
    parser.add_argument("--save", metavar="PATH", help="also write the results to PATH (JSON)")
    parser.add_argument("--worker", metavar="JSON_OUT", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# ---------------------------------------------------------------- worker (one MPI rank)

def _allreduce_cost(comm, nbytes: int, repeats: int) -> float:
    """Median seconds of one MPI_Allreduce(SUM) of ``nbytes`` of float32."""
    import numpy as np
    from mpi4py import MPI

    send = np.ones(max(nbytes // 4, 1), np.float32)
    recv = np.empty_like(send)
    samples = []
    for _ in range(repeats + 2):
        comm.mpi_comm.Barrier()
        start = time.perf_counter()
        comm.mpi_comm.Allreduce(send, recv, op=MPI.SUM)
        samples.append(time.perf_counter() - start)
    samples = sorted(samples[2:])
    return samples[len(samples) // 2]


def _worker(args) -> None:
    import numpy as np

    import kusari
    import kusari.functions as F
    import kusari.links as L
    from kusari import optimizers
    from kusari.distributed.communicators import create_communicator
    from kusari.distributed.optimizers import create_multi_node_optimizer

    comm = create_communicator(args.communicator)

    class MLP(kusari.Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.l1 = L.Linear(SIZES[0], SIZES[1])
                self.l2 = L.Linear(SIZES[1], SIZES[2])
                self.l3 = L.Linear(SIZES[2], SIZES[3])

        def forward(self, x):
            return self.l3(F.relu(self.l2(F.relu(self.l1(x)))))

    np.random.seed(0)
    model = L.Classifier(MLP())
    actual = optimizers.SGD(lr=0.01) if args.optimizer == "sgd" else optimizers.Adam()
    optimizer = create_multi_node_optimizer(actual, comm)
    optimizer.setup(model)
    n_params = sum(p.size for p in model.params())

    # Time spent inside the gradient averaging: wrap the communicator's method.
    comm_time = [0.0]
    mean_grad = comm.multi_node_mean_grad

    def timed_mean_grad(*a, **k):
        start = time.perf_counter()
        try:
            return mean_grad(*a, **k)
        finally:
            comm_time[0] += time.perf_counter() - start

    comm.multi_node_mean_grad = timed_mean_grad

    rng = np.random.default_rng(comm.rank)  # each rank's own shard of synthetic data
    iterations = max(args.examples // (BATCH * comm.size), 1)
    x = rng.random((BATCH, SIZES[0]), dtype=np.float32)
    t = rng.integers(0, SIZES[-1], BATCH).astype(np.int32)
    for _ in range(2):  # warm-up: the first update also broadcasts rank 0's weights
        optimizer.update(model, x, t)
    comm_time[0] = 0.0
    comm.mpi_comm.Barrier()
    start = time.perf_counter()
    for _ in range(iterations):
        x = rng.random((BATCH, SIZES[0]), dtype=np.float32)
        t = rng.integers(0, SIZES[-1], BATCH).astype(np.int32)
        optimizer.update(model, x, t)
    elapsed = time.perf_counter() - start
    from mpi4py import MPI

    slowest = comm.mpi_comm.allreduce(elapsed, op=MPI.MAX)
    comm_mean = comm.mpi_comm.allreduce(comm_time[0], op=MPI.SUM) / comm.size
    repeats = 5 if args.quick else 30
    alpha = _allreduce_cost(comm, 8, repeats)
    big = _allreduce_cost(comm, 4 * n_params, repeats)
    if comm.rank == 0:
        result = {"procs": comm.size, "iterations": iterations, "examples": iterations * BATCH * comm.size,
                  "seconds": slowest, "examples_per_s": iterations * BATCH * comm.size / slowest,
                  "ms_per_iteration": 1e3 * slowest / iterations,
                  "comm_ms_per_iteration": 1e3 * comm_mean / iterations,
                  "allreduce_8B_us": 1e6 * alpha, "allreduce_params_ms": 1e3 * big,
                  "param_bytes": 4 * n_params, "n_params": n_params}
        pathlib.Path(args.worker).write_text(json.dumps(result))


# ---------------------------------------------------------------- launcher

def _launch(args, procs: int, out: pathlib.Path) -> dict:
    mpiexec = _mpiexec()
    if mpiexec is None:
        raise SystemExit("bench_distributed: no mpiexec found: pip install 'kusari-distributed[mpich]'")
    env = dict(os.environ, **{v: str(args.threads) for v in
                              ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
    command = [mpiexec, "-n", str(procs), sys.executable, os.path.abspath(__file__), "--worker", str(out),
               "--examples", str(args.examples), "--optimizer", args.optimizer,
               "--communicator", args.communicator] + (["--quick"] if args.quick else [])
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"bench_distributed: mpiexec -n {procs} failed:\n{done.stderr[-3000:]}")
    return json.loads(out.read_text())


def _table(results: list[dict], args) -> str:
    lines = [f"MLP 784-1000-1000-10, batch {BATCH} per process, {args.optimizer}, "
             f"communicator {args.communicator!r}, {args.threads} BLAS thread(s) per process",
             "| processes | examples/s | ms / iteration | of which multi_node_mean_grad (ms) "
             "| allreduce 8 B (us) | allreduce 7.2 MB (ms) |",
             "|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['procs']} | {r['examples_per_s']:.0f} | {r['ms_per_iteration']:.1f} | "
                     f"{r['comm_ms_per_iteration']:.2f} | {r['allreduce_8B_us']:.1f} | "
                     f"{r['allreduce_params_ms']:.2f} |")
    base = next((r for r in results if r["procs"] == 1), None)
    for r in results:
        if base is not None and r["procs"] > 1:
            lines.append(f"speed-up {r['procs']} processes vs 1: "
                         f"{r['examples_per_s'] / base['examples_per_s']:.2f}x")
        if r["procs"] > 1:
            p = r["procs"]
            alpha = r["allreduce_8B_us"] * 1e-6 / (2 * (p - 1))
            rest = r["allreduce_params_ms"] * 1e-3 - 2 * (p - 1) * alpha
            bandwidth = 2 * (p - 1) / p * r["param_bytes"] / max(rest, 1e-9)
            lines.append(f"alpha-beta fit ({p} processes): alpha {alpha * 1e6:.1f} us, "
                         f"bandwidth {bandwidth / 1e9:.2f} GB/s")
    return "\n".join(lines)


def main(argv=None) -> None:
    args = _parse(argv)
    if args.worker:
        _worker(args)
        return
    if args.quick:
        args.examples = min(args.examples, 400)
    import tempfile

    results = []
    with tempfile.TemporaryDirectory() as folder:
        for procs in args.procs:
            results.append(_launch(args, procs, pathlib.Path(folder) / f"p{procs}.json"))
    table = _table(results, args)
    print(table)
    if args.save:
        pathlib.Path(args.save).write_text(json.dumps({"table": table, "results": results}, indent=1))


if __name__ == "__main__":
    main()
