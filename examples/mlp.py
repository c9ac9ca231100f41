"""The model of ``examples/train_mlp_digits.toml``: a Classifier around a small MLP.

``kusari train`` imports this file by path (``model.path = "mlp.py:make_model"``,
relative to the config file) and calls :func:`make_model` with the config's
``model.args``.

Example:
    >>> import numpy as np
    >>> model = make_model(n_units=16, n_out=10)
    >>> x = np.zeros((2, 64), np.float32); t = np.array([0, 1], np.int32)
    >>> model(x, t).shape, type(model.predictor).__name__
    ((), 'MLP')
"""
from __future__ import annotations

import kusari
import kusari.functions as F
import kusari.links as L


class MLP(kusari.Chain):
    """Two hidden ReLU layers and a linear output layer (input size inferred on first call).

    Example:
        >>> import numpy as np
        >>> MLP(8, 3)(np.zeros((5, 4), np.float32)).shape
        (5, 3)
    """

    def __init__(self, n_units: int, n_out: int):
        super().__init__()
        with self.init_scope():
            self.l1 = L.Linear(None, n_units)
            self.l2 = L.Linear(n_units, n_units)
            self.l3 = L.Linear(n_units, n_out)

    def forward(self, x):
        h = F.relu(self.l1(x))
        h = F.relu(self.l2(h))
        return self.l3(h)


def make_model(n_units: int = 64, n_out: int = 10) -> L.Classifier:
    """An ``L.Classifier`` (softmax cross entropy, reports loss and accuracy) around :class:`MLP`.

    Example:
        >>> make_model(4, 2).predictor.l3.W.shape
        (2, 4)
    """
    return L.Classifier(MLP(n_units, n_out))
