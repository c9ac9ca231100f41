"""Sequential: layer list, forward chaining, Chainer-compatible child names."""
import functools
import pickle

import numpy
import pytest

import kusari
import kusari.functions as F
import kusari.links as L
from kusari.sequential import Sequential


def test_forward_chains_links_and_functions():
    l1, l2 = L.Linear(3, 4), L.Linear(4, 2)
    model = Sequential(l1, F.relu, l2)
    x = numpy.random.RandomState(0).randn(5, 3).astype(numpy.float32)
    y = model(x)
    h = numpy.maximum(x @ l1.W.array.T + l1.b.array, 0)
    numpy.testing.assert_allclose(y.array, h @ l2.W.array.T + l2.b.array, rtol=1e-5, atol=1e-6)
    assert y.dtype == numpy.float32


def test_tuple_outputs_are_unpacked_into_the_next_layer():
    model = Sequential(lambda x: (x, x * 2), lambda a, b: a + b)
    assert model(numpy.float32(3)) == 9
    two_inputs = Sequential(lambda a, b: a * b)
    assert two_inputs(2, 5) == 10


def test_empty_sequential_cannot_run():
    with pytest.raises(RuntimeError, match="Sequential.forward: the Sequential has no layers"):
        Sequential()(1)


def test_layers_list_interface():
    a, b = L.Linear(2, 2), L.Linear(2, 2)
    model = Sequential(a)
    model.append(F.relu)
    model.append(b)
    assert len(model) == 3 and list(model) == [a, F.relu, b] and model[1] is F.relu
    assert F.relu in model and list(reversed(model)) == [b, F.relu, a]
    assert model.index(b) == 2 and model.count(F.relu) == 1
    model.insert(1, F.sigmoid)
    assert list(model) == [a, F.sigmoid, F.relu, b]
    model.remove(F.sigmoid)
    assert list(model) == [a, F.relu, b]
    assert model.pop() is b
    assert list(model) == [a, F.relu] and list(model.children()) == [a]
    model[1] = F.tanh
    assert list(model) == [a, F.tanh]
    del model[0]
    assert list(model) == [F.tanh] and list(model.children()) == []
    model.clear()
    assert len(model) == 0


def test_children_are_only_the_links_and_are_trained():
    model = Sequential(L.Linear(3, 4), F.relu, L.Linear(4, 2))
    assert [c.name for c in model.children()] == ["0", "1"]
    assert len(list(model.params())) == 4
    loss = F.sum(model(numpy.ones((2, 3), numpy.float32)))
    loss.backward()
    assert all(p.grad is not None for p in model.params())


def test_child_names_follow_chainer_v7_for_npz_compatibility():
    # Observed with Chainer 7.8.1: Sequential(a, b, c) registers its
    # children as [a, c, b], so saved keys are 0/ (a), 1/ (c), 2/ (b).
    a, b, c = L.Linear(2, 3), L.Linear(3, 4), L.Linear(4, 5)
    model = Sequential(a, b, c)
    assert (a.name, b.name, c.name) == ("0", "2", "1")
    assert [(n, p.shape) for n, p in model.namedparams()] == [
        ("/0/W", (3, 2)), ("/0/b", (3,)), ("/1/W", (5, 4)), ("/1/b", (5,)),
        ("/2/W", (4, 3)), ("/2/b", (4,))]
    model.insert(1, F.relu)
    model.insert(0, L.Linear(1, 1))
    assert [child.W.shape for child in model.children()] == [(1, 1), (3, 2), (5, 4), (4, 3)]
    assert [child.name for child in model.children()] == ["0", "1", "2", "3"]
    # The forward pass still runs in layer order.
    assert [getattr(layer, "W", None) is not None for layer in model] == [True, True, False, True, True]


def test_deleting_a_link_layer_renumbers_children():
    a, b, c = L.Linear(2, 2), L.Linear(2, 2), L.Linear(2, 2)
    model = Sequential(a, F.relu, b, c)
    del model[0]
    assert a not in list(model.children())
    assert sorted(child.name for child in model.children()) == ["0", "1"]


