"""The training loop for kusari (distribution kusari-training), Chainer's ``chainer.training``.

Trainer runs an Updater until its stop trigger; the Updater takes a batch
from an Iterator, converts it to the device and updates through the
Optimizer; Extensions (``kusari.training.extensions``) run on triggers
(``kusari.training.triggers``) by priority.  Updaters, extensions and
triggers are also registered by name through the plugin system, for configs.

Example:
    >>> import numpy as np
    >>> import kusari, kusari.links as L
    >>> from kusari import training
    >>> from kusari.datasets import TupleDataset
    >>> from kusari.iterators import SerialIterator
    >>> x = np.random.rand(8, 3).astype(np.float32); t = (x.sum(1) > 1.5).astype(np.int32)
    >>> model = L.Classifier(L.Linear(3, 2))
    >>> opt = kusari.optimizers.SGD(); _ = opt.setup(model)
    >>> it = SerialIterator(TupleDataset(x, t), 4)
    >>> trainer = training.Trainer(training.StandardUpdater(it, opt), (2, 'epoch'))
    >>> trainer.run(); trainer.updater.iteration
    4
"""
from kusari.training import extensions, triggers, updater, updaters  # noqa: F401
from kusari.training.__about__ import __version__  # noqa: F401
from kusari.training._util import get_trigger  # noqa: F401
from kusari.training.extension import (  # noqa: F401
    PRIORITY_EDITOR,
    PRIORITY_READER,
    PRIORITY_WRITER,
    Extension,
    make_extension,
)
from kusari.training.trainer import Trainer  # noqa: F401
from kusari.training.triggers.interval_trigger import IntervalTrigger  # noqa: F401
from kusari.training.updater import Updater  # noqa: F401
from kusari.training.updaters.standard_updater import StandardUpdater  # noqa: F401
