"""Iterators for kusari (distribution kusari-datasets), Chainer's ``chainer.iterators``.

This package will hold SerialIterator, MultithreadIterator,
MultiprocessIterator and the order samplers.  The Iterator protocol itself
lives in kusari-core (``kusari.dataset.Iterator``).  Its own issue fills it.
"""
from kusari.datasets.__about__ import __version__  # noqa: F401
