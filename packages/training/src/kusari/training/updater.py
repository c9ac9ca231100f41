"""The :class:`Updater` interface: what the Trainer asks of an updater."""
from __future__ import annotations

__all__ = ["Updater"]


class Updater:
    """Interface of updaters: one ``update()`` is one training iteration.

    The Trainer calls ``connect_trainer`` once, ``update`` per iteration,
    ``get_all_optimizers`` to name the reporter's observers, ``serialize``
    for snapshots and ``finalize`` at the end.  It reads ``iteration``,
    ``epoch``, ``epoch_detail`` and ``previous_epoch_detail`` for triggers.

    Example:
        >>> from kusari.training.updater import Updater
        >>> class Counter(Updater):
        ...     iteration = 0
        ...     def update(self):
        ...         self.iteration += 1
        >>> u = Counter()
        >>> u.update(); u.iteration
        1
        >>> u.get_all_optimizers()
        Traceback (most recent call last):
        ...
        NotImplementedError: Counter must implement get_all_optimizers()
    """

    def _missing(self, what):
        return NotImplementedError(f"{type(self).__name__} must implement {what}")

    def connect_trainer(self, trainer) -> None:
        """Called by the Trainer's constructor; nothing by default.

        Example:
            >>> from kusari.training.updater import Updater
            >>> Updater().connect_trainer(None) is None
            True
        """

    def finalize(self) -> None:
        """Release resources (iterators) when training ends."""
        raise self._missing("finalize()")

    def get_optimizer(self, name):
        """The optimizer registered as ``name``."""
        raise self._missing("get_optimizer(name)")

    def get_all_optimizers(self) -> dict:
        """``{name: optimizer}`` of every optimizer."""
        raise self._missing("get_all_optimizers()")

    def update(self) -> None:
        """Run one iteration."""
        raise self._missing("update()")

    def serialize(self, serializer) -> None:
        """Save or load the updater's state."""
        raise self._missing("serialize(serializer)")


def __getattr__(name):
    # Chainer's training.updater module also exposes StandardUpdater; import it
    # lazily since standard_updater itself imports this module.
    if name == "StandardUpdater":
        from kusari.training.updaters.standard_updater import StandardUpdater
        return StandardUpdater
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
