"""ParameterStatistics: report statistics (mean, std, percentiles, ...) of parameters and gradients."""
from __future__ import annotations

import numpy

from kusari import reporter
from kusari.backend import get_array_module
from kusari.training._util import get_trigger
from kusari.training.extension import PRIORITY_WRITER, Extension
from kusari.utils import type_check

_PERCENTILE_SIGMAS = (0.13, 2.28, 15.87, 50, 84.13, 97.72, 99.87)  # -3..+3 sigma of a normal

_default_statistics = {
    "mean": lambda x: get_array_module(x).mean(x),
    "std": lambda x: get_array_module(x).std(x),
    "min": lambda x: get_array_module(x).min(x),
    "max": lambda x: get_array_module(x).max(x),
    "zeros": lambda x: get_array_module(x).count_nonzero(x == 0),
    "percentile": lambda x: get_array_module(x).percentile(x, _PERCENTILE_SIGMAS),
}


class ParameterStatistics(Extension):
    """Trainer extension that reports statistics of the parameters and gradients of links.

    On each call (every iteration by default) every statistic is computed
    for each parameter's flattened ``data`` (when ``report_params``) and
    ``grad`` (when ``report_grads``), and added to a running
    :class:`~kusari.DictSummary`; when ``trigger`` fires, the means are
    reported and the summary restarts.  Keys read
    ``{prefix}/{link name}{parameter path}/{data|grad}/{statistic}``, e.g.
    ``mlp/l1/W/data/mean`` (a link without a name gives ``None``, as in
    Chainer); a statistic returning several numbers (``percentile``) gets
    ``/0``, ``/1``, ... appended.  Parameters or gradients not yet allocated
    are skipped.

    The default statistics are ``mean``, ``std``, ``min``, ``max``, ``zeros``
    (count of exact zeros) and ``percentile`` (at 0.13, 2.28, 15.87, 50,
    84.13, 97.72, 99.87: the -3..+3 sigma points of a normal distribution).

    Args:
        links (~kusari.Link or list of ~kusari.Link): the links to observe.
        statistics (dict or 'default'): ``{name: function}``, each function
            taking a 1-D array and returning a number or an array of numbers;
            ``'default'`` for the defaults above, None for none.
        report_params (bool): report statistics of the parameter values.
        report_grads (bool): report statistics of the gradients.
        prefix (str): prepended to every key, followed by ``/``.
        trigger: when to report the accumulated means and restart,
            ``(N, 'epoch')``, ``(N, 'iteration')`` or a trigger object.
        skip_nan_params (bool): report NaN for an array holding a NaN instead
            of computing its statistics.

    Example:
        >>> from types import SimpleNamespace
        >>> import numpy as np
        >>> import kusari
        >>> from kusari.training.extensions.parameter_statistics import ParameterStatistics
        >>> link = kusari.links.Linear(3, 2)
        >>> link.W.array[...] = np.arange(6, dtype=np.float32).reshape(2, 3)
        >>> ext = ParameterStatistics(link, {'max': np.max}, report_grads=False,
        ...                           trigger=(1, 'iteration'))
        >>> trainer = SimpleNamespace(updater=SimpleNamespace(iteration=1, epoch_detail=0.5))
        >>> observation = {}
        >>> with kusari.Reporter().scope(observation):
        ...     ext(trainer)
        >>> sorted(observation), float(observation['None/W/data/max'])
        (['None/W/data/max', 'None/b/data/max'], 5.0)
    """

    default_name = "parameter_statistics"
    priority = PRIORITY_WRITER

    # prefix ends with '/' when given; param_name starts with '/'.
    report_key_template = "{prefix}{link_name}{param_name}/{attr_name}/{function_name}"

    default_statistics = _default_statistics

    def __init__(self, links, statistics="default", report_params=True, report_grads=True, prefix=None,
                 trigger=(1, "epoch"), skip_nan_params=False):
        if not isinstance(links, (list, tuple)):
            links = (links,)
        for link in links:
            if not hasattr(link, "namedparams"):
                type_check.fail("ParameterStatistics", "links", "a Link or a list of Links",
                                type(link).__name__)
        self._links = links
        if statistics is None:
            statistics = {}
        elif isinstance(statistics, str):
            if statistics != "default":
                type_check.fail("ParameterStatistics", "statistics", "a dict, 'default' or None",
                                repr(statistics))
            statistics = self.default_statistics
        self._statistics = dict(statistics)
        self._attrs = [name for name, on in (("data", report_params), ("grad", report_grads)) if on]
        self._prefix = prefix
        self._trigger = get_trigger(trigger)
        self._summary = reporter.DictSummary()
        self._skip_nan_params = skip_nan_params

    def __call__(self, trainer):
        statistics = {}
        prefix = self._prefix + "/" if self._prefix else ""
        for link in self._links:
            link_name = getattr(link, "name", "None")
            for param_name, param in link.namedparams():
                for attr_name in self._attrs:
                    array = param.array if attr_name == "data" else param.grad
                    if array is None:
                        continue
                    # Statistics get a flat array: they must not depend on the layout.
                    flat = array.ravel()
                    has_nan = self._skip_nan_params and bool(get_array_module(flat).isnan(flat).any())
                    for function_name, function in self._statistics.items():
                        value = numpy.nan if has_nan else function(flat)
                        key = self.report_key_template.format(
                            prefix=prefix, link_name=link_name, param_name=param_name,
                            attr_name=attr_name, function_name=function_name)
                        if getattr(value, "size", 1) > 1:
                            statistics.update({f"{key}/{i}": v for i, v in enumerate(value)})
                        else:
                            statistics[key] = value
        self._summary.add(statistics)
        if self._trigger(trainer):
            reporter.report(self._summary.compute_mean())
            self._summary = reporter.DictSummary()

    def serialize(self, serializer):
        """Save/load the running summary and the trigger, so a resumed run reports as an uninterrupted one.

        Chainer saves nothing here (its resumed runs report a partial
        interval early); a Chainer snapshot loads with warnings about the
        missing keys and starts the interval afresh.

        Example:
            >>> import kusari
            >>> from kusari.serializers import npz
            >>> from kusari.training.extensions.parameter_statistics import ParameterStatistics
            >>> sorted(npz.serialize(ParameterStatistics(kusari.links.Linear(2, 2))))
            ['_summary/_names', '_trigger/previous_epoch_detail', '_trigger/previous_iteration']
        """
        self._summary.serialize(serializer["_summary"])
        if hasattr(self._trigger, "serialize"):
            self._trigger.serialize(serializer["_trigger"])

    def register_statistics(self, name, function):
        """Add (or replace) the statistic ``name``, computed by ``function(flat_array)``.

        Example:
            >>> import numpy as np
            >>> import kusari
            >>> from kusari.training.extensions.parameter_statistics import ParameterStatistics
            >>> ext = ParameterStatistics(kusari.links.Linear(2, 2), statistics=None)
            >>> ext.register_statistics('l2', np.linalg.norm)
            >>> list(ext._statistics)
            ['l2']
        """
        self._statistics[name] = function
