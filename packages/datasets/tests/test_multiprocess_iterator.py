"""MultiprocessIterator: SerialIterator's batches and snapshots, and it never hangs.

The shutdown and failure scenarios run in a subprocess under
``subprocess.run(timeout=...)``: a hang fails the test instead of blocking pytest.
"""
import gc
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kusari import serializers
from kusari.iterators import MultiprocessIterator, SerialIterator, ShuffleOrderSampler
from kusari.utils.type_check import InvalidType

sizes = st.integers(1, 10)
batch_sizes = st.integers(1, 6)


@settings(max_examples=12, deadline=None)
@given(n=sizes, batch_size=batch_sizes, shuffle=st.booleans(), repeat=st.booleans(),
       n_prefetch=st.integers(1, 3))
def test_same_batches_and_positions_as_serial_iterator(iterators, n, batch_size, shuffle, repeat, n_prefetch):
    make, trace = iterators.make, iterators.trace
    steps = -(-3 * n // batch_size) + 1
    with make(MultiprocessIterator, n, batch_size, repeat, shuffle, n_processes=2,
              n_prefetch=n_prefetch) as it:
        assert trace(it, steps) == trace(make(SerialIterator, n, batch_size, repeat, shuffle), steps)


@settings(max_examples=10, deadline=None)
@given(n=sizes, batch_size=batch_sizes, shuffle=st.booleans(), repeat=st.booleans(),
       steps=st.integers(0, 8), more=st.integers(1, 8))
def test_restored_iterator_continues_identically(iterators, n, batch_size, shuffle, repeat, steps, more):
    make, trace = iterators.make, iterators.trace
    with make(MultiprocessIterator, n, batch_size, repeat, shuffle, seed=1, n_processes=2, n_prefetch=2) as it, \
            make(MultiprocessIterator, n, batch_size, repeat, shuffle, seed=2, n_processes=2) as fresh:
        trace(it, steps)  # leaves prefetched batches pending
        iterators.copy_state_through_npz(it, fresh)
        assert trace(fresh, more) == trace(it, more)


def test_snapshot_keys_and_dtypes_are_chainers():
    # Chainer 7.8.1's MultiprocessIterator, shuffled, after one batch of 4 out of 6.
    with MultiprocessIterator(list(range(6)), 4, shuffle=True, n_processes=1) as it:
        it.next()
        s = serializers.DictionarySerializer()
        it.serialize(s)
    assert {k: v.dtype for k, v in s.target.items()} == {
        "current_position": np.int64, "epoch": np.int64, "is_new_epoch": np.bool_,
        "order": np.int64, "previous_epoch_detail": np.float64}
    assert int(s.target["current_position"]) == 4 and float(s.target["previous_epoch_detail"]) == 0.0
    assert sorted(s.target["order"].tolist()) == list(range(6))


def test_chainer_style_snapshot_file_restores(tmp_path):
    path = tmp_path / "mp.npz"
    np.savez(path, current_position=np.array(2, np.int64), epoch=np.array(1, np.int64),
             is_new_epoch=np.array(False), order=np.array([4, 3, 2, 1, 0], np.int64),
             previous_epoch_detail=np.array(1.0, np.float64))
    with MultiprocessIterator(list(range(5)), 2, shuffle=True, n_processes=2) as it:
        serializers.load_npz(str(path), it)
        assert (it.epoch, it.current_position, it.previous_epoch_detail) == (1, 2, 1.0)
        assert it.next() == [2, 1]


def test_dataset_exception_surfaces_with_the_worker_traceback(iterators):
    with MultiprocessIterator(iterators.Broken(), 2, shuffle=False, n_processes=2) as it:
        assert it.next() == [0, 1]
        with pytest.raises(KeyError, match="example 2 is broken") as info:
            it.next()
        remote = str(info.value.__cause__)
        assert "Traceback in worker process" in remote and "in __getitem__" in remote
        assert 'raise KeyError("example 2 is broken")' in remote
        # The position stays before the failed batch.
        assert (it.epoch, it.current_position) == (0, 2)


def test_examples_are_read_in_worker_processes_and_finalize_stops_them():
    class Pids:
        def __len__(self):
            return 8

        def __getitem__(self, i):
            return os.getpid()

    it = MultiprocessIterator(Pids(), 4, shuffle=False, n_processes=2)
    pids = set(it.next())
    processes = [w.process for w in it._workers]
    assert pids == {p.pid for p in processes} and os.getpid() not in pids
    it.finalize()
    it.finalize()
    assert not any(p.is_alive() for p in processes)
    assert set(it.next()).isdisjoint(pids)  # new workers after finalize
    it.finalize()


def test_garbage_collection_stops_the_workers():
    it = MultiprocessIterator(list(range(8)), 2, shuffle=False, n_processes=2, n_prefetch=2)
    it.next()
    processes = [w.process for w in it._workers]
    del it
    gc.collect()
    for p in processes:
        p.join(5)
    assert processes and not any(p.is_alive() for p in processes)


def test_maxtasksperchild_replaces_workers_and_keeps_the_order():
    class Pids:
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return i, os.getpid()

    with MultiprocessIterator(Pids(), 2, shuffle=False, n_processes=1, n_prefetch=2,
                              maxtasksperchild=1) as it:
        batches = [it.next() for _ in range(5)]
    assert [[i for i, _ in b] for b in batches] == [[0, 1], [2, 3], [4, 5], [0, 1], [2, 3]]
    assert len({pid for b in batches for _, pid in b}) == 5


def test_slow_batch_warns_after_dataset_timeout():
    class Slow:
        def __len__(self):
            return 2

        def __getitem__(self, i):
            time.sleep(0.3)
            return i

    with MultiprocessIterator(Slow(), 1, shuffle=False, n_processes=1, dataset_timeout=0.05) as it:
        with pytest.warns(MultiprocessIterator.TimeoutWarning, match="dataset_timeout"):
            assert it.next() == [0]


def test_reset_drops_prefetched_batches():
    with MultiprocessIterator(list(range(7)), 3, shuffle=False, n_processes=2, n_prefetch=2) as it:
        it.next()
        it.reset()
        assert (it.epoch, it.current_position, it.previous_epoch_detail) == (0, 0, None)
        assert it.next() == [0, 1, 2]
        assert it.next() == [3, 4, 5]


@pytest.mark.parametrize("arg", ["n_processes", "n_prefetch", "shared_mem", "maxtasksperchild"])
@pytest.mark.parametrize("value", [0, -2, 1.0, True])
def test_bad_counts(arg, value):
    with pytest.raises(InvalidType, match=f"MultiprocessIterator: argument '{arg}' expected a positive int"):
        MultiprocessIterator([1], 1, **{arg: value})


@pytest.mark.parametrize("value", [0, -1.0, "1", True])
def test_bad_dataset_timeout(value):
    with pytest.raises(InvalidType, match="MultiprocessIterator: argument 'dataset_timeout' expected a "
                                          "positive number or None"):
        MultiprocessIterator([1], 1, dataset_timeout=value)


def test_shuffle_and_order_sampler_together_is_an_error():
    with pytest.raises(ValueError, match="MultiprocessIterator: argument 'order_sampler' expected None "
                                         "when 'shuffle' is given"):
        MultiprocessIterator([1, 2], 1, shuffle=False, order_sampler=ShuffleOrderSampler())


def test_bad_batch_size():
    with pytest.raises(InvalidType, match="MultiprocessIterator: argument 'batch_size' expected a positive int"):
        MultiprocessIterator([1, 2], 0)


# -- never hangs: each scenario in its own interpreter -----------------------

PRELUDE = textwrap.dedent("""
    import os, sys, time
    from kusari.iterators import MultiprocessIterator

    class Slow:
        def __init__(self, n, delay):
            self.n, self.delay = n, delay
        def __len__(self):
            return self.n
        def __getitem__(self, i):
            time.sleep(self.delay)
            return int(i)

    def report_workers(it):
        print("WORKERS", *[w.process.pid for w in it._workers], flush=True)
""")


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def worker_pids(stdout):
    line = next(line for line in stdout.splitlines() if line.startswith("WORKERS"))
    return [int(p) for p in line.split()[1:]]


def assert_workers_gone(pids):
    deadline = time.monotonic() + 5
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pids and not any(alive(p) for p in pids)


def run_script(body, timeout=20):
    return subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(body)], capture_output=True,
                          text=True, timeout=timeout)


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="checks processes through /proc")


