"""observe_value / observe_lr: defaults, what they write, errors."""
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.training.extension import PRIORITY_WRITER
from kusari.training.extensions.value_observation import observe_lr, observe_value


def test_observe_value_writes_the_function_result():
    ext = observe_value("it2", lambda trainer: trainer.updater.iteration * 2)
    assert (ext.trigger, ext.priority) == ((1, "epoch"), PRIORITY_WRITER)
    trainer = SimpleNamespace(updater=SimpleNamespace(iteration=5), observation={"x": 1})
    ext(trainer)
    assert trainer.observation == {"x": 1, "it2": 10}


@given(lr=st.floats(1e-6, 10.0), name=st.sampled_from(["main", "dis"]), key=st.text(min_size=1, max_size=5))
def test_observe_lr_reads_the_named_optimizer(lr, name, key):
    optimizers = {"main": kusari.optimizers.SGD(lr=0.5), "dis": kusari.optimizers.MomentumSGD(lr=0.25)}
    optimizers[name].lr = lr
    trainer = SimpleNamespace(updater=SimpleNamespace(get_optimizer=optimizers.__getitem__), observation={})
    observe_lr(name, key)(trainer)
    assert trainer.observation == {key: lr}


def test_observe_lr_defaults():
    opt = kusari.optimizers.MomentumSGD(lr=0.03)
    trainer = SimpleNamespace(updater=SimpleNamespace(get_optimizer={"main": opt}.__getitem__), observation={})
    observe_lr()(trainer)
    assert trainer.observation == {"lr": 0.03}


def test_errors():
    with pytest.raises(TypeError, match=r"observe_value: argument 'observation_key' expected a str, got 1"):
        observe_value(1, lambda t: 0)
    with pytest.raises(TypeError, match=r"observe_value: argument 'target_func' expected a callable taking the trainer, got 3"):
        observe_value("k", 3)
