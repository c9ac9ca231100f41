"""create_multi_node_evaluator: the mean over ranks equals one process evaluating the whole set."""
import numpy as np
import pytest

from kusari import links as L
from kusari.datasets import TupleDataset
from kusari.distributed.evaluator import create_multi_node_evaluator
from kusari.iterators import SerialIterator
from kusari.training.extensions import Evaluator
from kusari.utils.type_check import InvalidType

_COMMON = '''
import numpy as np
from kusari import links as L
from kusari.datasets import TupleDataset


def data():
    rng = np.random.RandomState(1)
    return TupleDataset(rng.randn(12, 3).astype(np.float32), rng.randint(0, 4, 12).astype(np.int32))


def model():
    m = L.Classifier(L.Linear(3, 4))
    r = np.random.RandomState(2)
    for _, p in sorted(m.namedparams()):
        p.array[...] = r.randn(*p.shape)
    return m
'''

_SCRIPT = _COMMON + '''
from kusari.iterators import SerialIterator
from kusari.training.extensions import Evaluator
from kusari.distributed.communicators import create_communicator
from kusari.distributed.datasets import scatter_dataset
from kusari.distributed.evaluator import create_multi_node_evaluator

comm = create_communicator('naive')
share = scatter_dataset(data(), comm)
evaluator = create_multi_node_evaluator(
    Evaluator(SerialIterator(share, 12 // comm.size // 2, repeat=False, shuffle=False), model()), comm)
first = evaluator()
second = evaluator()     # the iterator is reset: same numbers again
local = Evaluator(SerialIterator(share, 12 // comm.size // 2, repeat=False, shuffle=False), model())()
dump({'result': {k: float(v) for k, v in first.items()},
      'again': {k: float(v) for k, v in second.items()},
      'local': {k: float(v) for k, v in local.items()}})
'''

namespace = {}
exec(_COMMON, namespace)


@pytest.mark.parametrize("n", [2, 3])
def test_mean_over_ranks_is_the_whole_set_mean(mpirun, n):
    res = mpirun(_SCRIPT, n=n)
    assert res.returncode == 0, res.stderr
    batch = 12 // n // 2
    whole = Evaluator(SerialIterator(namespace["data"](), batch, repeat=False, shuffle=False),
                      namespace["model"]())()
    assert set(whole) == {"main/loss", "main/accuracy"}
    for out in res.outputs:
        assert out["result"] == out["again"]
        for key, value in whole.items():
            assert out["result"][key] == pytest.approx(float(value), rel=1e-5, abs=1e-6)
    # the ranks really saw different data
    assert len({out["local"]["main/loss"] for out in res.outputs}) == n


def test_errors():
    with pytest.raises(InvalidType, match="create_multi_node_evaluator: argument 'actual_evaluator' expected"):
        create_multi_node_evaluator(3, None)
    ev = Evaluator(SerialIterator(TupleDataset(np.zeros((2, 1), np.float32)), 1, repeat=False), L.Linear(1, 1))
    with pytest.raises(InvalidType, match="argument 'communicator' expected a communicator .*, got NoneType"):
        create_multi_node_evaluator(ev, None)
