"""ObservationAggregator, MultiNodeEarlyStoppingTrigger and multi_node_snapshot under mpiexec."""
import pytest

from kusari.distributed.extensions import ObservationAggregator, _parse_replica_sets, multi_node_snapshot
from kusari.distributed.triggers import MultiNodeEarlyStoppingTrigger
from kusari.training.extensions import snapshot
from kusari.training.triggers import EarlyStoppingTrigger
from kusari.utils.type_check import InvalidType

_SCRIPT = '''
import os
from types import SimpleNamespace
import numpy as np, kusari
from kusari import links as L, optimizers
from kusari.iterators import SerialIterator
from kusari.datasets import TupleDataset
from kusari.training import Trainer
from kusari.training.extensions import snapshot
from kusari.training.updaters import StandardUpdater
from kusari.distributed.communicators import create_communicator
from kusari.distributed.datasets import scatter_dataset
from kusari.distributed.extensions import ObservationAggregator, multi_node_snapshot
from kusari.distributed.optimizers import create_multi_node_optimizer
from kusari.distributed.triggers import MultiNodeEarlyStoppingTrigger

comm = create_communicator('naive')
out = {}


def fake_trainer(i, observation):
    updater = SimpleNamespace(iteration=i, epoch=0, epoch_detail=i / 100, previous_epoch_detail=(i - 1) / 100)
    return SimpleNamespace(updater=updater, observation=observation)


# ObservationAggregator: value 10*rank + i at iteration i (a Variable on odd ranks).
mean_agg = ObservationAggregator(comm, 'loss', 'loss_all', comm_trigger=(2, 'iteration'))
max_agg = ObservationAggregator(comm, 'loss', comm_trigger=(3, 'iteration'),
                                aggregator=lambda lists: max(max(l) for l in lists))
seen = []
for i in range(1, 7):
    value = np.float32(10 * comm.rank + i)
    trainer = fake_trainer(i, {'loss': kusari.Variable(np.asarray(value)) if comm.rank % 2 else value})
    mean_agg(trainer)
    max_agg(trainer)
    seen.append([float(trainer.observation.get('loss_all', -1)), float(getattr(trainer.observation['loss'], 'array', trainer.observation['loss']))])
out['aggregated'] = seen

# Early stopping on the mean over ranks: rank r sees local[r][i]; the mean has its best at i=2.
local = [[5, 3, 4, 6, 1, 1], [1, 2, 1.5, 1, 9, 9], [3, 1, 1.6, 2, 2, 2]]
stop = MultiNodeEarlyStoppingTrigger(comm, check_trigger=(1, 'iteration'), monitor='main/loss', patience=2,
                                     max_trigger=(50, 'iteration'))
fired = None
for i in range(1, 7):
    if stop(fake_trainer(i, {'main/loss': local[comm.rank][i - 1]})) and fired is None:
        fired = i
out['early_stop'] = fired

# multi_node_snapshot: an uninterrupted run vs a run stopped at iteration 3 and resumed (fresh
# models with per-rank weights; autoload must bring rank 0's state to everyone).
rng = np.random.RandomState(0)
x = rng.randn(48, 4).astype(np.float32)
t = rng.randint(0, 2, 48).astype(np.int32)


def run(out_dir, stop_at, seed):
    np.random.seed(seed)
    model = L.Classifier(L.Linear(4, 2))
    opt = create_multi_node_optimizer(optimizers.MomentumSGD(lr=0.1), comm).setup(model)
    it = SerialIterator(scatter_dataset(TupleDataset(x, t), comm), 4, shuffle=False)
    trainer = Trainer(StandardUpdater(it, opt), (stop_at, 'iteration'), out=out_dir)
    trainer.extend(multi_node_snapshot(comm, snapshot(autoload=True), []), trigger=(3, 'iteration'))
    trainer.run()
    return {n: p.array.tolist() for n, p in sorted(model.namedparams())}, int(opt.t), trainer.updater.iteration


full = run(os.path.join(OUT_DIR, 'full'), 6, comm.rank)
run(os.path.join(OUT_DIR, 'resumed'), 3, comm.rank)
resumed = run(os.path.join(OUT_DIR, 'resumed'), 6, 100 + comm.rank)
comm.mpi_comm.Barrier()   # rank 0 may still be writing the last snapshot
out['snapshot'] = {'full': full, 'resumed': resumed,
                   'files': sorted(os.listdir(os.path.join(OUT_DIR, 'resumed'))),
                   'full_files': sorted(os.listdir(os.path.join(OUT_DIR, 'full')))}
dump(out)
'''


