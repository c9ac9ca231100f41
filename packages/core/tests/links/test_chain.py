"""Chain and ChainList: children, paths, hierarchy-wide operations."""
import numpy
import pytest

import kusari
import kusari.functions as F
import kusari.links as L
from kusari.link import Chain, ChainList, Link


class MLP(Chain):
    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.l2 = L.Linear(4, 2)
            self.l1 = L.Linear(3, 4)
            self.scale = kusari.Parameter(numpy.ones(1, numpy.float32))
        self.add_persistent("steps", 0)

    def forward(self, x):
        return self.l2(F.relu(self.l1(x))) * self.scale


# ---- Chain ------------------------------------------------------------------------

def test_children_are_registered_named_and_sorted():
    model = MLP()
    assert model.l1.name == "l1" and model.l2.name == "l2"
    assert [c.name for c in model.children()] == ["l1", "l2"]
    assert [name for name, _ in model.namedparams()] == ["/scale", "/l1/W", "/l1/b", "/l2/W", "/l2/b"]
    assert [p.shape for p in model.params()] == [(1,), (4, 3), (4,), (2, 4), (2,)]
    assert [path for path, _ in model.namedlinks()] == ["/", "/l1", "/l2"]
    assert [path for path, _ in model.namedlinks(skipself=True)] == ["/l1", "/l2"]
    assert list(model.links()) == [model, model.l1, model.l2]
    assert list(model.links(skipself=True)) == [model.l1, model.l2]
    assert model.count_params() == 1 + 12 + 4 + 8 + 2


def test_nested_paths():
    outer = Chain(inner=Chain(fc=L.Linear(2, 2)))
    assert [name for name, _ in outer.namedparams()] == ["/inner/fc/W", "/inner/fc/b"]
    assert [path for path, _ in outer.namedlinks()] == ["/", "/inner", "/inner/fc"]


def test_keyword_constructor_and_getitem():
    a, b = L.Linear(2, 3), L.Linear(3, 1)
    model = Chain(first=a, second=b)
    assert model["first"] is a and model.second is b
    assert a.name == "first"
    assert [c.name for c in model.children()] == ["first", "second"]


def test_add_link_errors():
    model = Chain(fc=L.Linear(2, 2))
    with pytest.raises(AttributeError, match=r"Chain.add_link: argument 'name' expected a name not in use, got 'fc'"):
        model.add_link("fc", L.Linear(2, 2))
    with pytest.raises(TypeError, match=r"Chain.add_link: argument 'link' expected a Link, got int"):
        model.add_link("other", 3)


def test_assigning_over_an_existing_attribute_in_init_scope_fails():
    model = MLP()
    with pytest.raises(AttributeError, match=r"MLP: cannot register a new link 'l1': the attribute exists"):
        with model.init_scope():
            model.l1 = L.Linear(3, 4)


def test_links_assigned_outside_init_scope_are_not_children():
    model = Chain()
    model.helper = L.Linear(2, 2)
    assert list(model.children()) == [] and list(model.params()) == []


def test_replacing_and_deleting_children():
    model = MLP()
    new = L.Linear(4, 2)
    model.l2 = new                      # a registered name stays registered
    assert model.l2 is new and new.name == "l2"
    assert [c.name for c in model.children()] == ["l1", "l2"]
    model.l2 = None                     # not a link any more
    assert [c.name for c in model.children()] == ["l1"]
    del model.l1
    assert list(model.children()) == []


def test_forward_and_the_chainer_tutorial_gradients():
    # Chainer's tutorial: Linear(3, 2) on [[1,2,3],[4,5,6]] with y.grad = 1.
    model = Chain(f=L.Linear(3, 2))
    x = numpy.array([[1, 2, 3], [4, 5, 6]], numpy.float32)
    y = model.f(x)
    model.cleargrads()
    y.grad = numpy.ones((2, 2), numpy.float32)
    y.backward()
    numpy.testing.assert_array_equal(model.f.W.grad, [[5, 7, 9], [5, 7, 9]])
    numpy.testing.assert_array_equal(model.f.b.grad, [2, 2])


def test_hierarchy_gradients_match_a_numpy_computation():
    model = MLP()
    x = numpy.random.RandomState(0).randn(5, 3).astype(numpy.float32)
    loss = F.sum(model(x))
    model.cleargrads()
    loss.backward()
    W1, b1, W2 = model.l1.W.array, model.l1.b.array, model.l2.W.array
    h = x @ W1.T + b1
    mask = (h > 0).astype(numpy.float32)
    gh = numpy.ones((5, 2), numpy.float32) @ W2 * mask
    numpy.testing.assert_allclose(model.l2.W.grad, numpy.ones((2, 5)) @ (h * mask), rtol=1e-5)
    numpy.testing.assert_allclose(model.l1.W.grad, gh.T @ x, rtol=1e-5, atol=1e-6)
    numpy.testing.assert_allclose(model.l2.b.grad, [5, 5])


