"""Optimizers are registrable by name through the ``kusari_register_optimizers`` hook."""
import pytest

from kusari import optimizer, optimizers, plugins


class _Plugin:
    """What core's built-in plugin returns (see BUILTIN_OPTIMIZERS)."""

    @plugins.hookimpl
    def kusari_register_optimizers(self):
        return list(optimizers.BUILTIN_OPTIMIZERS)


@pytest.fixture
def registry():
    name = plugins.register(_Plugin(), name="test-builtin-optimizers")
    try:
        yield plugins.get_registry("optimizers")
    finally:
        plugins.unregister(name)


def test_every_builtin_optimizer_is_found_by_its_name(registry):
    expected = {
        "sgd": optimizers.SGD, "momentum_sgd": optimizers.MomentumSGD,
        "corrected_momentum_sgd": optimizers.CorrectedMomentumSGD, "nesterov_ag": optimizers.NesterovAG,
        "ada_grad": optimizers.AdaGrad, "ada_delta": optimizers.AdaDelta, "rmsprop": optimizers.RMSprop,
        "rmsprop_graves": optimizers.RMSpropGraves, "adam": optimizers.Adam, "adamw": optimizers.AdamW,
        "amsgrad": optimizers.AMSGrad, "adabound": optimizers.AdaBound, "amsbound": optimizers.AMSBound,
        "smorms3": optimizers.SMORMS3, "msvag": optimizers.MSVAG,
    }
    for name, cls in expected.items():
        assert registry.get(name) is cls
        assert issubclass(cls, optimizer.GradientMethod)
    assert len({cls.name for cls in optimizers.BUILTIN_OPTIMIZERS}) == len(optimizers.BUILTIN_OPTIMIZERS)


def test_unknown_optimizer_name_lists_the_known_ones(registry):
    with pytest.raises(plugins.MissingNameError, match=r"no optimizer named 'adamx' is registered; known: .*adam"):
        registry.get("adamx")
