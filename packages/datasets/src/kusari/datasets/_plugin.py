"""kusari-datasets' plugin module (entry point ``datasets`` in the ``kusari`` group).

It registers the dataset loaders by name, so ``plugins.get_registry(
'dataset_loaders').get('mnist')`` is :func:`kusari.datasets.get_mnist`.
Loaders download lazily, on their first call, never at registration.

Example:
    >>> from kusari.datasets import _plugin
    >>> sorted(_plugin.kusari_register_dataset_loaders())
    ['cifar10', 'cifar100', 'digits', 'fashion_mnist', 'kuzushiji_mnist', 'mnist', 'ptb', 'svhn']
"""
from __future__ import annotations

from kusari.plugins import hookimpl


@hookimpl
def kusari_register_dataset_loaders():
    from kusari.datasets.cifar import get_cifar10, get_cifar100
    from kusari.datasets.digits import get_digits
    from kusari.datasets.mnist import get_fashion_mnist, get_kuzushiji_mnist, get_mnist
    from kusari.datasets.ptb import get_ptb_words
    from kusari.datasets.svhn import get_svhn

    return {
        "mnist": get_mnist,
        "fashion_mnist": get_fashion_mnist,
        "kuzushiji_mnist": get_kuzushiji_mnist,
        "digits": get_digits,
        "cifar10": get_cifar10,
        "cifar100": get_cifar100,
        "svhn": get_svhn,
        "ptb": get_ptb_words,
    }
