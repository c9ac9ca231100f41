"""The backward node shared by activations whose derivative depends only on their output."""
from __future__ import annotations

from kusari import utils
from kusari.function_node import FunctionNode


class OutputGrad(FunctionNode):
    """``gx = grad(y, gy)`` from an activation's output ``y`` and upstream ``gy``.

    ``grad`` is linear in ``gy``, so the gradient with respect to ``gy`` is
    this same node applied to ``ggx``; a subclass gives ``grad`` and its
    derivative with respect to ``y`` (``grad_wrt_y``), which keeps the
    activation twice differentiable.

    Example:
        >>> import numpy as np
        >>> from kusari.functions.activation._output_grad import OutputGrad
        >>> class TwiceGrad(OutputGrad):       # the backward of y = 2x
        ...     def grad(self, y, gy): return gy * 2
        ...     def grad_wrt_y(self, y, gy, ggx): return ggx * 0
        >>> y, gy = np.ones(2, np.float32), np.array([1, 3], np.float32)
        >>> TwiceGrad().apply((y, gy))[0].array
        array([2., 6.], dtype=float32)
    """

    def grad(self, y, gy):
        raise NotImplementedError

    def grad_wrt_y(self, y, gy, ggx):
        raise NotImplementedError

    def forward(self, inputs):
        self.retain_inputs((0, 1))
        y, gy = inputs
        return utils.force_array(self.grad(y, gy), y.dtype),

    def backward(self, indexes, grad_outputs):
        y, gy = self.get_retained_inputs()
        ggx, = grad_outputs
        ret = []
        for i in indexes:
            if i == 0:
                ret.append(self.grad_wrt_y(y, gy, ggx))
            else:
                ret.append(type(self)().apply((y, ggx))[0])
        return tuple(ret)
