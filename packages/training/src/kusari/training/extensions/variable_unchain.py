"""Chainer's ``chainer.training.extensions.variable_unchain`` module path."""
from kusari.training.extensions.unchain_variables import unchain_variables  # noqa: F401
