"""Function hooks: FunctionHook registration (thread-wide and per node), when
the callbacks run and with what, the one-flag fast path, TimerHook, PrintHook
and the CuPy-only hooks without CuPy.

Expected report and PrintHook texts below were produced by Chainer 7.8.1 on
the same inputs (addresses replaced by ``0x...``)."""
import gc
import io
import re
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kusari
import kusari.functions as F
from kusari import FunctionNode, Variable, cuda, function_hooks
from kusari.function_hook import FunctionHook, get_function_hooks, hooks_in_use
from kusari.function_hooks import CUDAProfileHook, CupyMemoryProfileHook, PrintHook, TimerHook
from kusari.testing import strategies as kst
from kusari.utils import type_check


class Recorder(FunctionHook):
    """Logs every callback as a tuple."""

    def __init__(self, name="Recorder", log=None):
        self.name = name
        self.log = [] if log is None else log

    def added(self, function):
        self.log.append((self.name, "added", function))

    def deleted(self, function):
        self.log.append((self.name, "deleted", function))

    def forward_preprocess(self, function, in_data):
        self.log.append((self.name, "fpre", function, in_data))

    def forward_postprocess(self, function, in_data):
        self.log.append((self.name, "fpost", function, in_data))

    def backward_preprocess(self, function, in_data, out_grad):
        self.log.append((self.name, "bpre", function, in_data, out_grad))

    def backward_postprocess(self, function, in_data, out_grad):
        self.log.append((self.name, "bpost", function, in_data, out_grad))


class Scale(FunctionNode):
    """y = x * c; keeps only c, so backward hooks see x as not retained."""

    def forward(self, inputs):
        self.retain_inputs((1,))
        return inputs[0] * inputs[1],

    def backward(self, indexes, grad_outputs):
        c = self.get_retained_inputs()[0].array
        return Variable(grad_outputs[0].array * c), None


class Outer(FunctionNode):
    """Applies another function inside its forward (a nested hooked call)."""

    def forward(self, inputs):
        inner, = Scale().apply((inputs[0], np.float32(2)))
        return inner.array,


@pytest.fixture(autouse=True)
def no_leftover_hooks():
    yield
    leftover = list(get_function_hooks())
    get_function_hooks().clear()
    assert not leftover, f"a test left hooks registered: {leftover}"
    gc.collect()  # nodes with hooks of their own that a test left in a cycle
    assert _flag() is False


def _flag():
    """The fast-path flag, which the forward and the backward path must agree on."""
    from kusari import _backprop, function_node

    assert function_node._hooks_in_use is _backprop._hooks_in_use is hooks_in_use()
    return function_node._hooks_in_use


def _events(log, kind):
    return [entry for entry in log if entry[1] == kind]


# ---- registration ------------------------------------------------------------
def test_with_registers_for_the_block_and_calls_added_and_deleted():
    hook = Recorder()
    with hook as entered:
        assert entered is hook
        assert list(get_function_hooks().items()) == [("Recorder", hook)]
        assert _flag() is True
    assert len(get_function_hooks()) == 0
    assert _flag() is False
    assert [e[1:] for e in hook.log] == [("added", None), ("deleted", None)]


def test_a_hook_whose_added_raises_is_not_left_registered():
    class Broken(FunctionHook):
        name = "Broken"

        def added(self, function):
            raise RuntimeError("cannot start")

    with pytest.raises(RuntimeError, match="cannot start"):
        with Broken():
            pass
    assert "Broken" not in get_function_hooks()


def test_with_unregisters_when_the_block_raises():
    hook = Recorder()
    with pytest.raises(ValueError, match="boom"):
        with hook:
            raise ValueError("boom")
    assert "Recorder" not in get_function_hooks()


def test_a_second_hook_of_the_same_name_is_refused():
    with Recorder():
        with pytest.raises(KeyError, match="hook Recorder already exists"):
            with Recorder():
                pass
        assert list(get_function_hooks()) == ["Recorder"]


def test_add_and_delete_without_a_block():
    hook = Recorder()
    assert hook.add() is hook
    assert get_function_hooks()["Recorder"] is hook
    hook.delete()
    assert "Recorder" not in get_function_hooks()
    with pytest.raises(KeyError, match="hook Recorder does not exist"):
        hook.delete()


