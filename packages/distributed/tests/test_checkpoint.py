"""create_multi_node_checkpointer: save, crash, resume from the newest common intact checkpoint, gc, errors."""
import os
from types import SimpleNamespace

import pytest

from kusari.distributed.checkpoint import create_multi_node_checkpointer
from kusari.utils.type_check import InvalidType

_SCRIPT = '''
import os, shutil, warnings
import numpy as np
from kusari import links as L, optimizers
from kusari.iterators import SerialIterator
from kusari.datasets import TupleDataset
from kusari.training import Trainer, extension
from kusari.training.updaters import StandardUpdater
from kusari.distributed.communicators import create_communicator
from kusari.distributed.datasets import scatter_dataset
from kusari.distributed.optimizers import create_multi_node_optimizer
from kusari.distributed.checkpoint import create_multi_node_checkpointer

warnings.simplefilter('ignore', DeprecationWarning)
comm = create_communicator('naive')
rank = comm.rank
rng = np.random.RandomState(0)
x = rng.randn(64, 4).astype(np.float32)
t = rng.randint(0, 3, 64).astype(np.int32)
out = {}


class Crash(extension.Extension):
    trigger = 1, 'iteration'
    priority = extension.PRIORITY_READER - 1   # after the checkpointer of the same iteration

    def __init__(self, at):
        self.at = at

    def __call__(self, trainer):
        if trainer.updater.iteration == self.at:
            raise RuntimeError('simulated crash')


def build(directory, stop, seed, crash_at=None):
    np.random.seed(seed)   # restarts use another seed: their state must come from the files
    model = L.Classifier(L.Linear(4, 3))
    opt = create_multi_node_optimizer(optimizers.MomentumSGD(lr=0.1), comm).setup(model)
    it = SerialIterator(scatter_dataset(TupleDataset(x, t), comm), 4, shuffle=False)
    trainer = Trainer(StandardUpdater(it, opt), (stop, 'iteration'), out=directory)
    cp = create_multi_node_checkpointer('run', comm, cp_interval=5, gc_interval=5)
    trainer.extend(cp, trigger=(2, 'iteration'))
    if crash_at is not None:
        trainer.extend(Crash(crash_at))
    return trainer, model, opt, cp


def full_state(trainer, model, opt):
    from kusari.serializers import DictionarySerializer
    s = DictionarySerializer()
    opt.serialize(s)
    return {'params': {n: p.array.tolist() for n, p in sorted(model.namedparams())},
            'optimizer': {k: np.asarray(v).tolist() for k, v in sorted(s.target.items())},
            'iteration': trainer.updater.iteration, 't': int(opt.t)}


def mine(directory):
    return sorted(f for f in os.listdir(directory) if f.startswith('run.%d.' % rank)) if os.path.isdir(directory) else []


def crash_run(directory, seed):
    # the same seed as the reference run: it is the reference run, up to a crash at iteration 7
    trainer = build(directory, 10, seed, crash_at=7)[0]
    try:
        trainer.run(show_loop_exception_msg=False)
    except RuntimeError as e:
        return str(e)
    return None


# uninterrupted reference run; a clean end deletes the checkpoints (finalize)
ref_dir = os.path.join(OUT_DIR, 'ref')
trainer, model, opt, cp = build(ref_dir, 10, 1)
trainer.run()
out['reference'] = full_state(trainer, model, opt)
out['reference_files_left'] = mine(ref_dir)

# crash at iteration 7, restart a fresh trainer and resume
crash_dir = os.path.join(OUT_DIR, 'crash')
out['crash_error'] = crash_run(crash_dir, 1)
out['files_after_crash'] = mine(crash_dir)
trainer, model, opt, cp = build(crash_dir, 10, 3)
out['resumed_from'] = cp.maybe_load(trainer, opt)
out['iteration_after_load'] = trainer.updater.iteration
trainer.run()
out['resumed'] = full_state(trainer, model, opt)

# rank 1's newest file is corrupted: everyone resumes from iteration 4, and still ends identical
bad_dir = os.path.join(OUT_DIR, 'corrupt')
crash_run(bad_dir, 1)
if rank == 1:
    with open(os.path.join(bad_dir, 'run.1.6'), 'r+b') as f:
        f.truncate(os.path.getsize(f.name) // 2)
trainer, model, opt, cp = build(bad_dir, 10, 5)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter('always')
    out['corrupt_resumed_from'] = cp.maybe_load(trainer, opt)
out['corrupt_warnings'] = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
out['corrupt_iteration_after_load'] = trainer.updater.iteration
trainer.run()
out['corrupt_resumed'] = full_state(trainer, model, opt)

# rank 0 lacks its newest file: the newest iteration both have is 4
missing_dir = os.path.join(OUT_DIR, 'missing')
crash_run(missing_dir, 1)
if rank == 0:
    os.remove(os.path.join(missing_dir, 'run.0.6'))
trainer, model, opt, cp = build(missing_dir, 10, 7)
out['missing_resumed_from'] = cp.maybe_load(trainer, opt)
out['missing_iteration_after_load'] = trainer.updater.iteration

# nothing saved yet (and no directory at all on rank 1): nothing loaded, trainer untouched
empty_dir = os.path.join(OUT_DIR, 'empty%d' % rank)
if rank == 0:
    os.makedirs(empty_dir)
trainer, model, opt, cp = build(empty_dir, 10, 8)
out['empty_resumed_from'] = cp.maybe_load(trainer, opt)
out['empty_iteration'] = trainer.updater.iteration

# garbage collection: keep cp_interval=2, collect once gc_interval=1 more exist
gc_dir = os.path.join(OUT_DIR, 'gc')
gc = create_multi_node_checkpointer('gc', comm, cp_interval=2, gc_interval=1, path=gc_dir)
model = L.Linear(2, 2)
listing = []
for i in range(1, 8):
    gc.save(model, i)
    listing.append(sorted(int(f.rsplit('.', 1)[1]) for f in os.listdir(gc_dir) if f.startswith('gc.%d.' % rank)))
out['gc_listing'] = listing
out['gc_stats'] = gc.get_stats()
dump(out)
'''


