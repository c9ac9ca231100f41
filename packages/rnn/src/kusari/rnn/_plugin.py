"""kusari-rnn's plugin module (entry point ``rnn`` in the ``kusari`` group).

Puts the recurrent functions under ``kusari.functions`` (``F.lstm``,
``F.n_step_lstm``, ...) and the links under ``kusari.links`` (``L.LSTM``,
``L.NStepLSTM``, ...) through the registries, and registers BPTTUpdater as
the ``'bptt'`` updater when kusari-training is installed.  Modules are
imported inside the hooks so loading plugins stays cheap.
"""
from __future__ import annotations

import importlib
import importlib.util

from kusari.plugins import hookimpl

_FUNCTIONS = {
    "kusari.rnn.functions.lstm": ["lstm"],
    "kusari.rnn.functions.slstm": ["slstm"],
    "kusari.rnn.functions.n_step_lstm": ["n_step_lstm", "n_step_bilstm"],
    "kusari.rnn.functions.n_step_gru": ["n_step_gru", "n_step_bigru"],
    "kusari.rnn.functions.n_step_rnn": ["n_step_rnn", "n_step_birnn"],
}
_LINKS = {
    "kusari.rnn.links.lstm": ["LSTM", "StatelessLSTM"],
    "kusari.rnn.links.gru": ["GRU", "StatefulGRU", "StatelessGRU"],
    "kusari.rnn.links.peephole": ["StatefulPeepholeLSTM"],
    "kusari.rnn.links.n_step_lstm": ["NStepLSTM", "NStepBiLSTM"],
    "kusari.rnn.links.n_step_gru": ["NStepGRU", "NStepBiGRU"],
    "kusari.rnn.links.n_step_rnn": ["NStepRNNTanh", "NStepRNNReLU", "NStepBiRNNTanh", "NStepBiRNNReLU"],
}


def _collect(table):
    found = {}
    for module_name, names in table.items():
        module = importlib.import_module(module_name)
        found.update((name, getattr(module, name)) for name in names)
    return found


@hookimpl
def kusari_register_functions():
    return _collect(_FUNCTIONS)


@hookimpl
def kusari_register_links():
    return _collect(_LINKS)


@hookimpl
def kusari_register_updaters():
    if importlib.util.find_spec("kusari.training") is None:
        return {}  # kusari-rnn alone; kusari-rnn[training] adds BPTTUpdater
    from kusari.rnn.training import BPTTUpdater

    return {"bptt": BPTTUpdater}
