"""LogReport: average the observations and append them to a JSON log."""
from __future__ import annotations

import json
import os

from kusari import _atomic
from kusari import reporter as reporter_module
from kusari import serializer as serializer_module
from kusari.training import extension
from kusari.training._util import get_trigger

__all__ = ["LogReport"]


class LogReport(extension.Extension):
    """Average the observed values and log them every ``trigger``.

    Called every iteration (its own default trigger), it adds the
    observation to a ``DictSummary``; when ``trigger`` fires it appends an
    entry with the means of the values plus ``epoch``, ``iteration`` and
    ``elapsed_time`` to :attr:`log`, passes it to ``postprocess(entry)``
    (which may edit it), writes the whole log as a JSON list into
    ``trainer.out`` (atomically) and starts a new summary.  ``serialize``
    keeps the summary, the log and the trigger, so a resumed training
    continues the same log.

    Args:
        keys: the observation keys to average (all when None).
        trigger: when an entry is made; ``(1, 'epoch')`` by default.
        postprocess: a callable on each new entry (a dict), or None.
        filename: the log file name in ``trainer.out``, formatted with the
            entry (``'log_{epoch}'``); ``'log'`` when None.
        log_name: the older name of ``filename``; ``log_name=None`` writes no file.

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.training.extensions.log_report import LogReport
        >>> rep = LogReport(trigger=(2, 'iteration'), filename=None, log_name=None)
        >>> up = SimpleNamespace(iteration=0, epoch=0, epoch_detail=0.0, previous_epoch_detail=None)
        >>> tr = SimpleNamespace(updater=up, is_before_training=False, elapsed_time=1.5,
        ...                      observation={})
        >>> for loss in (1.0, 2.0):
        ...     up.iteration += 1; tr.observation = {'main/loss': loss}; rep(tr)
        >>> rep.log
        [{'main/loss': 1.5, 'epoch': 0, 'iteration': 2, 'elapsed_time': 1.5}]
    """

    def __init__(self, keys=None, trigger=(1, "epoch"), postprocess=None, filename=None,
                 **kwargs):
        log_name = kwargs.pop("log_name", "log")
        if kwargs:
            raise TypeError(f"LogReport: unexpected keyword argument(s) {sorted(kwargs)}")
        self._keys = keys
        self._trigger = get_trigger(trigger)
        self._postprocess = postprocess
        self._log = []
        self._log_name = log_name if filename is None else filename
        self._summary = reporter_module.DictSummary()

    def __call__(self, trainer):
        observation = trainer.observation
        if self._keys is None:
            self._summary.add(observation)
        else:
            self._summary.add({k: observation[k] for k in self._keys if k in observation})
        if not (trainer.is_before_training or self._trigger(trainer)):
            return
        # float() brings device scalars to the host; JSON needs plain numbers.
        entry = {name: float(value) for name, value in self._summary.compute_mean().items()}
        updater = trainer.updater
        entry["epoch"] = updater.epoch
        entry["iteration"] = updater.iteration
        entry["elapsed_time"] = trainer.elapsed_time
        if self._postprocess is not None:
            self._postprocess(entry)
        self._log.append(entry)
        if self._log_name is not None:
            path = os.path.join(trainer.out, self._log_name.format(**entry))
            with _atomic.atomic_write(path, "w") as f:
                json.dump(self._log, f, indent=4)
        self._summary = reporter_module.DictSummary()

    @property
    def log(self) -> list:
        """The entries so far (a list of dicts); the list itself, not a copy."""
        return self._log

    def serialize(self, serializer) -> None:
        """Save/load ``_trigger/``, ``_summary/`` and ``_log`` (the log as a JSON string).

        Example:
            >>> from kusari.serializers import DictionarySerializer
            >>> from kusari.training.extensions.log_report import LogReport
            >>> rep = LogReport(); rep.log.append({'epoch': 1})
            >>> s = DictionarySerializer(); rep.serialize(s)
            >>> str(s.target['_log'])
            '[{"epoch": 1}]'
        """
        if hasattr(self._trigger, "serialize"):
            self._trigger.serialize(serializer["_trigger"])
        self._summary.serialize(serializer["_summary"])
        if isinstance(serializer, serializer_module.Serializer):
            serializer("_log", json.dumps(self._log))
        else:
            self._log = json.loads(str(serializer("_log", "")))
