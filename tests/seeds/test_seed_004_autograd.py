"""Seed 004 (Chainer's "Introduction to Chainer" tutorial): the import block and
the Forward/Backward Computation section.

The tutorial's code in its Chainer v7 form, with only ``chainer`` -> ``kusari``
changed.  The Link/Chain parts are in test_seed_004_links.py; optimizers,
serializers and the Trainer are other tests' business.

The import block names subpackages that other distributions provide
(``training``, ``datasets``, ``iterators`` and ``kusari.training.extensions``).
Where one is not installed the import must fail with an ImportError naming
the distribution to install: the tests marked ``MISSING DISTRIBUTION`` hide
the installed package and check exactly that.
"""
# ruff: noqa: I001  (the tutorial's import block is kept verbatim)
import os
import sys

import numpy as np
import pytest

import kusari

# ---- the import block -------------------------------------------------------------


def test_import_block_core_names():
    from kusari import cuda, Function, gradient_check, report, utils, Variable  # noqa: F401
    from kusari import optimizers, serializers  # noqa: F401
    from kusari import Link, Chain, ChainList  # noqa: F401
    import kusari.functions as F
    import kusari.links as L

    assert callable(cuda.to_cpu) and callable(report) and callable(F.relu) and callable(L.Linear)
    assert issubclass(Chain, Link) and issubclass(ChainList, Link)
    assert Variable is kusari.Variable and Function is kusari.function.Function


class _Hide:
    """A meta-path finder that makes ``kusari.<name>`` (and below) look uninstalled."""

    def __init__(self, name):
        self.prefix = f"kusari.{name}"

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.prefix or fullname.startswith(self.prefix + "."):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def _forget(monkeypatch, name):
    for mod in list(sys.modules):
        if mod == f"kusari.{name}" or mod.startswith(f"kusari.{name}."):
            monkeypatch.delitem(sys.modules, mod)
    if name in vars(kusari):  # (hasattr would import it through kusari.__getattr__)
        monkeypatch.delattr(kusari, name)


OTHER_DISTRIBUTIONS = [("training", "kusari-training"), ("datasets", "kusari-datasets"),
                       ("iterators", "kusari-datasets")]


# MISSING DISTRIBUTION: `from kusari import training` without kusari-training.
@pytest.mark.parametrize("name, dist", OTHER_DISTRIBUTIONS)
def test_missing_distribution_from_import_names_the_package(monkeypatch, name, dist):
    _forget(monkeypatch, name)
    monkeypatch.setattr(sys, "meta_path", [_Hide(name)] + sys.meta_path)
    with pytest.raises(ImportError, match=rf"kusari.{name} is provided by {dist}, which is not "
                                          rf"installed: pip install {dist}"):
        exec(f"from kusari import {name}", {})
    with pytest.raises(ImportError, match=f"pip install {dist}"):
        getattr(kusari, name)


# MISSING DISTRIBUTION: the statement forms `import kusari.training` and
# `from kusari.training import extensions` go through the import system, not
# kusari.__getattr__; they too must name the package.  Simulated by taking
# the distribution's folder off kusari.__path__ (possible in a development
# checkout, where each distribution has its own folder).
@pytest.mark.parametrize("name, dist, statement", [
    ("training", "kusari-training", "import kusari.training"),
    ("training", "kusari-training", "from kusari.training import extensions"),
    ("datasets", "kusari-datasets", "import kusari.datasets"),
    ("iterators", "kusari-datasets", "from kusari.iterators import SerialIterator"),
])
def test_missing_distribution_import_statement_names_the_package(monkeypatch, name, dist, statement):
    keep = [p for p in kusari.__path__ if not os.path.isdir(os.path.join(p, name))]
    if not any(os.path.isfile(os.path.join(p, "__init__.py")) for p in keep):
        pytest.skip("all kusari distributions share one folder here (wheel install)")
    _forget(monkeypatch, name)
    monkeypatch.setattr(kusari, "__path__", keep)
    with pytest.raises(ImportError, match=rf"pip install {dist}"):
        exec(statement, {})


# ---- Forward/Backward Computation -----------------------------------------------------
from kusari import Variable  # noqa: E402  (the tutorial's own import, used below)


def test_forward_backward_scalar():
    x_data = np.array([5], dtype=np.float32)
    x = Variable(x_data)
    y = x**2 - 2 * x + 1
    np.testing.assert_array_equal(y.data, np.array([16.], dtype=np.float32))
    assert y.data.dtype == np.float32
    y.backward()
    np.testing.assert_array_equal(x.grad, np.array([8.], dtype=np.float32))
    assert x.grad.dtype == np.float32


def test_y_remembers_its_history():
    x = Variable(np.array([5], dtype=np.float32))
    y = x**2 - 2 * x + 1
    # Walk the graph back from y: it reaches x.
    reached, stack, seen = False, [y.creator_node], set()
    while stack:
        f = stack.pop()
        if id(f) in seen:
            continue
        seen.add(id(f))
        for node in f.inputs:
            reached = reached or node is x.node
            if node.creator_node is not None:
                stack.append(node.creator_node)
    assert reached and len(seen) >= 3  # square, times two, minus, plus one


def test_retain_grad_keeps_intermediate_gradient():
    x = Variable(np.array([5], dtype=np.float32))
    z = 2*x
    y = x**2 - z + 1
    y.backward(retain_grad=True)
    np.testing.assert_array_equal(z.grad, np.array([-1.], dtype=np.float32))


def test_intermediate_gradient_is_freed_without_retain_grad():
    x = Variable(np.array([5], dtype=np.float32))
    z = 2*x
    y = x**2 - z + 1
    y.backward()
    assert z.grad is None
    np.testing.assert_array_equal(x.grad, np.array([8.], dtype=np.float32))


def test_multi_element_backward_needs_initial_grad():
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    y = x**2 - 2*x + 1
    y.grad = np.ones((2, 3), dtype=np.float32)
    y.backward()
    np.testing.assert_array_equal(
        x.grad, np.array([[0., 2., 4.], [6., 8., 10.]], dtype=np.float32))


def test_multi_element_backward_without_initial_grad_says_what_to_do():
    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    y = x**2 - 2*x + 1
    with pytest.raises(ValueError, match=r"set its gradient first"):
        y.backward()


def test_tutorial_imports_work_on_its_example():
    from kusari import cuda, gradient_check

    x = Variable(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))
    y = x**2 - 2*x + 1
    np.testing.assert_array_equal(cuda.to_cpu(y).ravel(), [0, 1, 4, 9, 16, 25])
    gradient_check.check_backward(lambda v: v**2 - 2*v + 1,
                                  np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64),
                                  np.ones((2, 3)))
