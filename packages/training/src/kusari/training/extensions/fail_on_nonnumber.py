"""FailOnNonNumber: stop training as soon as a parameter holds NaN or Inf."""
from __future__ import annotations

from kusari.training.extension import Extension


class FailOnNonNumber(Extension):
    """Trainer extension that raises ``RuntimeError`` when a parameter holds NaN or Inf.

    After each iteration (by default) it checks the parameters of every
    optimizer of the updater; a diverged run thus stops at once instead of
    computing NaNs until the end.  The message names the optimizer and the
    first non-finite parameter by its path in the model (``/l1/W``).
    Uninitialized parameters are skipped.

    Example:
        >>> from types import SimpleNamespace
        >>> import numpy as np
        >>> import kusari
        >>> from kusari.training.extensions.fail_on_nonnumber import FailOnNonNumber
        >>> model = kusari.links.Linear(2, 1)
        >>> opt = kusari.optimizers.SGD(); _ = opt.setup(model)
        >>> trainer = SimpleNamespace(updater=SimpleNamespace(get_all_optimizers=lambda: {'main': opt}))
        >>> FailOnNonNumber()(trainer)
        >>> model.b.array[0] = np.nan
        >>> FailOnNonNumber()(trainer)
        Traceback (most recent call last):
        ...
        RuntimeError: FailOnNonNumber: parameter '/b' of optimizer 'main' holds NaN or Inf (1 of 1 elements); the training diverged, so it stops here
    """

    def __call__(self, trainer):
        for opt_name, optimizer in trainer.updater.get_all_optimizers().items():
            for param_name, param in optimizer.target.namedparams():
                array = param.array
                if array is None:
                    continue
                finite = _array_module(array).isfinite(array)
                if not finite.all():
                    bad = int(finite.size - finite.sum())
                    raise RuntimeError(
                        f"FailOnNonNumber: parameter {param_name!r} of optimizer {opt_name!r} holds NaN "
                        f"or Inf ({bad} of {finite.size} elements); the training diverged, so it stops here")


def _array_module(array):
    from kusari.backend import get_array_module
    return get_array_module(array)
