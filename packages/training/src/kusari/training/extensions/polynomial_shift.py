"""PolynomialShift: decay an optimizer attribute as ``init * (1 - t / max_count) ** rate``."""
from __future__ import annotations

from kusari.training.extensions import _shift, _target_shift


class PolynomialShift(_target_shift.TargetShift):
    """Trainer extension that sets ``optimizer.<attr>`` to ``init * max(1 - t / max_count, 0) ** rate``.

    ``t`` counts the calls (one per iteration by default), so with
    ``max_count`` equal to the training length the value reaches 0 at the
    end.  With ``target`` the value stops there: it never goes below it when
    ``rate > 0``, above it otherwise.

    Args:
        attr (str): the optimizer attribute to drive.
        rate (float): the exponent of the polynomial.
        max_count (int): the number of calls after which the value is 0.
        init (float): the starting value; None reads the optimizer's value
            when training starts.
        target (float): the value the schedule stops at; None for no limit.
        optimizer (~kusari.Optimizer): the optimizer to drive; None for the
            updater's ``'main'`` optimizer.

    Example:
        >>> import kusari
        >>> from kusari.training.extensions.polynomial_shift import PolynomialShift
        >>> opt = kusari.optimizers.SGD(lr=0.1)
        >>> ext = PolynomialShift('lr', rate=1.0, max_count=4, optimizer=opt)
        >>> ext.initialize(None)
        >>> values = []
        >>> for _ in range(5):
        ...     ext(None); values.append(round(opt.lr, 6))
        >>> values
        [0.075, 0.05, 0.025, 0.0, 0.0]
    """

    def __init__(self, attr, rate, max_count, init=None, target=None, optimizer=None):
        super().__init__(attr, init, target, optimizer)
        _shift.check_number("PolynomialShift", "rate", rate)
        _shift.check_number("PolynomialShift", "max_count", max_count)
        if max_count <= 0:
            _shift.value_error("PolynomialShift", "max_count", "a positive number", max_count)
        self._rate = rate
        self._max_count = max_count

    def _formula(self, t):
        decay = max(1 - t / self._max_count, 0)
        return self._init * decay ** self._rate

    def _rises(self):
        # With rate <= 0 the factor (1 - t / max_count) ** rate never drops below 1.
        return self._rate <= 0