@needs_proc
def test_interpreter_exits_without_finalize_and_workers_end():
    done = run_script("""
        it = MultiprocessIterator(Slow(20, 0.01), 4, shuffle=False, n_processes=2, n_prefetch=3)
        it.next(); report_workers(it)
        # no finalize: the prefetched batches are still being read at exit
    """)
    assert done.returncode == 0, done.stderr
    assert_workers_gone(worker_pids(done.stdout))


@needs_proc
def test_exception_in_the_training_loop_exits_and_workers_end():
    done = run_script("""
        it = MultiprocessIterator(Slow(20, 0.01), 4, shuffle=False, n_processes=2, n_prefetch=2)
        it.next(); report_workers(it)
        raise RuntimeError("loss is nan")
    """)
    assert done.returncode == 1 and "RuntimeError: loss is nan" in done.stderr
    assert_workers_gone(worker_pids(done.stdout))


@needs_proc
def test_keyboard_interrupt_while_waiting_for_a_batch():
    script = PRELUDE + textwrap.dedent("""
        it = MultiprocessIterator(Slow(100, 0.5), 2, shuffle=False, n_processes=2)
        it._ensure_workers(); report_workers(it)
        while True:
            it.next()
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        pids = [int(p) for p in child.stdout.readline().split()[1:]]
        time.sleep(0.2)  # inside next(), waiting on the slow workers
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=15)
    finally:
        child.kill()
        child.wait()
    assert child.returncode != 0 and "KeyboardInterrupt" in stderr
    assert_workers_gone(pids)


@needs_proc
@pytest.mark.parametrize("when", ["before next", "while next waits"])
def test_killed_worker_is_an_error_not_a_hang(when):
    kill = "kill()" if when == "before next" else "threading.Timer(0.1, kill).start()"
    done = run_script("""
        import signal, threading
        from kusari.iterators.multiprocess_iterator import WorkerDiedError
        it = MultiprocessIterator(Slow(40, 0.2), 4, shuffle=False, n_processes=2)
        it._ensure_workers(); report_workers(it)
        def kill():
            os.kill(it._workers[1].process.pid, signal.SIGKILL)
        """ + kill + """
        try:
            it.next()
        except WorkerDiedError as error:
            print("DIED", error, flush=True)
        print("AFTER", it.epoch, it.current_position, it.next(), flush=True)  # new workers
        it.finalize()
    """)
    assert done.returncode == 0, done.stderr
    assert "killed by SIGKILL" in done.stdout and "worker process" in done.stdout
    assert "AFTER 0 0 [0, 1, 2, 3]" in done.stdout
    assert_workers_gone(worker_pids(done.stdout))


@needs_proc
def test_worker_exception_traceback_is_printed_by_the_main_process():
    done = run_script("""
        class Broken:
            def __len__(self):
                return 4
            def __getitem__(self, i):
                return 1 // (int(i) - 3)
        it = MultiprocessIterator(Broken(), 4, shuffle=False, n_processes=2)
        it.next()
    """)
    assert done.returncode == 1
    assert "Traceback in worker process" in done.stderr and "in __getitem__" in done.stderr
    assert done.stderr.rstrip().endswith("ZeroDivisionError: integer division or modulo by zero")



# -- shared memory ------------------------------------------------------------

from hypothesis.extra import numpy as hnp  # noqa: E402

from kusari.iterators import multiprocess_iterator as mpi  # noqa: E402

DTYPES = [np.bool_, np.int8, np.uint16, np.int64, np.float32, np.dtype(">f8"), np.complex64]
small_arrays = st.sampled_from(DTYPES).flatmap(
    lambda dtype: hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)))
examples = st.one_of(
    small_arrays,
    st.tuples(small_arrays, st.integers(-5, 5)),
    st.lists(st.one_of(small_arrays, st.text(max_size=3)), min_size=1, max_size=3),
    st.dictionaries(st.sampled_from("xyz"), st.one_of(small_arrays, st.integers())),
    st.integers(),
)


def same(a, b, any_byte_order=False):
    """Equal types, dtypes, shapes and bytes (so NaN and -0.0 count), recursively."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        if any_byte_order:  # NumPy's pickling turns '>f8' into native '<f8'
            a, b = a.astype(a.dtype.newbyteorder("=")), b.astype(b.dtype.newbyteorder("="))
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, y, any_byte_order) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], any_byte_order) for k in a)
    return a == b


