"""The benchmarks measure what they say: the NumPy bound does the framework's arithmetic.

Speed itself is never asserted here (benchmarks/README.md has the numbers);
these tests check that the hand-written NumPy bound computes the same loss
and gradients as kusari on the same weights, and that each script runs.
"""
import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import kusari
import kusari.functions as F

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"


def load(name):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


def grads_of(model):
    return [(layer.W.grad, layer.b.grad) for layer in (model.l1, model.l2, model.l3)]


def test_overhead_numpy_bound_matches_kusari():
    bench = load("bench_overhead")
    weights, x = bench.make_data(seed=3)
    model = bench.build_chain(kusari, [(W.copy(), b.copy()) for W, b in weights])
    loss = F.sum(model(x))
    model.cleargrads()
    loss.backward()
    expected_loss, expected = bench.numpy_forward_backward(weights, x)
    np.testing.assert_allclose(loss.array, expected_loss, rtol=1e-5)
    for (gW, gb), (eW, eb) in zip(grads_of(model), expected, strict=True):
        np.testing.assert_allclose(gW, eW, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(gb, eb, rtol=1e-5, atol=1e-6)


def test_overhead_steps_update_the_parameters_alike():
    bench = load("bench_overhead")
    weights, x = bench.make_data(seed=4)
    model = bench.build_chain(kusari, [(W.copy(), b.copy()) for W, b in weights])
    bench.chain_step(kusari, model, x)()
    _, grads = bench.numpy_forward_backward(weights, x)
    for layer, (W, b), (gW, gb) in zip((model.l1, model.l2, model.l3), weights, grads, strict=True):
        np.testing.assert_allclose(layer.W.array, W - bench.LR * gW, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(layer.b.array, b - bench.LR * gb, rtol=1e-6, atol=1e-7)


def test_mlp_numpy_bound_matches_kusari():
    bench = load("bench_mlp")
    weights, x, t = bench.make_data(seed=5)
    model = bench.build_chain(kusari, weights)
    loss = F.softmax_cross_entropy(model(x), t)
    model.cleargrads()
    loss.backward()
    expected_loss, expected = bench.numpy_forward_backward(weights, x, t)
    np.testing.assert_allclose(loss.array, expected_loss, rtol=1e-5)
    for (gW, gb), (eW, eb) in zip(grads_of(model), expected, strict=True):
        np.testing.assert_allclose(gW, eW, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(gb, eb, rtol=1e-4, atol=1e-6)


def test_lenet_numpy_bound_matches_kusari():
    bench = load("bench_lenet")
    weights, x, t = bench.make_data(seed=5)
    F_, L_ = bench.kusari_modules()
    model = bench.build_chain(F_, L_, kusari.Chain, weights)
    loss = F_.softmax_cross_entropy(model(x), t)
    model.cleargrads()
    loss.backward()
    expected_loss, expected = bench.numpy_forward_backward(weights, x, t)
    np.testing.assert_allclose(loss.array, expected_loss, rtol=1e-5)
    for layer, (eW, eb) in zip((model.conv1, model.conv2, model.fc3, model.fc4), expected, strict=True):
        np.testing.assert_allclose(layer.W.grad, eW, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(layer.b.grad, eb, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("script", ["bench_overhead.py", "bench_mlp.py", "bench_lenet.py"])
def test_benchmark_scripts_print_their_table(script, tmp_path):
    saved = tmp_path / "result.json"
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), "--quick", "--only", "numpy", "kusari",
                           "--threads", "1", "--save", str(saved)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "kusari" in done.stdout and "µs/iter" in done.stdout
    assert saved.exists() and '"median_us"' in saved.read_text()


def test_missing_reference_environment_is_skipped_with_a_note(tmp_path):
    import os

    env = dict(os.environ, KUSARI_REF_ROOT=str(tmp_path / "nowhere"))
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_overhead.py"), "--quick",
                           "--only", "kusari", "torch", "--threads", "1"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    assert "note: torch: skipped, no reference environment at" in done.stdout


def test_multiprocess_iterator_benchmark_runs_and_reports_each_worker_count():
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_multiprocess_iterator.py"), "--quick"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for row in ("serial", "1 workers", "2 workers", "4 workers"):
        assert row in done.stdout
