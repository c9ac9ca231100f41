"""The benchmarks measure what they say: the NumPy bound does the framework's arithmetic.

Speed itself is never asserted here (benchmarks/README.md has the numbers);
these tests check that the hand-written NumPy bound computes the same loss
and gradients as kusari on the same weights, and that each script runs.
"""
import importlib.util
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import kusari
import kusari.functions as F
import kusari.links as L

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


def test_trainer_numpy_bound_trains_like_kusari_adam():
    bench = load("bench_trainer")
    weights = bench.make_weights()
    model = L.Classifier(bench.bench_mlp.build_chain(kusari, [(W.copy(), b.copy()) for W, b in weights]))
    optimizer = kusari.optimizers.Adam()
    optimizer.setup(model)
    adam = bench._common.NumpyAdam([a for pair in weights for a in pair])
    x_all, t_all = bench.make_dataset(300, seed=7)
    for i in range(0, 300, bench.BATCH):  # three Adam steps on the same batches
        x, t = x_all[i:i + bench.BATCH], t_all[i:i + bench.BATCH]
        optimizer.update(model, x, t)
        expected_loss = bench.numpy_train_step(weights, adam, x, t)
        np.testing.assert_allclose(model.loss.array, expected_loss, rtol=1e-5)
    chain = model.predictor
    for layer, (W, b) in zip((chain.l1, chain.l2, chain.l3), weights, strict=True):
        np.testing.assert_allclose(layer.W.array, W, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(layer.b.array, b, rtol=1e-4, atol=1e-6)


def test_adam_bound_with_one_shared_temporary_steps_like_one_temporary_per_parameter():
    # bench_adam's NumPy bound shares one temporary between its parameters.
    bench = load("bench_adam")
    rng = np.random.default_rng(8)
    start = [rng.standard_normal((3, 4), dtype=np.float32) for _ in range(3)]
    shared = bench._common.NumpyAdam([p.copy() for p in start], one_temporary=True)
    separate = bench._common.NumpyAdam([p.copy() for p in start])
    for _ in range(3):
        grads = [rng.standard_normal((3, 4), dtype=np.float32) for _ in start]
        shared.update(grads)
        separate.update(grads)
    for a, b, p in zip(shared.params, separate.params, start, strict=True):
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, p)


def test_trainer_and_bare_loop_run_the_same_iterations(tmp_path, monkeypatch):
    bench = load("bench_trainer")
    monkeypatch.setenv(bench.SHAPE_VARIABLE, json.dumps({"examples": 300, "epochs": 2, "test_examples": 50}))
    model, optimizer, train, test = bench.setup(kusari)
    with open(tmp_path / "null", "w") as null:
        trainer = bench.make_trainer(kusari, model, optimizer, train, test, 2, str(tmp_path), null)
        trainer.run()
    expected = bench.iterations_per_run(bench.shape())
    assert trainer.updater.iteration == expected == 6  # 3 batches per epoch
    assert (tmp_path / f"snapshot_iter_{expected}").exists()
    assert [row["epoch"] for row in trainer.get_extension("LogReport").log] == [1, 2]
    assert "validation/main/loss" in trainer.get_extension("LogReport").log[-1]
    before = optimizer.t
    bench.bare_loop(kusari, model, optimizer, train, 2)
    assert optimizer.t - before == expected


def test_trainer_benchmark_prints_its_table_and_ratios(tmp_path):
    saved = tmp_path / "result.json"
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_trainer.py"), "--quick",
                           "--examples", "300", "--test-examples", "100", "--only", "numpy", "bare", "kusari",
                           "--threads", "1", "--cpu-time", "--save", str(saved)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "kusari" in done.stdout and "µs/iter" in done.stdout and "ms/iteration" in done.stdout
    assert "(f1) overhead: kusari Trainer / kusari bare loop" in done.stdout
    assert "(f2) epoch: kusari Trainer / NumPy bound" in done.stdout
    assert "clock: CPU time (time.process_time)" in done.stdout
    result = json.loads(saved.read_text())
    assert result["shape"]["examples"] == 300 and result["iterations_per_run"] == 3
    assert result["shape"]["cpu_time"] is True
    assert set(result["results"]) == {"numpy", "bare", "kusari"}


