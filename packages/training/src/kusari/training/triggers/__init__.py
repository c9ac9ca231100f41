"""Triggers: when an extension runs or training stops (Chainer's ``chainer.training.triggers``).

Example:
    >>> from kusari.training import triggers
    >>> triggers.IntervalTrigger(2, 'epoch').period
    2
"""
from kusari.training.triggers.early_stopping_trigger import EarlyStoppingTrigger
from kusari.training.triggers.interval_trigger import IntervalTrigger
from kusari.training.triggers.manual_schedule_trigger import ManualScheduleTrigger
from kusari.training.triggers.minmax_value_trigger import BestValueTrigger, MaxValueTrigger, MinValueTrigger
from kusari.training.triggers.once_trigger import OnceTrigger
from kusari.training.triggers.time_trigger import TimeTrigger

__all__ = ["BestValueTrigger", "EarlyStoppingTrigger", "IntervalTrigger", "ManualScheduleTrigger",
           "MaxValueTrigger", "MinValueTrigger", "OnceTrigger", "TimeTrigger"]
