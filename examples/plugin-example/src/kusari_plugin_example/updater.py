"""An updater, following Chainer's updater protocol.

A Trainer calls ``updater.update()`` once per iteration inside its reporter
scope, reads ``iteration``, ``epoch``, ``epoch_detail``,
``previous_epoch_detail`` and ``is_new_epoch`` for its triggers, names the
reporter's observers after ``get_all_optimizers()`` and saves snapshots
through ``serialize``.  Subclassing kusari-training's ``StandardUpdater`` is
the usual way to write one; this example implements the protocol directly
so it depends on kusari-core only.
"""
import contextlib

from kusari import reporter as reporter_module
from kusari.utils import type_check


class GradientAccumulationUpdater:
    """Sum gradients over ``accum_steps`` minibatches, then take one optimizer step.

    Gives the update of a batch ``accum_steps`` times larger with the memory
    of one minibatch: each minibatch's loss is divided by ``accum_steps``, so
    with mean losses over equal-sized minibatches the step equals the step
    on the concatenated batch.  One ``update()`` is one iteration and takes
    ``accum_steps`` batches from the iterator.

    What the minibatches report (``main/loss``, ``main/accuracy``, ...) is
    averaged over the ``accum_steps`` minibatches before it reaches the
    Trainer's observation; a ``loss_func`` that reports nothing gets the mean
    loss reported for it as ``main/loss``.

    Args:
        iterator: the dataset iterator, or a dict of them (``'main'`` is used).
        optimizer: the optimizer, or a dict of them (``'main'`` is updated); its
            ``target`` is the model.
        accum_steps: minibatches per optimizer step (a positive int).
        converter: ``converter(batch, device)`` -> the loss function's
            arguments (a tuple, a dict or one array); default
            ``kusari.dataset.concat_examples``.
        device: passed to the converter.
        loss_func: called on the converted batch; default ``optimizer.target``.
        auto_new_epoch: call ``optimizer.new_epoch(auto=True)`` when the main
            iterator finishes an epoch, as ``StandardUpdater`` does.

    Example:
        >>> import numpy as np, kusari
        >>> from types import SimpleNamespace
        >>> from kusari_plugin_example import GradientAccumulationUpdater
        >>> w = kusari.Parameter(np.zeros(2, np.float32))
        >>> model = SimpleNamespace(cleargrads=w.cleargrad)
        >>> optimizer = SimpleNamespace(target=model, update=lambda: None)
        >>> batches = iter([np.ones(2, np.float32), 2 * np.ones(2, np.float32)])
        >>> iterator = SimpleNamespace(next=lambda: next(batches), is_new_epoch=False)
        >>> updater = GradientAccumulationUpdater(
        ...     iterator, optimizer, accum_steps=2, converter=lambda batch, device: batch,
        ...     loss_func=lambda x: kusari.functions.sum(w * x))
        >>> updater.update()
        >>> w.grad, updater.iteration
        (array([1.5, 1.5], dtype=float32), 1)
    """

    name = "example_accumulate"

    def __init__(self, iterator, optimizer, accum_steps=2, converter=None, device=None, loss_func=None,
                 auto_new_epoch=True):
        if isinstance(accum_steps, bool) or not isinstance(accum_steps, int) or accum_steps < 1:
            type_check.fail(type(self).__name__, "accum_steps", "a positive int", repr(accum_steps))
        self._iterators = dict(iterator) if isinstance(iterator, dict) else {"main": iterator}
        self._optimizers = dict(optimizer) if isinstance(optimizer, dict) else {"main": optimizer}
        for what, table in (("iterator", self._iterators), ("optimizer", self._optimizers)):
            if "main" not in table:
                type_check.fail(type(self).__name__, what, "a dict with a 'main' entry",
                                f"keys {sorted(table)}")
        self.accum_steps = accum_steps
        self.converter = converter
        self.device = device
        self.loss_func = loss_func
        self.auto_new_epoch = auto_new_epoch
        if auto_new_epoch:
            # the optimizer then counts epochs only through new_epoch(auto=True) below
            for opt in self._optimizers.values():
                opt.use_auto_new_epoch = True
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
        """Nothing to connect: the Trainer already observes the optimizers' targets."""

    def finalize(self):
        for iterator in self._iterators.values():
            finalize = getattr(iterator, "finalize", None)
            if finalize is not None:
                finalize()

    # --- one iteration --------------------------------------------------------
    def update(self):
        iterator = self._iterators["main"]
        optimizer = self._optimizers["main"]
        loss_func = self.loss_func or optimizer.target
        optimizer.target.cleargrads()
        observations, total = [], 0
        for _ in range(self.accum_steps):
            observation = {}
            loss = self._forward(loss_func, self._convert(iterator.next()), observation)
            # backward adds into the gradients left by the previous minibatch
            (loss / self.accum_steps).backward()
            observations.append(observation)
            total = total + loss.array  # stays on the loss's device: no sync per minibatch
        optimizer.update()  # Chainer: update() without a loss uses the gradients as they are
        self._report(observations, total / self.accum_steps, optimizer.target)
        if self.auto_new_epoch and iterator.is_new_epoch:
            optimizer.new_epoch(auto=True)
        self.iteration += 1

    def _forward(self, loss_func, arrays, observation):
        # Each minibatch reports into its own dict (under the current reporter, so
        # the model's name prefixes stay), to be averaged by _report.
        try:
            reporter = reporter_module.get_current_reporter()
        except IndexError:  # no Trainer around: nothing to report to
            reporter = None
        scope = reporter_module.report_scope(observation) if reporter else contextlib.nullcontext()
        with scope:
            if isinstance(arrays, tuple):
                return loss_func(*arrays)
            if isinstance(arrays, dict):
                return loss_func(**arrays)
            return loss_func(arrays)

    def _report(self, observations, mean_loss, target):
        try:
            # 'main/loss' even for a loss_func that reports nothing; a model that
            # reports its loss overwrites it below with the same mean
            reporter_module.report({"loss": mean_loss}, target)
        except KeyError:  # a reporter of the caller's that does not observe the target
            pass
        summary = reporter_module.DictSummary()
        for observation in observations:
            summary.add(observation)
        reporter_module.report(summary.compute_mean())

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

