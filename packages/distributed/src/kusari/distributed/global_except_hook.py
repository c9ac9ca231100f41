"""ChainerMN's ``global_except_hook`` module path: ``add_hook()`` / ``remove_hook()``.

An uncaught exception on one rank prints its traceback (each line prefixed
with the rank) and calls ``MPI_Abort``, so every rank stops instead of
hanging in the next collective. ``create_communicator`` installs it when
there is more than one process.

Example:
    >>> from kusari.distributed import global_except_hook
    >>> callable(global_except_hook.add_hook) and callable(global_except_hook.remove_hook)
    True
"""
from kusari.distributed.communicators._hooks import add_hook, remove_hook  # noqa: F401
