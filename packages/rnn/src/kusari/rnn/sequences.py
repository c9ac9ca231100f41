"""Ragged batches on the standard Trainer: a converter, a loss and a classifier for sequence models.

Models built on ``NStepLSTM`` & co. take a *list* of per-sequence arrays
and return a list of per-sequence outputs; ``concat_examples``,
``L.Classifier`` and ``softmax_cross_entropy`` expect one array.  Chainer
users therefore wrote their own iterator, converter, updater, evaluator and
a loss looping over sequences.  The recipe here needs none of that:

1. a dataset of ``(x_seq, t_seq)`` pairs (one int array per sequence, any
   lengths) and a ``SerialIterator``;
2. ``converter=convert_sequences`` for ``StandardUpdater`` and
   ``Evaluator``: it gives ``(xs, t)``, ``xs`` a list of per-sequence arrays
   and ``t`` all targets concatenated in batch order;
3. a predictor ``xs -> ys`` (one ``(len_i, n_class)`` output per sequence,
   in input order, as the NStep links return them) wrapped in
   :class:`SequenceClassifier`, which concatenates ``ys`` once and calls
   ``softmax_cross_entropy`` and ``accuracy`` once, reporting
   ``loss``/``accuracy`` like ``L.Classifier``;
4. ``LogReport(postprocess=compute_perplexity)`` for language models.

Example:
    >>> import numpy as np, kusari, kusari.functions as F, kusari.links as L
    >>> from kusari import training
    >>> from kusari.iterators import SerialIterator
    >>> from kusari.rnn.sequences import SequenceClassifier, convert_sequences
    >>> class PerWord(kusari.Chain):  # stands in for EmbedID + NStepLSTM + Linear
    ...     def __init__(self):
    ...         super().__init__()
    ...         with self.init_scope():
    ...             self.embed = L.EmbedID(5, 5)
    ...     def forward(self, xs):
    ...         return [self.embed(x) for x in xs]
    >>> data = [(np.array([1, 2, 3], np.int32), np.array([2, 3, 4], np.int32)),
    ...         (np.array([4], np.int32), np.array([0], np.int32))]
    >>> model = SequenceClassifier(PerWord())
    >>> opt = kusari.optimizers.SGD(); _ = opt.setup(model)
    >>> updater = training.StandardUpdater(SerialIterator(data, 2), opt,
    ...                                    converter=convert_sequences)
    >>> trainer = training.Trainer(updater, (3, 'iteration'))
    >>> trainer.run(); sorted(trainer.observation)
    ['main/accuracy', 'main/loss']
"""
from __future__ import annotations

import math

import numpy

from kusari import reporter
from kusari.dataset import convert
from kusari.functions.array.concat import concat
from kusari.functions.evaluation.accuracy import accuracy
from kusari.functions.loss.softmax_cross_entropy import softmax_cross_entropy
from kusari.links.model.classifier import Classifier
from kusari.utils import type_check

__all__ = ["SequenceClassifier", "compute_perplexity", "convert_sequences",
           "sequence_accuracy", "sequence_softmax_cross_entropy"]


def _is_sequence_list(value) -> bool:
    return isinstance(value, (list, tuple))


