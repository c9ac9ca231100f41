"""A backend: here an alias, ``'@example_host'``, for the NumPy device.

A real backend (see kusari-cuda's ``CupyBackend``) also returns its own
:class:`kusari.backend.Device` subclass and recognises its arrays in
``device_from_array``.
"""
from kusari.backend import CPU_DEVICE, Backend


class HostAliasBackend(Backend):
    """Serves ``kusari.get_device('@example_host')`` with the NumPy device.

    Example:
        >>> import kusari
        >>> kusari.get_device('@example_host') is kusari.backend.CPU_DEVICE
        True
    """

    name = "example_host"

    def device_from_spec(self, ident):
        if ident is not None:
            raise ValueError(f"get_device: '@example_host' takes no device id, got '@example_host:{ident}'")
        return CPU_DEVICE

    # device_from_array keeps Backend's default (None): NumPy arrays belong
    # to the built-in numpy backend, not to this alias.
