"""kusari: Chainer's define-by-run design on today's Python, NumPy and CuPy.

Example:
    >>> import numpy as np
    >>> import kusari
    >>> import kusari.functions as F
    >>> x = kusari.Variable(np.array([[1.0, -2.0]], np.float32))
    >>> y = F.sum(F.relu(x) * 3)
    >>> y.backward()
    >>> x.grad
    array([[3., 0.]], dtype=float32)
"""
# kusari is one import namespace shared by several distributions
# (kusari-core, kusari-training, kusari-rnn, ...): this must stay the first
# statement so their subpackages are found, installed or editable.
__path__ = __import__("pkgutil").extend_path(__path__, __name__)

import importlib as _importlib

from kusari.__about__ import __version__  # noqa: E402,F401
from kusari._config import (  # noqa: E402,F401
    DebugMode, config, force_backprop_mode, global_config, is_debug, no_backprop_mode,
    set_debug, using_config,
)
from kusari.variable import Parameter, Variable, VariableNode, as_array, as_variable  # noqa: E402,F401
from kusari.function_node import FunctionNode  # noqa: E402,F401
from kusari._backprop import backward, grad  # noqa: E402,F401
from kusari.functions.math import basic_math as _basic_math  # noqa: E402

_basic_math.install_variable_arithmetics()

# Names loaded on first use: keeps `import kusari` fast and lets each module
# be read on its own.  name -> (module, attribute or None for the module).
_LAZY = {
    "functions": ("kusari.functions", None),
    "links": ("kusari.links", None),
    "initializers": ("kusari.initializers", None),
    "backend": ("kusari.backend", None),
    "backends": ("kusari.backends", None),
    "cuda": ("kusari.cuda", None),
    "utils": ("kusari.utils", None),
    "gradient_check": ("kusari.gradient_check", None),
    "testing": ("kusari.testing", None),
    "computational_graph": ("kusari.computational_graph", None),
    "reporter": ("kusari.reporter", None),
    "plugins": ("kusari.plugins", None),
    "dataset": ("kusari.dataset", None),
    "optimizer": ("kusari.optimizer", None),
    "optimizers": ("kusari.optimizers", None),
    "optimizer_hooks": ("kusari.optimizer_hooks", None),
    "serializers": ("kusari.serializers", None),
    "serializer": ("kusari.serializer", None),
    "function": ("kusari.function", None),
    "link": ("kusari.link", None),
    "sequential": ("kusari.sequential", None),
    "Function": ("kusari.function", "Function"),
    "Link": ("kusari.link", "Link"),
    "Chain": ("kusari.link", "Chain"),
    "ChainList": ("kusari.link", "ChainList"),
    "Sequential": ("kusari.sequential", "Sequential"),
    "Initializer": ("kusari.initializer", "Initializer"),
    "Reporter": ("kusari.reporter", "Reporter"),
    "report": ("kusari.reporter", "report"),
    "report_scope": ("kusari.reporter", "report_scope"),
    "get_current_reporter": ("kusari.reporter", "get_current_reporter"),
    "Summary": ("kusari.reporter", "Summary"),
    "DictSummary": ("kusari.reporter", "DictSummary"),
    "Optimizer": ("kusari.optimizer", "Optimizer"),
    "GradientMethod": ("kusari.optimizer", "GradientMethod"),
    "UpdateRule": ("kusari.optimizer", "UpdateRule"),
    "Serializer": ("kusari.serializer", "Serializer"),
    "Deserializer": ("kusari.serializer", "Deserializer"),
    "AbstractSerializer": ("kusari.serializer", "AbstractSerializer"),
    "get_device": ("kusari.backend", "get_device"),
    "using_device": ("kusari.backend", "using_device"),
    "get_array_module": ("kusari.backend", "get_array_module"),
    "print_runtime_info": ("kusari._runtime_info", "print_runtime_info"),
    "function_hook": ("kusari.function_hook", None),
    "function_hooks": ("kusari.function_hooks", None),
    "FunctionHook": ("kusari.function_hook", "FunctionHook"),
    "get_function_hooks": ("kusari.function_hook", "get_function_hooks"),
    "link_hook": ("kusari.link_hook", None),
    "link_hooks": ("kusari.link_hooks", None),
    "LinkHook": ("kusari.link_hook", "LinkHook"),
    "get_link_hooks": ("kusari.link_hook", "get_link_hooks"),
    "_get_link_hooks": ("kusari.link_hook", "_get_link_hooks"),
}

# Subpackages that other distributions provide.
_OTHER_DISTRIBUTIONS = {
    "training": "kusari-training",
    "datasets": "kusari-datasets",
    "iterators": "kusari-datasets",
    "rnn": "kusari-rnn",
    "cuda_backend": "kusari-cuda",
    "distributed": "kusari-distributed",
}


class _MissingDistributionFinder:
    """Last on ``sys.meta_path``: ``import kusari.training`` without kusari-training names it."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        prefix, _, sub = fullname.partition(".")
        dist = _OTHER_DISTRIBUTIONS.get(sub) if prefix == "kusari" else None
        if dist is not None:
            raise ModuleNotFoundError(
                f"kusari.{sub} is provided by {dist}, which is not installed: pip install {dist}",
                name=fullname)
        return None


__import__("sys").meta_path.append(_MissingDistributionFinder)


def __getattr__(name):
    target = _LAZY.get(name)
    if target is not None:
        module = _importlib.import_module(target[0])
        value = module if target[1] is None else getattr(module, target[1])
        globals()[name] = value
        return value
    dist = _OTHER_DISTRIBUTIONS.get(name)
    if dist is not None:
        try:
            module = _importlib.import_module(f"kusari.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"kusari.{name}":
                raise
            raise ImportError(
                f"kusari.{name} is provided by {dist}, which is not installed: pip install {dist}",
                name=f"kusari.{name}",
            ) from None
        globals()[name] = module
        return module
    raise AttributeError(f"module 'kusari' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_OTHER_DISTRIBUTIONS))


def get_dtype(dtype=None):
    """The default float dtype (``config.dtype``) or ``dtype`` itself, as a NumPy dtype."""
    import numpy

    return numpy.dtype(config.dtype if dtype is None else dtype)
