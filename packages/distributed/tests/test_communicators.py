"""Communicators under ``mpiexec -n 2`` and ``-n 3``: ranks, split, bcast_data,
multi_node_mean_grad, array and object collectives; argument errors in-process."""
from __future__ import annotations

import numpy as np
import pytest

from kusari.distributed.communicators import create_communicator

# One launched script checks everything, so each process count costs one start-up.
_SCRIPT = r'''
import warnings
import numpy as np
import kusari
import kusari.links as L
from kusari.distributed.communicators import create_communicator

def enc(a):
    return None if a is None else {"shape": list(a.shape), "dtype": str(a.dtype), "values": a.ravel().tolist()}

def model():
    m = kusari.Chain()
    with m.init_scope():
        m.l1 = L.Linear(2, 3)
        m.l2 = L.Linear(3, 2)
    return m

def rank_grads(m, r):
    rng = np.random.default_rng(100 + r)
    for name, p in sorted(m.namedparams()):
        p.grad = rng.standard_normal(p.shape).astype(np.float32)

out = {}
for name in ("naive", "flat"):
    comm = create_communicator(name)
    r, n = comm.rank, comm.size
    res = out[name] = {"rank": r, "size": n, "intra": [comm.intra_rank, comm.intra_size],
                       "inter": [comm.inter_rank, comm.inter_size], "type": type(comm).__name__}
    # split: odd/even ranks, ordered by descending rank
    sub = comm.split(r % 2, -r)
    res["split"] = [sub.rank, sub.size, type(sub).__name__, sub.allreduce_obj(r)]
    sub.finalize()
    # bcast_data
    m = model()
    for _, p in m.namedparams():
        p.array[...] = np.random.default_rng(r).standard_normal(p.shape)
    comm.bcast_data(m)
    res["bcast_data"] = {k: enc(p.array) for k, p in sorted(m.namedparams())}
    # mean grads in float32, float16 wire, zero_fill and the deprecated alias
    for wire in (None, "float16"):
        c = create_communicator(name, allreduce_grad_dtype=wire)
        m = model(); rank_grads(m, r)
        c.multi_node_mean_grad(m)
        res["mean_" + str(wire)] = {k: enc(p.grad) for k, p in sorted(m.namedparams())}
        c.finalize()
    m = model(); rank_grads(m, r)
    if r == 0:
        m.l2.b.grad = None
    comm.multi_node_mean_grad(m, zero_fill=True)
    res["zero_fill"] = {k: enc(p.grad) for k, p in sorted(m.namedparams())}
    m = model(); rank_grads(m, r)
    m.l2.W.grad = None  # None on every rank: skipped without zero_fill
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        comm.allreduce_grad(m)
    res["alias"] = {k: enc(p.grad) for k, p in sorted(m.namedparams())}
    res["alias_warned"] = any(issubclass(x.category, DeprecationWarning) for x in w)
    # point-to-point arrays around a ring; even ranks send first
    data = (np.arange(6, dtype=np.float16).reshape(2, 3) * r, np.array([r % 2 == 0, True]))
    single = np.full((1, 2, 2), r, dtype=np.int64)
    dst, src = (r + 1) % n, (r - 1) % n
    def send():
        comm.send(data, dst, 7); comm.send(single, dst, 8)
    def recv():
        res["recv_tuple"] = [enc(a) for a in comm.recv(src, 7)]
        res["recv_single"] = enc(comm.recv(src, 8))
    (send(), recv()) if r % 2 == 0 else (recv(), send())
    res["bcast"] = enc(comm.bcast(np.arange(4.0).reshape(2, 2) + 10 if r == 1 else None, root=1))
    g = comm.gather(np.full(r + 1, r, dtype=np.float32), root=n - 1)
    res["gather"] = None if g is None else [enc(a) for a in g]
    res["allgather"] = [enc(a) for a in comm.allgather(np.full((r + 1, 1), r, dtype=np.int16))]
    res["allreduce_i32"] = enc(comm.allreduce(np.full((2, 2), r + 1, dtype=np.int32)))
    res["allreduce_f16"] = enc(comm.allreduce(np.array([0.5, r], dtype=np.float16)))
    # objects
    if r % 2 == 0:
        comm.send_obj({"from": r, "x": [r]}, dst, tag=3); res["recv_obj"] = comm.recv_obj(src, tag=3)
    else:
        res["recv_obj"] = comm.recv_obj(src); comm.send_obj({"from": r, "x": [r]}, dst, tag=3)
    res["bcast_obj"] = comm.bcast_obj({"root": r} if r == 0 else None)
    res["gather_obj"] = comm.gather_obj(("r", r), root=0)
    res["allreduce_obj"] = comm.allreduce_obj(r + 1)
    res["allreduce_obj_list"] = comm.allreduce_obj([r])
    comm.finalize()
dump(out)
'''