@convert.converter()
def convert_sequences(batch, device=None):
    """Convert a batch of ``(x_seq, ..., t_seq)`` examples to ``(xs, ..., t)``.

    Every field but the last becomes a list of per-sequence arrays (what
    ``NStepLSTM`` takes), sent to ``device`` with one transfer per field.
    The last field, the targets, is concatenated in batch order into one
    array, ready for one ``softmax_cross_entropy`` over the concatenated
    outputs.  Examples that are single arrays give just the list.

    Args:
        batch: a non-empty list of tuples of arrays (or of single arrays).
        device: where to send the arrays (a device specifier) or None.

    Returns:
        ``(xs, ..., t)`` for tuple examples, the list of arrays otherwise.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.sequences import convert_sequences
        >>> xs, t = convert_sequences([(np.array([1, 2]), np.array([2, 3])),
        ...                            (np.array([5]), np.array([6]))])
        >>> xs
        [array([1, 2]), array([5])]
        >>> t
        array([2, 3, 6])
    """
    func = "convert_sequences"
    if not isinstance(batch, (list, tuple)) or len(batch) == 0:
        type_check.fail(func, "batch", "a non-empty list of examples", repr(batch))
    first = batch[0]
    if not isinstance(first, tuple):
        return convert.concat_sequences(list(batch), device)
    if len(first) < 2:
        type_check.fail(func, "batch", "examples of (inputs..., targets) with at least 2 fields",
                        f"{len(first)} field(s)")
    targets = [numpy.asarray(example[-1]) if not hasattr(example[-1], "shape") else example[-1]
               for example in batch]
    if any(t.ndim != 1 for t in targets):
        type_check.fail(func, "batch", "1-D target sequences in the last field",
                        f"targets of ndim {sorted({t.ndim for t in targets})}")
    xp = convert.backend.get_array_module(targets[0])
    t = convert.to_device(device, xp.concatenate(targets))
    inputs = convert.concat_sequences([example[:-1] for example in batch], device)
    return (*inputs, t)


def _concat_outputs(func: str, ys):
    if not _is_sequence_list(ys):
        return ys
    if len(ys) == 0:
        type_check.fail(func, "ys", "a non-empty list of per-sequence outputs", "an empty list")
    return ys[0] if len(ys) == 1 else concat(ys, axis=0)


def _concat_targets(func: str, ts, ys):
    if not _is_sequence_list(ts):
        return ts
    if len(ts) == 0:
        type_check.fail(func, "ts", "a non-empty list of per-sequence targets", "an empty list")
    if _is_sequence_list(ys) and len(ys) != len(ts):
        type_check.fail(func, "ts", f"one target sequence per output ({len(ys)})",
                        f"{len(ts)} sequences")
    # Targets are plain arrays (no gradient): one xp.concatenate.
    arrays = [getattr(t, "array", t) for t in ts]
    xp = convert.backend.get_array_module(arrays[0])
    return xp.concatenate(arrays)


def sequence_softmax_cross_entropy(ys, ts, **kwargs):
    """Softmax cross entropy over a list of sequences, with one concat and one loss call.

    The outputs ``ys[i]`` (``(len_i, n_class)``) and the targets ``ts[i]``
    (``(len_i,)``) are concatenated along the time axis and passed once to
    ``softmax_cross_entropy``: the mean over all words of the batch (by
    default; ``kwargs`` such as ``normalize`` or ``ignore_label`` are
    passed on).  ``ys`` or ``ts`` may already be one concatenated array.

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.sequences import sequence_softmax_cross_entropy
        >>> ys = [np.zeros((2, 4), np.float32), np.zeros((1, 4), np.float32)]
        >>> loss = sequence_softmax_cross_entropy(ys, [np.array([0, 1]), np.array([3])])
        >>> round(float(loss.array), 4) == round(float(np.log(4)), 4)
        True
    """
    func = "sequence_softmax_cross_entropy"
    t = _concat_targets(func, ts, ys)
    return softmax_cross_entropy(_concat_outputs(func, ys), t, **kwargs)


def sequence_accuracy(ys, ts, ignore_label=None):
    """Accuracy over every word of a list of sequences (concatenated once).

    Example:
        >>> import numpy as np
        >>> from kusari.rnn.sequences import sequence_accuracy
        >>> ys = [np.eye(3, dtype=np.float32)[:2], np.eye(3, dtype=np.float32)[2:]]
        >>> float(sequence_accuracy(ys, [np.array([0, 2]), np.array([2])]).array)
        0.6666666865348816
    """
    func = "sequence_accuracy"
    t = _concat_targets(func, ts, ys)
    return accuracy(_concat_outputs(func, ys), t, ignore_label=ignore_label)


