"""Order samplers: choose the order of the examples for the next epoch.

An iterator calls its order sampler at construction and each time an epoch
ends, as ``sampler(current_order, current_position)``; the sampler returns
a 1-D integer array of dataset indices of the same length.

Example:
    >>> import numpy as np
    >>> from kusari.iterators import ShuffleOrderSampler
    >>> sampler = ShuffleOrderSampler(np.random.RandomState(0))
    >>> sorted(sampler(np.arange(4), 0).tolist())
    [0, 1, 2, 3]
"""
from __future__ import annotations

import numpy

from kusari.utils import type_check

__all__ = ["OrderSampler", "ShuffleOrderSampler"]


class OrderSampler:
    """Base class of order samplers: implement ``__call__(current_order, current_position)``.

    ``current_order`` is the 1-D index array of the epoch that just ended
    and ``current_position`` the iterator's position in it; return the
    order of the next epoch, an index array of the same length.

    Example:
        >>> import numpy as np
        >>> from kusari.iterators import OrderSampler, SerialIterator
        >>> class Reversed(OrderSampler):
        ...     def __call__(self, current_order, current_position):
        ...         return np.arange(len(current_order))[::-1]
        >>> SerialIterator(['a', 'b', 'c'], 2, order_sampler=Reversed()).next()
        ['c', 'b']
    """

    def __call__(self, current_order, current_position):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(current_order, "
                                  f"current_position)")


class ShuffleOrderSampler(OrderSampler):
    """A new random permutation every epoch.

    Args:
        random_state: a ``numpy.random.RandomState`` or ``numpy.random.Generator``
            (anything with ``permutation(n)``); None uses NumPy's global
            random state, so ``numpy.random.seed`` controls it.

    With its own ``RandomState`` the sampler's state is saved in iterator
    snapshots (under ``order_sampler/``), so a resumed iterator draws the
    same orders in later epochs as the original would have.  Chainer saved
    only the current epoch's order; its snapshots still load (the missing
    keys are skipped) and kusari's load in Chainer (it ignores extra keys).

    Example:
        >>> import numpy as np
        >>> from kusari.iterators import ShuffleOrderSampler
        >>> a = ShuffleOrderSampler(np.random.RandomState(3))(np.arange(5), 0)
        >>> b = ShuffleOrderSampler(np.random.RandomState(3))(np.arange(5), 0)
        >>> bool((a == b).all()), sorted(a.tolist())
        (True, [0, 1, 2, 3, 4])
    """

    def __init__(self, random_state=None):
        if random_state is None:
            # NumPy's global RandomState (what numpy.random.seed seeds).
            random_state = numpy.random.random.__self__
        elif not callable(getattr(random_state, "permutation", None)):
            type_check.fail("ShuffleOrderSampler", "random_state",
                            "a numpy.random.RandomState or Generator (with permutation()) or None",
                            type(random_state).__name__)
        self._random = random_state

    def __call__(self, current_order, current_position):
        return self._random.permutation(len(current_order))

    def serialize(self, serializer) -> None:
        """Save or restore the random state when it is a private ``RandomState``.

        The global state is never written back (loading a snapshot must not
        reseed the user's program), and a ``Generator`` state is a nested
        dict that has no flat array form; both are skipped.

        Example:
            >>> import numpy as np
            >>> from kusari.iterators import ShuffleOrderSampler
            >>> from kusari.serializers import DictionarySerializer, NpzDeserializer
            >>> a = ShuffleOrderSampler(np.random.RandomState(1))
            >>> s = DictionarySerializer(); a.serialize(s)
            >>> expected = a(np.arange(6), 0)
            >>> b = ShuffleOrderSampler(np.random.RandomState(99))
            >>> b.serialize(NpzDeserializer(s.target))
            >>> bool((b(np.arange(6), 0) == expected).all())
            True
        """
        rng = self._random
        if type(rng) is not numpy.random.RandomState or rng is numpy.random.random.__self__:
            return
        name, keys, pos, has_gauss, cached = rng.get_state(legacy=True)
        keys = serializer("keys", keys.copy())
        pos = serializer("pos", int(pos))
        has_gauss = serializer("has_gauss", int(has_gauss))
        cached = serializer("cached_gaussian", float(cached))
        rng.set_state((name, keys, pos, has_gauss, cached))