def test_hierarchy_cleargrads_addgrads_and_update_switches():
    a, b = MLP(), MLP()
    for p in b.params():
        p.grad = numpy.ones_like(p.array)
    a.cleargrads()
    a.addgrads(b)
    a.addgrads(b)
    for p in a.params():
        numpy.testing.assert_array_equal(p.grad, numpy.full(p.shape, 2, numpy.float32))
    a.cleargrads()
    assert all(p.grad is None for p in a.params())

    class Rule:
        enabled = True

    for p in a.params():
        p.update_rule = Rule()
    a.l1.disable_update()
    assert [p.update_rule.enabled for _, p in a.namedparams()] == [True, False, False, True, True]
    assert a.update_enabled


def test_addgrads_with_a_different_structure_says_what_is_missing():
    with pytest.raises(ValueError, match=r"MLP.addgrads: argument 'link' expected a link with parameter 'scale', got a Chain"):
        MLP().addgrads(Chain(l2=L.Linear(4, 2)))
    other = Chain(l2=L.Linear(4, 2))
    with other.init_scope():
        other.scale = kusari.Parameter(numpy.ones(1, numpy.float32))
    with pytest.raises(ValueError, match=r"MLP.copyparams: argument 'link' expected a link with persistent value 'steps'"):
        MLP().copyparams(other)
    other.add_persistent("steps", 0)
    with pytest.raises(ValueError, match=r"MLP.copyparams: argument 'link' expected a link with child 'l1', got a Chain"):
        MLP().copyparams(other)


def test_copy_modes_through_the_hierarchy():
    model = MLP()
    shared = model.copy("share")
    assert shared.l1 is not model.l1 and shared.l1.W.array is model.l1.W.array
    assert shared.l1.name == "l1" and shared.name is None
    assert [n for n, _ in shared.namedparams()] == [n for n, _ in model.namedparams()]

    numpy.random.seed(1)
    fresh = model.copy("init")
    assert not numpy.array_equal(fresh.l1.W.array, model.l1.W.array)
    assert fresh.l1.name == "l1"

    deep = model.copy("copy")
    numpy.testing.assert_array_equal(deep.l2.W.array, model.l2.W.array)
    assert deep.l2.W.array is not model.l2.W.array


def test_copyparams_through_the_hierarchy():
    a, b = MLP(), MLP()
    b.steps = 7
    a.copyparams(b)
    for (na, pa), (nb, pb) in zip(a.namedparams(), b.namedparams(), strict=True):
        assert na == nb
        numpy.testing.assert_array_equal(pa.array, pb.array)
        assert pa.array is not pb.array
    assert a.steps == 7


def test_serialize_round_trip_with_child_paths(serializer_doubles):
    src = MLP()
    saved = {}
    src.serialize(serializer_doubles.Saver(saved))
    assert sorted(saved) == ["l1/W", "l1/b", "l2/W", "l2/b", "scale", "steps"]
    dst = MLP()
    dst.serialize(serializer_doubles.Loader(saved))
    for (_, p), (_, q) in zip(src.namedparams(), dst.namedparams(), strict=True):
        numpy.testing.assert_array_equal(p.array, q.array)


def test_lazy_child_is_initialised_by_loading(serializer_doubles):
    src = Chain(fc=L.Linear(3, 2))
    saved = {}
    src.serialize(serializer_doubles.Saver(saved))
    dst = Chain(fc=L.Linear(2))
    assert dst.fc.W.array is None
    dst.serialize(serializer_doubles.Loader(saved))
    numpy.testing.assert_array_equal(dst.fc.W.array, src.fc.W.array)


def test_to_device_reaches_children():
    model = MLP()
    model.to_device("@numpy")
    assert all(link.device.xp is numpy for link in model.links())


def test_chain_str_and_repr():
    model = Chain(fc=L.Linear(3, 2), lazy=L.Linear(None, 4, nobias=True))
    assert str(model) == ("Chain(\n"
                          "  (fc): Linear(in_size=3, out_size=2, nobias=False),\n"
                          "  (lazy): Linear(in_size=None, out_size=4, nobias=True),\n"
                          ")")
    assert repr(model) == ("Chain(\n"
                           "  (fc): Linear(in_size=3, out_size=2, nobias=False) [W: (2, 3) float32, b: (2,) float32]\n"
                           "  (lazy): Linear(in_size=None, out_size=4, nobias=True) [W: uninitialized]\n"
                           ")")
    assert str(Chain()) == "Chain()" and repr(Chain()) == "Chain()"


