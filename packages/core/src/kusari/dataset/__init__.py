"""The dataset protocol: datasets, iterators and converters (``kusari.dataset``).

What every dataset, iterator and updater agrees on lives here in kusari-core:

* :class:`DatasetMixin`: indexing on top of ``__len__`` and ``get_example``;
* :class:`Iterator`: the base class of minibatch iterators;
* converters, which stack a minibatch into arrays on a device:
  :func:`concat_examples` (the default), :func:`concat_sequences` (keeps
  variable-length sequences as lists), the :func:`converter` decorator, the
  :class:`Converter` base class and :func:`to_device`.

Ready-made datasets (``TupleDataset``...) and iterators (``SerialIterator``...)
come with kusari-datasets as ``kusari.datasets`` and ``kusari.iterators``.

Example:
    >>> import numpy as np
    >>> from kusari import dataset
    >>> class Pairs(dataset.DatasetMixin):
    ...     def __len__(self):
    ...         return 3
    ...     def get_example(self, i):
    ...         return np.full(2, i, np.float32), i
    >>> x, t = dataset.concat_examples(Pairs()[0:2])
    >>> x.shape, t
    ((2, 2), array([0, 1]))
"""
from kusari.dataset import convert, dataset_mixin, iterator  # noqa: F401
from kusari.dataset.convert import (  # noqa: F401
    Converter,
    concat_examples,
    concat_sequences,
    converter,
    to_device,
)
from kusari.dataset.dataset_mixin import DatasetMixin  # noqa: F401
from kusari.dataset.iterator import Iterator  # noqa: F401

__all__ = [
    "Converter", "DatasetMixin", "Iterator", "concat_examples", "concat_sequences",
    "converter", "to_device", "convert", "dataset_mixin", "iterator",
]

# Chainer's chainer.dataset also exposes the download helpers; in kusari they
# belong to kusari-datasets, so they are forwarded when it is installed.
_DOWNLOAD_NAMES = ("get_dataset_root", "set_dataset_root", "get_dataset_directory",
                   "cached_download", "cache_or_load_file")


def __getattr__(name):
    if name not in _DOWNLOAD_NAMES and name != "download":
        raise AttributeError(f"module 'kusari.dataset' has no attribute {name!r}")
    import importlib

    from kusari import plugins

    try:
        download = importlib.import_module("kusari.datasets.download")
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("kusari.datasets"):
            raise
        raise plugins.MissingNameError(
            f"kusari.dataset.{name} is provided by kusari-datasets, which is not installed: "
            f"pip install kusari-datasets") from None
    return download if name == "download" else getattr(download, name)
