"""build_computational_graph and its DOT output."""
import re

import numpy
import pytest

import kusari
import kusari.functions as F
from kusari.computational_graph import ComputationalGraph, DotNode, build_computational_graph
from kusari.function_node import FunctionNode
from kusari.variable import VariableNode

NODE = re.compile(r'(\d+) \[((?:[a-z]+="(?:[^"\\]|\\.)*",?)*)\];')
EDGE = re.compile(r"(\d+) -> (\d+);")


def parse(dot):
    """{id: {attr: value}} and [(head, tail)] from DOT text; fails on anything unexpected."""
    assert dot.startswith("digraph graphname{rankdir=") and dot.endswith("}")
    body = dot[dot.index(";") + 1:-1]
    nodes = {}
    for match in NODE.finditer(body):
        assert match.group(1) not in nodes, "node ids must be unique"
        nodes[match.group(1)] = dict(re.findall(r'([a-z]+)="((?:[^"\\]|\\.)*)"', match.group(2)))
    edges = EDGE.findall(body)
    leftover = EDGE.sub("", NODE.sub("", body))
    assert leftover == "", leftover
    return nodes, edges


def small_graph():
    x = kusari.Variable(numpy.ones((2, 3), numpy.float32), name="x")
    h = x * 2
    y = F.relu(h)
    return x, h, y


def test_nodes_and_edges_of_a_chain_of_functions():
    x, h, y = small_graph()
    g = build_computational_graph([y])
    variables = [n for n in g.nodes if isinstance(n, VariableNode)]
    functions = [n for n in g.nodes if isinstance(n, FunctionNode)]
    assert set(map(id, variables)) == {id(x.node), id(h.node), id(y.node)}
    assert functions == [y.creator_node, h.creator_node]
    assert {(id(a), id(b)) for a, b in g.edges} == {
        (id(x.node), id(h.creator_node)), (id(h.creator_node), id(h.node)),
        (id(h.node), id(y.creator_node)), (id(y.creator_node), id(y.node))}


def test_dot_text_labels_styles_and_edges():
    x, h, y = small_graph()
    dot = build_computational_graph(y).dump()
    nodes, edges = parse(dot)
    assert dot.startswith("digraph graphname{rankdir=TB;")
    assert len(nodes) == 5 and len(edges) == 4
    assert all(a in nodes and b in nodes for a, b in edges)
    labels = sorted(attrs["label"] for attrs in nodes.values())
    assert labels == sorted(["x: (2, 3), float32", "(2, 3), float32", "(2, 3), float32",
                             h.creator_node.label, y.creator_node.label])
    var_attrs = nodes[str(id(x.node))]
    assert var_attrs == {"label": "x: (2, 3), float32", "shape": "octagon",
                         "fillcolor": "#E0E0E0", "style": "filled"}
    func_attrs = nodes[str(id(y.creator_node))]
    assert func_attrs == {"label": y.creator_node.label, "shape": "record",
                          "fillcolor": "#6495ED", "style": "filled"}
    assert (str(id(x.node)), str(id(h.creator_node))) in edges


def test_styles_names_and_rankdir_options():
    x, h, y = small_graph()
    dot = build_computational_graph(y, variable_style=None, function_style={"color": "red"},
                                    rankdir="LR", show_name=False).dump()
    nodes, _ = parse(dot)
    assert dot.startswith("digraph graphname{rankdir=LR;")
    assert nodes[str(id(x.node))] == {"label": "(2, 3), float32", "shape": "oval"}
    assert nodes[str(id(y.creator_node))] == {"label": y.creator_node.label, "shape": "box", "color": "red"}


def test_remove_variable_draws_functions_only():
    x, h, y = small_graph()
    z = F.sum(y)
    nodes, edges = parse(build_computational_graph(z, remove_variable=True).dump())
    funcs = [z.creator_node, y.creator_node, h.creator_node]
    assert set(nodes) == {str(id(f)) for f in funcs}
    assert sorted(edges) == sorted([(str(id(h.creator_node)), str(id(y.creator_node))),
                                    (str(id(y.creator_node)), str(id(z.creator_node)))])


def test_shared_inputs_give_one_edge():
    a = kusari.Variable(numpy.ones(2, numpy.float32))
    b = a * a + a
    g = build_computational_graph([b])
    assert len(g.nodes) == 5 and len(g.edges) == 5
    nodes, edges = parse(g.dump())
    assert len(edges) == len(set(edges)) == 5


def test_only_what_the_outputs_depend_on():
    x = kusari.Variable(numpy.ones(2, numpy.float32))
    y = x * 2
    z = x + 1
    g = build_computational_graph([y])
    assert z.creator_node not in g.nodes
    both = build_computational_graph([y, z])
    assert z.creator_node in both.nodes and y.creator_node in both.nodes


def test_accepts_nodes_and_functions_and_stops_at_unchained_variables():
    x, h, y = small_graph()
    from_node = build_computational_graph(y.node)
    from_func = build_computational_graph(y.creator_node)
    assert len(from_node.nodes) == 5 and len(from_func.nodes) == 4   # no y node from the function
    h.unchain_backward()
    assert len(build_computational_graph(y).nodes) == 3


def test_a_leaf_alone():
    x = kusari.Variable(numpy.ones(1, numpy.float32))
    nodes, edges = parse(build_computational_graph(x).dump())
    assert len(nodes) == 1 and edges == []


def test_deep_graph_without_recursion():
    x = kusari.Variable(numpy.ones(1, numpy.float32))
    y = x
    for _ in range(10000):
        y = y * 1.0
    g = build_computational_graph(y)
    assert len(g.nodes) == 20001 and len(g.edges) == 20000
    nodes, edges = parse(g.dump())
    assert len(nodes) == 20001


def test_quotes_in_names_are_escaped():
    x = kusari.Variable(numpy.ones(1, numpy.float32), name='say "hi"\\')
    nodes, _ = parse(build_computational_graph(x * 1).dump())
    assert 'say \\"hi\\"\\\\: (1), float32' in [a["label"] for a in nodes.values()]


def test_errors():
    x, h, y = small_graph()
    with pytest.raises(TypeError, match=r"build_computational_graph: argument 'outputs' expected Variables, VariableNodes or FunctionNodes, got ndarray at index 1"):
        build_computational_graph([y, numpy.ones(2)])
    with pytest.raises(ValueError, match=r"build_computational_graph: argument 'remove_split' expected True, got False"):
        build_computational_graph(y, remove_split=False)
    with pytest.raises(ValueError, match=r"ComputationalGraph: argument 'rankdir' expected one of 'TB', 'BT', 'LR', 'RL', got 'XY'"):
        build_computational_graph(y, rankdir="XY")
    with pytest.raises(NotImplementedError, match=r"ComputationalGraph.dump: only format 'dot' is supported, got 'png'"):
        build_computational_graph(y).dump("png")
    with pytest.raises(TypeError, match=r"DotNode: argument 'node' expected a VariableNode or FunctionNode, got Variable"):
        DotNode(y)


def test_graph_from_explicit_nodes_and_edges():
    x, h, y = small_graph()
    g = ComputationalGraph([x.node, h.creator_node], [(x.node, h.creator_node)])
    nodes, edges = parse(g.dump())
    assert edges == [(str(id(x.node)), str(id(h.creator_node)))] and len(nodes) == 2
