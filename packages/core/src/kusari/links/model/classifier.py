"""``Classifier``: wraps a predictor with a loss and an accuracy, and reports both."""
from __future__ import annotations

from kusari import reporter
from kusari.functions.evaluation.accuracy import accuracy
from kusari.functions.loss.softmax_cross_entropy import softmax_cross_entropy
from kusari.link import Chain


class Classifier(Chain):
    """A chain computing ``lossfun(predictor(*inputs), t)`` and reporting it.

    Called with the inputs and the label (by default the last positional
    argument), it runs the predictor, computes the loss and, when
    ``compute_accuracy`` is True, the accuracy, reports
    ``{'loss': ..., 'accuracy': ...}`` with itself as the observer (so a
    trainer shows ``main/loss`` and ``main/accuracy``) and returns the loss.

    Args:
        predictor: the link that computes predictions.
        lossfun: ``lossfun(y, t)`` (default ``F.softmax_cross_entropy``).
        accfun: ``accfun(y, t)`` (default ``F.accuracy``).
        label_key: an int (position in the positional arguments) or a str
            (keyword argument) that holds the label.

    Attributes:
        y, loss, accuracy: results of the last call (None before the first).
        compute_accuracy: whether to compute and report the accuracy.

    Example:
        >>> import numpy as np, kusari
        >>> import kusari.links as L
        >>> model = L.Classifier(L.Linear(4, 3))
        >>> x = np.random.rand(5, 4).astype(np.float32)
        >>> t = np.array([0, 1, 2, 1, 0], np.int32)
        >>> observer = kusari.Reporter(); observer.add_observer('main', model)
        >>> observation = {}
        >>> with observer.scope(observation):
        ...     loss = model(x, t)
        >>> sorted(observation)
        ['main/accuracy', 'main/loss']
        >>> loss.shape
        ()
    """

    compute_accuracy = True

    def __init__(self, predictor, lossfun=softmax_cross_entropy, accfun=accuracy, label_key=-1):
        if not isinstance(label_key, (int, str)):
            raise TypeError(
                f"Classifier: argument 'label_key' expected an int or a str, "
                f"got {type(label_key).__name__}")
        super().__init__()
        self.lossfun = lossfun
        self.accfun = accfun
        self.y = None
        self.loss = None
        self.accuracy = None
        self.label_key = label_key
        with self.init_scope():
            self.predictor = predictor

    def forward(self, *args, **kwargs):
        """Return the loss of the predictor's output against the label."""
        key = self.label_key
        if isinstance(key, int):
            if not -len(args) <= key < len(args):
                raise ValueError(
                    f"Classifier: argument 'label_key' expected a position among the "
                    f"{len(args)} positional arguments, got {key}")
            t = args[key]
            key %= len(args)
            args = args[:key] + args[key + 1:]
        else:
            if key not in kwargs:
                raise ValueError(
                    f"Classifier: argument 'label_key' expected a keyword argument name, got "
                    f"{key!r} (given: {', '.join(map(repr, kwargs)) or 'none'})")
            kwargs = dict(kwargs)
            t = kwargs.pop(key)
        # Drop the last call's graph before building the next one.
        self.y = self.loss = self.accuracy = None
        self.y = self.predictor(*args, **kwargs)
        self.loss = self.lossfun(self.y, t)
        reporter.report({"loss": self.loss}, self)
        if self.compute_accuracy:
            self.accuracy = self.accfun(self.y, t)
            reporter.report({"accuracy": self.accuracy}, self)
        return self.loss
