"""Test helpers for kusari and its plugins (public API).

* :func:`check_backward`, :func:`check_double_backward` — gradient checks
  (re-exported from :mod:`kusari.gradient_check`);
* :mod:`kusari.testing.strategies` — hypothesis strategies for bounded
  finite arrays, broadcastable shapes and reduction axes (needs
  ``pip install kusari-core[testing]``);
* :mod:`kusari.testing.plugin_checks` — checks that an installed plugin's
  entry point is declared, loaded, listed by ``kusari plugins`` and can be
  disabled (``check_plugin`` runs them all).

A plugin author tests a new function exactly as kusari tests its own::

    from hypothesis import given
    from kusari.testing import check_backward, strategies as kst

    @given(kst.arrays(shape=kst.shapes(), lo=-2, hi=2))
    def test_my_function_grad(x):
        check_backward(my_function, x, kst.ones_like_output(my_function, x))
"""
from __future__ import annotations

from kusari.gradient_check import check_backward, check_double_backward, numerical_grad  # noqa: F401

# Imported on first use: strategies needs hypothesis, and neither is needed by
# code that only wants the gradient checks.
_LAZY_SUBMODULES = ("strategies", "plugin_checks")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"kusari.testing.{name}")
    raise AttributeError(f"module 'kusari.testing' has no attribute {name!r}")
