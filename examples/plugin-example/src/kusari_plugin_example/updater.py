"""An updater, following Chainer's updater protocol.

A Trainer calls ``updater.update()`` once per iteration and reads
``iteration``, ``epoch``, ``epoch_detail`` and ``is_new_epoch``; snapshots go
through ``serialize``.  Subclassing kusari-training's ``StandardUpdater`` is
the usual way to write one; this example implements the protocol directly
so it depends on kusari-core only.
"""
from kusari.utils import type_check


class GradientAccumulationUpdater:
    """Sum gradients over ``accum_steps`` minibatches, then take one optimizer step.

    Gives the update of a batch ``accum_steps`` times larger with the memory
    of one minibatch: each minibatch's loss is divided by ``accum_steps``, so
    with mean losses the step equals the step on the concatenated batch.

    Args:
        iterator: the dataset iterator, or a dict of them (``'main'`` is used).
        optimizer: the optimizer, or a dict of them (``'main'`` is used); its
            ``target`` is the model.
        accum_steps: minibatches per optimizer step (a positive int).
        converter: ``converter(batch, device)`` -> the loss function's
            arguments (a tuple, a dict or one array); default
            ``kusari.dataset.concat_examples``.
        device: passed to the converter.
        loss_func: called on the converted batch; default ``optimizer.target``.

    Example:
        >>> import numpy as np, kusari
        >>> from types import SimpleNamespace
        >>> from kusari_plugin_example import GradientAccumulationUpdater
        >>> w = kusari.Parameter(np.zeros(2, np.float32))
        >>> model = SimpleNamespace(cleargrads=w.cleargrad)
        >>> optimizer = SimpleNamespace(target=model, update=lambda: None)
        >>> batches = iter([np.ones(2, np.float32), 2 * np.ones(2, np.float32)])
        >>> iterator = SimpleNamespace(next=lambda: next(batches))
        >>> updater = GradientAccumulationUpdater(
        ...     iterator, optimizer, accum_steps=2, converter=lambda batch, device: batch,
        ...     loss_func=lambda x: kusari.functions.sum(w * x))
        >>> updater.update()
        >>> w.grad, updater.iteration
        (array([1.5, 1.5], dtype=float32), 1)
    """

    name = "example_accumulate"

    def __init__(self, iterator, optimizer, accum_steps=2, converter=None, device=None, loss_func=None):
        if isinstance(accum_steps, bool) or not isinstance(accum_steps, int) or accum_steps < 1:
            type_check.fail(type(self).__name__, "accum_steps", "a positive int", repr(accum_steps))
        self._iterators = dict(iterator) if isinstance(iterator, dict) else {"main": iterator}
        self._optimizers = dict(optimizer) if isinstance(optimizer, dict) else {"main": optimizer}
        for what, table in (("iterator", self._iterators), ("optimizer", self._optimizers)):
            if "main" not in table:
                type_check.fail(type(self).__name__, what, "a dict with a 'main' entry", f"keys {sorted(table)}")
        self.accum_steps = accum_steps
        self.converter = converter
        self.device = device
        self.loss_func = loss_func
        self.iteration = 0

    # --- what the Trainer reads -------------------------------------------
    @property
    def epoch(self):
        return self._iterators["main"].epoch

    @property
    def epoch_detail(self):
        return self._iterators["main"].epoch_detail

    @property
    def previous_epoch_detail(self):
        return self._iterators["main"].previous_epoch_detail

    @property
    def is_new_epoch(self):
        return self._iterators["main"].is_new_epoch

    def get_iterator(self, name):
        return self._iterators[name]

    def get_optimizer(self, name):
        return self._optimizers[name]

    def get_all_optimizers(self):
        return dict(self._optimizers)

    def connect_trainer(self, trainer):
        """Nothing to connect."""

    def finalize(self):
        for iterator in self._iterators.values():
            finalize = getattr(iterator, "finalize", None)
            if finalize is not None:
                finalize()

    # --- one iteration --------------------------------------------------------
    def update(self):
        optimizer = self._optimizers["main"]
        loss_func = self.loss_func or optimizer.target
        optimizer.target.cleargrads()
        for _ in range(self.accum_steps):
            arrays = self._convert(self._iterators["main"].next())
            if isinstance(arrays, tuple):
                loss = loss_func(*arrays)
            elif isinstance(arrays, dict):
                loss = loss_func(**arrays)
            else:
                loss = loss_func(arrays)
            # backward adds into the gradients left by the previous minibatch
            (loss / self.accum_steps).backward()
        optimizer.update()  # Chainer: update() without a loss uses the gradients as they are
        self.iteration += 1

    def _convert(self, batch):
        converter = self.converter
        if converter is None:
            from kusari.dataset import concat_examples as converter
        return converter(batch, self.device)

    # --- snapshots: Chainer's StandardUpdater key layout ------------------------
    def serialize(self, serializer):
        for name, iterator in self._iterators.items():
            iterator.serialize(serializer["iterator:" + name])
        for name, optimizer in self._optimizers.items():
            optimizer.serialize(serializer["optimizer:" + name])
            optimizer.target.serialize(serializer["model:" + name])
        self.iteration = serializer("iteration", self.iteration)
