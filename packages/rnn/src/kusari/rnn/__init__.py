"""Recurrent networks for kusari (distribution kusari-rnn).

This package will hold lstm, n_step_lstm / n_step_gru / n_step_rnn (and the
bidirectional variants), the LSTM, StatelessLSTM, GRU and NStep* links,
BPTTUpdater and ParallelSequentialIterator.  They reach ``kusari.functions``
and ``kusari.links`` through the plugin registries (``F.n_step_lstm``,
``L.NStepLSTM``), not by adding files to core's folders.  Its own issue
fills it; today it holds the package skeleton and its plugin module.
"""
from kusari.rnn.__about__ import __version__  # noqa: F401
