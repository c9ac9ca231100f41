"""Recurrent links of kusari-rnn; they appear under ``kusari.links`` through the plugin registry."""
