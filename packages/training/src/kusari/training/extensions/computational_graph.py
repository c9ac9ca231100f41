"""dump_graph: write the computational graph of an observed Variable as DOT, once.

The reporter stores reported Variables without their graph unless
``config.keep_graph_on_report`` is set, so, as in Chainer, the extension turns
that flag on when training starts and restores it right after the first
dump: only the first iteration keeps its graph alive.  Render the file with
Graphviz (``dot -Tpng cg.dot -o cg.png``).
"""
from __future__ import annotations

import os
import warnings

from kusari import _atomic, _config, computational_graph
from kusari.training import extension
from kusari.utils import type_check
from kusari.variable import Variable

__all__ = ["DumpGraph", "dump_graph"]

_VARIABLE_STYLE = {"shape": "octagon", "fillcolor": "#E0E0E0", "style": "filled"}
_FUNCTION_STYLE = {"shape": "record", "fillcolor": "#6495ED", "style": "filled"}
_UNSET = object()


class DumpGraph(extension.Extension):
    """Write the graph of the observed Variable ``root_name`` as DOT into ``trainer.out``, once.

    Its own trigger fires on the first call only (the first iteration).
    ``initialize`` turns ``kusari.config.keep_graph_on_report`` on (this
    thread's setting) so the reported Variable still has its graph; the flag
    is put back as it was right after the dump (or at ``finalize`` when no
    dump happened).  The file is written atomically.  ``serialize`` keeps
    Chainer's ``_original_flag`` and ``_flag_called``, so a resumed run does
    not dump again.

    Args:
        root_name (str): the observation key of the Variable, e.g. ``'main/loss'``.
        filename (str): the DOT file name; ``'cg.dot'`` when None.
        variable_style (dict): DOT attributes of variable nodes (octagons by default).
        function_style (dict): DOT attributes of function nodes (records by default).
        out_name: the older name of ``filename``.

    Example:
        >>> import os, tempfile, numpy as np, kusari, kusari.links as L
        >>> from kusari.iterators import SerialIterator
        >>> from kusari.training.trainer import Trainer
        >>> from kusari.training.updaters.standard_updater import StandardUpdater
        >>> from kusari.training.extensions.computational_graph import dump_graph
        >>> data = [(np.ones(2, np.float32), np.int32(1))] * 4
        >>> opt = kusari.optimizers.SGD(); _ = opt.setup(L.Classifier(L.Linear(2, 2)))
        >>> out = tempfile.mkdtemp()
        >>> t = Trainer(StandardUpdater(SerialIterator(data, 2), opt), (1, 'epoch'), out=out)
        >>> t.extend(dump_graph('main/loss'))
        >>> t.run()
        >>> dot = open(os.path.join(out, 'cg.dot')).read()
        >>> dot.startswith('digraph'), 'SoftmaxCrossEntropy' in dot, kusari.config.keep_graph_on_report
        (True, True, False)
    """

    default_name = "dump_graph"

    def __init__(self, root_name, filename=None, variable_style=None, function_style=None, **kwargs):
        out_name = kwargs.pop("out_name", "cg.dot")
        if kwargs:
            raise TypeError(f"dump_graph: unexpected keyword argument(s) {sorted(kwargs)}")
        if filename is None:
            filename = out_name
        if not isinstance(root_name, str):
            type_check.fail("dump_graph", "root_name", "an observation key (str)", repr(root_name))
        if not isinstance(filename, str) or not filename:
            type_check.fail("dump_graph", "filename", "a non-empty file name (str)", repr(filename))
        for arg, style in (("variable_style", variable_style), ("function_style", function_style)):
            if style is not None and not isinstance(style, dict):
                type_check.fail("dump_graph", arg, "a dict of DOT attributes or None", type(style).__name__)
        self._root_name = root_name
        self._filename = filename
        self._variable_style = _VARIABLE_STYLE if variable_style is None else variable_style
        self._function_style = _FUNCTION_STYLE if function_style is None else function_style
        self._original_flag = None
        self._flag_called = False
        # What this thread's config held before initialize: _UNSET when it used the global value.
        self._saved_override = None

    def initialize(self, trainer) -> None:
        """Turn ``keep_graph_on_report`` on until the first dump (not again after one).

        Example:
            >>> import kusari
            >>> from kusari.training.extensions.computational_graph import dump_graph
            >>> ext = dump_graph('main/loss'); ext.initialize(None)
            >>> kusari.config.keep_graph_on_report
            True
            >>> ext.finalize(); kusari.config.keep_graph_on_report
            False
        """
        if self._flag_called or self._saved_override is not None:
            return
        config = _config.config
        self._original_flag = config.keep_graph_on_report
        self._saved_override = vars(config).get("keep_graph_on_report", _UNSET)
        config.keep_graph_on_report = True

    def _restore_flag(self) -> None:
        saved, self._saved_override = self._saved_override, None
        if saved is None:  # never set by this extension (or already restored)
            return
        config = _config.config
        if saved is _UNSET:
            # Drop the thread's override: the global value applies again.
            vars(config).pop("keep_graph_on_report", None)
        else:
            config.keep_graph_on_report = saved

    def trigger(self, trainer) -> bool:
        """Fire on the first call only.

        Example:
            >>> from kusari.training.extensions.computational_graph import dump_graph
            >>> ext = dump_graph('main/loss')
            >>> ext.trigger(None), ext.trigger(None)
            (True, False)
        """
        if self._flag_called:
            return False
        self._flag_called = True
        return True

    def __call__(self, trainer):
        try:
            observation = trainer.observation
            if self._root_name not in observation:
                raise KeyError(f"dump_graph: root_name {self._root_name!r} is not in the observation "
                               f"(observed: {sorted(observation)})")
            variable = observation[self._root_name]
            if not isinstance(variable, Variable):
                type_check.fail("dump_graph", "root_name", "the key of an observed Variable",
                                f"{self._root_name!r} holding {type(variable).__name__}")
            if variable.creator_node is None:
                warnings.warn(f"dump_graph: {self._root_name!r} has no graph to draw (was "
                              "kusari.config.keep_graph_on_report turned off before the first "
                              "iteration?); the file holds the variable alone", stacklevel=2)
            dot = computational_graph.build_computational_graph(
                [variable], variable_style=self._variable_style,
                function_style=self._function_style).dump()
            with _atomic.atomic_write(os.path.join(trainer.out, self._filename), "w") as f:
                f.write(dot)
        finally:
            self._restore_flag()

    def finalize(self) -> None:
        """Put ``keep_graph_on_report`` back if training ended before the dump."""
        self._restore_flag()

    def serialize(self, serializer) -> None:
        """Save/load ``_original_flag`` and ``_flag_called`` (Chainer's keys).

        Example:
            >>> from kusari.serializers import DictionarySerializer
            >>> from kusari.training.extensions.computational_graph import dump_graph
            >>> ext = dump_graph('main/loss'); ext._flag_called = True
            >>> s = DictionarySerializer(); ext.serialize(s)
            >>> bool(s.target['_flag_called'])
            True
        """
        self._original_flag = serializer("_original_flag", self._original_flag)
        self._flag_called = bool(serializer("_flag_called", self._flag_called))


#: Chainer v7 spells the extension ``extensions.dump_graph`` (the class itself).
dump_graph = DumpGraph
