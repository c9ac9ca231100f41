"""Training script for the kill-and-resume test (tests/resilience/test_kill_and_resume.py).

    python kill_resume_train.py OUT [BLOCK_AT]

Trains a small MLP classifier with Adam on fixed random data, shuffled by a
private RandomState (saved in the snapshots), with LogReport and a trainer
snapshot every 5 iterations with autoload=True.  Each start appends the
iteration it starts from to OUT/starts.  With BLOCK_AT > 0 the run writes
OUT/blocked when iteration BLOCK_AT is done and waits there to be killed.
At the end it saves the model and the optimizer to OUT/final_*.npz.
"""
import os
import sys
import time

import numpy as np

import kusari
import kusari.functions as F
import kusari.links as L
from kusari.iterators import SerialIterator, ShuffleOrderSampler
from kusari.serializers import save_npz
from kusari.training.extension import make_extension
from kusari.training.extensions._snapshot import snapshot
from kusari.training.extensions.log_report import LogReport
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater


class MLP(kusari.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(4, 6)
            self.l2 = L.Linear(6, 2)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x)))


def main(out, block_at):
    np.random.seed(0)
    x = np.random.RandomState(1).randn(20, 4).astype(np.float32)
    t = (x.sum(axis=1) > 0).astype(np.int32)
    model = L.Classifier(MLP())
    optimizer = kusari.optimizers.Adam(alpha=0.01)
    optimizer.setup(model)
    it = SerialIterator(list(zip(x, t)), 3,
                        order_sampler=ShuffleOrderSampler(np.random.RandomState(2)))
    trainer = Trainer(StandardUpdater(it, optimizer), (4, "epoch"), out=out)
    trainer.extend(LogReport(trigger=(2, "iteration")))
    trainer.extend(snapshot(autoload=True, n_retains=2), trigger=(5, "iteration"))

    @make_extension(priority=-1000)
    def record_start(trainer):
        with open(os.path.join(out, "starts"), "a") as f:
            f.write(f"{trainer.updater.iteration}\n")

    trainer.extend(record_start, trigger=(10 ** 9, "iteration"), call_before_training=True)

    @make_extension(priority=-1000)
    def block(trainer):
        if trainer.updater.iteration == block_at:
            open(os.path.join(out, "blocked"), "w").close()
            while True:  # wait for SIGKILL
                time.sleep(0.05)

    if block_at > 0:
        trainer.extend(block, trigger=(1, "iteration"))
    trainer.run()
    save_npz(os.path.join(out, "final_model.npz"), model)
    save_npz(os.path.join(out, "final_optimizer.npz"), optimizer)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