def test_add_and_delete_on_one_function():
    f = Scale()
    hook = Recorder()
    hook.add(f)
    assert list(f.local_function_hooks.values()) == [hook]
    hook.delete(f)
    assert len(f.local_function_hooks) == 0
    assert [e[1:] for e in hook.log] == [("added", f), ("deleted", f)]


def test_registry_edited_directly_keeps_the_fast_path_flag_in_sync():
    hooks = get_function_hooks()
    hooks["a"] = Recorder("a")
    assert _flag() is True
    hooks.pop("a")
    assert _flag() is False
    hooks.setdefault("b", Recorder("b"))
    hooks.update(c=Recorder("c"))
    assert _flag() is True
    hooks.popitem()
    del hooks["b"]
    assert _flag() is False
    hooks["d"] = Recorder("d")
    hooks.clear()
    assert _flag() is False


def test_registry_copy_is_a_plain_snapshot():
    with Recorder() as hook:
        snapshot = get_function_hooks().copy()
    assert type(snapshot).__name__ == "OrderedDict"
    assert list(snapshot.values()) == [hook]


# ---- forward -----------------------------------------------------------------
@given(kst.arrays(shape=kst.shapes(max_dims=3, max_side=4), dtype=np.float32))
def test_forward_callbacks_get_the_node_and_the_input_arrays(x):
    hook = Recorder()
    c = np.float32(3)
    var = Variable(x)
    with hook:
        y, = Scale().apply((var, c))
    fpre, fpost = _events(hook.log, "fpre"), _events(hook.log, "fpost")
    assert len(fpre) == len(fpost) == 1
    node, in_data = fpre[0][2], fpre[0][3]
    assert isinstance(node, Scale) and node is fpost[0][2]
    assert in_data[0] is x and in_data[1] is c
    np.testing.assert_array_equal(y.array, x * 3)


def test_forward_callbacks_wrap_forward_in_registration_order():
    log = []
    order = []

    class Probe(FunctionNode):
        def forward(self, inputs):
            order.append(("forward",))
            return inputs[0] + 1,

    with Recorder("first", log), Recorder("second", log):
        Probe().apply((np.zeros(2, np.float32),))
    calls = [(e[0], e[1]) for e in log if e[1] in ("fpre", "fpost")]
    assert calls == [("first", "fpre"), ("second", "fpre"), ("first", "fpost"), ("second", "fpost")]


def test_hooks_run_without_a_graph_too():
    hook = Recorder()
    with hook, kusari.no_backprop_mode():
        F.relu(Variable(np.ones(2, np.float32)))
    assert [e[2].label for e in _events(hook.log, "fpre")] == ["ReLU"]


def test_no_callback_after_the_block():
    hook = Recorder()
    with hook:
        pass
    F.relu(np.ones(2, np.float32))
    assert not _events(hook.log, "fpre")


def test_no_hook_means_the_hooked_path_is_never_entered(monkeypatch):
    from kusari import _backprop, function_hook

    def fail(*args):
        raise AssertionError("hooked path taken with no hook registered")

    monkeypatch.setattr(function_hook, "_forward_with_hooks", fail)
    monkeypatch.setattr(_backprop, "_backward_with_hooks", fail)
    x = Variable(np.ones(3, np.float32))
    F.sum(F.relu(x) * 2).backward()
    np.testing.assert_array_equal(x.grad, np.full(3, 2, np.float32))


# ---- backward ----------------------------------------------------------------
@given(kst.arrays(shape=(2, 3), dtype=np.float32), st.floats(-2, 2, width=32))
def test_backward_callbacks_get_retained_inputs_and_output_gradients(x, g):
    hook = Recorder()
    c = np.full((2, 3), 3, np.float32)
    gy = np.full((2, 3), g, np.float32)
    var = Variable(x)
    with hook:
        y, = Scale().apply((var, c))
        y.grad = gy
        y.backward()
    (bpre,), (bpost,) = _events(hook.log, "bpre"), _events(hook.log, "bpost")
    assert isinstance(bpre[2], Scale) and bpre[2] is bpost[2]
    in_data, out_grad = bpre[3], bpre[4]
    # x was not retained by Scale: Chainer passes None for it.
    assert in_data[0] is None and in_data[1] is c
    assert len(out_grad) == 1
    np.testing.assert_array_equal(out_grad[0], gy)
    assert bpost[3] == in_data and bpost[4] == out_grad
    np.testing.assert_array_equal(var.grad, gy * 3)


