"""Converters: concat_examples, concat_sequences, to_device, converter, Converter."""
import pickle
import types

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kusari import backend
from kusari.backend import Device
from kusari.dataset import Converter, concat_examples, concat_sequences, convert, converter, to_device
from kusari.testing import strategies as kst
from kusari.utils.type_check import InvalidType


class CountingDevice(Device):
    """A pretend accelerator: NumPy arrays, but every transfer is counted and copies."""

    xp = np
    name = "@counting"
    supported_array_types = (np.ndarray,)

    def __init__(self):
        self.sent = []

    def send_array(self, array):
        self.sent.append(np.shape(array))
        return np.array(array, copy=True)


class OtherDevice(Device):
    """A device of a non-NumPy backend (what an old-style converter sees as a GPU id)."""

    xp = types.SimpleNamespace(__name__="otherxp")

    def __init__(self, suffix):
        self.name = "@other" + suffix


# ---- concat_examples ----------------------------------------------------------
def test_tuples_become_a_tuple_of_stacked_arrays():
    batch = [(np.full((2, 3), i, np.float32), np.int32(i)) for i in range(4)]
    x, t = concat_examples(batch)
    np.testing.assert_array_equal(x, np.stack([ex[0] for ex in batch]))
    assert x.dtype == np.float32 and t.dtype == np.int32
    np.testing.assert_array_equal(t, [0, 1, 2, 3])


