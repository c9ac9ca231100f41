"""MultiprocessIterator throughput with a slow dataset: batches/s for 1, 2 and 4 workers.

The dataset's ``get_example`` sleeps 2 ms (a stand-in for decoding or
augmentation), batches hold 32 examples, so one process reads at most
1 / (32 × 2 ms) ≈ 15.6 batches/s and ``n`` workers ideally ``n`` times that.
Because the work is sleeping, 4 workers help even on a 2-core machine.
``SerialIterator`` (reading in the calling process) is the baseline.

Timing: per configuration, the iterator is built and ``warmup`` batches are
read untimed (the workers start, the prefetch fills), then ``batches``
batches are timed with ``time.perf_counter``; the loop body does nothing
else, so the number is the iterator's own throughput.  Issue 5's target:
throughput scales with the number of workers.

Run:  python benchmarks/bench_multiprocess_iterator.py            (about 20 s)
      python benchmarks/bench_multiprocess_iterator.py --quick    (smoke test)
      ... --save results/bench_multiprocess_iterator.json
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

from kusari._atomic import atomic_write
from kusari.dataset import DatasetMixin
from kusari.iterators import MultiprocessIterator, SerialIterator

DELAY_S = 0.002
BATCH = 32
WORKERS = (1, 2, 4)


class SleepyDataset(DatasetMixin):
    """``n`` examples; each ``get_example`` sleeps ``delay`` seconds and returns its index.

    Example:
        >>> SleepyDataset(3, 0.0)[1:]
        [1, 2]
    """

    def __init__(self, n, delay):
        self.n, self.delay = n, delay

    def __len__(self):
        return self.n

    def get_example(self, i):
        time.sleep(self.delay)
        return i


def batches_per_second(iterator, warmup, batches):
    """Read ``warmup`` batches untimed, then time ``batches`` batches; return batches/s.

    Example:
        >>> batches_per_second(SerialIterator(SleepyDataset(4, 0.0), 2), 1, 2) > 0
        True
    """
    for _ in range(warmup):
        iterator.next()
    start = time.perf_counter()
    for _ in range(batches):
        iterator.next()
    return batches / (time.perf_counter() - start)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few batches only (smoke test)")
    parser.add_argument("--save", help="write the results as JSON to this path")
    args = parser.parse_args(argv)
    warmup, batches = (1, 3) if args.quick else (5, 100)
    dataset = SleepyDataset(10 * BATCH, DELAY_S)

    results = {"serial": batches_per_second(SerialIterator(dataset, BATCH, shuffle=False), warmup, batches)}
    for n in WORKERS:
        with MultiprocessIterator(dataset, BATCH, shuffle=False, n_processes=n, n_prefetch=2) as it:
            results[f"{n} workers"] = batches_per_second(it, warmup, batches)

    ideal = 1 / (BATCH * DELAY_S)
    lines = [f"MultiprocessIterator, get_example sleeps {DELAY_S * 1e3:g} ms, batch {BATCH}, "
             f"{batches} timed batches ({os.cpu_count()} CPUs, Python {platform.python_version()})",
             f"{'reader':<12}{'batches/s':>12}{'vs serial':>12}{'vs ideal':>10}"]
    for name, rate in results.items():
        n = 1 if name == "serial" else int(name.split()[0])
        lines.append(f"{name:<12}{rate:>12.1f}{rate / results['serial']:>11.2f}x{rate / (n * ideal):>9.0%}")
    table = "\n".join(lines)
    print(table)
    if args.save:
        with atomic_write(args.save, "w") as f:
            json.dump({"delay_s": DELAY_S, "batch_size": BATCH, "timed_batches": batches,
                       "batches_per_s": results, "table": table}, f, indent=1)
    return results


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
