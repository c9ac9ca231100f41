"""The training loop for kusari (distribution kusari-training), Chainer's ``chainer.training``.

This package will hold Trainer, Updater and StandardUpdater, the extensions
(Evaluator, LogReport, PrintReport, ProgressBar, snapshot, ...), the
triggers, and the ``kusari train`` command, each registered by name through
the plugin system.  Its own issue fills it; today it holds the package
skeleton and its plugin module.
"""
from kusari.training.__about__ import __version__  # noqa: F401
