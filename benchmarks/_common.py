"""Pieces more than one benchmark runs.

* The classification training step (softmax cross entropy, clear the
  gradients, backward) as user code: once for kusari and Chainer, once for
  PyTorch (``bench_mlp``, ``bench_lenet``).
* The PyTorch models' start from the shared NumPy weights (``bench_overhead``,
  ``bench_mlp``, ``bench_lenet``, ``bench_trainer``).
* Parts of the hand-written NumPy bounds: the softmax cross entropy with
  its gradient (``bench_mlp``, ``bench_lenet``) and an in-place Adam
  (``bench_adam``, ``bench_trainer``).

Imports NumPy: import it after ``_harness.pin_threads()``.
"""
from __future__ import annotations

import math

import numpy as np


def classifier_step(F, model, x, t):
    """One iteration of a kusari or Chainer ``model`` (``F``: its functions module) on ``(x, t)``."""
    def step():
        loss = F.softmax_cross_entropy(model(x), t)
        model.cleargrads()
        loss.backward()

    return step


def torch_classifier_step(model, x, t):
    """The same iteration of a PyTorch ``model`` on the NumPy ``x`` and integer labels ``t``."""
    import torch

    xt, tt = torch.from_numpy(x), torch.from_numpy(t.astype(np.int64))

    def step():
        loss = torch.nn.functional.cross_entropy(model(xt), tt)
        model.zero_grad(set_to_none=True)
        loss.backward()

    return step


def copy_into_torch(layers, weights):
    """Copy ``weights``, pairs ``(W, b)`` of NumPy arrays, into the PyTorch ``layers``' weight and bias."""
    import torch

    with torch.no_grad():
        for layer, (W, b) in zip(layers, weights, strict=True):
            layer.weight.copy_(torch.from_numpy(W))
            layer.bias.copy_(torch.from_numpy(b))


def torch_mlp(weights, relu_last=False):
    """``Linear`` layers with ``weights`` (``W`` is ``(out, in)``), a ``ReLU`` after each but the last (unless ``relu_last``)."""
    import torch

    linears = [torch.nn.Linear(W.shape[1], W.shape[0]) for W, _ in weights]
    copy_into_torch(linears, weights)
    layers = [m for linear in linears for m in (linear, torch.nn.ReLU())]
    return torch.nn.Sequential(*(layers if relu_last else layers[:-1]))


def softmax_cross_entropy(z, t):
    """``(loss, gz)``: the mean softmax cross entropy of logits ``z`` (N, C) against labels ``t``, and its gradient.

    Stable (each row's maximum is subtracted first); ``gz`` has ``z``'s dtype.
    """
    shifted = z - z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(len(t))
    loss = (np.log(s[:, 0]) - shifted[rows, t]).mean()
    gz = e / s
    gz[rows, t] -= 1
    gz *= np.float32(1 / len(t))
    return loss, gz


class NumpyAdam:
    """Adam (Chainer's update rule, eta 1, no weight decay) in place over a list of arrays.

    The defaults are Chainer's (and PyTorch's).  Each parameter's step goes
    through one preallocated temporary; with ``one_temporary`` the
    parameters (then all of one shape) share a single one.
    """

    def __init__(self, params, alpha=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, one_temporary=False):
        self.params = params
        self.alpha, self.beta1, self.beta2, self.eps = alpha, beta1, beta2, eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        if one_temporary:
            self.tmp = [np.empty_like(params[0])] * len(params)
        else:
            self.tmp = [np.empty_like(p) for p in params]
        self.t = 0

    def update(self, grads) -> None:
        self.t += 1
        beta1, beta2, eps = self.beta1, self.beta2, self.eps
        lr = self.alpha * math.sqrt(1 - beta2 ** self.t) / (1 - beta1 ** self.t)
        for p, g, m, v, tmp in zip(self.params, grads, self.m, self.v, self.tmp, strict=True):
            np.subtract(g, m, out=tmp)
            tmp *= 1 - beta1
            m += tmp
            np.multiply(g, g, out=tmp)
            tmp -= v
            tmp *= 1 - beta2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp += eps
            np.divide(m, tmp, out=tmp)
            tmp *= lr
            p -= tmp