def test_backward_callbacks_run_for_every_function_in_reverse_order():
    hook = Recorder()
    x = Variable(np.array([1.0, -2.0], np.float32))
    with hook:
        y = F.sum(F.relu(x * 3))
        y.backward()
    labels = [e[2].label for e in _events(hook.log, "bpre")]
    assert labels == ["Sum", "ReLU", "_ * 3"]
    assert len(_events(hook.log, "bpost")) == 3


def test_backward_callbacks_run_in_grad_too():
    hook = Recorder()
    x = Variable(np.array([2.0], np.float32))
    with hook:
        gx, = kusari.grad([x * x], [x])
    assert [e[2].label for e in _events(hook.log, "bpre")] == ["Mul"]
    np.testing.assert_array_equal(gx.array, [4.0])


def test_backward_pre_and_post_wrap_the_backward_call():
    log = []

    class Probe(FunctionNode):
        def forward(self, inputs):
            return inputs[0] * 2,

        def backward(self, indexes, grad_outputs):
            log.append(("-", "backward"))
            return Variable(grad_outputs[0].array * 2),

    x = Variable(np.ones(2, np.float32))
    y, = Probe().apply((x,))
    y.grad = np.ones(2, np.float32)
    with Recorder("r", log):
        y.backward()
    assert [e[1] for e in log] == ["added", "bpre", "backward", "bpost", "deleted"]


# ---- per-node hooks ------------------------------------------------------------
def test_local_hook_runs_only_for_its_node_in_forward_and_backward():
    hook = Recorder()
    f = Scale()
    f.add_hook(hook)
    assert [e[1:] for e in hook.log] == [("added", f)]
    x = Variable(np.ones(2, np.float32))
    y, = f.apply((x, np.float32(3)))
    F.sum(y * 2).backward()   # other functions: not hooked
    kinds = [(e[1], e[2]) for e in hook.log[1:]]
    assert kinds == [("fpre", f), ("fpost", f), ("bpre", f), ("bpost", f)]
    assert _flag() is True
    f.delete_hook("Recorder")
    assert _flag() is False


def test_local_hook_replaces_a_global_one_of_the_same_name_and_runs_after_the_others():
    calls = []

    class Tagged(FunctionHook):
        def __init__(self, name, tag):
            self.name, self.tag = name, tag

        def forward_preprocess(self, function, in_data):
            calls.append((self.tag, function))

    f, g = Scale(), Scale()
    f.add_hook(Tagged("shared", "local shared"))
    f.add_hook(Tagged("own", "local own"))
    with Tagged("shared", "global shared"), Tagged("other", "global other"):
        f.apply((np.ones(2, np.float32), np.float32(3)))
        g.apply((np.ones(2, np.float32), np.float32(3)))
    # The thread's order is kept; the node's "shared" takes the global's slot.
    assert calls == [("local shared", f), ("global other", f), ("local own", f),
                     ("global shared", g), ("global other", g)]


def test_add_hook_name_defaults_to_hook_name_and_duplicates_are_refused():
    f = Scale()
    f.add_hook(Recorder())
    f.add_hook(Recorder(), name="again")
    assert list(f.local_function_hooks) == ["Recorder", "again"]
    with pytest.raises(KeyError, match="Hook Recorder already exists"):
        f.add_hook(Recorder())


def test_add_hook_rejects_what_is_not_a_function_hook():
    with pytest.raises(type_check.InvalidType,
                       match="Scale.add_hook: argument 'hook' expected a kusari.FunctionHook, got object"):
        Scale().add_hook(object())


def test_delete_hook_of_a_missing_name_raises():
    with pytest.raises(KeyError, match="Hook nothing does not exist"):
        Scale().delete_hook("nothing")


def test_a_node_freed_with_hooks_gives_the_flag_back():
    f = Scale()
    f.add_hook(Recorder())
    assert _flag() is True
    del f
    gc.collect()
    assert _flag() is False


def test_deleting_the_last_local_hook_returns_the_node_to_the_fast_path():
    f = Scale()
    hook = Recorder()
    f.add_hook(hook)
    assert _flag() is True
    f.delete_hook("Recorder")
    assert _flag() is False
    f.apply((np.ones(2, np.float32), np.float32(1)))
    assert not _events(hook.log, "fpre")


