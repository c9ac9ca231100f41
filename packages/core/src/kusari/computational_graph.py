"""Drawing the computational graph: ``build_computational_graph(outputs).dump()`` -> DOT text.

Render the text with Graphviz (``dot -Tpng graph.dot -o graph.png``).
The graph is walked with an explicit stack, so graphs of any depth work.

Example:
    >>> import numpy as np, kusari
    >>> import kusari.functions as F
    >>> from kusari.computational_graph import build_computational_graph
    >>> x = kusari.Variable(np.ones(3, np.float32), name='x')
    >>> y = F.relu(x * 2)
    >>> dot = build_computational_graph([y]).dump()
    >>> dot.startswith('digraph graphname{rankdir=TB;')
    True
    >>> 'x: (3), float32' in dot
    True
"""
from __future__ import annotations

from kusari.function_node import FunctionNode
from kusari.variable import Variable, VariableNode

_VARIABLE_STYLE = {"shape": "octagon", "fillcolor": "#E0E0E0", "style": "filled"}
_FUNCTION_STYLE = {"shape": "record", "fillcolor": "#6495ED", "style": "filled"}
_RANKDIRS = ("TB", "BT", "LR", "RL")


def _quote(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


class DotNode:
    """One node of the drawing: a VariableNode or FunctionNode with its DOT attributes.

    Args:
        node: the graph node.
        attribute: extra DOT attributes (a dict), e.g. a style.
        show_name: prefix a variable's label with its name.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.computational_graph import DotNode
        >>> v = kusari.Variable(np.zeros((2, 3), np.float32), name='h')
        >>> DotNode(v.node).attribute['label']
        'h: (2, 3), float32'
    """

    def __init__(self, node, attribute=None, show_name=True):
        if not isinstance(node, (VariableNode, FunctionNode)):
            raise TypeError(
                f"DotNode: argument 'node' expected a VariableNode or FunctionNode, got {type(node).__name__}")
        self.node = node
        self.id_ = id(node)
        label = node.label
        if isinstance(node, VariableNode):
            if show_name and node.name is not None:
                label = f"{node.name}: {label}"
            self.attribute = {"label": label, "shape": "oval"}
        else:
            self.attribute = {"label": label, "shape": "box"}
        if attribute:
            self.attribute.update(attribute)

    @property
    def label(self) -> str:
        """The DOT statement for this node: ``<id> [key="value",...];``."""
        attributes = ",".join(f"{key}={_quote(value)}" for key, value in self.attribute.items())
        return f"{self.id_} [{attributes}];"


class ComputationalGraph:
    """Nodes and edges of a graph, dumped as DOT text by :meth:`dump`.

    Node ids in the text are the Python ids of the graph nodes, unique while
    this object holds them.

    Args:
        nodes: VariableNode and FunctionNode objects.
        edges: ``(head, tail)`` pairs: variable -> function (an input) or
            function -> variable (an output).
        variable_style, function_style: DOT attributes for each kind of node;
            ``'default'`` for kusari's (Chainer's) styles, None for none.
        rankdir: ``'TB'``, ``'BT'``, ``'LR'`` or ``'RL'``.
        remove_variable: draw functions only, joined directly.
        show_name: show variable names in labels.

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.computational_graph import build_computational_graph
        >>> y = kusari.Variable(np.ones(2, np.float32)) * 3
        >>> g = build_computational_graph(y, remove_variable=True)
        >>> g.dump().count('->')   # one function, no edges between functions
        0
    """

    def __init__(self, nodes, edges, variable_style="default", function_style="default",
                 rankdir="TB", remove_variable=False, show_name=True):
        if rankdir not in _RANKDIRS:
            raise ValueError(
                f"ComputationalGraph: argument 'rankdir' expected one of 'TB', 'BT', 'LR', 'RL', "
                f"got {rankdir!r}")
        self.nodes = list(nodes)
        self.edges = list(edges)
        self.variable_style = _style(variable_style, _VARIABLE_STYLE)
        self.function_style = _style(function_style, _FUNCTION_STYLE)
        self.rankdir = rankdir
        self.remove_variable = remove_variable
        self.show_name = show_name

    def _to_dot(self) -> str:
        parts = [f"digraph graphname{{rankdir={self.rankdir};"]
        nodes, edges = self.nodes, self.edges
        if self.remove_variable:
            nodes = [n for n in nodes if isinstance(n, FunctionNode)]
            edges = _function_edges(nodes)
        for node in nodes:
            style = self.variable_style if isinstance(node, VariableNode) else self.function_style
            parts.append(DotNode(node, style, self.show_name).label)
        drawn = set()
        for head, tail in edges:
            edge = (id(head), id(tail))
            if edge not in drawn:
                drawn.add(edge)
                parts.append(f"{edge[0]} -> {edge[1]};")
        parts.append("}")
        return "".join(parts)

    def dump(self, format="dot") -> str:
        """The graph as text; ``format`` must be ``'dot'``."""
        if format != "dot":
            raise NotImplementedError(f"ComputationalGraph.dump: only format 'dot' is supported, got {format!r}")
        return self._to_dot()


def _style(style, default):
    if style is None:
        return {}
    if isinstance(style, str) and style == "default":
        return dict(default)
    return dict(style)


def _function_edges(functions):
    """function -> function edges: the creator of each input of each function."""
    present = {id(f) for f in functions}
    edges = []
    for func in functions:
        for node in func.inputs or ():
            creator = node.creator_node
            if creator is not None and id(creator) in present:
                edges.append((creator, func))
    return edges


def build_computational_graph(outputs, remove_split=True, variable_style="default",
                              function_style="default", rankdir="TB", remove_variable=False,
                              show_name=True):
    """The graph of everything ``outputs`` were computed from.

    Walks back from ``outputs`` (Variables, VariableNodes or FunctionNodes,
    or a list of them) through creators and their inputs; a variable after
    ``unchain_backward`` is where the walk stops.  Nodes appear in the order
    they were reached, outputs first.

    Args:
        outputs: where to start.
        remove_split: must be True (kept for Chainer compatibility).
        variable_style, function_style, rankdir, remove_variable, show_name:
            see :class:`ComputationalGraph`.

    Returns:
        ComputationalGraph

    Example:
        >>> import numpy as np, kusari
        >>> from kusari.computational_graph import build_computational_graph
        >>> a = kusari.Variable(np.ones(2, np.float32), name='a')
        >>> b = a * a + a
        >>> g = build_computational_graph([b])
        >>> len(g.nodes), len(g.edges)    # a, a*a, b and the two functions
        (5, 5)
    """
    if not remove_split:
        raise ValueError("build_computational_graph: argument 'remove_split' expected True, got False")
    kinds = (Variable, VariableNode, FunctionNode)
    if isinstance(outputs, kinds):
        outputs = [outputs]
    else:
        outputs = list(outputs)
        for i, out in enumerate(outputs):
            if not isinstance(out, kinds):
                raise TypeError(
                    f"build_computational_graph: argument 'outputs' expected Variables, VariableNodes "
                    f"or FunctionNodes, got {type(out).__name__} at index {i}")

    nodes = []
    seen = set()
    edges = []
    seen_edges = set()
    stack = []

    def connect(head, tail):
        key = (id(head), id(tail))
        if key not in seen_edges:
            seen_edges.add(key)
            edges.append((head, tail))

    def visit(node):
        if id(node) not in seen:
            seen.add(id(node))
            nodes.append(node)
            stack.append(node)

    for out in outputs:
        visit(out.node if isinstance(out, Variable) else out)
    # Depth-first with an explicit stack: no recursion limit on deep graphs.
    while stack:
        node = stack.pop()
        if isinstance(node, VariableNode):
            creator = node.creator_node
            if creator is not None:
                connect(creator, node)
                visit(creator)
        else:
            for input_node in node.inputs or ():
                connect(input_node, node)
                visit(input_node)
    return ComputationalGraph(nodes, edges, variable_style, function_style, rankdir,
                              remove_variable, show_name)