def spy_unpack(monkeypatch):
    """Count the arrays that arrive through shared memory (``_unpack`` runs in the main process)."""
    seen = []
    real = mpi._unpack

    def counting(example, buf):
        fields = example.values() if type(example) is dict else (
            example if type(example) in (tuple, list) else [example])
        seen.extend(v for v in fields if type(v) is mpi._Packed)
        return real(example, buf)

    monkeypatch.setattr(mpi, "_unpack", counting)
    return seen


@settings(max_examples=10, deadline=None)
@given(data=st.lists(examples, min_size=1, max_size=6), batch_size=batch_sizes)
def test_shared_memory_batches_equal_the_pickled_ones(data, batch_size):
    steps = -(-2 * len(data) // batch_size)
    with MultiprocessIterator(data, batch_size, shuffle=False, n_processes=2, n_prefetch=2) as pickled, \
            MultiprocessIterator(data, batch_size, shuffle=False, n_processes=2, n_prefetch=2,
                                 shared_mem=512) as shared:
        serial = SerialIterator(data, batch_size, shuffle=False)
        for _ in range(steps):
            batch = shared.next()
            assert same(batch, serial.next())  # exactly the dataset's examples, byte order included
            assert same(batch, pickled.next(), any_byte_order=True)


def test_arrays_travel_through_shared_memory_and_are_copied_out(monkeypatch):
    seen = spy_unpack(monkeypatch)
    data = [(np.full((2, 3), i, np.float32), i, {"k": 1}) for i in range(4)]
    with MultiprocessIterator(data, 2, shuffle=False, n_processes=2, n_prefetch=1, shared_mem=24) as it:
        first = it.next()
        names = [block.name for _, block in it._blocks.blocks]
        later = [it.next() for _ in range(4)]  # the same blocks are written again meanwhile
        assert len(it._blocks.blocks) <= 4  # reused, not one per batch
    assert len(seen) == 10 and names  # every array (24 bytes each) went through shared memory
    assert [(x[0].tolist(), x[1], x[2]) for x in first] == [([[0] * 3] * 2, 0, {"k": 1}),
                                                          ([[1] * 3] * 2, 1, {"k": 1})]
    assert first[0][0].flags.owndata and first[0][0].flags.writeable
    assert [int(x[0][0, 0]) for b in later for x in b] == [2, 3, 0, 1, 2, 3, 0, 1]
    assert not any(os.path.exists(f"/dev/shm/{name}") for name in names)  # unlinked by finalize


def test_oversized_example_falls_back_to_pickling_with_a_warning(monkeypatch):
    seen = spy_unpack(monkeypatch)
    data = [np.arange(n, dtype=np.int64) for n in (1, 3, 2, 1)]  # 8, 24, 16, 8 bytes
    with MultiprocessIterator(data, 4, shuffle=False, n_processes=2, shared_mem=16) as it:
        with pytest.warns(UserWarning, match=r"an example needs 24 bytes of shared memory, more than "
                                             r"shared_mem=16; it was pickled instead"):
            batch = it.next()
    assert [b.tolist() for b in batch] == [[0], [0, 1, 2], [0, 1], [0]]
    assert len(seen) == 3  # the three that fit


def test_dataset_error_and_gc_unlink_the_shared_memory(iterators):
    with MultiprocessIterator(iterators.Broken(), 2, shuffle=False, n_processes=2, shared_mem=64) as it:
        it.next()
        names = [block.name for _, block in it._blocks.blocks]
        with pytest.raises(KeyError):
            it.next()
        assert names and not any(os.path.exists(f"/dev/shm/{name}") for name in names)
    it = MultiprocessIterator([np.zeros(2)] * 4, 2, shuffle=False, n_processes=1, shared_mem=16)
    it.next()
    names = [block.name for _, block in it._blocks.blocks]
    del it
    gc.collect()
    assert names and not any(os.path.exists(f"/dev/shm/{name}") for name in names)


def test_pack_and_unpack_round_trip_in_one_buffer():
    buf = bytearray(64)
    a, b = np.arange(3, dtype=np.int16), np.ones((2, 2), np.float32)
    oversized = []
    packed = mpi._pack({"a": a, "n": 7, "b": b}, memoryview(buf), 16, 32, oversized)
    assert [type(v) for v in packed.values()] == [mpi._Packed, int, mpi._Packed]
    assert (packed["a"].offset, packed["b"].offset) == (16, 22) and oversized == []
    out = mpi._unpack(packed, memoryview(buf))
    assert same(out, {"a": a, "n": 7, "b": b})
    kept = mpi._pack((a, b), memoryview(buf), 0, 8, oversized)  # 22 bytes of arrays, 8 per slot
    assert kept[0] is a and kept[1] is b and oversized == [22]


needs_shm = pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="lists /dev/shm")

