"""Recurrent functions of kusari-rnn; they appear under ``kusari.functions`` through the plugin registry."""
