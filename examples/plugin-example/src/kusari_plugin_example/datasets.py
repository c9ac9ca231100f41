"""A dataset loader: a callable that returns a dataset (a sequence of examples)."""
import numpy


def load_xor(repeat: int = 1, dtype=numpy.float32, with_test: bool = False):
    """The XOR problem as ``repeat * 4`` examples ``(x, t)``: ``x`` of shape (2,), ``t`` int32.

    Registered as the dataset loader ``'example_xor'``.  With
    ``with_test=True`` it returns ``(train, test)``, the pair a ``kusari
    train`` config's ``[dataset]`` needs; the test split is the four points
    once.

    Example:
        >>> from kusari_plugin_example import load_xor
        >>> x, t = load_xor()[3]
        >>> x.tolist(), x.dtype, int(t), t.dtype
        ([1.0, 1.0], dtype('float32'), 0, dtype('int32'))
        >>> train, test = load_xor(repeat=8, with_test=True)
        >>> len(train), len(test)
        (32, 4)
    """
    points = numpy.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=dtype)
    labels = numpy.array([0, 1, 1, 0], dtype=numpy.int32)
    train = [(x, t) for x, t in zip(numpy.tile(points, (repeat, 1)), numpy.tile(labels, repeat), strict=True)]
    if with_test:
        return train, list(zip(points, labels, strict=True))
    return train
