"""Fixtures shared by kusari-core's tests."""
import importlib.metadata

import pytest

from kusari import plugins


def hide_distributions(monkeypatch, *names):
    """Make ``importlib.metadata.version(name)`` report these distributions as absent."""
    real_version = importlib.metadata.version

    def version(dist):
        if dist in names:
            raise importlib.metadata.PackageNotFoundError(dist)
        return real_version(dist)

    monkeypatch.setattr(importlib.metadata, "version", version)


@pytest.fixture
def without_kusari_cuda(monkeypatch):
    """A core-only install as far as CUDA goes: kusari-cuda's plugin and distribution hidden."""
    hide_distributions(monkeypatch, "kusari-cuda")
    pm = plugins.get_plugin_manager()
    plugin = pm.get_plugin("cuda")
    if plugin is not None:
        plugins.unregister("cuda")
    try:
        yield
    finally:
        if plugin is not None:
            plugins.register(plugin, name="cuda")


@pytest.fixture
def without_kusari_rnn(monkeypatch):
    """kusari-rnn's distribution hidden (its plugin registers nothing yet either way)."""
    hide_distributions(monkeypatch, "kusari-rnn")