def test_insert_and_setitem_errors():
    model = Sequential(F.relu)
    with pytest.raises(ValueError, match=r"Sequential.insert: argument 'layer' expected a callable \(a link or a function\), got int 3"):
        model.append(3)
    with pytest.raises(IndexError, match=r"Sequential.insert: argument 'i' expected an index in \[-1, 1\], got 5"):
        model.insert(5, F.relu)
    with pytest.raises(IndexError, match=r"Sequential.__setitem__: argument 'i' expected an index in \[-1, 1\), got 1"):
        model[1] = F.relu
    with pytest.raises(ValueError, match=r"Sequential.__setitem__: argument 'layer' expected a callable"):
        model[0] = "x"
    with pytest.raises(ValueError, match=r"Sequential.remove: argument 'layer' expected a layer of this Sequential"):
        model.remove(F.tanh)


def test_add_and_iadd_concatenate():
    a, b = Sequential(F.relu), Sequential(F.tanh, L.Linear(2, 2))
    c = a + b
    assert list(c) == [F.relu, F.tanh, b[1]] and len(a) == 1
    a += b
    assert len(a) == 3
    with pytest.raises(ValueError, match="Sequential: \\+ expected a Sequential, got list"):
        a + [F.relu]
    with pytest.raises(ValueError, match="Sequential: \\+= expected a Sequential, got list"):
        a += [F.relu]


def test_layer_type_helpers_and_flatten():
    inner = Sequential(L.Linear(2, 2), F.relu)
    model = Sequential(inner, F.relu, L.Linear(2, 2))
    assert model.count_by_layer_type("relu") == 1
    assert model.count_by_layer_type("Sequential") == 1
    flat = model.flatten()
    assert [type(x).__name__ if isinstance(x, kusari.Link) else x.__name__ for x in flat] == [
        "Linear", "relu", "relu", "Linear"]
    flat.remove_by_layer_type("relu")
    assert len(flat) == 2 and flat.count_by_layer_type("Linear") == 2


def test_copy_and_copyparams():
    model = Sequential(L.Linear(2, 3), F.relu, L.Linear(3, 1))
    shared = model.copy()
    assert shared[0] is not model[0] and shared[0].W.array is model[0].W.array and shared[1] is F.relu
    deep = model.copy("copy")
    assert deep[2].W.array is not model[2].W.array
    numpy.testing.assert_array_equal(deep[2].W.array, model[2].W.array)
    target = Sequential(L.Linear(2, 3), F.relu, L.Linear(3, 1))
    target.copyparams(model)
    numpy.testing.assert_array_equal(target[2].W.array, model[2].W.array)
    with pytest.raises(ValueError, match="Sequential.copyparams: argument 'link' expected a Sequential, got Chain"):
        target.copyparams(kusari.Chain())
    with pytest.raises(ValueError, match="Sequential.copyparams: argument 'link' expected a Sequential of 3 layers, got 1"):
        target.copyparams(Sequential(F.relu))


def test_addgrads_pairs_children_even_with_functions_between():
    a = Sequential(L.Linear(2, 2), F.relu, L.Linear(2, 2))
    b = a.copy("copy")
    for p in b.params():
        p.grad = numpy.ones_like(p.array)
    a.cleargrads()
    a.addgrads(b)
    assert all((p.grad == 1).all() for p in a.params())


def test_pickle_works_with_partials_and_refuses_lambdas():
    model = Sequential(L.Linear(2, 2), functools.partial(F.relu))
    clone = pickle.loads(pickle.dumps(model))
    numpy.testing.assert_array_equal(clone[0].W.array, model[0].W.array)
    with pytest.raises(ValueError, match="Sequential: a Sequential holding a lambda cannot be pickled"):
        pickle.dumps(Sequential(lambda x: x))


def test_str_and_repr():
    model = Sequential(L.Linear(2, 3), F.relu)
    text = str(model)
    assert text.startswith("Sequential(\n  (0): Linear(in_size=2, out_size=3, nobias=False),\n  (1): <function relu at ")
    assert repr(model).splitlines()[1] == "  (0): Linear(in_size=2, out_size=3, nobias=False) [W: (3, 2) float32, b: (3,) float32]"
    assert str(Sequential()) == "Sequential()" and repr(Sequential()) == "Sequential()"