def _expected_early_stop(n):
    local = [[5, 3, 4, 6, 1, 1], [1, 2, 1.5, 1, 9, 9], [3, 1, 1.6, 2, 2, 2]][:n]
    trigger = EarlyStoppingTrigger(check_trigger=(1, "iteration"), monitor="m", patience=2,
                                   max_trigger=(50, "iteration"))
    from types import SimpleNamespace

    for i in range(1, 7):
        mean = sum(r[i - 1] for r in local) / n
        upd = SimpleNamespace(iteration=i, epoch=0, epoch_detail=i / 100, previous_epoch_detail=(i - 1) / 100)
        if trigger(SimpleNamespace(updater=upd, observation={"m": mean})):
            return i
    return None


@pytest.mark.parametrize("n", [2, 3])
def test_multi_node_extensions(mpirun, n):
    res = mpirun(_SCRIPT, n=n, timeout=90)
    assert res.returncode == 0, res.stderr
    for rank, out in enumerate(res.outputs):
        # mean over ranks and the iterations since the last communication
        for i, (agg, loss) in enumerate(out["aggregated"], start=1):
            if i % 2 == 0:
                assert agg == pytest.approx(sum(10 * r + j for r in range(n) for j in (i - 1, i)) / (2 * n))
            else:
                assert agg == -1  # not communicated yet
            assert loss == (10 * (n - 1) + i if i % 3 == 0 else 10 * rank + i)  # max overwrites in place
        assert out["early_stop"] == _expected_early_stop(n) is not None
        snap = out["snapshot"]
        assert snap["resumed"] == snap["full"]  # same params, same optimizer.t, same iteration
        # per-rank initial weights: the first update only broadcasts, so 5 steps in 6 iterations
        assert snap["full"][1:] == [5, 6]
        assert snap["files"] == ["snapshot_iter_3.0", "snapshot_iter_6.0"], snap  # rank 0 writes for everyone
    params = [out["snapshot"]["full"][0] for out in res.outputs]
    assert all(p == params[0] for p in params)


def test_replica_sets_and_errors():
    assert _parse_replica_sets([0], 4) == [{0}, {1, 2, 3}]
    assert _parse_replica_sets([[0, 1], [2, 3]], 4) == [{0, 1}, {2, 3}]
    assert _parse_replica_sets([], 3) == [{0, 1, 2}]
    with pytest.raises(InvalidType, match="multi_node_snapshot: argument 'replica_sets' expected disjoint"):
        _parse_replica_sets([[0, 1], [1]], 3)
    with pytest.raises(InvalidType, match="multi_node_snapshot: argument 'snapshot' expected a snapshot"):
        multi_node_snapshot(None, object(), [])
    with pytest.raises(InvalidType, match="ObservationAggregator: argument 'aggregator' expected a callable"):
        ObservationAggregator(None, "main/loss", aggregator=3)
    stop = MultiNodeEarlyStoppingTrigger(None, monitor="validation/main/accuracy", max_trigger=(5, "epoch"))
    assert stop.actual_trigger.monitor == "validation/main/accuracy_aggregated"
    assert stop.aggregator.original_key == "validation/main/accuracy"
    assert stop.get_training_length() == (5, "epoch")
    assert isinstance(snapshot(), object)
