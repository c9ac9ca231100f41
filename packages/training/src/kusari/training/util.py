"""Chainer's ``chainer.training.util`` module path: ``get_trigger``."""
from kusari.training._util import _never_fire_trigger, get_trigger  # noqa: F401
