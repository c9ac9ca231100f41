"""Chainer's ``chainer.training.trigger`` module path: ``get_trigger``, ``IntervalTrigger``."""
from kusari.training._util import get_trigger  # noqa: F401
from kusari.training.triggers.interval_trigger import IntervalTrigger  # noqa: F401