# ---- ChainList ----------------------------------------------------------------------

def test_chainlist_names_paths_and_list_interface():
    a, b, c = L.Linear(2, 3), L.Linear(3, 4), L.Linear(4, 5)
    layers = ChainList(a, b)
    layers.append(c)
    assert len(layers) == 3 and list(layers) == [a, b, c] and layers[-1] is c
    assert [link.name for link in layers] == ["0", "1", "2"]
    assert [n for n, _ in layers.namedparams()] == ["/0/W", "/0/b", "/1/W", "/1/b", "/2/W", "/2/b"]
    assert [p for p, _ in layers.namedlinks()] == ["/", "/0", "/1", "/2"]
    assert list(layers.children()) == [a, b, c]
    assert layers[0:2] == [a, b]

    d = L.Linear(1, 2)
    layers.insert(0, d)
    assert [link.name for link in layers] == ["0", "1", "2", "3"] and layers[0] is d
    del layers[1]
    assert list(layers) == [d, b, c] and [link.name for link in layers] == ["0", "1", "2"]
    e = L.Linear(9, 9)
    layers[1] = e
    assert layers[1] is e and e.name == "1"
    layers[0:2] = [a]
    assert list(layers) == [a, c] and [link.name for link in layers] == ["0", "1"]
    assert layers.pop() is c and len(layers) == 1
    layers.add_link(b)
    assert list(layers) == [a, b]


def test_chainlist_rejects_non_links_and_init_scope_assignment():
    layers = ChainList()
    with pytest.raises(TypeError, match=r"ChainList.insert: argument 'link' expected a Link, got int"):
        layers.append(3)
    with pytest.raises(TypeError, match=r"ChainList: cannot register a link by assignment inside init_scope"):
        with layers.init_scope():
            layers.fc = L.Linear(2, 2)
    with pytest.raises(TypeError, match="ChainList: indices must be integers or slices, not str"):
        layers["a"] = L.Linear(2, 2)


def test_chainlist_is_empty_falsy_like_chainer():
    assert len(ChainList()) == 0 and not ChainList()


def test_chainlist_copy_serialize_and_copyparams(serializer_doubles):
    layers = ChainList(L.Linear(2, 3), L.Linear(3, 1))
    shared = layers.copy()
    assert shared[0] is not layers[0] and shared[0].W.array is layers[0].W.array
    assert [link.name for link in shared] == ["0", "1"]
    deep = layers.copy("copy")
    assert deep[1].W.array is not layers[1].W.array

    saved = {}
    layers.serialize(serializer_doubles.Saver(saved))
    assert sorted(saved) == ["0/W", "0/b", "1/W", "1/b"]
    other = ChainList(L.Linear(2, 3), L.Linear(3, 1))
    other.serialize(serializer_doubles.Loader(saved))
    numpy.testing.assert_array_equal(other[1].W.array, layers[1].W.array)

    third = ChainList(L.Linear(2, 3), L.Linear(3, 1))
    third.copyparams(layers)
    numpy.testing.assert_array_equal(third[0].W.array, layers[0].W.array)
    with pytest.raises(ValueError, match=r"ChainList.copyparams: argument 'link' expected a link with 2 child links, got 1"):
        third.copyparams(ChainList(L.Linear(2, 3)))


def test_chainlist_str():
    layers = ChainList(L.Linear(2, 3))
    assert str(layers) == "ChainList(\n  (0): Linear(in_size=2, out_size=3, nobias=False),\n)"
    assert repr(layers) == ("ChainList(\n"
                            "  (0): Linear(in_size=2, out_size=3, nobias=False) [W: (3, 2) float32, b: (3,) float32]\n"
                            ")")


def test_model_of_chains_and_chainlists_trains_with_its_parameters():
    class Net(Chain):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.blocks = ChainList(L.Linear(2, 2), L.Linear(2, 2))
                self.head = L.Linear(2, 1)

        def forward(self, x):
            for block in self.blocks:
                x = F.relu(block(x))
            return self.head(x)

    net = Net()
    assert [n for n, _ in net.namedparams()][:2] == ["/blocks/0/W", "/blocks/0/b"]
    loss = F.sum(net(numpy.ones((3, 2), numpy.float32)))
    loss.backward()
    assert all(p.grad is not None and p.grad.shape == p.shape for p in net.params())
    assert isinstance(net.blocks, Link)
