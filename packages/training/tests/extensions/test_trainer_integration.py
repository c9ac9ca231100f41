"""The schedule/observation extensions on the real Trainer: values per iteration, exact resume, divergence."""
import numpy as np
import pytest

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.serializers import load_npz, save_npz
from kusari.training.extension import PRIORITY_READER, make_extension
from kusari.training.extensions.exponential_shift import ExponentialShift
from kusari.training.extensions.fail_on_nonnumber import FailOnNonNumber
from kusari.training.extensions.linear_shift import LinearShift
from kusari.training.extensions.micro_average import MicroAverage
from kusari.training.extensions.parameter_statistics import ParameterStatistics
from kusari.training.extensions.unchain_variables import unchain_variables
from kusari.training.extensions.value_observation import observe_lr, observe_value
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater

_rng = np.random.RandomState(0)
_X = _rng.randn(8, 3).astype(np.float32)
_T = (_X[:, 0] > 0).astype(np.int32)
_W0 = _rng.randn(2, 3).astype(np.float32)


def _trainer(tmp_path, epochs, log):
    model = L.Classifier(L.Linear(3, 2))
    model.predictor.W.array[...] = _W0
    opt = kusari.optimizers.MomentumSGD(lr=0.1)
    opt.setup(model)
    it = SerialIterator(list(zip(_X, _T)), 3, shuffle=False)
    trainer = Trainer(StandardUpdater(it, opt), (epochs, "epoch"), out=str(tmp_path))
    trainer.extend(ExponentialShift("lr", 0.9))
    trainer.extend(LinearShift("momentum", (0.5, 0.9), (2, 8)))
    trainer.extend(observe_lr(), trigger=(1, "iteration"))
    trainer.extend(observe_value("momentum", lambda tr: tr.updater.get_optimizer("main").momentum),
                   trigger=(1, "iteration"))
    trainer.extend(observe_value("main/n", lambda tr: 1.0), trigger=(1, "iteration"))
    trainer.extend(MicroAverage("main/accuracy", "main/n", "main/epoch_accuracy"))
    trainer.extend(ParameterStatistics(model, {"max": np.max}, report_grads=False))
    trainer.extend(FailOnNonNumber())
    trainer.extend(unchain_variables())

    @make_extension(trigger=(1, "iteration"), priority=PRIORITY_READER)
    def record(tr):
        log.append({k: float(np.asarray(getattr(v, "array", v))) for k, v in tr.observation.items()})

    trainer.extend(record)
    return trainer


def test_values_per_iteration_and_exact_resume(tmp_path):
    full_log = []
    full = _trainer(tmp_path / "full", 4, full_log)
    full.run()
    n = full.updater.iteration
    assert n == 11
    # observe_lr runs (writer priority) before the shift of the same iteration.
    np.testing.assert_allclose([row["lr"] for row in full_log], 0.1 * 0.9 ** np.arange(n))
    np.testing.assert_allclose([row["momentum"] for row in full_log], np.interp(np.arange(n), [2, 8], [0.5, 0.9]))
    epoch_ends = [i for i, row in enumerate(full_log) if "main/epoch_accuracy" in row]
    assert [i + 1 for i in epoch_ends] == [3, 6, 8, 11]  # 8 examples, batches of 3
    start = 0
    for end in epoch_ends:  # micro average over exactly the epoch's iterations
        accs = [row["main/accuracy"] for row in full_log[start:end + 1]]
        assert full_log[end]["main/epoch_accuracy"] == pytest.approx(sum(accs) / len(accs))
        assert "None/predictor/W/data/max" in full_log[end]
        start = end + 1

    first_log = []
    first = _trainer(tmp_path / "first", 2, first_log)
    first.run()
    save_npz(str(tmp_path / "snap.npz"), first)
    resumed_log = []
    resumed = _trainer(tmp_path / "resumed", 4, resumed_log)
    load_npz(str(tmp_path / "snap.npz"), resumed)
    resumed.run()
    assert first_log + resumed_log == full_log
    model, model_full = (t.updater.get_optimizer("main").target.predictor for t in (resumed, full))
    np.testing.assert_array_equal(model.W.array, model_full.W.array)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # the NaN loss on the way
def test_divergence_stops_the_run_naming_the_parameter(tmp_path):
    trainer = _trainer(tmp_path, 4, [])
    trainer.updater.get_optimizer("main").target.predictor.b.array[1] = np.inf
    with pytest.raises(RuntimeError, match=r"FailOnNonNumber: parameter '/predictor/[Wb]' of optimizer 'main' holds NaN or Inf"):
        trainer.run(show_loop_exception_msg=False)
    assert trainer.updater.iteration == 1
