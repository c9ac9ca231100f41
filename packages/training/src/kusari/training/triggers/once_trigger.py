"""OnceTrigger: fire on the first call only (and optionally once more after a resume)."""
from __future__ import annotations

import warnings


class OnceTrigger:
    """Trigger that fires on its first call.

    Args:
        call_on_resume (bool): also fire on the first call after the trigger
            is loaded from a snapshot (Chainer's default: ``False``).

    Example:
        >>> from kusari.training.triggers.once_trigger import OnceTrigger
        >>> trigger = OnceTrigger()
        >>> [trigger(None) for _ in range(3)], trigger.finished
        ([True, False, False], True)
    """

    def __init__(self, call_on_resume=False):
        self._flag_first = True
        self._flag_resumed = bool(call_on_resume)

    @property
    def finished(self) -> bool:
        """True when the trigger will not fire again."""
        return not (self._flag_first or self._flag_resumed)

    def __call__(self, trainer) -> bool:
        """True on the first call (or first after a resume with ``call_on_resume``)."""
        fire = not self.finished
        self._flag_first = False
        self._flag_resumed = False
        return fire

    def serialize(self, serializer):
        """Save or load ``_flag_first`` (Chainer's key)."""
        try:
            self._flag_first = serializer("_flag_first", self._flag_first)
        except KeyError:
            warnings.warn("OnceTrigger.serialize: '_flag_first' was not saved; assuming the "
                          "trigger already fired before the snapshot", stacklevel=2)
            self._flag_first = False
