"""kusari.distributed._train_mpi: `kusari train --mpi` wrapping, checked under mpiexec -n 2."""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

from kusari.distributed._train_mpi import distributed_settings, run_train_mpi
from kusari.training.config import ConfigError


def _mpiexec():
    local = pathlib.Path(sys.executable).with_name("mpiexec")
    return str(local) if local.exists() else shutil.which("mpiexec")


def _run_mpi(script: str, n: int, cwd, timeout=60):
    mpiexec = _mpiexec()
    if mpiexec is None:
        pytest.skip("no mpiexec found (pip install 'kusari-distributed[mpich]')")
    path = pathlib.Path(cwd) / "script.py"
    path.write_text(textwrap.dedent(script))
    return subprocess.run([mpiexec, "-n", str(n), sys.executable, str(path)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


_SCRIPT = """
    import json, sys
    import numpy
    from kusari.distributed.communicators import create_communicator
    from kusari.distributed._train_mpi import make_distributed, run_train_mpi
    from kusari.training.config import build_trainer

    comm = create_communicator('naive')
    config = {
        'seed': comm.rank,  # different initial weights: the optimizer must broadcast rank 0's
        'stop_trigger': [6, 'iteration'], 'out': 'result',
        'model': {'path': 'kusari.links:Classifier', 'args': {'predictor': {
            'path': 'kusari.links:Linear', 'args': {'in_size': 64, 'out_size': 10}}}},
        'dataset': {'name': 'digits', 'args': {'split_seed': 0}},
        'iterator': {'batch_size': 10, 'test': {'batch_size': 100}},
        'optimizer': {'name': 'sgd', 'args': {'lr': 0.1}},
        'extensions': [{'name': 'Evaluator', 'trigger': [3, 'iteration']},
                       {'name': 'LogReport', 'args': {'trigger': [3, 'iteration']}},
                       {'name': 'PrintReport', 'args': {'entries': ['iteration', 'main/loss']}},
                       {'name': 'snapshot', 'trigger': [6, 'iteration']}],
    }
    trainer = build_trainer(config)
    full_train = len(trainer.updater.get_iterator('main').dataset)
    full_test = len(trainer.get_extension('validation').get_iterator('main').dataset)
    make_distributed(trainer, comm, seed=0)
    trainer.run()
    params = {name: p.array.tolist() for name, p in sorted(trainer.updater.get_optimizer('main')
                                                           .target.namedparams())}
    report = {'rank': comm.rank, 'extensions': sorted(trainer._extensions),
              'train_len': len(trainer.updater.get_iterator('main').dataset), 'full_train': full_train,
              'test_len': len(trainer.get_extension('validation').get_iterator('main').dataset),
              'full_test': full_test, 'params': params,
              'validation': trainer.observation.get('validation/main/loss') is not None
                            and float(trainer.observation['validation/main/loss'])}
    with open(f'rank{comm.rank}.json', 'w') as f:
        json.dump(report, f)
"""


def test_make_distributed_under_two_processes(tmp_path):
    result = _run_mpi(_SCRIPT, 2, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    reports = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in range(2)]
    # every rank ends with the same weights (rank 0's broadcast + averaged gradients)
    assert reports[0]["params"] == reports[1]["params"]
    # the datasets were scattered into equal halves
    for report in reports:
        assert report["train_len"] == -(-report["full_train"] // 2)
        assert report["test_len"] == -(-report["full_test"] // 2)
    # the multi-node evaluator averages the validation loss over the ranks
    assert reports[0]["validation"] == pytest.approx(reports[1]["validation"], rel=1e-5)
    # printing/logging only on rank 0, and only rank 0 wrote the log
    assert {"LogReport", "PrintReport"} <= set(reports[0]["extensions"])
    assert not {"LogReport", "PrintReport"} & set(reports[1]["extensions"])
    log = json.loads((tmp_path / "result" / "log").read_text())
    assert [row["iteration"] for row in log] == [3, 6]
    assert result.stdout.count("main/loss") == 1  # one PrintReport header, from rank 0
    assert any(name.startswith("snapshot") for name in os.listdir(tmp_path / "result"))


_CLI_SCRIPT = """
    import argparse, sys
    from kusari.distributed._train_mpi import run_train_mpi
    sys.exit(run_train_mpi(argparse.Namespace(config=sys.argv[1] if len(sys.argv) > 1 else 'c.toml',
                                              set=[])))
"""

_CONFIG = """
seed = 0
out = "result"
stop_trigger = [2, "iteration"]
[distributed]
communicator = "flat"
[model]
path = "kusari.links:Classifier"
args.predictor = { path = "kusari.links:Linear", args = { in_size = 64, out_size = 10 } }
[dataset]
name = "digits"
[iterator]
batch_size = 8
[optimizer]
name = "sgd"
[[extensions]]
name = "LogReport"
args.trigger = [1, "iteration"]
"""


def test_run_train_mpi_config_and_failure(tmp_path):
    (tmp_path / "c.toml").write_text(_CONFIG)
    result = _run_mpi(_CLI_SCRIPT, 2, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.count("kusari train: done after") == 1  # the summary from rank 0 only
    assert "2 iterations" in result.stdout
    assert len(json.loads((tmp_path / "result" / "log").read_text())) == 2
    # a rank failing during training aborts the whole job instead of leaving rank 0 in a collective
    (tmp_path / "boom.py").write_text(_BOOM)
    (tmp_path / "c.toml").write_text(_CONFIG.replace('path = "kusari.links:Classifier"',
                                                     'path = "boom.py:make_model"')
                                     .replace("args.predictor", "# args.predictor"))
    bad = _run_mpi(_CLI_SCRIPT, 2, tmp_path, timeout=30)
    assert bad.returncode != 0
    assert "boom on rank 1" in bad.stderr


_BOOM = """
import kusari.links as L
from mpi4py import MPI


class Boom(L.Linear):
    calls = 0

    def forward(self, x):
        Boom.calls += 1
        if MPI.COMM_WORLD.Get_rank() == 1 and Boom.calls == 2:
            raise RuntimeError("boom on rank 1")
        return super().forward(x)


def make_model():
    return L.Classifier(Boom(64, 10))
"""


def test_distributed_settings_errors():
    assert distributed_settings({"distributed": {"scatter_test": False}}) == \
        {"communicator": "naive", "scatter_test": False}
    with pytest.raises(ConfigError, match=r"config key 'distributed.comm': unknown key; known: communicator"):
        distributed_settings({"distributed": {"comm": "flat"}})
    with pytest.raises(ConfigError, match=r"config key 'distributed': expected a table, got str 'flat'"):
        distributed_settings({"distributed": "flat"})
    with pytest.raises(ConfigError, match=r"config key 'distributed.communicator': expected a communicator"):
        distributed_settings({"distributed": {"communicator": 3}})
    with pytest.raises(ConfigError, match=r"config key 'distributed.scatter_test': expected true or false"):
        distributed_settings({"distributed": {"scatter_test": 1}})


def test_run_train_mpi_bad_config_exits_2(tmp_path, capsys):
    (tmp_path / "c.toml").write_text('stop_trigger = [1, "epoch"]\n[distributed]\ncommunicator = 1\n')
    assert run_train_mpi(argparse.Namespace(config=str(tmp_path / "c.toml"), set=[])) == 2
    assert "distributed.communicator" in capsys.readouterr().err