SHM_PRELUDE = textwrap.dedent("""
    import numpy
    class SlowArrays(Slow):
        def __getitem__(self, i):
            return numpy.full(4, super().__getitem__(i)), int(i)
    def report_blocks(it):
        print("BLOCKS", *[b.name for _, b in it._blocks.blocks], flush=True)
""")


def shm_names():
    # Only Python's SharedMemory segments ('psm_' names): other programs on the
    # machine (e.g. MPICH's 'mpich_shm_*' during kusari-distributed's tests)
    # create and remove their own while these tests run.
    return {name for name in os.listdir("/dev/shm") if name.startswith("psm_")}


def block_names(stdout):
    line = next(line for line in stdout.splitlines() if line.startswith("BLOCKS"))
    return line.split()[1:]


LEAK_SCENARIOS = {
    "exit without finalize": ("it.next(); report_workers(it); report_blocks(it)", 0),
    "exception in the loop": ("it.next(); report_workers(it); report_blocks(it)\n"
                              "raise RuntimeError('loss is nan')", 1),
    "killed worker": ("import signal\nfrom kusari.iterators.multiprocess_iterator import WorkerDiedError\n"
                      "it.next(); report_workers(it); report_blocks(it)\n"
                      "os.kill(it._workers[1].process.pid, signal.SIGKILL)\n"
                      "try:\n    it.next(); it.next()\nexcept WorkerDiedError:\n    print('DIED', flush=True)\n"
                      "it.next(); report_workers(it)  # new workers, new blocks, left for exit", 0),
}


