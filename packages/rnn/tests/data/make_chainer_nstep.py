"""Write the Chainer 7.8.1 NStep fixtures used by tests/links/test_n_step_links.py.

Run with the reference Chainer venv (not with kusari):

    /root/.cache/kusari-ref/chainer/bin/python -W ignore make_chainer_nstep.py

For each link it writes ``<name>_chainer.npz`` (the link saved by Chainer's
``save_npz``) and ``<name>_chainer_io.npz`` (fixed inputs and the outputs
Chainer computed for them: ``x0``.. in the caller's order, ``hx``, ``cx``,
``hy``, ``cy``, ``y0``..).
"""
import os

import chainer
import chainer.links as L
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LENGTHS = (2, 4, 3)  # deliberately not sorted: the link must restore the order
IN_SIZE, OUT_SIZE, N_LAYERS = 3, 4, 2
# Non-zero biases, so the fixture also pins which bias goes with which gate.
BIAS = chainer.initializers.Uniform(0.5)


def write(name, link, n_dir, rng):
    xs = [rng.standard_normal((n, IN_SIZE)).astype(np.float32) for n in LENGTHS]
    state_shape = (N_LAYERS * n_dir, len(xs), OUT_SIZE)
    hx = rng.standard_normal(state_shape).astype(np.float32)
    cx = rng.standard_normal(state_shape).astype(np.float32)
    with chainer.using_config("train", False):
        hy, cy, ys = link(hx, cx, xs)
    chainer.serializers.save_npz(os.path.join(HERE, f"{name}_chainer.npz"), link)
    io = {"hx": hx, "cx": cx, "hy": hy.array, "cy": cy.array}
    io.update({f"x{i}": x for i, x in enumerate(xs)})
    io.update({f"y{i}": y.array for i, y in enumerate(ys)})
    np.savez(os.path.join(HERE, f"{name}_chainer_io.npz"), **io)


def main():
    rng = np.random.default_rng(7)
    np.random.seed(7)  # Chainer's initializers draw from numpy.random
    write("nstep_lstm", L.NStepLSTM(N_LAYERS, IN_SIZE, OUT_SIZE, 0.0, initial_bias=BIAS), 1, rng)
    write("nstep_bilstm", L.NStepBiLSTM(N_LAYERS, IN_SIZE, OUT_SIZE, 0.0, initial_bias=BIAS), 2, rng)


if __name__ == "__main__":
    main()
