"""Trainer: the training loop that runs an updater and extensions until a stop trigger fires."""
from __future__ import annotations

import os
import sys
import time
import traceback

from kusari import reporter as reporter_module
from kusari import serializer as serializer_module
from kusari.training import extension as extension_module
from kusari.training._util import fail_value, get_trigger

__all__ = ["Trainer"]


class _ExtensionEntry:
    def __init__(self, extension, priority, trigger, call_before_training):
        self.extension = extension
        self.priority = priority
        self.trigger = trigger
        self.call_before_training = call_before_training


def _extension_name(extension):
    for attr in ("name", "default_name", "__name__"):
        name = getattr(extension, attr, None)
        if name is not None:
            return name
    raise TypeError("Trainer.extend: argument 'name' expected a name for an extension that has "
                    f"no name, default_name or __name__, got None ({extension!r})")


class Trainer:
    """Runs ``updater.update()`` and the extensions until ``stop_trigger`` fires.

    Each iteration opens a reporter scope on a fresh ``trainer.observation``
    dict, calls ``updater.update()``, then every extension whose trigger
    fires, highest priority first (registration order among equals).  The
    main optimizer's target reports as ``main`` (``main/loss``), the other
    optimizers' targets under their names, and their sub-links as
    ``<name>/<path>``.

    Args:
        updater: the :class:`~kusari.training.Updater`.
        stop_trigger: a trigger or ``(period, unit)``; None never stops.
        out (str): output directory for extensions (created by ``run``).
        extensions: extensions to ``extend`` with their defaults.

    Example:
        >>> import tempfile, numpy as np, kusari, kusari.links as L
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.training import trainer, extension
        >>> from kusari.training.updaters.standard_updater import StandardUpdater
        >>> data = [(np.ones(2, np.float32), np.int32(1))] * 4
        >>> opt = kusari.optimizers.SGD(); _ = opt.setup(L.Classifier(L.Linear(2, 2)))
        >>> t = trainer.Trainer(StandardUpdater(SerialIterator(data, 2), opt), (2, 'epoch'),
        ...                     out=tempfile.mkdtemp())
        >>> losses = []
        >>> t.extend(lambda tr: losses.append(tr.observation['main/loss']), name='log')
        >>> t.run()
        >>> t.updater.iteration, len(losses)
        (4, 4)
    """

    def __init__(self, updater, stop_trigger=None, out="result", extensions=None):
        self.updater = updater
        self.stop_trigger = get_trigger(stop_trigger)
        self.observation = {}
        self.out = out
        reporter = reporter_module.Reporter()
        for name, optimizer in updater.get_all_optimizers().items():
            reporter.add_observer(name, optimizer.target)
            namedlinks = getattr(optimizer.target, "namedlinks", None)
            if namedlinks is not None:
                reporter.add_observers(name, namedlinks(skipself=True))
        self.reporter = reporter
        self._done = False
        self._extensions = {}
        self._start_at = None
        self._snapshot_elapsed_time = 0.0
        self._final_elapsed_time = None
        updater.connect_trainer(self)
        for ext in extensions or ():
            self.extend(ext)

    @property
    def is_before_training(self) -> bool:
        """True while no iteration has run (``updater.iteration == 0``)."""
        return self.updater.iteration == 0

    @property
    def elapsed_time(self) -> float:
        """Seconds of training, including those before a resumed snapshot.

        Raises RuntimeError before ``run`` starts.
        """
        if self._done:
            return self._final_elapsed_time
        if self._start_at is None:
            raise RuntimeError("Trainer.elapsed_time: training has not been started yet")
        return time.perf_counter() - self._start_at + self._snapshot_elapsed_time

    def extend(self, extension, name=None, trigger=None, priority=None, *,
               call_before_training=False, **kwargs):
        """Register an extension.

        ``name``, ``trigger`` and ``priority`` default to the extension's own
        ``name``/``default_name``/``__name__``, ``trigger`` (else
        ``(1, 'iteration')``) and ``priority`` (else ``PRIORITY_READER``).  A
        taken name gets a suffix: ``name_1``, ``name_2``, ...  The final name
        is written to ``extension.name``.  With ``call_before_training`` the
        extension also runs once before the first iteration.

        Example:
            >>> from types import SimpleNamespace
            >>> from kusari.training.trainer import Trainer
            >>> up = SimpleNamespace(get_all_optimizers=dict, connect_trainer=lambda t: None)
            >>> t = Trainer(up)
            >>> def show(trainer): pass
            >>> t.extend(show); t.extend(show)
            >>> sorted(t._extensions), show.name
            (['show', 'show_1'], 'show_1')
        """
        if "invoke_before_training" in kwargs:
            raise TypeError("Trainer.extend: invoke_before_training was removed in Chainer v2; "
                            "use Extension.initialize (or make_extension(initializer=...))")
        if kwargs:
            raise TypeError(f"Trainer.extend: unexpected keyword argument(s) {sorted(kwargs)}")
        if name is None:
            name = _extension_name(extension)
        if name == "training":
            fail_value("Trainer.extend", "name", "a name other than the reserved 'training'",
                       repr(name))
        if trigger is None:
            trigger = getattr(extension, "trigger", extension_module.Extension.trigger)
        trigger = get_trigger(trigger)
        if priority is None:
            priority = getattr(extension, "priority", extension_module.PRIORITY_READER)
        unique, ordinal = name, 0
        while unique in self._extensions:
            ordinal += 1
            unique = f"{name}_{ordinal}"
        extension.name = unique
        self._extensions[unique] = _ExtensionEntry(extension, priority, trigger,
                                                   call_before_training)

    def get_extension(self, name):
        """The extension registered under ``name``.

        Example:
            >>> from types import SimpleNamespace
            >>> from kusari.training.trainer import Trainer
            >>> t = Trainer(SimpleNamespace(get_all_optimizers=dict, connect_trainer=lambda t: None))
            >>> t.get_extension('LogReport')
            Traceback (most recent call last):
            ...
            kusari.training._util.InvalidTrainingValue: Trainer.get_extension: argument 'name' expected one of the registered extensions [], got 'LogReport'
        """
        entry = self._extensions.get(name)
        if entry is None:
            fail_value("Trainer.get_extension", "name",
                       f"one of the registered extensions {sorted(self._extensions)}", repr(name))
        return entry.extension

    def run(self, show_loop_exception_msg=True) -> None:
        """Run the training loop until the stop trigger fires.

        Calls each extension's ``initialize(trainer)`` (unless its trigger is
        ``finished``) and the ``call_before_training`` ones first.  If the
        loop raises, every extension's ``on_error(trainer, exc, tb)`` runs
        (their own errors are printed and ignored) and the exception is
        re-raised; ``finalize()`` of the extensions and of the updater always
        runs.  A trainer runs once.
        """
        if self._done:
            raise RuntimeError("Trainer.run: the training loop cannot run twice")
        os.makedirs(self.out, exist_ok=True)
        entries = sorted(self._extensions.values(), key=lambda e: e.priority, reverse=True)
        self._start_at = time.perf_counter()
        for entry in entries:
            initialize = getattr(entry.extension, "initialize", None)
            if initialize and not getattr(entry.trigger, "finished", False):
                initialize(self)

        self.observation = {}
        with self.reporter.scope(self.observation):
            for entry in entries:
                if entry.call_before_training:
                    entry.extension(self)

        update = self.updater.update
        try:
            while not self.stop_trigger(self):
                self.observation = {}
                with self.reporter.scope(self.observation):
                    update()
                    for entry in entries:
                        if entry.trigger(self):
                            entry.extension(self)
        except Exception as exc:
            tb = sys.exc_info()[2]
            if show_loop_exception_msg:
                # Printed now: a finalizer below that hangs would otherwise hide it.
                print(f"Exception in main training loop: {exc}", file=sys.stderr)
                print("Traceback (most recent call last):", file=sys.stderr)
                traceback.print_tb(tb, file=sys.stderr)
                print("Will finalize trainer extensions and updater before reraising the "
                      "exception.", file=sys.stderr)
            for entry in entries:
                on_error = getattr(entry.extension, "on_error", None)
                if on_error:
                    try:
                        on_error(self, exc, tb)
                    except Exception as handler_exc:
                        # Every handler must run; a failing one is reported, not propagated.
                        print(f"Exception in error handler: {handler_exc}", file=sys.stderr)
                        traceback.print_tb(sys.exc_info()[2], file=sys.stderr)
            raise
        finally:
            for entry in entries:
                finalize = getattr(entry.extension, "finalize", None)
                if finalize:
                    finalize()
            self.updater.finalize()
        self._final_elapsed_time = self.elapsed_time
        self._done = True

    def serialize(self, serializer) -> None:
        """Save/load ``updater/``, ``stop_trigger/``, ``extensions/<name>/``,
        ``extension_triggers/<name>/`` and ``_snapshot_elapsed_time`` (Chainer's layout).

        Example:
            >>> from types import SimpleNamespace
            >>> from kusari.serializers import DictionarySerializer
            >>> from kusari.training.trainer import Trainer
            >>> up = SimpleNamespace(get_all_optimizers=dict, connect_trainer=lambda t: None,
            ...                      serialize=lambda s: s('iteration', 0))
            >>> t = Trainer(up, (1, 'epoch'))
            >>> s = DictionarySerializer(); t.serialize(s)
            >>> sorted(s.target)
            ['_snapshot_elapsed_time', 'stop_trigger/previous_epoch_detail', 'stop_trigger/previous_iteration', 'updater/iteration']
        """
        self.updater.serialize(serializer["updater"])
        if hasattr(self.stop_trigger, "serialize"):
            self.stop_trigger.serialize(serializer["stop_trigger"])
        ext_s = serializer["extensions"]
        trig_s = serializer["extension_triggers"]
        for name, entry in self._extensions.items():
            if hasattr(entry.extension, "serialize"):
                entry.extension.serialize(ext_s[name])
            if hasattr(entry.trigger, "serialize"):
                entry.trigger.serialize(trig_s[name])
        if isinstance(serializer, serializer_module.Serializer):
            # Before run() there is no clock yet; save what was loaded (0 for a new trainer).
            started = self._done or self._start_at is not None
            serializer("_snapshot_elapsed_time",
                       self.elapsed_time if started else self._snapshot_elapsed_time)
        else:
            self._snapshot_elapsed_time = float(serializer("_snapshot_elapsed_time", 0.0))