def _expected_gc_listing(cp_interval, gc_interval, saves):
    # The documented rule, step by step: append; when more than cp+gc are kept, keep the newest cp.
    kept, listing = [], []
    for i in range(1, saves + 1):
        kept.append(i)
        if len(kept) - cp_interval > gc_interval:
            kept = kept[-cp_interval:]
        listing.append(list(kept))
    return listing


def test_checkpointer_under_mpiexec(mpirun):
    res = mpirun(_SCRIPT, n=2, timeout=90)
    assert res.returncode == 0, res.stderr
    for rank, out in enumerate(res.outputs):
        assert out is not None, res.stderr
        ref = out['reference']
        assert ref['iteration'] == 10 and ref['t'] == 10
        assert out['reference_files_left'] == []
        assert out['crash_error'] == 'simulated crash'
        assert out['files_after_crash'] == [f'run.{rank}.{i}' for i in (2, 4, 6)]
        assert out['resumed_from'] == 6 and out['iteration_after_load'] == 6
        assert out['resumed'] == ref
        assert out['corrupt_resumed_from'] == 4 and out['corrupt_iteration_after_load'] == 4
        assert out['corrupt_resumed'] == ref
        if rank == 1:
            assert len(out['corrupt_warnings']) == 1 and "'run.1.6'" in out['corrupt_warnings'][0]
            assert 'unreadable' in out['corrupt_warnings'][0]
        else:
            assert out['corrupt_warnings'] == []
        assert out['missing_resumed_from'] == 4 and out['missing_iteration_after_load'] == 4
        assert out['empty_resumed_from'] is None and out['empty_iteration'] == 0
        assert out['gc_listing'] == _expected_gc_listing(2, 1, 7)
        assert out['gc_stats'].startswith('Snapshot duration stats (sec): avg=')
    # data parallel: the ranks also agree with each other
    assert res.outputs[0]['reference']['params'] == res.outputs[1]['reference']['params']


_COMM = SimpleNamespace(rank=0, size=1, gather_obj=lambda o, root=0: [o], bcast_obj=lambda o, root=0: o,
                        allreduce_obj=lambda o: o)


@pytest.mark.parametrize("kwargs, match", [
    (dict(name=""), "argument 'name' expected a non-empty str without path separators, got ''"),
    (dict(name="a/b"), "argument 'name' expected a non-empty str without path separators, got 'a/b'"),
    (dict(name=3), "argument 'name' expected a non-empty str without path separators, got 3"),
    (dict(comm=None), "argument 'comm' expected a kusari communicator, got NoneType"),
    (dict(cp_interval=0), "argument 'cp_interval' expected a positive int, got int 0"),
    (dict(cp_interval=True), "argument 'cp_interval' expected a positive int, got bool True"),
    (dict(gc_interval=2.0), "argument 'gc_interval' expected a positive int, got float 2.0"),
    (dict(path=5), "argument 'path' expected a str, an os.PathLike or None, got int"),
])
def test_bad_arguments(kwargs, match):
    args = dict(name="run", comm=_COMM) | kwargs
    with pytest.raises(InvalidType, match="^create_multi_node_checkpointer: " + match.replace("(", r"\(")):
        create_multi_node_checkpointer(**args)


def test_deprecated_and_save_needs_a_directory():
    with pytest.warns(DeprecationWarning, match="use kusari.distributed.multi_node_snapshot"):
        cp = create_multi_node_checkpointer("run", _COMM)
    with pytest.raises(RuntimeError, match="create_multi_node_checkpointer: save\\(\\) needs a directory"):
        cp.save({}, 1)


def test_single_process_roundtrip_and_finalize(tmp_path):
    import numpy as np

    class Holder:
        def __init__(self, value):
            self.w = np.full(3, value, np.float32)

        def serialize(self, s):
            s("w", self.w)

    with pytest.warns(DeprecationWarning):
        cp = create_multi_node_checkpointer("solo", _COMM, path=tmp_path)
    for i in (3, 5):
        cp.save(Holder(float(i)), i)
    (tmp_path / "solo.0.x").write_text("not a checkpoint")  # ignored: not <name>.<rank>.<int>
    restored = Holder(0.0)
    assert cp.maybe_load(restored) == 5
    np.testing.assert_array_equal(restored.w, np.full(3, 5.0, np.float32))
    cp.finalize()
    assert sorted(os.listdir(tmp_path)) == ["solo.0.x"]
