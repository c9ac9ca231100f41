"""observe_value / observe_lr: record a value computed from the trainer into the observation."""
from __future__ import annotations

from kusari.training.extension import PRIORITY_WRITER, make_extension
from kusari.utils import type_check


def observe_value(observation_key, target_func):
    """Return an extension that writes ``target_func(trainer)`` to ``trainer.observation[observation_key]``.

    It runs once per epoch by default (pass ``trigger`` to ``Trainer.extend``
    for another interval) with writer priority, so LogReport and PrintReport
    see the value in the same iteration.

    Args:
        observation_key (str): the key to write.
        target_func (callable): ``target_func(trainer)`` returns the value.

    Example:
        >>> from types import SimpleNamespace
        >>> from kusari.training.extensions.value_observation import observe_value
        >>> ext = observe_value('iteration', lambda tr: tr.updater.iteration)
        >>> ext.trigger, ext.priority
        ((1, 'epoch'), 300)
        >>> trainer = SimpleNamespace(updater=SimpleNamespace(iteration=7), observation={})
        >>> ext(trainer); trainer.observation
        {'iteration': 7}
    """
    if not isinstance(observation_key, str):
        type_check.fail("observe_value", "observation_key", "a str", repr(observation_key))
    if not callable(target_func):
        type_check.fail("observe_value", "target_func", "a callable taking the trainer", repr(target_func))

    @make_extension(trigger=(1, "epoch"), priority=PRIORITY_WRITER)
    def _observe_value(trainer):
        trainer.observation[observation_key] = target_func(trainer)

    return _observe_value


def observe_lr(optimizer_name="main", observation_key="lr"):
    """Return an extension that records the learning rate ``lr`` of an updater's optimizer.

    Once per epoch by default, like :func:`observe_value`.  It reads the
    optimizer's ``lr`` attribute, so for Adam use
    ``observe_value('alpha', lambda tr: tr.updater.get_optimizer('main').alpha)``.

    Args:
        optimizer_name (str): the optimizer's name in the updater.
        observation_key (str): the key to write.

    Example:
        >>> from types import SimpleNamespace
        >>> import kusari
        >>> from kusari.training.extensions.value_observation import observe_lr
        >>> opt = kusari.optimizers.SGD(lr=0.05)
        >>> updater = SimpleNamespace(get_optimizer=lambda name: opt)
        >>> trainer = SimpleNamespace(updater=updater, observation={})
        >>> observe_lr()(trainer); trainer.observation
        {'lr': 0.05}
    """
    return observe_value(observation_key, lambda trainer: trainer.updater.get_optimizer(optimizer_name).lr)
