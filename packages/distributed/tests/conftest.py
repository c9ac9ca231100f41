"""Shared fixtures for kusari-distributed tests: run a script under ``mpiexec``.

Usage in a test::

    def test_something(mpirun):
        res = mpirun('''
            from kusari.distributed import create_communicator
            comm = create_communicator('naive')
            dump({'rank': comm.rank, 'size': comm.size})
        ''', n=2)
        assert res.returncode == 0, res.stderr
        assert [o['size'] for o in res.outputs] == [2, 2]
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import textwrap
from typing import NamedTuple

import pytest

_PRELUDE = '''\
import json as _json, os as _os
OUT_DIR = _os.environ["KUSARI_TEST_OUT"]


def dump(obj, name=None):
    """Write ``obj`` as JSON to OUT_DIR/rank<R>.json (or OUT_DIR/<name>.json)."""
    from mpi4py import MPI
    path = _os.path.join(OUT_DIR, (name or "rank%d" % MPI.COMM_WORLD.rank) + ".json")
    with open(path, "w") as f:
        _json.dump(obj, f)
'''


class MpiResult(NamedTuple):
    """What :func:`mpirun` returns; unpacks as ``rc, stdout, stderr, outputs``."""

    returncode: int
    stdout: str
    stderr: str
    outputs: list  # per rank: the object it passed to dump(), or None if it wrote nothing


def find_mpiexec():
    """The mpiexec next to ``sys.executable``, else the one on PATH, else None."""
    local = pathlib.Path(sys.executable).with_name("mpiexec")
    if local.exists():
        return str(local)
    return shutil.which("mpiexec")


@pytest.fixture
def mpirun(tmp_path):
    """Run a Python script under ``mpiexec -n N`` and collect per-rank JSON.

    ``mpirun(script, n=2, timeout=60, env=None, args=())`` -> :class:`MpiResult`.

    * ``script``: Python source (dedented). It runs with a prelude defining
      ``OUT_DIR`` (a fresh directory) and ``dump(obj, name=None)``, which
      writes ``obj`` as JSON to ``OUT_DIR/rank<R>.json``.
    * ``n``: number of processes (keep it <= 3 on this machine).
    * ``timeout``: seconds; if the job is still running then, its whole
      process group is killed and the test fails with the output so far.
    * ``env``: extra environment variables (merged into ``os.environ``).
    * ``args``: extra command-line arguments for the script.
    * Returns ``MpiResult(returncode, stdout, stderr, outputs)`` where
      ``outputs[r]`` is what rank ``r`` dumped (None when it dumped nothing).

    Skips the test when no ``mpiexec`` exists.
    """
    mpiexec = find_mpiexec()
    if mpiexec is None:
        pytest.skip("no mpiexec found next to sys.executable or on PATH (install kusari-distributed[mpich])")
    counter = [0]

    def run(script, n=2, timeout=60, env=None, args=()):
        counter[0] += 1
        work = tmp_path / f"mpirun{counter[0]}"
        out_dir = work / "out"
        out_dir.mkdir(parents=True)
        path = work / "script.py"
        path.write_text(_PRELUDE + "\n" + textwrap.dedent(script))
        full_env = dict(os.environ, KUSARI_TEST_OUT=str(out_dir), **(env or {}))
        cmd = [mpiexec, "-n", str(n), sys.executable, str(path), *map(str, args)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=full_env, cwd=str(work), start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # mpiexec and every rank it started
            stdout, stderr = proc.communicate()
            pytest.fail(f"mpiexec -n {n} did not finish within {timeout} s\nstdout:\n{stdout}\nstderr:\n{stderr}")
        outputs = []
        for r in range(n):
            f = out_dir / f"rank{r}.json"
            outputs.append(json.loads(f.read_text()) if f.exists() else None)
        return MpiResult(proc.returncode, stdout, stderr, outputs)

    return run
