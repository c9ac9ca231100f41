"""scatter_dataset / scatter_index: each rank's share of root's dataset."""
import numpy as np
import pytest
from mpi4py import MPI

from kusari.distributed.communicators import create_communicator
from kusari.distributed.datasets import _split_bounds, scatter_dataset, scatter_index
from kusari.utils.type_check import InvalidType

_SCRIPT = '''
import numpy as np
from mpi4py import MPI
from kusari.distributed.communicators import create_communicator
from kusari.distributed.datasets import scatter_dataset

comm = create_communicator('naive')
data = list(range(10)) if comm.rank == 1 else None   # only root's dataset matters
out = {}
for name, kw in [('equal', {}), ('partition', {'force_equal_length': False}),
                 ('shuffled', {'shuffle': True, 'seed': 7})]:
    sub = scatter_dataset(data, comm, root=1, **kw)
    out[name] = [int(v) for v in sub]
raw = scatter_dataset(list('abcdefg'), MPI.COMM_WORLD)   # a plain mpi4py communicator
out['mpi4py'] = list(raw)
dump(out)
'''


@pytest.mark.parametrize("n", [2, 3])
def test_every_rank_gets_its_share(mpirun, n):
    res = mpirun(_SCRIPT, n=n)
    assert res.returncode == 0, res.stderr
    outs = res.outputs
    length = -(-10 // n)
    for r, out in enumerate(outs):
        b = 10 * r // n
        assert out["equal"] == list(range(b, b + length))
    partition = [v for out in outs for v in out["partition"]]
    assert partition == list(range(10))
    assert max(len(o["partition"]) for o in outs) - min(len(o["partition"]) for o in outs) <= 1
    perm = np.random.RandomState(7).permutation(10)
    for r, out in enumerate(outs):
        b = 10 * r // n
        assert out["shuffled"] == perm[b:b + length].tolist()
    joined = [c for o in outs for c in o["mpi4py"]]
    assert sorted(set(joined)) == list("abcdefg") and all(len(o["mpi4py"]) == -(-7 // n) for o in outs)


def test_split_bounds_cover_everything():
    for n_total in range(0, 12):
        for size in (1, 2, 3, 5):
            equal = _split_bounds(n_total, size, True)
            assert len({e - b for b, e in equal}) == 1 and equal[-1][1] == n_total
            assert set().union(*(range(b, e) for b, e in equal)) == set(range(n_total))
            part = _split_bounds(n_total, size, False)
            assert [i for b, e in part for i in range(b, e)] == list(range(n_total))


def test_one_process_and_errors():
    comm = create_communicator("naive", MPI.COMM_SELF)
    assert list(scatter_dataset(np.arange(4), comm, shuffle=True, seed=0)) == \
        np.random.RandomState(0).permutation(4).tolist()
    assert scatter_index(5, comm) == (0, 5)
    with pytest.raises(InvalidType, match="scatter_dataset: argument 'root' expected a rank in \\[0, 0\\], got 1"):
        scatter_dataset([1], comm, root=1)
    with pytest.raises(InvalidType, match="scatter_dataset: argument 'dataset' expected a dataset .*, got int"):
        scatter_dataset(3, comm)
    with pytest.raises(InvalidType, match="scatter_dataset: argument 'comm' expected a kusari communicator"):
        scatter_dataset([1], object())
