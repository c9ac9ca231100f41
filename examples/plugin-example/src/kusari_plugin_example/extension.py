"""A trainer extension, following Chainer's extension protocol.

A Trainer calls ``extension(trainer)`` whenever ``trigger`` fires, higher
``priority`` first, and keeps its state through ``serialize``.
"""
from kusari.backend import get_array_module


class NaNGuard:
    """Stop training as soon as an observed value is NaN or infinite.

    Chainer trains on silently after a NaN loss; this extension raises
    ``FloatingPointError`` naming the key and the iteration instead.  It runs
    before extensions that write logs or snapshots (priority 300, Chainer's
    ``PRIORITY_WRITER``), so no snapshot of a broken model is taken.

    Args:
        keys: observation keys to check (``'main/loss'`` by default).

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari_plugin_example import NaNGuard
        >>> guard = NaNGuard()
        >>> trainer = SimpleNamespace(observation={'main/loss': float('nan')},
        ...                           updater=SimpleNamespace(iteration=7))
        >>> guard(trainer)
        Traceback (most recent call last):
        ...
        FloatingPointError: example_nan_guard: observed 'main/loss' is not finite at iteration 7: nan
    """

    name = "example_nan_guard"
    trigger = (1, "iteration")
    priority = 300

    def __init__(self, keys=("main/loss",)):
        self.keys = (keys,) if isinstance(keys, str) else tuple(keys)

    def __call__(self, trainer):
        observation = trainer.observation
        for key in self.keys:
            value = observation.get(key)
            if value is None:
                continue
            array = getattr(value, "array", value)  # a Variable, an array or a float
            xp = get_array_module(array)
            if not bool(xp.all(xp.isfinite(array))):
                raise FloatingPointError(
                    f"{self.name}: observed {key!r} is not finite at iteration "
                    f"{trainer.updater.iteration}: {array}"
                )

    def serialize(self, serializer):
        """Nothing to save: the guard is stateless."""
