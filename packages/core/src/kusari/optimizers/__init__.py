"""The built-in optimizers (Chainer's ``chainer.optimizers``).

Each is also registered by ``name`` (``'sgd'``, ``'adam'``, ...) in the
``optimizers`` plugin registry, for configs and the command line.

Example:
    >>> from kusari import optimizers
    >>> optimizers.Adam().name, optimizers.MomentumSGD(lr=0.1).lr
    ('adam', 0.1)
"""
from kusari.optimizers.ada_delta import AdaDelta, AdaDeltaRule
from kusari.optimizers.ada_grad import AdaGrad, AdaGradRule
from kusari.optimizers.adam import AdaBound, Adam, AdamRule, AdamW, AMSBound, AMSGrad
from kusari.optimizers.corrected_momentum_sgd import CorrectedMomentumSGD, CorrectedMomentumSGDRule
from kusari.optimizers.momentum_sgd import MomentumSGD, MomentumSGDRule
from kusari.optimizers.msvag import MSVAG, MSVAGRule
from kusari.optimizers.nesterov_ag import NesterovAG, NesterovAGRule
from kusari.optimizers.rmsprop import RMSprop, RMSpropRule
from kusari.optimizers.rmsprop_graves import RMSpropGraves, RMSpropGravesRule
from kusari.optimizers.sgd import SGD, SGDRule
from kusari.optimizers.smorms3 import SMORMS3, SMORMS3Rule

#: Every built-in optimizer class, in the order ``kusari_register_optimizers`` returns them.
BUILTIN_OPTIMIZERS = (
    SGD, MomentumSGD, CorrectedMomentumSGD, NesterovAG, AdaGrad, AdaDelta, RMSprop, RMSpropGraves,
    Adam, AdamW, AMSGrad, AdaBound, AMSBound, SMORMS3, MSVAG,
)

__all__ = [
    "SGD", "MomentumSGD", "CorrectedMomentumSGD", "NesterovAG", "AdaGrad", "AdaDelta", "RMSprop",
    "RMSpropGraves", "Adam", "AdamW", "AMSGrad", "AdaBound", "AMSBound", "SMORMS3", "MSVAG",
    "SGDRule", "MomentumSGDRule", "CorrectedMomentumSGDRule", "NesterovAGRule", "AdaGradRule",
    "AdaDeltaRule", "RMSpropRule", "RMSpropGravesRule", "AdamRule", "SMORMS3Rule", "MSVAGRule",
    "BUILTIN_OPTIMIZERS",
]
