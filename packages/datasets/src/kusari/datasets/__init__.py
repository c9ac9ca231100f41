"""Datasets for kusari (distribution kusari-datasets), Chainer's ``chainer.datasets``.

Dataset classes (:class:`TupleDataset`, ...), the standard datasets' loaders
(:func:`get_mnist`, :func:`get_fashion_mnist`, :func:`get_kuzushiji_mnist`,
:func:`get_cifar10`, :func:`get_cifar100`, :func:`get_svhn`,
:func:`get_ptb_words`, and :func:`get_digits`, which needs no download) and
the download cache
(:mod:`kusari.datasets.download`).  The loaders are also registered by name
through the plugin system (``kusari plugins`` lists them).

Example:
    >>> from kusari import datasets
    >>> train, test = datasets.get_digits()
    >>> x, t = train[3]
    >>> x.shape, int(t)
    ((64,), 3)
"""
from kusari.datasets import download  # noqa: F401
from kusari.datasets.__about__ import __version__  # noqa: F401
from kusari.datasets.cifar import get_cifar10, get_cifar100  # noqa: F401
from kusari.datasets.concatenated_dataset import ConcatenatedDataset  # noqa: F401
from kusari.datasets.dict_dataset import DictDataset  # noqa: F401
from kusari.datasets.digits import get_digits  # noqa: F401
from kusari.datasets.download import (  # noqa: F401
    cache_or_load_file,
    cached_download,
    get_dataset_directory,
    get_dataset_root,
    set_dataset_root,
)
from kusari.datasets.image_dataset import ImageDataset, LabeledImageDataset  # noqa: F401
from kusari.datasets.mnist import (  # noqa: F401
    get_fashion_mnist,
    get_fashion_mnist_labels,
    get_kuzushiji_mnist,
    get_kuzushiji_mnist_labels,
    get_mnist,
)
from kusari.datasets.pickle_dataset import (  # noqa: F401
    PickleDataset,
    PickleDatasetWriter,
    open_pickle_dataset,
    open_pickle_dataset_writer,
)
from kusari.datasets.ptb import get_ptb_words, get_ptb_words_vocabulary  # noqa: F401
from kusari.datasets.sub_dataset import (  # noqa: F401
    SubDataset,
    get_cross_validation_datasets,
    get_cross_validation_datasets_random,
    split_dataset,
    split_dataset_n,
    split_dataset_n_random,
    split_dataset_random,
)
from kusari.datasets.svhn import get_svhn  # noqa: F401
from kusari.datasets.text_dataset import TextDataset  # noqa: F401
from kusari.datasets.transform_dataset import TransformDataset  # noqa: F401
from kusari.datasets.tuple_dataset import TupleDataset  # noqa: F401
