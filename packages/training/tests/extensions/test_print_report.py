"""PrintReport: Chainer's table layout, new rows only, terminal vs plain streams."""
import io
from types import SimpleNamespace

import numpy as np
import pytest

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.serializers import DictionarySerializer
from kusari.training.extensions.log_report import LogReport
from kusari.training.extensions.print_report import PrintReport
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater
from kusari.utils.type_check import InvalidType


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def fake_trainer(log):
    report = SimpleNamespace(log=log)
    return SimpleNamespace(get_extension=lambda name: {'LogReport': report}[name])


def test_layout_widths_blank_columns_and_new_rows_only():
    log = [{'epoch': 1, 'main/loss': 0.5, 'validation/main/accuracy': 0.875}]
    out = io.StringIO()
    report = PrintReport(['epoch', 'main/loss', 'validation/main/accuracy', 'lr'], out=out)
    trainer = fake_trainer(log)
    report(trainer)
    # Columns are max(len(name), 10) wide, two spaces apart; rows use '{:<w g}  '.
    header = 'epoch     ' + '  ' + 'main/loss ' + '  ' + 'validation/main/accuracy' + '  ' + 'lr        '
    row1 = ('1         ' + '  ' + '0.5       ' + '  ' + '0.875                   ' + '  '
            + ' ' * 12)
    assert out.getvalue() == header + '\n' + row1 + '\n'
    report(trainer)  # nothing new: nothing printed
    assert out.getvalue() == header + '\n' + row1 + '\n'
    log.append({'epoch': 2, 'main/loss': 1.25e-7, 'lr': 0.01})
    log.append({'epoch': 3, 'main/loss': 123456789.0, 'lr': 0.001})
    report(trainer)
    row2 = ('2         ' + '  ' + '1.25e-07  ' + '  ' + ' ' * 26 + '0.01      ' + '  ')
    row3 = ('3         ' + '  ' + '1.23457e+08' + ' ' + ' ' + ' ' * 26 + '0.001     ' + '  ')
    assert out.getvalue().splitlines()[2:] == [row2, row3]


def test_terminal_rows_erase_below_and_plain_streams_get_no_escape_codes():
    log = [{'epoch': 1}, {'epoch': 2}]
    tty = FakeTerminal()
    PrintReport(['epoch'], out=tty)(fake_trainer(log))
    assert tty.getvalue() == 'epoch     \n\033[J1           \n\033[J2           \n'
    plain = io.StringIO()
    PrintReport(['epoch'], out=plain)(fake_trainer(log))
    assert '\033' not in plain.getvalue()
    assert plain.getvalue() == 'epoch     \n1           \n2           \n'


def make_trainer(out):
    rng = np.random.RandomState(0)
    x = rng.randn(8, 3).astype(np.float32)
    t = (x.sum(1) > 0).astype(np.int32)
    model = L.Classifier(L.Linear(3, 2))
    opt = kusari.optimizers.SGD(lr=0.1)
    opt.setup(model)
    it = SerialIterator(list(zip(x, t)), 4, shuffle=False)
    return Trainer(StandardUpdater(it, opt), (3, 'epoch'), out=str(out))


def expected_table(entries, log):
    widths = [max(10, len(e)) for e in entries]
    lines = ['  '.join(e.ljust(w) for e, w in zip(entries, widths))]
    for entry in log:
        lines.append(''.join((format(entry[e], 'g').ljust(w) if e in entry else ' ' * w) + '  '
                             for e, w in zip(entries, widths)))
    return lines


def test_on_a_trainer_each_epoch_row_is_printed_once(tmp_path):
    trainer = make_trainer(tmp_path)
    log_report = LogReport()
    trainer.extend(log_report)
    out = io.StringIO()
    entries = ['epoch', 'iteration', 'main/loss', 'main/accuracy', 'elapsed_time']
    trainer.extend(PrintReport(entries, out=out))
    trainer.run()
    assert len(log_report.log) == 3
    assert out.getvalue().splitlines() == expected_table(entries, log_report.log)


def test_owned_log_report_is_updated_and_serialized(tmp_path):
    trainer = make_trainer(tmp_path)
    owned = LogReport(log_name=None)
    out = io.StringIO()
    printer = PrintReport(['epoch', 'main/loss'], log_report=owned, out=out)
    trainer.extend(printer)
    trainer.run()
    assert [e['epoch'] for e in owned.log] == [1, 2, 3]
    assert out.getvalue().splitlines() == expected_table(['epoch', 'main/loss'], owned.log)
    s = DictionarySerializer()
    printer.serialize(s)
    assert '_log_report/_log' in s.target


def test_bad_log_report_message():
    with pytest.raises(InvalidType, match=r"PrintReport: argument 'log_report' expected an "
                                          r"extension name or a LogReport, got int"):
        PrintReport(['epoch'], log_report=3)
