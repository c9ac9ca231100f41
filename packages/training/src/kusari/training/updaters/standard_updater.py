"""StandardUpdater: one minibatch, one optimizer step per iteration."""
from __future__ import annotations

from kusari import backend
from kusari.dataset import convert
from kusari.dataset import iterator as iterator_module
from kusari.training import updater as updater_module

__all__ = ["StandardUpdater"]


def _as_device(spec):
    if spec is None or isinstance(spec, backend.Device):
        return spec
    return backend.get_device(spec)


def _lookup(table, name, what, owner):
    # A KeyError that says which names exist, for dict-configured updaters.
    try:
        return table[name]
    except KeyError:
        raise KeyError(f"{owner}: no {what} named {name!r}; known: {sorted(table)}") from None


class StandardUpdater(updater_module.Updater):
    """The usual updater: take the next batch of ``'main'``, convert it, update ``'main'``.

    Each ``update()`` takes a batch from the main iterator, converts it with
    ``converter`` onto ``input_device`` and calls
    ``optimizer.update(loss_func, *in_arrays)`` (``**in_arrays`` for a dict,
    one argument otherwise); ``loss_func`` defaults to the optimizer's
    target.

    Args:
        iterator: an Iterator, or a dict of them (one must be ``'main'``).
        optimizer: an Optimizer, or a dict of them (``'main'`` is updated).
        converter: ``converter(batch, device)``; ``concat_examples`` by default.
        device: where the models are sent (a device specifier), or None.
        loss_func: the loss callable; the main optimizer's target when None.
        loss_scale: passed to ``optimizer.set_loss_scale`` when not None.
        auto_new_epoch: call ``optimizer.new_epoch(auto=True)`` at epoch ends.
        input_device: where batches are sent; ``device`` when None.

    Subclasses written for Chainer v6 often skip this ``__init__`` and set
    ``_iterators``, ``_optimizers``, ``converter``, ``device`` and
    ``iteration`` themselves; every method works for them (``device`` is
    assignable, unlike in Chainer v7).

    Example:
        >>> import numpy as np, kusari, kusari.links as L
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.training.updaters.standard_updater import StandardUpdater
        >>> data = [(np.ones(2, np.float32), np.int32(1))] * 4
        >>> opt = kusari.optimizers.SGD(lr=0.1)
        >>> _ = opt.setup(L.Classifier(L.Linear(2, 2)))
        >>> up = StandardUpdater(SerialIterator(data, 2), opt)
        >>> up.update(); up.update()
        >>> up.iteration, up.epoch, up.epoch_detail, up.is_new_epoch
        (2, 1, 1.0, True)
    """

    # Defaults for subclasses whose __init__ never calls this one.
    iteration = 0
    converter = staticmethod(convert.concat_examples)
    loss_func = None
    loss_scale = None
    auto_new_epoch = False
    _iterators: dict = {}
    _optimizers: dict = {}
    _device = None
    _input_device = None

    def __init__(self, iterator, optimizer, converter=convert.concat_examples, device=None,
                 loss_func=None, loss_scale=None, auto_new_epoch=True, *, input_device=None):
        name = "StandardUpdater"
        if isinstance(iterator, iterator_module.Iterator):
            iterator = {"main": iterator}
        if not isinstance(iterator, dict) or "main" not in iterator:
            from kusari.utils.type_check import fail
            fail(name, "iterator", "an Iterator or a dict of Iterators with a 'main' key",
                 repr(iterator) if not isinstance(iterator, dict) else f"keys {sorted(iterator)}")
        if not isinstance(optimizer, dict):
            optimizer = {"main": optimizer}
        self._iterators = iterator
        self._optimizers = optimizer
        self._device = _as_device(device)
        self._input_device = _as_device(input_device)
        if self._device is not None:
            for opt in self._optimizers.values():
                opt.target.to_device(self._device)
        self.converter = converter
        self.loss_func = loss_func
        self.iteration = 0
        self.loss_scale = loss_scale
        if loss_scale is not None:
            for opt in self._optimizers.values():
                opt.set_loss_scale(loss_scale)
        self.auto_new_epoch = auto_new_epoch
        if auto_new_epoch:
            for opt in self._optimizers.values():
                opt.use_auto_new_epoch = True

    # -- devices ---------------------------------------------------------------
    @property
    def device(self):
        """The models' device: a Device from ``__init__``, or whatever a subclass assigned."""
        return self._device

    @device.setter
    def device(self, value):
        self._device = value

    @property
    def input_device(self):
        """Where batches are sent: ``input_device``, else ``device`` (as a Device), else None."""
        if self._input_device is not None:
            return self._input_device
        return _as_device(self._device)

    @input_device.setter
    def input_device(self, value):
        self._input_device = _as_device(value)

    # -- progress, read from the main iterator --------------------------------------
    def _main_iterator(self):
        return _lookup(self._iterators, "main", "iterator", type(self).__name__)

    @property
    def epoch(self) -> int:
        """Completed epochs of the main iterator."""
        return self._main_iterator().epoch

    @property
    def epoch_detail(self) -> float:
        """Epochs of the main iterator as a float."""
        return self._main_iterator().epoch_detail

    @property
    def previous_epoch_detail(self):
        """``epoch_detail`` of the main iterator before its last batch."""
        return self._main_iterator().previous_epoch_detail

    @property
    def is_new_epoch(self) -> bool:
        """Whether the last batch completed an epoch."""
        return self._main_iterator().is_new_epoch

    # -- Updater interface -----------------------------------------------------------
    def finalize(self) -> None:
        """Finalize every iterator."""
        for it in self._iterators.values():
            it.finalize()

    def get_optimizer(self, name):
        """The optimizer named ``name`` (KeyError listing the names otherwise)."""
        return _lookup(self._optimizers, name, "optimizer", type(self).__name__)

    def get_all_optimizers(self) -> dict:
        """A new ``{name: optimizer}`` dict."""
        return dict(self._optimizers)

    def get_iterator(self, name):
        """The iterator named ``name`` (KeyError listing the names otherwise)."""
        return _lookup(self._iterators, name, "iterator", type(self).__name__)

    def update(self) -> None:
        """One iteration: ``update_core()`` then ``iteration += 1``."""
        self.update_core()
        self.iteration += 1

    def update_core(self) -> None:
        """Take a batch from ``'main'``, convert it and update the ``'main'`` optimizer."""
        it = self._main_iterator()
        batch = it.next()
        in_arrays = convert._call_converter(self.converter, batch, self.input_device)
        optimizer = self.get_optimizer("main")
        loss_func = self.loss_func or optimizer.target
        if isinstance(in_arrays, tuple):
            optimizer.update(loss_func, *in_arrays)
        elif isinstance(in_arrays, dict):
            optimizer.update(loss_func, **in_arrays)
        else:
            optimizer.update(loss_func, in_arrays)
        if self.auto_new_epoch and it.is_new_epoch:
            optimizer.new_epoch(auto=True)

    def serialize(self, serializer) -> None:
        """Save/load ``iterator:<name>/``, ``optimizer:<name>/``, ``model:<name>/`` and ``iteration``.

        Example:
            >>> import numpy as np, kusari, kusari.links as L
            >>> from kusari.iterators import SerialIterator
            >>> from kusari.serializers import DictionarySerializer
            >>> from kusari.training.updaters.standard_updater import StandardUpdater
            >>> opt = kusari.optimizers.SGD(); _ = opt.setup(L.Linear(2, 2))
            >>> up = StandardUpdater(SerialIterator([np.zeros(2, np.float32)], 1), opt)
            >>> s = DictionarySerializer(); up.serialize(s)
            >>> sorted(k for k in s.target if not k.startswith(('iterator:', 'optimizer:')))
            ['iteration', 'model:main/W', 'model:main/b']
            >>> 'optimizer:main/t' in s.target
            True
        """
        for name, it in self._iterators.items():
            it.serialize(serializer["iterator:" + name])
        for name, opt in self._optimizers.items():
            opt.serialize(serializer["optimizer:" + name])
            opt.target.serialize(serializer["model:" + name])
        self.iteration = serializer("iteration", self.iteration)
