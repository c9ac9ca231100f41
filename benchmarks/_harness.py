"""Shared machinery of the benchmarks: thread pinning, timing, subprocesses, the table.

Each ``bench_*.py`` defines one *step builder* per framework: a function that
builds the model and returns a zero-argument ``step()`` doing one iteration,
and a short description.  ``run()`` then measures, in one run,

* kusari and the plain-NumPy bound in this process,
* Chainer 7.8.1 and PyTorch (CPU) in subprocesses of their reference
  virtual environments, running the same file with ``--framework NAME``
  and timing one block per request read from stdin,

and prints a table.  A reference environment that is missing (or a child
that fails) is skipped with a note, so the script also works on a machine
with kusari alone.

Timing: one framework at a time (nothing else of the benchmark alive),
``warmup`` untimed iterations, then ``repeats`` timed blocks of ``iters``
iterations (``time.perf_counter``).  A block's time divided by ``iters`` is
one sample; the table shows the median sample, the interquartile range
and the fastest sample (the least disturbed by outside load); the ratios
use medians.
``--interleave`` keeps all frameworks alive and alternates their blocks
round by round, so a burst of load from elsewhere on a shared machine lands
on all of them alike; use it with ``--threads 1``, because the idle worker
threads of multi-threaded BLAS and OpenMP pools spin for a while after each
call and steal the CPU from whichever framework runs next.

BLAS threads are pinned to the same number in every framework: the
``OPENBLAS_NUM_THREADS`` / ``OMP_NUM_THREADS`` / ``MKL_NUM_THREADS``
environment variables are set before NumPy is imported (here and in the
subprocesses), and PyTorch additionally gets ``torch.set_num_threads``.
The default is the number of CPUs this process may run on, which is what
NumPy's OpenBLAS uses by default.

This module must not import NumPy or kusari at import time: it runs first,
in every interpreter, to pin the threads.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

REF_ROOT = os.path.expanduser(os.environ.get("KUSARI_REF_ROOT", "/root/.cache/kusari-ref"))
REFERENCE_PYTHONS = {
    "chainer": os.path.join(REF_ROOT, "chainer", "bin", "python"),
    "torch": os.path.join(REF_ROOT, "torch", "bin", "python"),
}
# Column headers for the frameworks the ratios are taken against.
LABELS = {"torch": "PyTorch", "numpy": "NumPy"}
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def default_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _threads_from_argv(argv) -> int:
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return int(argv[i + 1])
        if arg.startswith("--threads="):
            return int(arg.partition("=")[2])
    return default_threads()


def pin_threads(argv=None) -> int:
    """Set the BLAS thread variables from ``--threads`` (before NumPy is imported)."""
    threads = _threads_from_argv(sys.argv[1:] if argv is None else argv)
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)
    return threads


def parse_args(description: str, frameworks, argv=None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--framework", choices=list(frameworks),
                        help="measure one framework and print one JSON line (used for the subprocesses)")
    parser.add_argument("--only", nargs="+", choices=list(frameworks),
                        help="measure only these frameworks (default: all)")
    parser.add_argument("--threads", type=int, default=default_threads(),
                        help="BLAS/OpenMP threads for every framework (default: usable CPUs, NumPy's default)")
    parser.add_argument("--warmup", type=int, help="untimed iterations first")
    parser.add_argument("--iters", type=int, help="iterations per timed block")
    parser.add_argument("--repeats", type=int, help="timed blocks; the median block is reported")
    parser.add_argument("--quick", action="store_true", help="a few iterations only (smoke test)")
    parser.add_argument("--interleave", action="store_true",
                        help="keep all frameworks alive and alternate their timed blocks (best with "
                             "--threads 1: idle multi-threaded BLAS pools spin and slow the others)")
    parser.add_argument("--save", metavar="PATH", help="also write the table and raw samples to PATH (JSON)")
    return parser.parse_args(argv)


def measure(step, warmup: int, iters: int, repeats: int) -> list[float]:
    """Microseconds per iteration, one sample per timed block of ``iters`` iterations."""
    for _ in range(warmup):
        step()
    samples = []
    clock = time.perf_counter
    for _ in range(repeats):
        start = clock()
        for _ in range(iters):
            step()
        samples.append((clock() - start) / iters * 1e6)
    return samples


def summary(samples: list[float]) -> dict:
    quartiles = statistics.quantiles(samples, n=4) if len(samples) > 1 else [samples[0]] * 3
    return {"median_us": statistics.median(samples), "min_us": min(samples),
            "q1_us": quartiles[0], "q3_us": quartiles[2], "samples_us": samples}


class InProcess:
    """A framework measured in this process."""

    def __init__(self, name, builder, threads, warmup):
        self.name = name
        self.note = None
        self.step, self.info = builder(threads)
        measure(self.step, warmup, 0, 0)

    def block(self, iters: int) -> float:
        return measure(self.step, 0, iters, 1)[0]

    def close(self) -> None:
        self.step = None


class Subprocess:
    """A framework measured in its reference environment, driven line by line over a pipe.

    The child builds the model and warms up once, then times one block per
    ``run N`` line: the parent interleaves blocks of all frameworks, so a
    load change on a shared machine hits every framework alike.
    """

    def __init__(self, name, script, threads, warmup):
        self.name = name
        self.info = None
        self.note = None
        self.proc = None
        python = REFERENCE_PYTHONS[name]
        if not os.path.exists(python):
            self.note = f"{name}: skipped, no reference environment at {python}"
            return
        command = [python, "-W", "ignore", script, "--framework", name, "--threads", str(threads),
                   "--warmup", str(warmup)]
        try:
            # stderr to a file: a chatty child can never fill a pipe and block.
            self.errors = tempfile.TemporaryFile("w+")
            self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self.errors, text=True, bufsize=1)
            self.info = self._reply()["info"]
        except (OSError, RuntimeError, ValueError) as error:
            self.note = f"{name}: skipped, {error}"
            self.close()

    def _reply(self) -> dict:
        line = self.proc.stdout.readline()
        if not line.startswith("{"):
            self.proc.wait(timeout=30)
            self.errors.seek(0)
            err = self.errors.read()
            tail = (err.strip().splitlines() or [line.strip() or "no output"])[-1]
            raise RuntimeError(f"the subprocess failed (exit {self.proc.returncode}): {tail}")
        return json.loads(line)

    def block(self, iters: int) -> float:
        self.proc.stdin.write(f"run {iters}\n")
        return self._reply()["us_per_iter"]

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def child_main(builders, name: str, threads: int, warmup: int) -> None:
    """Serve one framework over stdin/stdout: ``run N`` times a block, ``quit`` ends."""
    step, info = builders[name](threads)
    measure(step, warmup, 0, 0)
    print(json.dumps({"info": info}), flush=True)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command != "run":
            break
        print(json.dumps({"us_per_iter": measure(step, 0, int(arg), 1)[0]}), flush=True)


def machine_description(threads: int) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.partition(":")[2].strip()
                    break
    except OSError:
        pass
    import numpy

    try:
        load = "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        load = "load average unknown"
    return (f"{cpu}, {os.cpu_count()} CPUs, BLAS threads {threads} in every framework; "
            f"Python {platform.python_version()}, NumPy {numpy.__version__}; {load} at the start")


def run(script: str, title: str, builders, settings: dict, quick_settings: dict, *,
        in_process=("numpy", "kusari"), references=("chainer", "torch"),
        bound="numpy", baseline="torch", argv=None, target_note: str = "") -> dict:
    """The whole benchmark: parse the command line, measure, print the table; return the results."""
    args = parse_args(title, list(in_process) + list(references), argv)
    chosen = dict(quick_settings if args.quick else settings)
    for key in ("warmup", "iters", "repeats"):
        if getattr(args, key) is not None:
            chosen[key] = getattr(args, key)
    if args.framework:
        child_main(builders, args.framework, args.threads, chosen["warmup"])
        return {}

    machine = machine_description(args.threads)
    wanted = args.only or list(in_process) + list(references)

    def start(name):
        if name in in_process:
            return InProcess(name, builders[name], args.threads, chosen["warmup"])
        return Subprocess(name, script, args.threads, chosen["warmup"])

    names = [n for n in list(in_process) + list(references) if n in wanted]
    groups = [names] if args.interleave else [[n] for n in names]
    results, notes = {}, []
    for group in groups:
        runners = [start(n) for n in group]
        notes += [r.note for r in runners if r.note]
        runners = [r for r in runners if r.note is None]
        samples = {r.name: [] for r in runners}
        try:
            for _ in range(chosen["repeats"]):
                for r in list(runners):  # one block of each per round
                    try:
                        samples[r.name].append(r.block(chosen["iters"]))
                    except (OSError, RuntimeError, ValueError) as error:
                        notes.append(f"{r.name}: dropped, {error}")
                        runners.remove(r)
                        r.close()
        finally:
            for r in runners:
                r.close()
        for r in runners:
            results[r.name] = {"framework": r.name, "info": r.info, **summary(samples[r.name])}
    results = {n: results[n] for n in names if n in results}

    table = format_table(title, results, bound, baseline, machine, chosen,
                         notes, target_note)
    print(table)
    if args.save:
        with open(args.save, "w") as f:
            json.dump({"title": title, "settings": chosen, "threads": args.threads,
                       "results": results, "notes": notes, "table": table}, f, indent=1)
    return results


def format_table(title, results, bound, baseline, machine, settings, notes, target_note) -> str:
    lines = [title, f"machine: {machine}",
             f"timing: median of {settings['repeats']} blocks of {settings['iters']} iterations "
             f"after {settings['warmup']} warm-up iterations (time.perf_counter)", ""]
    header = (f"{'framework':<30} {'µs/iter':>10} {'IQR µs':>17} {'min µs':>10} "
              f"{'vs ' + LABELS.get(baseline, baseline):>11} {'vs ' + LABELS.get(bound, bound):>10}")
    lines += [header, "-" * len(header)]
    base = results.get(baseline, {}).get("median_us")
    low = results.get(bound, {}).get("median_us")
    for name, r in results.items():
        med = r["median_us"]
        label = r.get("info") or name
        vs_base = f"{med / base:.2f}x" if base else "n/a"
        vs_low = f"{med / low:.2f}x" if low else "n/a"
        iqr = f"{r['q1_us']:.1f}-{r['q3_us']:.1f}"
        lines.append(f"{label:<30} {med:>10.1f} {iqr:>17} {r['min_us']:>10.1f} {vs_base:>11} {vs_low:>10}")
    for note in notes:
        lines.append(f"note: {note}")
    if target_note:
        lines.append(target_note)
    return "\n".join(lines)

