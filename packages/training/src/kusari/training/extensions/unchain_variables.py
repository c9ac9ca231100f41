"""unchain_variables: drop the graphs behind reported Variables once the extensions have run."""
from __future__ import annotations

from kusari import _config
from kusari.training.extension import Extension
from kusari.variable import Variable


class unchain_variables(Extension):  # noqa: N801 (Chainer's name)
    """Trainer extension that unchains the graph of every Variable in the observation.

    With ``kusari.config.keep_graph_on_report = True`` the reporter keeps
    reported Variables with their computational graph (e.g. for dump_graph),
    which holds every intermediate array of the iteration.  This extension
    runs last (priority 0) and calls ``unchain_backward()`` on each Variable
    of ``trainer.observation``, freeing that memory.  It fires after an
    iteration that ran with the flag on: the trigger returns the flag as it
    was when the previous check (or ``initialize``) happened.

    Example:
        >>> from types import SimpleNamespace
        >>> import numpy as np
        >>> import kusari
        >>> from kusari.training.extensions.unchain_variables import unchain_variables
        >>> x = kusari.Variable(np.ones(2, np.float32))
        >>> loss = kusari.functions.sum(x * 2)
        >>> trainer = SimpleNamespace(observation={'main/loss': loss})
        >>> ext = unchain_variables()
        >>> ext(trainer); loss.creator is None
        True
    """

    priority = 0

    def __init__(self):
        self._prev_flag = None

    def initialize(self, trainer):
        self._prev_flag = _config.config.keep_graph_on_report

    def trigger(self, trainer):
        fire = self._prev_flag
        self._prev_flag = _config.config.keep_graph_on_report
        return fire

    def __call__(self, trainer):
        for value in trainer.observation.values():
            if isinstance(value, Variable):
                value.unchain_backward()
