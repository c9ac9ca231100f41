"""Link: registration, parameters, gradients, copies, serialization, devices, display."""
import copy
import pickle
import warnings

import numpy
import pytest

import kusari
from kusari import initializers
from kusari.link import Link


class Affine(Link):
    """A small link with one initialised parameter, one lazy one and a persistent."""

    def __init__(self):
        super().__init__()
        with self.init_scope():
            self.w = kusari.Parameter(initializers.Constant(2.0), (3,))
            self.u = kusari.Parameter(initializers.Zero())   # uninitialised
        self.add_persistent("count", 0)
        self.add_persistent("mean", numpy.zeros(3, numpy.float32))

    def forward(self, x):
        return x * self.w


class FakeRule:
    def __init__(self, enabled=True):
        self.enabled = enabled


# ---- registration -----------------------------------------------------------

def test_init_scope_registers_parameters_only_inside_the_scope():
    link = Link()
    assert not link.within_init_scope
    with link.init_scope():
        assert link.within_init_scope
        link.a = kusari.Parameter(numpy.ones(2, numpy.float32))
        link.plain = 3
    link.b = kusari.Parameter(numpy.ones(2, numpy.float32))
    assert not link.within_init_scope
    assert [name for name, _ in link.namedparams()] == ["/a"]
    assert link.a.name == "a"
    assert link.plain == 3


def test_init_scope_restores_the_flag_after_an_exception():
    link = Link()
    with pytest.raises(KeyError):
        with link.init_scope():
            raise KeyError("boom")
    assert not link.within_init_scope


def test_init_scope_before_init_says_to_call_super_init():
    class Forgetful(Link):
        def __init__(self):
            with self.init_scope():
                self.w = kusari.Parameter(numpy.ones(1, numpy.float32))

    with pytest.raises(RuntimeError, match=r"Forgetful.init_scope: Link.__init__\(\) has not been called"):
        Forgetful()


def test_add_param_shapes_dtypes_and_initializers():
    link = Link()
    link.add_param("nan64", (2,), dtype=numpy.float64)
    link.add_param("lazy")
    link.add_param("half", (2, 2), initializer=0.5)
    link.add_param("init", (3,), initializer=initializers.One())
    assert link.nan64.dtype == numpy.float64 and numpy.isnan(link.nan64.array).all()
    assert link.lazy.array is None
    numpy.testing.assert_array_equal(link.half.array, numpy.full((2, 2), 0.5, numpy.float32))
    numpy.testing.assert_array_equal(link.init.array, numpy.ones(3, numpy.float32))
    assert sorted(name for name, _ in link.namedparams()) == ["/half", "/init", "/lazy", "/nan64"]


def test_add_param_rejects_an_existing_attribute():
    link = Link()
    link.w = 1
    with pytest.raises(AttributeError, match=r"Link.add_param: argument 'name' expected a name not in use, got 'w'"):
        link.add_param("w", (2,))


def test_old_style_keyword_constructor_declares_parameters():
    link = Link(W=(2, 3), b=((4,), numpy.float64), lazy=None)
    assert link.W.shape == (2, 3) and link.W.dtype == numpy.float32
    assert link.b.shape == (4,) and link.b.dtype == numpy.float64
    assert link.lazy.array is None


def test_persistent_values():
    link = Link()
    link.add_persistent("step", 5)
    link.avg = numpy.ones(2)
    link.register_persistent("avg")
    assert link.step == 5
    assert link._persistent == {"step", "avg"}
    with pytest.raises(AttributeError, match=r"Link.add_persistent: argument 'name' expected a name not in use, got 'step'"):
        link.add_persistent("step", 1)
    with pytest.raises(AttributeError, match=r"Link.register_persistent: argument 'name' expected an existing attribute, got 'nope'"):
        link.register_persistent("nope")


def test_register_persistent_turns_a_parameter_into_a_persistent():
    link = Affine()
    link.register_persistent("w")
    assert "w" not in link._params and "w" in link._persistent
    assert [name for name, _ in link.namedparams()] == ["/u"]


def test_replacing_or_deleting_a_parameter_unregisters_it():
    link = Affine()
    link.w = None            # no longer a parameter
    assert [name for name, _ in link.namedparams()] == ["/u"]
    del link.u
    assert list(link.params()) == []
    del link.count
    assert "count" not in link._persistent


def test_reassigning_a_registered_parameter_keeps_it_registered():
    link = Affine()
    new = kusari.Parameter(numpy.zeros(3, numpy.float32))
    link.w = new
    assert dict(link.namedparams())["/w"] is new
    assert new.name == "w"


# ---- walking ------------------------------------------------------------------