def test_trainer_benchmark_rejects_examples_that_leave_a_partial_batch():
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_trainer.py"), "--quick", "--examples", "250",
                           "--only", "kusari"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--examples must be a positive multiple of the batch size 100, got 250" in done.stderr


def test_bench_distributed_runs_tiny(tmp_path):
    mpiexec = pathlib.Path(sys.executable).with_name("mpiexec")
    if not mpiexec.exists():
        pytest.skip("no mpiexec next to the interpreter (pip install 'kusari-distributed[mpich]')")
    out = tmp_path / "r.json"
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_distributed.py"), "--quick",
                           "--examples", "400", "--procs", "1", "2", "--save", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text())["results"]
    assert [r["procs"] for r in results] == [1, 2]
    assert [r["examples"] for r in results] == [400, 400]
    assert results[0]["n_params"] == 784 * 1000 + 1000 + 1000 * 1000 + 1000 + 1000 * 10 + 10
    assert all(r["examples_per_s"] > 0 and 0 < r["comm_ms_per_iteration"] < r["ms_per_iteration"]
               for r in results)
    assert "speed-up 2 processes vs 1" in done.stdout and "alpha-beta fit" in done.stdout


def test_rnn_lm_loss_matches_numpy_reference():
    bench = load("bench_rnn")
    sizes = dict(batch=3, bprop=4, windows=2, vocab=11, embed=5, hidden=6, n_layers=2)
    weights, stream = bench.make_lm_data(seed=5, **sizes)
    from kusari import optimizer_hooks, optimizers

    model, optimizer = bench.build_lm_framework(kusari, optimizers, optimizer_hooks, F, L, weights)
    x, t = bench.lm_window(stream, 0, bprop=sizes["bprop"])
    loss = model(x, t)
    expected, h, c = bench.numpy_lm_loss(weights, x, t)
    np.testing.assert_allclose(loss.array, expected, rtol=1e-5)
    np.testing.assert_allclose(model.h, h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.c, c, rtol=1e-5, atol=1e-6)
    # the second window starts from the carried state
    x, t = bench.lm_window(stream, 1, bprop=sizes["bprop"])
    expected, _, _ = bench.numpy_lm_loss(weights, x, t, h, c)
    np.testing.assert_allclose(model(x, t).array, expected, rtol=1e-5)


@pytest.mark.parametrize("case", ["lm", "ragged"])
def test_bench_rnn_prints_its_table(case):
    out = subprocess.run([sys.executable, str(BENCHMARKS / "bench_rnn.py"), "--quick", "--threads", "1",
                          "--only", "kusari", "--case", case],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert "kusari" in out and "µs/iter" in out and "target (issue 7)" in out
    if case == "lm":
        assert "training tokens/s" in out


def test_rnn_budget_lines_compare_the_products_with_what_the_target_leaves():
    bench = load("bench_rnn")
    results = {"numpy": {"median_us": 150e3, "min_us": 140e3},
               "kusari": {"median_us": 210e3, "min_us": 190e3},
               "torch": {"median_us": 280e3, "min_us": 210e3}}
    median, best = bench.budget_lines(results, "lm")
    # 280 ms / 1.4 = 200 ms allowed; the products take 150 ms of it.
    assert median.startswith("median: target 200.0 ms/iter; products alone 150.0 ms (75% of it)")
    assert "leaving 50.0 ms" in median and "kusari spends 60.0 ms beyond the products" in median
    assert "target 150.0 ms/iter; products alone 140.0 ms (93% of it)" in best
    assert bench.budget_lines({"kusari": results["kusari"]}, "lm") == []