@needs_proc
@needs_shm
@pytest.mark.parametrize("scenario", sorted(LEAK_SCENARIOS))
def test_no_shared_memory_left_in_dev_shm(scenario):
    body, code = LEAK_SCENARIOS[scenario]
    before = shm_names()
    done = run_script(SHM_PRELUDE + "it = MultiprocessIterator(SlowArrays(40, 0.01), 4, shuffle=False, "
                      "n_processes=2, n_prefetch=2, shared_mem=64)\n" + body)
    assert done.returncode == code, done.stderr
    names = block_names(done.stdout)
    assert names
    assert not shm_names() - before, "a /dev/shm segment was left behind"
    assert not any(os.path.exists(f"/dev/shm/{name}") for name in names)
    assert "leaked shared_memory" not in done.stderr  # nothing left for the resource tracker
    if scenario == "killed worker":
        assert "DIED" in done.stdout
    assert_workers_gone(worker_pids(done.stdout))


@needs_proc
@needs_shm
def test_keyboard_interrupt_unlinks_the_shared_memory():
    before = shm_names()
    script = PRELUDE + SHM_PRELUDE + textwrap.dedent("""
        it = MultiprocessIterator(SlowArrays(100, 0.3), 2, shuffle=False, n_processes=2, shared_mem=64)
        it.next(); report_blocks(it)
        while True:
            it.next()
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        names = child.stdout.readline().split()[1:]
        time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=15)
    finally:
        child.kill()
        child.wait()
    assert child.returncode != 0 and "KeyboardInterrupt" in stderr
    assert names and not shm_names() - before
    assert "leaked shared_memory" not in stderr