def test_params_and_namedparams_are_sorted_and_filter_uninitialised():
    link = Affine()
    assert [p is link.u or p is link.w for p in link.params()] == [True, True]
    assert [name for name, _ in link.namedparams()] == ["/u", "/w"]
    assert [name for name, _ in link.namedparams(include_uninit=False)] == ["/w"]
    assert list(link.params(include_uninit=False)) == [link.w]


def test_a_plain_link_has_no_children():
    link = Affine()
    assert list(link.links()) == [link]
    assert list(link.links(skipself=True)) == []
    assert list(link.namedlinks()) == [("/", link)]
    assert list(link.children()) == []


def test_count_params_warns_about_uninitialised_parameters():
    link = Affine()
    with pytest.warns(UserWarning, match="Parameter '/u' has not been initialized"):
        assert link.count_params() == 3
    link.u.initialize((4, 5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert link.count_params() == 23


# ---- calling ------------------------------------------------------------------

def test_call_runs_forward_with_all_arguments():
    class Echo(Link):
        def forward(self, *args, **kwargs):
            return args, kwargs

    assert Echo()(1, 2, k=3) == ((1, 2), {"k": 3})
    y = Affine()(numpy.ones(3, numpy.float32))
    numpy.testing.assert_array_equal(y.array, numpy.full(3, 2.0, numpy.float32))


def test_call_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="Link does not define forward"):
        Link()(1)


# ---- gradients ----------------------------------------------------------------

def test_cleargrads_and_zerograds():
    link = Affine()
    link.w.grad = numpy.ones(3, numpy.float32)
    link.cleargrads()
    assert link.w.grad is None
    with pytest.warns(DeprecationWarning, match="Link.zerograds is deprecated. Use Link.cleargrads instead."):
        link.zerograds()
    numpy.testing.assert_array_equal(link.w.grad, numpy.zeros(3, numpy.float32))
    assert link.u.grad is None    # uninitialised: nothing to fill


def test_addgrads_accumulates():
    a, b = Affine(), Affine()
    a.w.grad = numpy.array([1, 2, 3], numpy.float32)
    b.w.grad = numpy.array([10, 20, 30], numpy.float32)
    a.addgrads(b)
    numpy.testing.assert_array_equal(a.w.grad, [11, 22, 33])
    numpy.testing.assert_array_equal(b.w.grad, [10, 20, 30])


def test_update_rules_are_enabled_and_disabled():
    link = Affine()
    assert not link.update_enabled          # no optimizer: no rules
    link.disable_update()                   # and nothing breaks
    link.w.update_rule = FakeRule()
    link.u.update_rule = FakeRule()
    assert link.update_enabled
    link.disable_update()
    assert not link.w.update_rule.enabled and not link.u.update_rule.enabled
    assert not link.update_enabled
    link.enable_update()
    assert link.w.update_rule.enabled and link.update_enabled


# ---- copying ------------------------------------------------------------------

def test_copy_share_shares_arrays_but_not_gradients():
    link = Affine()
    link.name = "orig"
    link.w.grad = numpy.ones(3, numpy.float32)
    shared = link.copy()
    assert shared is not link and shared.name is None
    assert shared.w is not link.w and shared.w.array is link.w.array
    assert shared.w.grad is None and link.w.grad is not None
    link.w.array[0] = 7
    assert shared.w.array[0] == 7
    with shared.init_scope():
        shared.extra = kusari.Parameter(numpy.ones(1, numpy.float32))
    assert "extra" not in link._params     # registries are not shared


def test_copy_copy_is_independent_and_init_reinitialises():
    link = Affine()
    deep = link.copy("copy")
    assert deep.w.array is not link.w.array
    numpy.testing.assert_array_equal(deep.w.array, link.w.array)
    deep.w.array[...] = 0
    assert (link.w.array == 2).all()

    link.w.array[...] = 5   # the initializer (Constant 2) wins on 'init'
    fresh = link.copy("init")
    numpy.testing.assert_array_equal(fresh.w.array, numpy.full(3, 2.0, numpy.float32))
    assert fresh.u.array is None


def test_copy_rejects_unknown_modes():
    with pytest.raises(ValueError, match=r"Affine.copy: argument 'mode' expected 'init', 'copy' or 'share', got 'deep'"):
        Affine().copy("deep")


def test_copyparams_copies_values_in_place_and_persistents():
    src, dst = Affine(), Affine()
    src.w.array[...] = [1, 2, 3]
    src.u.initialize((2,))
    src.u.array[...] = 4
    src.count = 9
    src.mean[...] = 0.5
    w_before, mean_before = dst.w.array, dst.mean
    dst.copyparams(src)
    assert dst.w.array is w_before and dst.mean is mean_before
    numpy.testing.assert_array_equal(dst.w.array, [1, 2, 3])
    numpy.testing.assert_array_equal(dst.u.array, [4, 4])
    assert dst.count == 9 and (dst.mean == 0.5).all()
    assert dst.w.grad is None

    other = Affine()
    other.copyparams(src, copy_persistent=False)
    assert other.count == 0


def test_deepcopy_and_pickle_round_trip():
    link = Affine()
    link.w.array[...] = [1, 2, 3]
    for clone in (copy.deepcopy(link), pickle.loads(pickle.dumps(link))):
        numpy.testing.assert_array_equal(clone.w.array, [1, 2, 3])
        assert clone.w.array is not link.w.array
        assert [n for n, _ in clone.namedparams()] == ["/u", "/w"]
        assert clone.count == 0


def test_repeat_builds_a_sequential():
    link = Affine()
    seq = link.repeat(3, mode="copy")
    assert len(seq) == 3 and all(isinstance(s, Affine) for s in seq)
    assert len({id(s.w.array) for s in seq}) == 3
    assert len(link.repeat(0)) == 0
    with pytest.raises(ValueError, match=r"Affine.repeat: argument 'mode' expected 'init', 'copy' or 'share', got 'x'"):
        link.repeat(2, mode="x")


# ---- serialization --------------------------------------------------------------

def test_serialize_saves_every_parameter_and_persistent(serializer_doubles):
    link = Affine()
    saved = {}
    link.serialize(serializer_doubles.Saver(saved))
    assert sorted(saved) == ["count", "mean", "u", "w"]
    assert saved["u"] is None
    numpy.testing.assert_array_equal(saved["w"], link.w.array)


def test_serialize_loads_in_place_and_initialises_lazy_parameters(serializer_doubles):
    link = Affine()
    w_array = link.w.array
    source = {"w": numpy.array([7, 8, 9], numpy.float32), "u": numpy.ones((2, 2), numpy.float32) * 3,
              "count": 4, "mean": numpy.full(3, 0.25, numpy.float32)}
    link.serialize(serializer_doubles.Loader(source))
    assert link.w.array is w_array
    numpy.testing.assert_array_equal(link.w.array, [7, 8, 9])
    assert link.u.shape == (2, 2) and (link.u.array == 3).all()
    assert link.count == 4 and (link.mean == 0.25).all()


def test_serialize_leaves_a_lazy_parameter_alone_when_nothing_was_saved(serializer_doubles):
    link = Affine()
    link.serialize(serializer_doubles.Loader({"w": numpy.zeros(3, numpy.float32), "u": None, "count": 0,
                                              "mean": numpy.zeros(3, numpy.float32)}))
    assert link.u.array is None


# ---- devices ----------------------------------------------------------------------

def test_to_device_numpy_keeps_everything_on_the_cpu():
    link = Affine()
    assert link.device == kusari.backend.CPU_DEVICE and link.xp is numpy
    assert link.to_device("@numpy") is link
    assert link.to_cpu() is link
    assert isinstance(link.w.array, numpy.ndarray) and isinstance(link.mean, numpy.ndarray)
    assert link.device.xp is numpy


class CopyDevice(kusari.backend.Device):
    """A stand-in backend: 'sending' copies the array, so moved arrays are new objects."""

    xp = numpy
    name = "@copy"
    supported_array_types = (numpy.ndarray,)

    def __init__(self):
        self.sent = 0

    def send_array(self, array):
        self.sent += 1
        return numpy.array(array, copy=True)


def test_to_device_moves_parameters_persistents_and_lazy_parameters():
    link = Affine()
    w, mean = link.w.array, link.mean
    device = CopyDevice()
    assert link.to_device(device) is link
    assert link.device is device and link.xp is numpy
    assert link.w.array is not w and (link.w.array == w).all()
    assert link.mean is not mean and link.count == 0
    assert device.sent == 2      # w and mean; u has no array yet
    link.u.initialize((2,))      # created, then sent to the link's device
    assert device.sent == 3 and link.u.array.shape == (2,)


def test_to_device_with_a_missing_backend_names_the_package():
    link = Affine()
    with pytest.raises(RuntimeError, match="kusari-cuda"):
        link.to_device("@cupy:0")
    with pytest.raises(RuntimeError, match="to_gpu: .*kusari-cuda"):
        link.to_gpu()
    assert link.device == kusari.backend.CPU_DEVICE


def test_to_device_rejects_bad_specifiers():
    with pytest.raises(ValueError, match="get_device"):
        Affine().to_device("numpy")


# ---- display ----------------------------------------------------------------------

def test_str_and_repr_show_specs_and_parameter_shapes():
    link = Affine()
    assert str(link) == "Affine()"
    assert repr(link) == "Affine() [u: uninitialized, w: (3,) float32]"
    assert str(Link()) == "Link()" and repr(Link()) == "Link()"