def test_dicts_become_a_dict_of_stacked_arrays():
    batch = [{"x": np.arange(3) + i, "t": i} for i in range(2)]
    out = concat_examples(batch)
    assert set(out) == {"x", "t"}
    np.testing.assert_array_equal(out["x"], [[0, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(out["t"], [0, 1])


def test_single_arrays_and_python_values_are_stacked():
    np.testing.assert_array_equal(concat_examples([np.zeros(2), np.ones(2)]), [[0, 0], [1, 1]])
    np.testing.assert_array_equal(concat_examples([[1, 2], [3, 4]]), [[1, 2], [3, 4]])
    assert concat_examples([1.5, 2.5]).dtype == np.float64


def test_seed_import_path_works():
    # seeds: `from kusari.dataset import convert; convert.concat_examples(...)`
    assert convert.concat_examples is concat_examples
    assert isinstance(concat_examples, Converter)


def test_padding_fills_the_rest_per_field():
    batch = [(np.array([1, 2]), np.array([0])), (np.array([3]), np.array([], np.int64)),
             (np.array([], np.int64), np.array([2]))]
    x, t = concat_examples(batch, padding=(100, 200))
    np.testing.assert_array_equal(x, [[1, 2], [3, 100], [100, 100]])
    np.testing.assert_array_equal(t, [[0], [200], [2]])
    out = concat_examples([{"a": np.ones(1)}, {"a": np.ones(2)}], padding={"a": -1})
    np.testing.assert_array_equal(out["a"], [[1, -1], [1, 1]])


@given(st.integers(1, 2).flatmap(lambda ndim: st.lists(
    hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=0, max_side=4), min_size=1, max_size=4)),
    st.integers(-5, 5))
def test_padding_matches_a_reference(shapes, pad):
    rng = np.random.default_rng(len(shapes))
    arrays = [rng.integers(10, 20, size=s).astype(np.float32) for s in shapes]
    out = concat_examples(arrays, padding=pad)
    max_shape = tuple(max(s[d] for s in shapes) for d in range(len(shapes[0])))
    assert out.shape == (len(arrays),) + max_shape
    assert out.dtype == np.float32
    for i, a in enumerate(arrays):
        region = (i,) + tuple(slice(n) for n in a.shape)
        np.testing.assert_array_equal(out[region], a)
        mask = np.ones(max_shape, bool)
        mask[region[1:]] = False
        assert (out[i][mask] == pad).all()


@given(kst.arrays(shape=kst.shapes(max_dims=3), dtype=np.float32), st.integers(1, 4))
def test_equal_shapes_stack_with_or_without_padding(x, n):
    batch = [(x + i, i) for i in range(n)]
    for padding in (None, 0):
        xs, ts = concat_examples(batch, padding=padding)
        np.testing.assert_array_equal(xs, np.stack([x + i for i in range(n)]))
        np.testing.assert_array_equal(ts, np.arange(n))


def test_ragged_tuple_field_without_padding_names_the_field_and_shapes():
    batch = [(np.zeros(3), 0), (np.zeros(3), 1), (np.zeros(2), 2)]
    with pytest.raises(InvalidType, match=r"concat_examples: argument 'batch' expected every example "
                       r"to have the same shape in field 0 \(pass padding=.*\), got shape \(3,\) in "
                       r"example 0 and \(2,\) in example 2"):
        concat_examples(batch)


def test_ragged_dict_field_names_the_key():
    batch = [{"x": np.zeros((2, 2)), "t": 0}, {"x": np.zeros((2, 3)), "t": 1}]
    with pytest.raises(InvalidType, match=r"same shape in field 'x' .*got shape \(2, 2\) in example 0 "
                       r"and \(2, 3\) in example 1"):
        concat_examples(batch)


def test_ragged_errors_are_also_value_errors_as_in_chainer():
    with pytest.raises(ValueError, match=r"same shape in the batch .*got shape \(1,\) in example 0"):
        concat_examples([np.zeros(1), np.zeros(2)])
    with pytest.raises(ValueError, match=r"same shape in field 0 .*got shape \(1,\) in example 0 and "
                       r"\(2,\) in example 1"):
        concat_examples([([1], 0), ([1, 2], 0)])


def test_padding_needs_one_number_of_dimensions():
    with pytest.raises(InvalidType, match=r"concat_examples: argument 'batch' expected every example "
                       r"to have the same number of dimensions in field 0 to pad it, got shape \(2,\) "
                       r"in example 0 and \(1, 2\) in example 1"):
        concat_examples([(np.zeros(2), 0), (np.zeros((1, 2)), 0)], padding=0)


def test_empty_batch_is_an_error():
    with pytest.raises(ValueError, match=r"concat_examples: argument 'batch' expected a non-empty list "
                       r"of examples, got an empty batch"):
        concat_examples([])


def test_batch_must_be_indexable():
    with pytest.raises(InvalidType, match=r"concat_examples: argument 'batch' expected a list of "
                       r"examples, got generator"):
        concat_examples(x for x in [1])


def test_padding_must_match_the_examples_structure():
    batch = [(np.zeros(1), 0), (np.zeros(2), 1)]
    with pytest.raises(InvalidType, match=r"concat_examples: argument 'padding' expected a scalar, or "
                       r"one value per field of the examples \(tuples of 2 fields\), got a tuple of 3 values"):
        concat_examples(batch, padding=(0, 0, 0))
    with pytest.raises(InvalidType, match=r"argument 'padding' expected a scalar, or a dict with the "
                       r"examples' keys \['x'\], got a dict with keys \['y'\]"):
        concat_examples([{"x": np.zeros(1)}], padding={"y": 0})
    with pytest.raises(InvalidType, match=r"argument 'padding' expected a scalar, or a dict .*got a dict "
                       r"for tuple examples"):
        concat_examples(batch, padding={"x": 0})
    with pytest.raises(InvalidType, match=r"argument 'padding' expected a scalar or None for examples "
                       r"that are single arrays, got a tuple"):
        concat_examples([np.zeros(1)], padding=(0,))


def test_concat_examples_sends_each_field_to_the_device():
    dev = CountingDevice()
    x, t = concat_examples([(np.zeros(2), 0), (np.ones(2), 1)], dev)
    assert dev.sent == [(2, 2), (2,)]
    np.testing.assert_array_equal(x, [[0, 0], [1, 1]])


# ---- to_device ------------------------------------------------------------------
@pytest.mark.parametrize("spec", [None, -1, "@numpy", np, backend.CPU_DEVICE])
def test_to_device_on_the_cpu_returns_the_same_array(spec):
    x = np.arange(3)
    assert to_device(spec, x) is x


def test_to_device_walks_nested_containers():
    dev = CountingDevice()
    out = to_device(dev, {"a": np.zeros(1), "b": (np.zeros(2), [np.zeros(3)])})
    assert sorted(dev.sent) == [(1,), (2,), (3,)]
    assert isinstance(out["b"], tuple) and isinstance(out["b"][1], list)


def test_to_device_for_a_gpu_without_kusari_cuda_says_what_to_install():
    if "cupy" in backend.available_backends():
        pytest.skip("kusari-cuda and a GPU are present")
    with pytest.raises(RuntimeError, match=r"kusari-cuda"):
        to_device(0, np.zeros(1))
    with pytest.raises(RuntimeError, match=r"kusari-cuda"):
        to_device("@cupy:0", np.zeros(1))


def test_to_device_rejects_a_bad_specifier():
    with pytest.raises(ValueError, match=r"get_device: a device string starts with '@'"):
        to_device("numpy", np.zeros(1))


# ---- converter / Converter --------------------------------------------------------
def test_converter_decorator_gives_the_function_a_device():
    @converter()
    def seen_device(batch, device):
        return device

    assert isinstance(seen_device, Converter)
    assert seen_device([], -1) is backend.CPU_DEVICE
    assert seen_device([], "@numpy") is backend.CPU_DEVICE
    assert seen_device([], device=-1) is backend.CPU_DEVICE
    assert seen_device([], None) is None
    dev = CountingDevice()
    assert seen_device([], dev) is dev
    assert seen_device.__name__ == "seen_device"


def test_converter_decorator_rejects_a_non_callable():
    with pytest.raises(InvalidType, match=r"converter: argument 'func' expected a callable, got int"):
        converter()(3)


def test_converter_base_must_be_implemented():
    class Half(Converter):
        pass

    with pytest.raises(NotImplementedError, match=r"Half must implement __call__\(batch, device\)"):
        Half()([], None)


def test_decorated_module_level_converters_pickle_by_name():
    assert pickle.loads(pickle.dumps(concat_examples)) is concat_examples
    assert pickle.loads(pickle.dumps(concat_sequences)) is concat_sequences


def test_call_converter_speaks_both_styles():
    def old_style(batch, device):
        return device

    assert convert._call_converter(old_style, [], None) is None
    assert convert._call_converter(old_style, [], backend.CPU_DEVICE) == -1
    new_style = converter()(old_style)
    assert convert._call_converter(new_style, [], backend.CPU_DEVICE) is backend.CPU_DEVICE
    assert convert._call_converter(old_style, [], OtherDevice(":3")) == 3
    with pytest.raises(RuntimeError, match=r"old-style function.*@other:x.*@kusari.dataset.converter"):
        convert._call_converter(old_style, [], OtherDevice(":x"))


# ---- concat_sequences ---------------------------------------------------------------
def test_sequences_stay_lists_and_labels_are_stacked():
    xs = [np.arange(3, dtype=np.int32), np.arange(1, dtype=np.int32)]
    batch = [(x, x + 1, np.int32(i)) for i, x in enumerate(xs)]
    out_x, out_y, labels = concat_sequences(batch, -1)
    assert isinstance(out_x, list) and all(a is b for a, b in zip(out_x, xs, strict=True))
    np.testing.assert_array_equal(out_y[0], [1, 2, 3])
    np.testing.assert_array_equal(labels, [0, 1])
    assert labels.dtype == np.int32


def test_sequences_in_dicts_and_plain_lists():
    out = concat_sequences([{"xs": np.zeros(2)}, {"xs": np.zeros(5)}])
    assert [a.shape for a in out["xs"]] == [(2,), (5,)]
    assert [a.shape for a in concat_sequences([np.zeros((2, 3)), np.zeros((4, 3))])] == [(2, 3), (4, 3)]


@given(st.lists(st.integers(0, 4), min_size=1, max_size=4), st.integers(1, 3))
def test_sequences_reach_a_device_in_one_transfer_per_field(lengths, width):
    seqs = [np.random.default_rng(n).normal(size=(n, width)).astype(np.float32) for n in lengths]
    dev = CountingDevice()
    out, labels = concat_sequences([(s, i) for i, s in enumerate(seqs)], dev)
    assert dev.sent == [(sum(lengths), width), (len(lengths),)]
    assert len(out) == len(seqs)
    for a, s in zip(out, seqs, strict=True):
        assert a.dtype == np.float32
        np.testing.assert_array_equal(a, s)


def test_sequences_of_different_trailing_shapes_are_sent_one_by_one():
    dev = CountingDevice()
    out = concat_sequences([np.zeros((2, 3)), np.zeros((1, 4))], dev)
    assert dev.sent == [(2, 3), (1, 4)]
    assert [a.shape for a in out] == [(2, 3), (1, 4)]


def test_concat_sequences_empty_batch_is_an_error():
    with pytest.raises(ValueError, match=r"concat_sequences: argument 'batch' expected a non-empty list"):
        concat_sequences([])
