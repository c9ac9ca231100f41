"""Ready-made function hooks (Chainer's ``chainer.function_hooks``).

* :class:`TimerHook`: time spent in each function's forward and backward.
* :class:`PrintHook`: prints each function's inputs (and output gradients).
* :class:`CupyMemoryProfileHook`: CuPy memory-pool use per function (kusari-cuda).
* :class:`CUDAProfileHook`: NVTX ranges per function for NVIDIA's profilers (kusari-cuda).

Use one with ``with``::

    with function_hooks.TimerHook() as hook:
        loss = model(x); loss.backward()
    hook.print_report()

Example:
    >>> import numpy as np, kusari
    >>> from kusari import function_hooks
    >>> with function_hooks.TimerHook() as hook:
    ...     y = kusari.functions.relu(np.ones(3, np.float32))
    >>> [name for name, _ in hook.call_history]
    ['ReLU']
"""
from kusari.function_hooks.cuda_profile import CUDAProfileHook  # noqa: F401
from kusari.function_hooks.cupy_memory_profile import CupyMemoryProfileHook  # noqa: F401
from kusari.function_hooks.print_hook import PrintHook  # noqa: F401
from kusari.function_hooks.timer import TimerHook  # noqa: F401

__all__ = ["CUDAProfileHook", "CupyMemoryProfileHook", "PrintHook", "TimerHook"]
