"""A failing or stuck rank must stop the whole job (excepthook + collective watchdog)."""
from __future__ import annotations

import sys
import time

import pytest

from kusari.distributed.communicators import _hooks, create_communicator


@pytest.mark.parametrize("n", [2, 3])
def test_rank_raising_aborts_every_rank(mpirun, n):
    script = '''
        import time
        from kusari.distributed.communicators import create_communicator
        comm = create_communicator("naive")
        dump({"started": comm.rank})
        if comm.rank == 1:
            raise ValueError("boom from the failing rank")
        comm.bcast_obj(None)  # would wait forever for rank 1 without the hook
        time.sleep(60)
        '''
    start = time.monotonic()
    res = mpirun(script, n=n, timeout=30)
    elapsed = time.monotonic() - start
    assert res.returncode != 0
    assert elapsed < 20
    assert all(o == {"started": r} for r, o in enumerate(res.outputs))
    assert "[rank 1] ValueError: boom from the failing rank" in res.stderr
    assert "[rank 1] Traceback (most recent call last):" in res.stderr
    assert "uncaught ValueError on rank 1; calling MPI_Abort" in res.stderr


def test_collective_timeout_aborts_stuck_job(mpirun):
    script = '''
        import time
        from kusari.distributed.communicators import create_communicator
        comm = create_communicator("flat")
        dump({"timeout": comm.timeout})
        if comm.rank == 0:
            comm.allreduce_obj(1)  # rank 1 never joins
        else:
            time.sleep(60)
        '''
    start = time.monotonic()
    res = mpirun(script, n=2, timeout=30, env={"KUSARI_DISTRIBUTED_TIMEOUT": "1.5"})
    elapsed = time.monotonic() - start
    assert res.returncode != 0
    assert elapsed < 20
    assert res.outputs == [{"timeout": 1.5}, {"timeout": 1.5}]
    assert "collective 'allreduce_obj' exceeded the timeout of 1.5 s on rank 0" in res.stderr


def test_hook_installed_only_for_multi_process_jobs_and_opt_out(mpirun):
    script = '''
        from kusari.distributed.communicators import create_communicator, _hooks
        comm = create_communicator("naive", timeout=30)
        dump({"hook": _hooks.is_hook_installed(), "timeout": comm.timeout,
              "fast": comm.allreduce_obj(1)})  # a guarded call well inside the timeout
        comm.finalize()
        '''
    on = mpirun(script, n=2, timeout=30)
    off = mpirun(script, n=2, timeout=30, env={"KUSARI_DISTRIBUTED_NO_ABORT_HOOK": "1"})
    assert on.returncode == 0 and off.returncode == 0, on.stderr + off.stderr
    assert on.outputs == [{"hook": True, "timeout": 30, "fast": 2}] * 2
    assert off.outputs == [{"hook": False, "timeout": 30, "fast": 2}] * 2


def test_single_process_does_not_install_hook():
    before = sys.excepthook
    create_communicator("naive")
    assert sys.excepthook is before and not _hooks.is_hook_installed()


def test_add_hook_twice_warns_and_remove_restores():
    before = sys.excepthook
    _hooks.add_hook()
    try:
        assert sys.excepthook is not before
        with pytest.warns(UserWarning, match="called more than once"):
            _hooks.add_hook()
    finally:
        _hooks.remove_hook()
    assert sys.excepthook is before


def test_bad_env_timeout_message(monkeypatch):
    monkeypatch.setenv("KUSARI_DISTRIBUTED_TIMEOUT", "0")
    with pytest.raises(TypeError, match=r"create_communicator: argument 'timeout' expected a positive number of seconds, got 0.0"):
        create_communicator("naive")
    monkeypatch.setenv("KUSARI_DISTRIBUTED_TIMEOUT", "soon")
    with pytest.raises(ValueError, match=r"argument 'timeout' expected a number of seconds in \$KUSARI_DISTRIBUTED_TIMEOUT, got 'soon'"):
        create_communicator("naive")
