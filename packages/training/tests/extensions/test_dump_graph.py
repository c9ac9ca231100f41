"""dump_graph: the DOT file of the first iteration, keep_graph_on_report handling, resume and errors."""
import os
import re

import numpy as np
import pytest

import kusari
import kusari.links as L
from kusari.iterators import SerialIterator
from kusari.serializers import load_npz, save_npz
from kusari.training.extensions.computational_graph import DumpGraph, dump_graph
from kusari.training.trainer import Trainer
from kusari.training.updaters.standard_updater import StandardUpdater
from kusari.utils.type_check import InvalidType


def make_trainer(out, stop, n=8, batch=4):
    rng = np.random.RandomState(0)
    x = rng.randn(n, 3).astype(np.float32)
    t = (x.sum(1) > 0).astype(np.int32)
    model = L.Classifier(L.Linear(3, 2))
    opt = kusari.optimizers.SGD(lr=0.1)
    opt.setup(model)
    return Trainer(StandardUpdater(SerialIterator(list(zip(x, t)), batch, shuffle=False), opt),
                   stop, out=str(out))


def parse_dot(text):
    assert text.startswith('digraph graphname{') and text.rstrip().endswith('}')
    nodes = dict(re.findall(r'(\d+) \[([^\]]*)\];', text))
    edges = re.findall(r'(\d+) -> (\d+);', text)
    # Nothing else but the header, the node and edge statements and the closing brace.
    rest = re.sub(r'(\d+) \[([^\]]*)\];|(\d+) -> (\d+);', '', text)
    assert rest.strip() == 'digraph graphname{rankdir=TB;}'
    return nodes, edges


def test_first_iteration_graph_is_dumped_and_the_flag_restored(tmp_path):
    assert kusari.config.keep_graph_on_report is False
    trainer = make_trainer(tmp_path, (2, 'epoch'))
    seen = []
    trainer.extend(lambda tr: seen.append(tr.observation['main/loss'].creator is not None),
                   name='probe', priority=1000)  # runs before dump_graph each iteration
    trainer.extend(dump_graph('main/loss'))
    trainer.run()
    # The graph is kept for the first iteration only.
    assert seen == [True, False, False, False]
    assert kusari.config.keep_graph_on_report is False
    assert 'keep_graph_on_report' not in vars(kusari.config)  # the thread falls back to the global
    assert os.listdir(tmp_path) == ['cg.dot']
    text = (tmp_path / 'cg.dot').read_text()
    nodes, edges = parse_dot(text)
    labels = [attrs for attrs in nodes.values()]
    functions = [a for a in labels if 'shape="record"' in a]
    assert any('label="linear"' in a for a in functions)
    assert any('SoftmaxCrossEntropy' in a for a in functions)
    assert all('fillcolor="#6495ED"' in a for a in functions)
    variables = [a for a in labels if 'shape="octagon"' in a]
    assert any('(4, 3), float32' in a for a in variables)  # the input batch
    assert len(functions) + len(variables) == len(nodes)
    assert edges and all(head in nodes and tail in nodes for head, tail in edges)


def test_a_set_flag_stays_set_and_styles_and_out_name_alias(tmp_path):
    trainer = make_trainer(tmp_path, (1, 'epoch'))
    trainer.extend(dump_graph('main/loss', out_name='graph.dot',
                              variable_style={'shape': 'ellipse'}, function_style={'color': 'red'}))
    with kusari.using_config('keep_graph_on_report', True):
        trainer.run()
        assert kusari.config.keep_graph_on_report is True
    assert kusari.config.keep_graph_on_report is False
    nodes, _ = parse_dot((tmp_path / 'graph.dot').read_text())
    assert any('color="red"' in a for a in nodes.values())
    assert any('shape="ellipse"' in a for a in nodes.values())
    assert not any('octagon' in a for a in nodes.values())


