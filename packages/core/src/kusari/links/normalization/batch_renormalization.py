"""``BatchRenormalization``: batch normalization pulled towards the running statistics."""
from __future__ import annotations

from kusari import _config
from kusari.functions.normalization.batch_normalization import fixed_batch_normalization
from kusari.functions.normalization.batch_renormalization import batch_renormalization
from kusari.links.normalization.batch_normalization import BatchNormalization


class BatchRenormalization(BatchNormalization):
    """Batch renormalization layer (Ioffe 2017).

    Training uses :func:`batch_renormalization` (with ``rmax`` / ``dmax``)
    and updates ``avg_mean`` / ``avg_var``; evaluation
    (``config.train`` False) is :func:`fixed_batch_normalization` with them.
    Parameters and persistents are those of :class:`BatchNormalization`
    (``gamma``, ``beta``, ``avg_mean``, ``avg_var``, ``N``).

    Args:
        size: the channel shape (required); it starts at the input's axis 1.
        rmax: bound of the std correction ``r`` in ``[1/rmax, rmax]``.
        dmax: bound of the mean correction ``d`` in ``[-dmax, dmax]``.
        decay, eps, dtype, use_gamma, use_beta, initial_gamma, initial_beta,
        initial_avg_mean, initial_avg_var: as in :class:`BatchNormalization`.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.links.normalization.batch_renormalization import BatchRenormalization
        >>> brn = BatchRenormalization(1, rmax=3, dmax=0.5, eps=0, initial_avg_var=4)
        >>> x = np.array([[0], [2]], np.float32)
        >>> brn(x).array            # r = 0.5, d = 0.5 against avg_mean 0, avg_var 4
        array([[0.],
               [1.]], dtype=float32)
        >>> brn.avg_mean, brn.avg_var   # then updated: 0.9 * old + 0.1 * batch stats
        (array([0.1], dtype=float32), array([3.8], dtype=float32))
    """

    def __init__(self, size, rmax=1, dmax=0, decay=0.9, eps=2e-5, dtype=None, use_gamma=True, use_beta=True,
                 initial_gamma=None, initial_beta=None, initial_avg_mean=None, initial_avg_var=None):
        super().__init__(size, decay, eps, dtype, use_gamma, use_beta, initial_gamma, initial_beta,
                         initial_avg_mean=initial_avg_mean, initial_avg_var=initial_avg_var)
        self.rmax = rmax  # largest allowed correction of the std
        self.dmax = dmax  # largest allowed correction of the mean
        self.r = None
        self.d = None

    def forward(self, x, finetune=False):
        """Renormalize ``x`` in training, normalize by the running statistics otherwise."""
        gamma, beta = self._gamma_beta(x)
        if _config.config.train:
            decay = self._finetune_decay(finetune)
            update = True
            if getattr(_config.config, "in_recomputing", False):
                if finetune:
                    self.N -= 1
                update = False
            return batch_renormalization(x, gamma, beta, self.rmax, self.dmax, self.eps, self.avg_mean,
                                         self.avg_var, decay, update_statistics=update)
        return fixed_batch_normalization(x, gamma, beta, self.avg_mean, self.avg_var, self.eps)