# ---- old-style Function ----------------------------------------------------------
class Double(kusari.Function):
    def forward(self, inputs):
        return inputs[0] * 2,

    def backward(self, inputs, grad_outputs):
        return grad_outputs[0] * 2,


def test_old_style_function_is_hooked_and_timed_under_its_own_name():
    hook = TimerHook()
    x = Variable(np.ones(2, np.float32))
    with hook:
        y = Double()(x)
        y.grad = np.ones(2, np.float32)
        y.backward()
    assert [name for name, _ in hook.call_history] == ["Double", "Double"]
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])


def test_old_style_function_keeps_its_hooks_for_later_calls():
    f = Double()
    hook = Recorder()
    f.add_hook(hook)
    x = Variable(np.ones(2, np.float32))
    y1 = f(x)
    y2 = f(x)  # a new graph node: the hook comes along
    assert len(_events(hook.log, "fpre")) == 2
    assert y1.creator_node is not y2.creator_node
    assert list(f.local_function_hooks) == ["Recorder"]
    f.delete_hook("Recorder")
    f(x)
    assert len(_events(hook.log, "fpre")) == 2


# ---- threads ---------------------------------------------------------------------
def test_hooks_are_per_thread():
    hook = Recorder()
    seen = {}

    def worker():
        seen["registry"] = dict(get_function_hooks())
        F.relu(np.ones(2, np.float32))

    with hook:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen["registry"] == {}
    assert not _events(hook.log, "fpre")


def test_a_thread_ending_with_hooks_registered_turns_the_flag_off():
    hook = Recorder()
    calls = []

    def worker():
        hook.add()
        F.relu(np.ones(2, np.float32))
        calls.append(len(_events(hook.log, "fpre")))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    del thread
    gc.collect()
    assert calls == [1]
    assert _flag() is False


# ---- TimerHook -------------------------------------------------------------------
class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        self.now += 1.0
        return self.now


def test_timer_records_nested_calls_but_counts_only_the_outermost(monkeypatch):
    from kusari import _hook_support

    monkeypatch.setattr(_hook_support, "_perf_counter", FakeClock())
    hook = TimerHook()
    with hook:
        Outer().apply((np.ones(2, np.float32),))
    # clock: outer start 1, inner start 2, inner stop 3, outer stop 4
    assert hook.call_history == [("Scale", 1.0), ("Outer", 3.0)]
    assert hook.total_time() == 3.0
    assert hook.summary() == {"Scale": {"elapsed_time": 1.0, "occurrence": 1},
                              "Outer": {"elapsed_time": 3.0, "occurrence": 1}}


def test_timer_times_forward_and_backward():
    hook = TimerHook()
    x = Variable(np.ones((2, 3), np.float32))
    with hook:
        F.sum(F.relu(x)).backward()
    names = [name for name, _ in hook.call_history]
    assert names[:2] == ["ReLU", "Sum"]
    assert sorted(names[2:]) == ["ReLU", "Sum"]
    assert all(t >= 0 for _, t in hook.call_history)
    assert hook.total_time() == pytest.approx(sum(t for _, t in hook.call_history))


@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.floats(0, 10)), max_size=8))
def test_timer_summary_adds_up_the_history(history):
    hook = TimerHook()
    hook.call_history = list(history)
    summary = hook.summary()
    assert list(summary) == list(dict.fromkeys(name for name, _ in history))
    for name, record in summary.items():
        times = [t for n, t in history if n == name]
        assert record["occurrence"] == len(times)
        assert record["elapsed_time"] == pytest.approx(sum(times))


_TIMER_HISTORY = [("LinearFunction", 1.5), ("ReLU", 0.00025), ("LinearFunction", 0.75),
                  ("SoftmaxCrossEntropy", 3e-8)]

