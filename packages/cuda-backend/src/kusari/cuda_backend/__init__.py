"""The CUDA backend for kusari (distribution kusari-cuda): CuPy arrays on ``'@cupy:N'``.

Registers the ``cupy`` backend through the plugin system, so
``kusari.get_device('@cupy:0')`` works when CuPy and a GPU are present and
explains what to install when they are not.  CuPy is imported lazily: this
package imports (and ``kusari plugins`` lists it) on machines without CuPy.
GPU kernels (the cuDNN n_step_lstm, ...) come with its own issue.

Example:
    >>> from kusari.cuda_backend import CupyBackend
    >>> CupyBackend.name
    'cupy'
"""
from kusari.cuda_backend.__about__ import __version__  # noqa: F401
from kusari.cuda_backend._backend import CupyBackend, CupyDevice  # noqa: F401

__all__ = ["CupyBackend", "CupyDevice"]
