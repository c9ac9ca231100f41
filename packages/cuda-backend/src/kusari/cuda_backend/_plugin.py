"""kusari-cuda's plugin module (entry point ``cuda`` in the ``kusari`` group).

Registers the ``cupy`` backend.  Importing this module never imports CuPy.
The cuDNN kernels (``kusari_register_kernels``) arrive with this package's
own issue.
"""
from __future__ import annotations

from kusari.plugins import hookimpl


@hookimpl
def kusari_register_backends():
    from kusari.cuda_backend._backend import CupyBackend

    return [CupyBackend()]
