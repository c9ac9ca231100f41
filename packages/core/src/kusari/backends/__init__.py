"""``kusari.backends``: Chainer's ``chainer.backends`` import path.

Chainer code writes ``from chainer.backends import cuda``; this makes
``from kusari.backends import cuda`` give the same module as ``kusari.cuda``.

Example:
    >>> from kusari.backends import cuda
    >>> import kusari
    >>> cuda is kusari.cuda
    True
"""
import sys

from kusari import cuda

sys.modules[__name__ + ".cuda"] = cuda

__all__ = ["cuda"]
