"""kusari-rnn's plugin module (entry point ``rnn`` in the ``kusari`` group).

The rnn issue fills these hooks: n_step_lstm & co. under ``kusari.functions``,
NStepLSTM & co. under ``kusari.links``, and BPTTUpdater under ``'bptt'``.
"""
from __future__ import annotations

from kusari.plugins import hookimpl


@hookimpl
def kusari_register_functions():
    return []  # filled by the rnn issue: lstm, n_step_lstm, n_step_gru, ...


@hookimpl
def kusari_register_links():
    return []  # filled by the rnn issue: LSTM, NStepLSTM, GRU, ...


@hookimpl
def kusari_register_updaters():
    return []  # filled by the rnn issue: BPTTUpdater ('bptt')