def test_filename_wins_over_out_name_and_class_alias(tmp_path):
    assert dump_graph is DumpGraph and DumpGraph('x').default_name == 'dump_graph'
    trainer = make_trainer(tmp_path, (1, 'iteration'))
    trainer.extend(dump_graph('main/loss', filename='new.dot', out_name='old.dot'))
    trainer.run()
    assert os.listdir(tmp_path) == ['new.dot']


def test_resume_after_the_dump_does_not_dump_again(tmp_path):
    first = make_trainer(tmp_path / 'first', (1, 'epoch'))
    first.extend(dump_graph('main/loss'))
    first.run()
    save_npz(str(tmp_path / 'snap.npz'), first)
    with np.load(tmp_path / 'snap.npz') as npz:
        assert bool(npz['extensions/dump_graph/_flag_called'])
    resumed = make_trainer(tmp_path / 'resumed', (2, 'epoch'))
    resumed.extend(dump_graph('main/loss'))
    load_npz(str(tmp_path / 'snap.npz'), resumed)
    seen = []
    resumed.extend(lambda tr: seen.append(tr.observation['main/loss'].creator is not None), name='probe')
    resumed.run()
    assert seen == [False, False] and kusari.config.keep_graph_on_report is False
    assert not os.path.exists(tmp_path / 'resumed' / 'cg.dot')


def test_finalize_restores_the_flag_when_nothing_was_dumped():
    ext = dump_graph('main/loss')
    ext.initialize(None)
    assert kusari.config.keep_graph_on_report is True
    ext.finalize()
    assert kusari.config.keep_graph_on_report is False and 'keep_graph_on_report' not in vars(kusari.config)


def test_missing_key_is_a_clear_error_and_the_flag_is_restored(tmp_path):
    trainer = make_trainer(tmp_path, (1, 'epoch'))
    trainer.extend(dump_graph('main/absent'))
    with pytest.raises(KeyError, match=r"dump_graph: root_name 'main/absent' is not in the observation"):
        trainer.run()
    assert kusari.config.keep_graph_on_report is False
    assert os.listdir(tmp_path) == []


def test_non_variable_value_is_a_clear_error(tmp_path):
    trainer = make_trainer(tmp_path, (1, 'epoch'))
    trainer.extend(lambda tr: kusari.report({'num': 1.0}), name='num', priority=1000)
    trainer.extend(dump_graph('num'))
    with pytest.raises(InvalidType, match=r"dump_graph: argument 'root_name' expected the key of an "
                                          r"observed Variable, got 'num' holding float"):
        trainer.run()
    assert kusari.config.keep_graph_on_report is False


def test_a_variable_without_graph_warns(tmp_path):
    trainer = make_trainer(tmp_path, (1, 'iteration'))
    trainer.extend(lambda tr: kusari.report({'leaf': kusari.Variable(np.ones(2, np.float32))}),
                   name='leaf', priority=1000)
    trainer.extend(dump_graph('leaf'))
    with pytest.warns(UserWarning, match="dump_graph: 'leaf' has no graph to draw"):
        trainer.run()
    nodes, edges = parse_dot((tmp_path / 'cg.dot').read_text())
    assert len(nodes) == 1 and edges == []


@pytest.mark.parametrize('kwargs, match', [
    (dict(root_name=3), r"dump_graph: argument 'root_name' expected an observation key \(str\), got 3"),
    (dict(root_name='a', filename=''), r"dump_graph: argument 'filename' expected a non-empty file name"),
    (dict(root_name='a', variable_style='red'),
     r"dump_graph: argument 'variable_style' expected a dict of DOT attributes or None, got str"),
    (dict(root_name='a', function_style=1),
     r"dump_graph: argument 'function_style' expected a dict of DOT attributes or None, got int"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(InvalidType, match=match):
        dump_graph(**kwargs)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match=r"dump_graph: unexpected keyword argument\(s\) \['outname'\]"):
        dump_graph('a', outname='x')
