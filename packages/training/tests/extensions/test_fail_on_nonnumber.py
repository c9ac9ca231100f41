"""FailOnNonNumber: silent on finite parameters, names the diverged parameter otherwise."""
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
from kusari.training.extensions.fail_on_nonnumber import FailOnNonNumber


class _MLP(kusari.Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l1 = kusari.links.Linear(3, 4)
            self.l2 = kusari.links.Linear(4, 2)


def _trainer(**models):
    optimizers = {}
    for name, model in models.items():
        optimizers[name] = kusari.optimizers.SGD()
        optimizers[name].setup(model)
    return SimpleNamespace(updater=SimpleNamespace(get_all_optimizers=lambda: optimizers))


def test_finite_parameters_pass():
    FailOnNonNumber()(_trainer(main=_MLP(), dis=_MLP()))


@given(bad=st.sampled_from([np.nan, np.inf, -np.inf]), where=st.sampled_from(["l1/W", "l2/b"]),
       index=st.integers(0, 1))
def test_non_finite_parameter_is_named(bad, where, index):
    model = _MLP()
    link, param = where.split("/")
    getattr(getattr(model, link), param).array.ravel()[index] = bad
    trainer = _trainer(main=_MLP(), gen=model)
    with pytest.raises(RuntimeError, match=rf"FailOnNonNumber: parameter '/{where}' of optimizer 'gen' holds "
                                           r"NaN or Inf \(1 of \d+ elements\); the training diverged"):
        FailOnNonNumber()(trainer)


def test_uninitialized_parameters_are_skipped():
    FailOnNonNumber()(_trainer(main=kusari.links.Linear(None, 2)))
