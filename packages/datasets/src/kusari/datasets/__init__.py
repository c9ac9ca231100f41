"""Datasets for kusari (distribution kusari-datasets), Chainer's ``chainer.datasets``.

This package will hold the dataset classes (TupleDataset, DictDataset,
SubDataset, TransformDataset, ...), the splitting helpers
(split_dataset, split_dataset_random, get_cross_validation_datasets), the
loaders for the standard datasets (MNIST family, CIFAR, SVHN, PTB, ...)
with their download cache, registered by name through the plugin system.
Its own issue fills it; today it holds the package skeleton and its plugin
module, so ``from kusari import datasets`` already resolves.
"""
from kusari.datasets.__about__ import __version__  # noqa: F401
