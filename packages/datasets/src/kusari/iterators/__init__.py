"""Dataset iterators (Chainer's ``chainer.iterators``), from kusari-datasets.

* :class:`SerialIterator`: reads examples in the calling thread;
* :class:`MultithreadIterator`: reads them with a thread pool, prefetching;
* :class:`OrderSampler`, :class:`ShuffleOrderSampler`: the order of each epoch.

The ``Iterator`` base class and the converters live in kusari-core
(``kusari.dataset``).

Example:
    >>> from kusari import iterators
    >>> it = iterators.SerialIterator(['a', 'b', 'c'], 2, shuffle=False)
    >>> it.next(), it.next(), it.epoch
    (['a', 'b'], ['c', 'a'], 1)
"""
from kusari.datasets.__about__ import __version__  # noqa: F401
from kusari.iterators.multiprocess_iterator import MultiprocessIterator
from kusari.iterators.multithread_iterator import MultithreadIterator
from kusari.iterators.order_samplers import OrderSampler, ShuffleOrderSampler
from kusari.iterators.serial_iterator import SerialIterator

__all__ = ["MultiprocessIterator", "MultithreadIterator", "OrderSampler", "SerialIterator", "ShuffleOrderSampler"]
