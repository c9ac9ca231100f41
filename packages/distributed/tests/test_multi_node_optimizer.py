"""create_multi_node_optimizer: N processes with batch B train like one process with batch N*B."""
import numpy as np
import pytest
from mpi4py import MPI

import kusari
from kusari.distributed.communicators import create_communicator
from kusari.distributed.optimizers import create_multi_node_optimizer
from kusari.utils.type_check import InvalidType

# Every rank trains data-parallel with Trainer + StandardUpdater on its
# scatter_dataset share (no shuffle), then replays the same global batches in
# one process and reports the largest parameter difference.
_TRAIN = '''
import numpy as np, kusari
from kusari import links as L, optimizers
from kusari.iterators import SerialIterator
from kusari.datasets import TupleDataset
from kusari.training import Trainer
from kusari.training.updaters import StandardUpdater
from kusari.distributed.communicators import create_communicator
from kusari.distributed.optimizers import create_multi_node_optimizer
from kusari.distributed.datasets import scatter_dataset

comm = create_communicator('naive')
N, B, K = comm.size, 4, 4          # processes, local batch, iterations
rng = np.random.RandomState(123)
x = rng.randn(N * B * K, 5).astype(np.float32)
t = rng.randint(0, 3, N * B * K).astype(np.int32)


class Net(kusari.Chain):
    def __init__(self, seed):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(5, 6)
            self.l2 = L.Linear(6, 3)
            self.unused = L.Linear(2, 2)   # never called: its grads stay None (zero_fill)
        r = np.random.RandomState(seed)
        for _, p in sorted(self.namedparams()):
            p.array[...] = r.randn(*p.shape).astype(np.float32) * 0.5

    def forward(self, x):
        return self.l2(kusari.functions.tanh(self.l1(x)))


def params(model):
    return {n: p.array.copy() for n, p in sorted(model.namedparams())}


def multi_node(make_opt, seed):
    model = L.Classifier(Net(seed))
    opt = create_multi_node_optimizer(make_opt(), comm).setup(model)
    it = SerialIterator(scatter_dataset(TupleDataset(x, t), comm), B, shuffle=False)
    trainer = Trainer(StandardUpdater(it, opt), (K, 'iteration'), out=OUT_DIR)
    trainer.run()
    return params(model), opt.t


def single(make_opt, skip_first):
    # Global batch k = the k-th local batch of every rank, in rank order.
    share = len(x) // N
    order = [r * share + k * B + i for k in range(K) for r in range(N) for i in range(B)]
    order = order[N * B:] if skip_first else order
    model = L.Classifier(Net(0))
    opt = make_opt().setup(model)
    it = SerialIterator(TupleDataset(x[order], t[order]), N * B, shuffle=False)
    Trainer(StandardUpdater(it, opt), (K - 1 if skip_first else K, 'iteration'), out=OUT_DIR).run()
    return params(model), opt.t


def maxdiff(a, b):
    return max(float(np.abs(a[k] - b[k]).max()) for k in a)


report = {}
for name, make_opt in [('sgd', lambda: optimizers.SGD(lr=0.5)),
                       ('momentum', lambda: optimizers.MomentumSGD(lr=0.2, momentum=0.9))]:
    # Same initial weights everywhere: the first update broadcasts (a no-op) and steps.
    got, steps = multi_node(make_opt, 0)
    ref, ref_steps = single(make_opt, skip_first=False)
    report[name + '_same_init'] = [maxdiff(got, ref), steps, ref_steps,
                                   maxdiff(got, params(L.Classifier(Net(0))))]
    # Different initial weights: rank 0's are broadcast and the first step is skipped (ChainerMN).
    got, steps = multi_node(make_opt, comm.rank)
    ref, ref_steps = single(make_opt, skip_first=True)
    report[name + '_rank_init'] = [maxdiff(got, ref), steps, ref_steps,
                                   maxdiff(got, params(L.Classifier(Net(0))))]

# update() without a loss function: gradients computed by hand.
model = L.Classifier(Net(0))
opt = create_multi_node_optimizer(optimizers.SGD(lr=0.5), comm).setup(model)
share = len(x) // N
for k in range(2):
    lo = comm.rank * share + k * B
    model.cleargrads()
    model(x[lo:lo + B], t[lo:lo + B]).backward()
    opt.update()
ref_model = L.Classifier(Net(0))
ref_opt = optimizers.SGD(lr=0.5).setup(ref_model)
for k in range(2):
    idx = [r * share + k * B + i for r in range(N) for i in range(B)]
    ref_opt.update(ref_model, x[idx], t[idx])
report['manual'] = maxdiff(params(model), params(ref_model))
report['unused_grad'] = model.predictor.unused.W.grad.tolist()
dump(report)
'''


@pytest.mark.parametrize("n", [2, 3])
def test_data_parallel_training_matches_one_process_with_the_global_batch(mpirun, n):
    res = mpirun(_TRAIN, n=n, timeout=90)
    assert res.returncode == 0, res.stderr
    for out in res.outputs:
        for name in ("sgd", "momentum"):
            diff, steps, ref_steps, moved = out[name + "_same_init"]
            assert diff < 2e-5 and steps == ref_steps == 4 and moved > 1e-3
            diff, steps, ref_steps, moved = out[name + "_rank_init"]
            assert diff < 2e-5 and steps == ref_steps == 3 and moved > 1e-3
        assert out["manual"] < 2e-5
        assert out["unused_grad"] == [[0.0, 0.0], [0.0, 0.0]]  # zero-filled, not None


def _self_comm():
    return create_communicator("naive", MPI.COMM_SELF)


def test_attributes_pass_through_to_the_actual_optimizer():
    model = kusari.links.Linear(2, 1)
    actual = kusari.optimizers.MomentumSGD(lr=0.1)
    opt = create_multi_node_optimizer(actual, _self_comm())
    assert opt.setup(model) is opt and actual.target is model
    opt.lr = 0.25
    assert actual.lr == 0.25 and opt.lr == 0.25
    calls = []
    opt.add_hook(lambda o: calls.append(o.t), name="count")
    x = np.ones((3, 2), np.float32)
    opt.update(lambda: kusari.functions.sum(model(x)))
    assert calls == [0] and actual.t == 1 and opt.t == 1
    target = {}
    opt.serialize(kusari.serializers.DictionarySerializer(target))
    assert int(target["t"]) == 1


def test_a_single_process_steps_from_the_first_update():
    model = kusari.links.Linear(2, 1, initialW=np.ones((1, 2), np.float32))
    opt = create_multi_node_optimizer(kusari.optimizers.SGD(lr=0.5), _self_comm()).setup(model)
    opt.update(lambda: kusari.functions.sum(model(np.ones((1, 2), np.float32))))
    np.testing.assert_allclose(model.W.array, [[0.5, 0.5]])


def test_errors():
    comm = _self_comm()
    with pytest.raises(InvalidType, match="create_multi_node_optimizer: argument 'double_buffering' expected False"):
        create_multi_node_optimizer(kusari.optimizers.SGD(), comm, double_buffering=True)
    with pytest.raises(InvalidType, match="argument 'actual_optimizer' expected an optimizer .*, got int"):
        create_multi_node_optimizer(3, comm)
    with pytest.raises(InvalidType, match="argument 'communicator' expected a communicator .*, got NoneType"):
        create_multi_node_optimizer(kusari.optimizers.SGD(), None)
    opt = create_multi_node_optimizer(kusari.optimizers.SGD(), comm)
    with pytest.raises(RuntimeError, match="not set up"):
        opt.update()