_TIMER_REPORTS = {
    "auto": """\
       FunctionName  ElapsedTime  Occurrence
     LinearFunction      2.25sec           2
               ReLU      0.00sec           1
SoftmaxCrossEntropy      0.00sec           1
""",
    "auto_foreach": """\
       FunctionName  ElapsedTime  Occurrence
     LinearFunction      2.25sec           2
               ReLU     250.00us           1
SoftmaxCrossEntropy      30.00ns           1
""",
    "ms": """\
       FunctionName  ElapsedTime  Occurrence
     LinearFunction    2250.00ms           2
               ReLU       0.25ms           1
SoftmaxCrossEntropy       0.00ms           1
""",
    "ns": """\
       FunctionName      ElapsedTime  Occurrence
     LinearFunction  2250000000.00ns           2
               ReLU      250000.00ns           1
SoftmaxCrossEntropy          30.00ns           1
""",
}


@pytest.mark.parametrize("unit", sorted(_TIMER_REPORTS))
def test_timer_print_report_matches_chainer(unit):
    hook = TimerHook()
    hook.call_history = list(_TIMER_HISTORY)
    out = io.StringIO()
    hook.print_report(unit=unit, file=out)
    assert out.getvalue() == _TIMER_REPORTS[unit]


def test_timer_print_report_defaults_to_stdout(capsys):
    hook = TimerHook()
    hook.call_history = list(_TIMER_HISTORY)
    hook.print_report()
    assert capsys.readouterr().out == _TIMER_REPORTS["auto"]


def test_timer_print_report_with_no_calls_prints_the_header():
    out = io.StringIO()
    TimerHook().print_report(file=out)
    assert out.getvalue() == "FunctionName  ElapsedTime  Occurrence\n"


def test_timer_print_report_rejects_an_unknown_unit():
    with pytest.raises(type_check.InvalidType,
                       match=r"TimerHook.print_report: argument 'unit' expected one of 'auto', "
                             r"'auto_foreach', 'sec', 'ms', 'us', 'ns', got 'hours'"):
        TimerHook().print_report(unit="hours")


# ---- PrintHook -----------------------------------------------------------------
_PRINT_EXPECTED = """\
function\tScale
input data
<variable at 0x...>
- device: CPU
- backend: <class 'numpy.ndarray'>
- shape: (2, 3)
- dtype: float32
- statistics: mean=2.50000000, std=1.70782518
- grad: None
<variable at 0x...>
- device: CPU
- backend: <class 'numpy.ndarray'>
- shape: (2, 3)
- dtype: float32
- statistics: mean=3.00000000, std=0.00000000
- grad: None
function\tScale
input data
(removed)
<variable at 0x...>
- device: CPU
- backend: <class 'numpy.ndarray'>
- shape: (2, 3)
- dtype: float32
- statistics: mean=3.00000000, std=0.00000000
- grad: None
output gradient
<variable at 0x...>
- device: CPU
- backend: <class 'numpy.ndarray'>
- shape: (2, 3)
- dtype: float32
- statistics: mean=0.00000000, std=0.00000000
- grad: mean=0.50000000, std=0.00000000
"""


def test_print_hook_prints_what_chainer_prints():
    out = io.StringIO()
    x = Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    with PrintHook(file=out):
        y, = Scale().apply((x, np.full((2, 3), 3, np.float32)))
        y.grad = np.full((2, 3), 0.5, np.float32)
        y.backward()
    assert re.sub("0x[0-9a-f]+", "0x...", out.getvalue()) == _PRINT_EXPECTED


def test_print_hook_missing_output_gradient_and_end():
    class TwoOut(FunctionNode):
        def forward(self, inputs):
            return inputs[0] * 1, inputs[0] * 2

        def backward(self, indexes, grad_outputs):
            return Variable(grad_outputs[1].array * 2),

    x = Variable(np.ones(2, np.float32))
    a, b = TwoOut().apply((x,))
    b.grad = np.ones(2, np.float32)
    out = io.StringIO()
    with PrintHook(file=out, end="|\n"):
        b.backward()
    blocks = out.getvalue().split("|\n")
    assert blocks[:2] == ["function\tTwoOut", "input data"]
    grads = blocks[blocks.index("output gradient") + 1:]
    assert grads[0] == "\n".join(["<variable at " + grads[0].split("at ")[1].split(">")[0] + ">"]
                                 + [f"- {k}: None" for k in
                                    ("device", "backend", "shape", "dtype", "statistics", "grad")])
    assert grads[1].endswith("- grad: mean=1.00000000, std=0.00000000")


def test_print_hook_sep_is_deprecated():
    with pytest.warns(DeprecationWarning, match="sep"):
        hook = PrintHook(sep=" ")
    assert hook.sep == " "


