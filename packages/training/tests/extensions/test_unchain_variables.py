"""unchain_variables: fires after iterations run with keep_graph_on_report, cuts the graphs."""
from types import SimpleNamespace

import numpy as np

import kusari
from kusari.training.extensions.unchain_variables import unchain_variables


def _loss():
    x = kusari.Variable(np.arange(3, dtype=np.float32))
    return x, kusari.functions.sum(x * x)


def test_trigger_follows_the_previous_flag():
    ext = unchain_variables()
    assert ext.priority == 0
    with kusari.using_config("keep_graph_on_report", False):
        ext.initialize(None)
        assert not ext.trigger(None)
    with kusari.using_config("keep_graph_on_report", True):
        assert not ext.trigger(None)  # the flag was off at the previous check
        assert ext.trigger(None)
    assert ext.trigger(None)  # it was on until now
    assert not ext.trigger(None)


def test_call_unchains_observed_variables_only():
    x, loss = _loss()
    y, kept = _loss()
    trainer = SimpleNamespace(observation={"main/loss": loss, "main/acc": 0.5})
    unchain_variables()(trainer)
    # The graph behind the reported loss is gone: backward reaches no input.
    loss.grad = np.ones((), np.float32)
    loss.backward()
    assert x.grad is None
    kept.backward()  # an unreported variable keeps its graph
    np.testing.assert_allclose(y.grad, 2 * y.array)
