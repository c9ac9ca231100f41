"""kusari._parallel: row ranges split over threads give exactly the serial results."""
from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kusari import _elementwise, _parallel
from kusari.functions.loss.softmax_cross_entropy import softmax_cross_entropy


@pytest.fixture
def use_threads():
    """Run a test body with a given thread count, restoring the previous one."""
    before = _parallel.threads()
    yield _parallel.set_threads
    _parallel.set_threads(before)


@given(n=st.integers(0, 200), grain=st.integers(1, 50), threads=st.integers(1, 4))
def test_ranges_cover_every_index_once(n, grain, threads):
    before = _parallel.threads()
    _parallel.set_threads(threads)
    try:
        seen = np.zeros(n, np.int64)
        calls = []

        def mark(start, stop):
            calls.append((start, stop))
            seen[start:stop] += 1

        _parallel.for_ranges(mark, n, grain)
    finally:
        _parallel.set_threads(before)
    assert (seen == 1).all()
    # Never more ranges than threads, and each range at least `grain` long when split.
    assert len(calls) <= max(1, threads)
    if len(calls) > 1:
        assert min(stop - start for start, stop in calls) >= grain


def test_ranges_run_on_other_threads_when_large(use_threads):
    use_threads(3)
    names = set()
    lock = threading.Lock()
    all_running = threading.Barrier(3, timeout=10)  # fails unless three ranges run at once

    def record(start, stop):
        with lock:
            names.add(threading.current_thread().name)
        all_running.wait()

    _parallel.for_ranges(record, 300, grain=100)
    assert threading.current_thread().name in names
    assert len(names) == 3


def test_small_work_stays_on_the_calling_thread(use_threads):
    use_threads(4)
    names = []
    _parallel.for_ranges(lambda s, e: names.append(threading.current_thread().name), 10, grain=100)
    assert names == [threading.current_thread().name]


@pytest.mark.parametrize("failing_range", [0, 1])
def test_an_error_in_any_range_is_raised_after_all_ranges_finish(use_threads, failing_range):
    use_threads(2)
    done = []

    def work(start, stop):
        if (start == 0) == (failing_range == 0):
            raise RuntimeError(f"range {start}:{stop} failed")
        done.append((start, stop))

    with pytest.raises(RuntimeError, match="failed"):
        _parallel.for_ranges(work, 10, grain=5)
    assert len(done) == 1  # the other range ran to the end


def test_a_pass_inside_a_range_runs_serially(use_threads):
    use_threads(2)
    inner = []

    def outer(start, stop):
        _parallel.for_ranges(lambda s, e: inner.append((s, e)), 100, grain=1)

    _parallel.for_ranges(outer, 10, grain=5)  # would deadlock if the inner pass waited on the pool
    assert sorted(inner) == [(0, 100), (0, 100)]


def test_set_threads_rejects_non_positive_counts():
    with pytest.raises(ValueError, match=r"set_threads: argument 'n' expected a positive int, got 0"):
        _parallel.set_threads(0)
    with pytest.raises(ValueError, match="positive int"):
        _parallel.set_threads(2.0)


def test_thread_count_from_the_environment(monkeypatch):
    monkeypatch.setenv("KUSARI_NUM_THREADS", "3")
    monkeypatch.setenv("OMP_NUM_THREADS", "5")
    assert _parallel._default_threads() == 3
    monkeypatch.delenv("KUSARI_NUM_THREADS")
    assert _parallel._default_threads() == 5
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert _parallel._default_threads() >= 1
    monkeypatch.setenv("KUSARI_NUM_THREADS", "many")
    with pytest.raises(ValueError, match="KUSARI_NUM_THREADS expected a positive integer, got 'many'"):
        _parallel._default_threads()


def _loss_and_grad(x, t):
    import kusari

    v = kusari.Variable(x.copy())
    loss = softmax_cross_entropy(v, t)
    loss.backward()
    return loss.array, v.grad


def test_softmax_cross_entropy_is_bitwise_the_same_split_over_threads(use_threads):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 4000)).astype(np.float32) * 3
    t = rng.integers(0, 4000, 300).astype(np.int32)
    t[::7] = -1  # some ignored labels
    use_threads(1)
    serial = _loss_and_grad(x, t)
    use_threads(3)
    split = _loss_and_grad(x, t)
    np.testing.assert_array_equal(serial[0], split[0])
    np.testing.assert_array_equal(serial[1], split[1])


def test_elementwise_updates_are_bitwise_the_same_split_over_threads(use_threads):
    rng = np.random.default_rng(1)
    p0 = rng.standard_normal(_elementwise.BLOCK * 9 + 123).astype(np.float32)
    g = rng.standard_normal(p0.size).astype(np.float32)

    def axpy(xp, p, g, tmp, lr):
        xp.multiply(g, lr, out=tmp)
        p -= tmp

    results = []
    for n in (1, 2, 3):
        use_threads(n)
        p = p0.copy()
        _elementwise.run(axpy, (p, g), 1, np.float32(0.1))
        results.append(p)
    np.testing.assert_array_equal(results[0], p0 - g * np.float32(0.1))
    np.testing.assert_array_equal(results[0], results[1])
    np.testing.assert_array_equal(results[0], results[2])


def _child_sums(queue):
    out = np.zeros(100)

    def fill(start, stop):
        out[start:stop] = np.arange(start, stop)

    _parallel.for_ranges(fill, 100, grain=10)
    queue.put(float(out.sum()))


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_a_forked_child_builds_its_own_pool(use_threads):
    import multiprocessing

    use_threads(2)
    _parallel.for_ranges(lambda s, e: None, 100, grain=10)  # the parent's pool now exists
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child_sums, args=(queue,))
    child.start()
    child.join(timeout=30)
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0, "the child hung or failed using the inherited pool"
    assert queue.get(timeout=5) == sum(range(100))
