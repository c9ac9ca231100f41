"""``CUDAProfileHook``: NVTX ranges around each function, for nvprof / Nsight (needs kusari-cuda)."""
from __future__ import annotations

from kusari.function_hook import FunctionHook
from kusari.function_hooks._cupy import require_cupy


class CUDAProfileHook(FunctionHook):
    """Marks every hooked forward and backward as an NVTX range named after the function's label.

    Needs CuPy with NVTX (kusari-cuda); otherwise the constructor raises
    ``RuntimeError`` saying what is missing.

    Example:
        >>> from kusari import cuda
        >>> from kusari.function_hooks import CUDAProfileHook
        >>> if not cuda.available:
        ...     try:
        ...         CUDAProfileHook()
        ...     except RuntimeError as e:
        ...         print('kusari-cuda' in str(e))
        ... else:
        ...     print(True)
        True
    """

    name = "CUDAProfileHook"

    def __init__(self):
        cupy = require_cupy("CUDAProfileHook")
        nvtx = getattr(cupy.cuda, "nvtx", None)
        if nvtx is None or not getattr(nvtx, "available", True):
            raise RuntimeError("CUDAProfileHook needs CuPy built with NVTX (cupy.cuda.nvtx)")
        self._nvtx = nvtx

    def forward_preprocess(self, function, in_data) -> None:
        self._nvtx.RangePush(function.label + ".forward")

    def forward_postprocess(self, function, in_data) -> None:
        self._nvtx.RangePop()

    def backward_preprocess(self, function, in_data, out_grad) -> None:
        self._nvtx.RangePush(function.label + ".backward")

    def backward_postprocess(self, function, in_data, out_grad) -> None:
        self._nvtx.RangePop()