def test_print_hook_defaults_to_stdout(capsys):
    with PrintHook():
        F.relu(np.array([1.0], np.float32))
    out = capsys.readouterr().out
    assert out.startswith("function\tReLU\ninput data\n<variable at 0x")
    assert "- statistics: mean=1.00000000, std=0.00000000\n- grad: None\n" in out


# ---- CuPy-only hooks -------------------------------------------------------------
@pytest.mark.parametrize("hook_class", [CupyMemoryProfileHook, CUDAProfileHook])
def test_cupy_hooks_name_kusari_cuda_when_cupy_is_missing(hook_class):
    if cuda.available:
        assert isinstance(hook_class(), FunctionHook)
    else:
        with pytest.raises(RuntimeError, match=f"{hook_class.__name__} needs CuPy.*kusari-cuda"):
            hook_class()


class FakeMemoryHook:
    """Stands in for the CuPy memory hook: counters plus whether it is installed."""

    def __init__(self):
        self.used_bytes = 0
        self.acquired_bytes = 0
        self.installed = False

    def __enter__(self):
        self.installed = True

    def __exit__(self, *exc_info):
        self.installed = False


def _memory_hook_without_cupy():
    hook = CupyMemoryProfileHook.__new__(CupyMemoryProfileHook)
    hook._memory_hook = FakeMemoryHook()
    hook.call_history = []
    hook._running_stack = []
    hook._total_used_bytes = 0
    hook._total_acquired_bytes = 0
    return hook


def test_memory_hook_measures_each_call_and_totals_the_outermost():
    hook = _memory_hook_without_cupy()
    memory = hook._memory_hook

    class Allocating(FunctionNode):
        def __init__(self, used, acquired, inner=None):
            self.used, self.acquired, self.inner = used, acquired, inner

        def forward(self, inputs):
            memory.used_bytes += self.used
            memory.acquired_bytes += self.acquired
            if self.inner is not None:
                self.inner.apply(inputs)
            return inputs[0],

    outer = Allocating(100, 10, inner=Allocating(30, 3))
    with hook:
        assert memory.installed  # the CuPy memory hook is on only inside the block
        outer.apply((np.ones(1, np.float32),))
    assert not memory.installed
    assert hook.call_history == [("Allocating", 30, 3, 1), ("Allocating", 130, 13, 0)]
    assert (hook.total_used_bytes(), hook.total_acquired_bytes()) == (130, 13)
    assert hook.summary() == {"Allocating": {"used_bytes": 160, "acquired_bytes": 16, "occurrence": 2}}


_MEMORY_HISTORY = [("Linear", 3 * 1024 ** 2, 0, 0), ("ReLU", 512, 2048, 0), ("Linear", 1024 ** 2, 4096, 1)]

_MEMORY_REPORTS = {
    "auto": """\
FunctionName  UsedBytes  AcquiredBytes  Occurrence
      Linear     4.00MB         4.00KB           2
        ReLU     0.00MB         2.00KB           1
""",
    "auto_foreach": """\
FunctionName  UsedBytes  AcquiredBytes  Occurrence
      Linear     4.00MB         4.00KB           2
        ReLU    512.00B         2.00KB           1
""",
    "KB": """\
FunctionName  UsedBytes  AcquiredBytes  Occurrence
      Linear  4096.00KB         4.00KB           2
        ReLU     0.50KB         2.00KB           1
""",
}


@pytest.mark.parametrize("unit", sorted(_MEMORY_REPORTS))
def test_memory_print_report_matches_chainer(unit):
    hook = _memory_hook_without_cupy()
    hook.call_history = list(_MEMORY_HISTORY)
    out = io.StringIO()
    hook.print_report(unit=unit, file=out)
    assert out.getvalue() == _MEMORY_REPORTS[unit]


def test_memory_print_report_rejects_an_unknown_unit():
    with pytest.raises(type_check.InvalidType,
                       match="CupyMemoryProfileHook.print_report: argument 'unit' expected one of "
                             "'auto', 'auto_foreach', 'B', .*got 'kB'"):
        _memory_hook_without_cupy().print_report(unit="kB")


def test_function_hooks_module_lists_the_hooks():
    assert set(function_hooks.__all__) == {"TimerHook", "PrintHook", "CupyMemoryProfileHook",
                                            "CUDAProfileHook"}
