"""Updaters (Chainer's ``chainer.training.updaters``)."""
from kusari.training.updaters.standard_updater import StandardUpdater  # noqa: F401
