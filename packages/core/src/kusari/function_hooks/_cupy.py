"""CuPy for the GPU-only hooks, found through kusari.cuda (never imported at module import)."""
from __future__ import annotations


def require_cupy(hook_name: str):
    """The ``cupy`` module, or ``RuntimeError`` naming kusari-cuda when it is not usable.

    Example:
        >>> from kusari import cuda
        >>> if not cuda.available:
        ...     try:
        ...         require_cupy('CupyMemoryProfileHook')
        ...     except RuntimeError as e:
        ...         print('kusari-cuda' in str(e))
        ... else:
        ...     print(True)
        True
    """
    from kusari import cuda

    if not cuda.available:
        raise RuntimeError(
            f"{hook_name} needs CuPy and the CUDA backend: {cuda._unavailable_reason()}")
    return cuda.cupy