def _dec(d):
    return np.array(d["values"], dtype=d["dtype"]).reshape(d["shape"])


def _expected_grads(n, names_shapes):
    per_rank = []
    for r in range(n):
        rng = np.random.default_rng(100 + r)
        per_rank.append({k: rng.standard_normal(s).astype(np.float32) for k, s in names_shapes})
    return per_rank


@pytest.mark.parametrize("n", [2, 3])
def test_communicators_under_mpiexec(mpirun, n):
    res = mpirun(_SCRIPT, n=n, timeout=90)
    assert res.returncode == 0, res.stderr
    outs = res.outputs
    assert all(o is not None for o in outs), res.stderr
    for name, cls in (("naive", "NaiveCommunicator"), ("flat", "FlatCommunicator")):
        per = [o[name] for o in outs]
        # ranks: one host, so intra == global and a single node
        for r, o in enumerate(per):
            assert (o["rank"], o["size"], o["type"]) == (r, n, cls)
            assert o["intra"] == [r, n] and o["inter"] == [0, 1]
            odd = [q for q in range(n) if q % 2 == r % 2]
            assert o["split"] == [sorted(odd, reverse=True).index(r), len(odd), cls, sum(odd)]
        # bcast_data: everyone holds rank 0's values, which differ from rank 1's own
        ref = per[0]["bcast_data"]
        for o in per:
            assert o["bcast_data"] == ref
        names_shapes = [(k, tuple(v["shape"])) for k, v in sorted(ref.items())]
        rank1_own = np.random.default_rng(1).standard_normal(names_shapes[0][1])
        assert not np.allclose(_dec(ref[names_shapes[0][0]]), rank1_own)
        # mean grads
        grads = _expected_grads(n, names_shapes)
        mean = {k: np.mean([g[k] for g in grads], axis=0) for k, _ in names_shapes}
        for o in per:
            for k, _ in names_shapes:
                got = _dec(o["mean_None"][k])
                assert got.dtype == np.float32
                np.testing.assert_allclose(got, mean[k], rtol=1e-6, atol=1e-6)
                got16 = _dec(o["mean_float16"][k])
                assert got16.dtype == np.float32
                np.testing.assert_allclose(got16, mean[k], rtol=1e-2, atol=2e-3)
                if k == "/l1/W":  # float16 rounding shows the wire dtype was really used
                    assert not np.array_equal(got16, got)
                zf = _dec(o["zero_fill"][k])
                if k == "/l2/b":
                    np.testing.assert_allclose(zf, np.sum([g[k] for g in grads[1:]], axis=0) / n, rtol=1e-6, atol=1e-6)
                else:
                    np.testing.assert_allclose(zf, mean[k], rtol=1e-6, atol=1e-6)
                if k == "/l2/W":
                    assert o["alias"][k] is None
                else:
                    np.testing.assert_allclose(_dec(o["alias"][k]), mean[k], rtol=1e-6, atol=1e-6)
            assert o["alias_warned"]
        # array collectives
        for r, o in enumerate(per):
            s = (r - 1) % n
            t = [_dec(a) for a in o["recv_tuple"]]
            assert t[0].dtype == np.float16 and t[0].shape == (2, 3)
            np.testing.assert_array_equal(t[0], np.arange(6, dtype=np.float16).reshape(2, 3) * s)
            assert t[1].dtype == np.bool_
            np.testing.assert_array_equal(t[1], [s % 2 == 0, True])
            single = _dec(o["recv_single"])
            assert single.dtype == np.int64 and single.shape == (1, 2, 2) and (single == s).all()
            b = _dec(o["bcast"])
            assert b.dtype == np.float64
            np.testing.assert_array_equal(b, np.arange(4.0).reshape(2, 2) + 10)
            if r == n - 1:
                gathered = [_dec(a) for a in o["gather"]]
                assert [a.shape for a in gathered] == [(q + 1,) for q in range(n)]
                assert all(a.dtype == np.float32 and (a == q).all() for q, a in enumerate(gathered))
            else:
                assert o["gather"] is None
            ag = [_dec(a) for a in o["allgather"]]
            assert [(a.shape, a.dtype, int(a.sum())) for a in ag] == [((q + 1, 1), np.int16, q * (q + 1)) for q in range(n)]
            ar = _dec(o["allreduce_i32"])
            assert ar.dtype == np.int32
            np.testing.assert_array_equal(ar, np.full((2, 2), n * (n + 1) // 2))
            ar16 = _dec(o["allreduce_f16"])
            assert ar16.dtype == np.float16
            np.testing.assert_array_equal(ar16, [0.5 * n, n * (n - 1) // 2])
            # objects
            assert o["recv_obj"] == {"from": s, "x": [s]}
            assert o["bcast_obj"] == {"root": 0}
            assert o["gather_obj"] == ([["r", q] for q in range(n)] if r == 0 else None)
            assert o["allreduce_obj"] == n * (n + 1) // 2
            assert o["allreduce_obj_list"] == list(range(n))


def test_single_process_matches_chainermn_defaults():
    comm = create_communicator("naive")
    assert (comm.rank, comm.size, comm.intra_rank, comm.intra_size, comm.inter_rank, comm.inter_size) == (0, 1, 0, 1, 0, 1)
    assert comm.get_config("batched_copy") is True
    from mpi4py import MPI

    assert comm.mpi_comm is MPI.COMM_WORLD
    x = np.arange(3, dtype=np.float32)
    np.testing.assert_array_equal(comm.allreduce(x), x)


def test_unknown_communicator_name_lists_choices():
    with pytest.raises(ValueError, match=r"create_communicator: argument 'communicator_name' expected one of "
                                         r"'naive', 'flat', 'pure_nccl', got 'hierarchical'"):
        create_communicator("hierarchical")


def test_bad_keyword_and_dtype_and_timeout():
    with pytest.raises(TypeError, match=r"create_communicator: argument 'bogus' expected one of"):
        create_communicator("naive", bogus=1)
    with pytest.raises(TypeError, match=r"argument 'allreduce_grad_dtype' expected a floating dtype .*got int32"):
        create_communicator("naive", allreduce_grad_dtype=np.int32)
    with pytest.raises(TypeError, match=r"argument 'allreduce_grad_dtype' expected a floating dtype .*got 'nope'"):
        create_communicator("naive", allreduce_grad_dtype="nope")
    with pytest.raises(TypeError, match=r"argument 'timeout' expected a positive number of seconds, got -1"):
        create_communicator("naive", timeout=-1)


def test_bad_collective_arguments():
    comm = create_communicator("flat")
    with pytest.raises(ValueError, match=r"send: argument 'dest' expected a rank in \[0, 1\), got 5"):
        comm.send(np.zeros(2), 5, 0)
    with pytest.raises(TypeError, match=r"allreduce: argument 'x' expected a numpy/cupy array, got list"):
        comm.allreduce([1, 2])
    with pytest.raises(ValueError, match=r"gather: argument 'root' expected a rank in \[0, 1\), got -1"):
        comm.gather(np.zeros(2), root=-1)
    with pytest.raises(ValueError, match=r"set_config: argument 'name' expected 'batched_copy' or 'allreduce_grad_dtype', got 'x'"):
        comm.set_config("x")


def test_pure_nccl_without_cupy_names_the_package(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy -> ImportError, even where CuPy exists
    with pytest.raises(RuntimeError, match=r"'pure_nccl' needs CuPy with NCCL.*pip install kusari-cuda"):
        create_communicator("pure_nccl")
    with pytest.raises(RuntimeError, match=r"pip install kusari-cuda"):
        create_communicator()  # ChainerMN's default is 'pure_nccl'
