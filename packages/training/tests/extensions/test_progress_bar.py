"""ProgressBar: Chainer's text, wall-clock speed and ETA (fake clock), terminal vs plain output."""
import io
from types import SimpleNamespace

import numpy as np
import pytest

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.training.extensions import _progress
from kusari.training.extensions.progress_bar import ProgressBar
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater
from kusari.utils.type_check import InvalidType


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(_progress, '_now', fake)
    return fake


def fake_trainer(length, iteration=0, epoch_detail=0.0):
    updater = SimpleNamespace(iteration=iteration, epoch_detail=epoch_detail,
                              epoch=int(epoch_detail))
    stop = SimpleNamespace(get_training_length=lambda: length)
    return SimpleNamespace(updater=updater, stop_trigger=stop)


def step(trainer, bar, iteration, epoch_detail):
    trainer.updater.iteration = iteration
    trainer.updater.epoch_detail = epoch_detail
    trainer.updater.epoch = int(epoch_detail)
    bar(trainer)


def test_iteration_unit_text_speed_and_eta(clock):
    out = io.StringIO()
    bar = ProgressBar(update_interval=2, bar_length=10, out=out)
    trainer = fake_trainer((10, 'iteration'))
    step(trainer, bar, 1, 0.25)  # not a multiple of update_interval: nothing
    assert out.getvalue() == ''
    step(trainer, bar, 2, 0.5)
    clock.now += 4.0
    step(trainer, bar, 4, 1.0)
    assert out.getvalue().splitlines() == [
        '     total [##........] 20.00%',
        'this epoch [#####.....] 50.00%',
        '         2 iter, 0 epoch / 10 iterations',
        '       inf iters/sec. Estimated time to finish: 0:00:00.',
        '     total [####......] 40.00%',
        'this epoch [..........]  0.00%',
        '         4 iter, 1 epoch / 10 iterations',
        # 2 iterations in 4 s: 0.5 it/s, 6 left: 12 s.
        '       0.5 iters/sec. Estimated time to finish: 0:00:12.',
    ]


def test_epoch_unit_uses_epoch_speed_and_clips_the_total(clock):
    out = io.StringIO()
    bar = ProgressBar((2, 'epoch'), update_interval=1, bar_length=4, out=out)
    trainer = fake_trainer(None)
    step(trainer, bar, 1, 0.5)
    clock.now += 10.0
    step(trainer, bar, 2, 1.0)   # 0.5 epoch in 10 s: 1 epoch left takes 20 s
    clock.now += 10.0
    step(trainer, bar, 5, 2.5)   # past the end: total clipped at 100 %, ETA not negative
    lines = out.getvalue().splitlines()
    assert lines[4:8] == ['     total [##..] 50.00%', 'this epoch [....]  0.00%',
                          '         2 iter, 1 epoch / 2 epochs',
                          '       0.1 iters/sec. Estimated time to finish: 0:00:20.']
    assert lines[8] == '     total [####] 100.00%'
    assert lines[11] == '       0.2 iters/sec. Estimated time to finish: 0:00:00.'


def test_speed_counts_time_spent_in_other_extensions(clock, tmp_path):
    rng = np.random.RandomState(0)
    x = rng.randn(8, 3).astype(np.float32)
    data = list(zip(x, (x.sum(1) > 0).astype(np.int32)))
    opt = kusari.optimizers.SGD()
    opt.setup(L.Classifier(L.Linear(3, 2)))
    trainer = Trainer(StandardUpdater(SerialIterator(data, 4, shuffle=False), opt),
                      (4, 'epoch'), out=str(tmp_path))
    out = io.StringIO()

    def tick(tr):  # each update "takes" 1 s ...
        clock.now += 1.0

    def slow_evaluation(tr):  # ... and an evaluation at each epoch end 8 s more
        clock.now += 8.0

    trainer.extend(tick, name='tick', priority=500)
    trainer.extend(slow_evaluation, name='eval', trigger=(1, 'epoch'), priority=400)
    trainer.extend(ProgressBar(update_interval=2, out=out))
    trainer.run()
    speed_lines = [line for line in out.getvalue().splitlines() if 'iters/sec' in line]
    assert len(speed_lines) == 4
    # Between two updates of the bar: 2 iterations, 2 s of updates + 8 s of evaluation.
    assert speed_lines[1] == '       0.2 iters/sec. Estimated time to finish: 0:00:20.'
    assert speed_lines[3] == '       0.2 iters/sec. Estimated time to finish: 0:00:00.'


def test_terminal_redraws_in_place_plain_stream_does_not(clock):
    tty = FakeTerminal()
    bar = ProgressBar((4, 'iteration'), update_interval=1, bar_length=4, out=tty)
    trainer = fake_trainer(None)
    step(trainer, bar, 1, 0.5)
    bar.finalize()
    text = tty.getvalue()
    assert text.startswith('\033[J     total [#...] 25.00%\n')
    assert text.endswith('\n\033[4A\033[J')
    plain = io.StringIO()
    bar = ProgressBar((4, 'iteration'), update_interval=1, bar_length=4, out=plain)
    step(trainer, bar, 1, 0.5)
    bar.finalize()
    assert '\033' not in plain.getvalue() and '\r' not in plain.getvalue()
    assert len(plain.getvalue().splitlines()) == 4


def test_missing_training_length_message():
    trainer = SimpleNamespace(updater=SimpleNamespace(iteration=100, epoch_detail=1.0, epoch=1),
                              stop_trigger=lambda tr: False)
    with pytest.raises(InvalidType, match=r"ProgressBar: argument 'training_length' expected "
                                          r"\(length, unit\) when the stop trigger has no "
                                          r"get_training_length\(\), got None"):
        ProgressBar(out=io.StringIO())(trainer)


@pytest.mark.parametrize('interval', [0, 1.5, -2])
def test_bad_update_interval_message(interval):
    with pytest.raises(InvalidType, match=rf"ProgressBar: argument 'update_interval' expected a "
                                          rf"positive integer, got {interval}"):
        ProgressBar(update_interval=interval)