class SequenceClassifier(Classifier):
    """``L.Classifier`` for predictors that return one output per sequence.

    The predictor maps the inputs (e.g. ``xs``, a list of per-sequence
    arrays) to ``ys``, a list of ``(len_i, n_class)`` outputs in the same
    order.  The outputs are concatenated once into ``y`` (kept as ``self.y``;
    the list is ``self.ys``) and the targets, given concatenated (as
    :func:`convert_sequences` gives them) or as a list, once as well; then
    ``lossfun(y, t)`` and ``accfun(y, t)`` run once each and are reported as
    ``loss`` and ``accuracy`` with this link as the observer, as
    ``L.Classifier`` does.  A predictor returning one array is accepted too.

    Args:
        predictor: the link computing ``ys``.
        lossfun: ``lossfun(y, t)`` on the concatenated arrays
            (``softmax_cross_entropy`` by default).
        accfun: ``accfun(y, t)`` (``accuracy`` by default).
        label_key: where the targets are among the arguments (last by default).

    Example:
        >>> import numpy as np, kusari, kusari.links as L
        >>> from kusari.rnn.sequences import SequenceClassifier
        >>> class PerWord(kusari.Chain):
        ...     def __init__(self):
        ...         super().__init__()
        ...         with self.init_scope():
        ...             self.embed = L.EmbedID(4, 4)
        ...     def forward(self, xs):
        ...         return [self.embed(x) for x in xs]
        >>> model = SequenceClassifier(PerWord())
        >>> xs = [np.array([0, 1], np.int32), np.array([2], np.int32)]
        >>> loss = model(xs, np.array([1, 2, 3], np.int32))
        >>> loss.shape, model.y.shape, len(model.ys)
        ((), (3, 4), 2)
    """

    ys = None

    def forward(self, *args, **kwargs):
        """Return the loss of the concatenated outputs against the concatenated targets."""
        func = "SequenceClassifier"
        t, args, kwargs = self._pop_label(args, kwargs)
        # Drop the last call's graph before building the next one.
        self.y = self.ys = self.loss = self.accuracy = None
        self.ys = self.predictor(*args, **kwargs)
        self.y = _concat_outputs(func, self.ys)
        t = _concat_targets(func, t, self.ys)
        self.loss = self.lossfun(self.y, t)
        reporter.report({"loss": self.loss}, self)
        if self.compute_accuracy:
            self.accuracy = self.accfun(self.y, t)
            reporter.report({"accuracy": self.accuracy}, self)
        return self.loss

    def _pop_label(self, args, kwargs):
        key = self.label_key
        if isinstance(key, int):
            if not -len(args) <= key < len(args):
                type_check.fail("SequenceClassifier", "label_key",
                                f"a position among the {len(args)} positional arguments", str(key))
            key %= len(args)
            return args[key], args[:key] + args[key + 1:], kwargs
        if key not in kwargs:
            type_check.fail("SequenceClassifier", "label_key", "a keyword argument name",
                            f"{key!r} (given: {', '.join(map(repr, kwargs)) or 'none'})")
        kwargs = dict(kwargs)
        return kwargs.pop(key), args, kwargs


def compute_perplexity(result):
    """A ``LogReport`` postprocess adding ``perplexity`` (and ``val_perplexity``).

    ``perplexity = exp(main/loss)`` and, when present,
    ``val_perplexity = exp(validation/main/loss)``: the exponential of the
    mean per-word cross entropy, as in Chainer's PTB example.

    Example:
        >>> from kusari.rnn.sequences import compute_perplexity
        >>> result = {'main/loss': 0.0, 'validation/main/loss': 1.0}
        >>> compute_perplexity(result)
        >>> result['perplexity'], round(result['val_perplexity'], 4)
        (1.0, 2.7183)
    """
    if "main/loss" in result:
        result["perplexity"] = math.exp(float(result["main/loss"]))
    if "validation/main/loss" in result:
        result["val_perplexity"] = math.exp(float(result["validation/main/loss"]))
