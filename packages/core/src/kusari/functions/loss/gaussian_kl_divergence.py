"""``gaussian_kl_divergence``: KL divergence of a diagonal Gaussian from N(0, I) (Chainer v7 semantics)."""
from __future__ import annotations

from kusari.functions.loss._elementwise import check_matching_pair, check_reduce, reduce_elements
from kusari.functions.math.exponential import exp
from kusari.variable import as_variable

_FN = "gaussian_kl_divergence"


def gaussian_kl_divergence(mean, ln_var, reduce="sum"):
    """``KL(N(mean, exp(ln_var)) || N(0, I))``, the VAE latent loss.

    Each element contributes ``0.5 * (mean^2 + exp(ln_var) - ln_var - 1)``.
    Built from differentiable functions: gradients of any order.

    Args:
        mean: float mean, a Variable or array.
        ln_var: log of the variance, same shape and dtype as ``mean``.
        reduce: ``'sum'`` (default) or ``'mean'`` over all elements for a
            scalar, or ``'no'`` for the elementwise values.

    Returns:
        Variable of ``mean``'s dtype: 0-d, or ``mean``'s shape with ``reduce='no'``.

    Raises:
        InvalidType: non-float ``mean``, ``ln_var`` of another dtype or shape.
        ValueError: an unknown ``reduce``.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.loss.gaussian_kl_divergence import gaussian_kl_divergence
        >>> mean = np.array([0.0, 2.0], np.float32)
        >>> gaussian_kl_divergence(mean, np.zeros(2, np.float32)).array
        array(2., dtype=float32)
    """
    check_reduce(_FN, reduce)
    check_matching_pair(_FN, "mean", mean, "ln_var", ln_var)
    mean = as_variable(mean)
    return reduce_elements((mean * mean + exp(ln_var) - ln_var - 1.0) * 0.5, reduce)
