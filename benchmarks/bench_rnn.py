"""(h) kusari-rnn's two speed benchmarks (issue 7): a PTB-small word LM and ragged NStepLSTM.

``--case lm`` -- a word language model shaped like PTB "small": vocabulary
10000, embedding 200, a 2-layer LSTM of 200 units, batch 20, truncated
backprop over 35 steps, SGD with learning rate 1 and gradient clipping at
norm 5.  One iteration is one training step on the next 20 x 35 window of a
synthetic token stream (uniform random ids in [0, 10000), carried hidden
state, as the PTB example does).  kusari and Chainer run the same ``Chain``
written with the public API (``L.EmbedID``, ``L.NStepLSTM``, ``L.Linear``,
``F.softmax_cross_entropy``, ``optimizers.SGD``,
``optimizer_hooks.GradientClipping``); PyTorch runs ``nn.Embedding`` +
``nn.LSTM`` + ``nn.Linear``, ``cross_entropy``, ``clip_grad_norm_`` and
``optim.SGD``; all start from the same weights.  Reported as training
tokens per second (700 tokens per iteration).  Target: kusari at least 1.4x
PyTorch's tokens/s.

``--case ragged`` -- 64 sequences of lengths 5..50 (fixed seed), input 128,
hidden 256, one layer: forward, sum of all outputs, backward.  kusari's and
Chainer's ``L.NStepLSTM`` against PyTorch's ``nn.LSTM`` on
``pack_sequence(..., enforce_sorted=False)``.  Target: kusari at most half
of PyTorch's time.

Without ``--case`` both run, one after the other (with ``--save PATH`` the
case name is inserted before the extension).

Environment: ``OPENBLAS_THREAD_TIMEOUT`` is set (to 4, OpenBLAS's minimum,
unless already set) before NumPy is imported, here and -- inherited -- in
the Chainer and PyTorch subprocesses.  OpenBLAS's idle worker threads
otherwise spin for a long time after each matrix product and take the
second core from NumPy's elementwise work; PyTorch does not use OpenBLAS
for its own kernels, so it is unaffected.

Run:  python benchmarks/bench_rnn.py --threads 1 --interleave
      python benchmarks/bench_rnn.py --case lm --quick      (smoke test)
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness  # noqa: E402

CASE_VARIABLE = "KUSARI_BENCH_RNN_CASE"
CASES = ("lm", "ragged")

if __name__ == "__main__":
    _harness.pin_threads()  # before NumPy is imported
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")

import numpy as np  # noqa: E402

# ---- sizes -----------------------------------------------------------------------------------
VOCAB, EMBED, HIDDEN, LAYERS, BATCH, BPROP = 10000, 200, 200, 2, 20, 35
LR, CLIP = 1.0, 5.0
WINDOWS = 16  # distinct 20 x 35 windows of the synthetic stream, visited in turn

N_SEQ, MIN_LEN, MAX_LEN, IN_SIZE, RAGGED_HIDDEN = 64, 5, 50, 128, 256

SETTINGS = {
    "lm": {"warmup": 3, "iters": 3, "repeats": 10},
    "ragged": {"warmup": 5, "iters": 5, "repeats": 10},
}
QUICK = {"warmup": 1, "iters": 1, "repeats": 2}
TARGETS = {
    "lm": "target (issue 7): kusari at least 1.4x PyTorch's tokens/s, i.e. time/iter at most 0.71x PyTorch's",
    "ragged": "target (issue 7): kusari at most 0.5x PyTorch's time",
}
TITLES = {
    "lm": "(h1) word LM like PTB small: vocab 10000, embed 200, 2-layer LSTM 200, batch 20, bprop 35, "
          "SGD lr 1 + GradientClipping 5; one training step",
    "ragged": "(h2) NStepLSTM on 64 ragged sequences (lengths 5..50), in 128, hidden 256, 1 layer; "
              "forward + backward of the summed outputs",
}


def current_case() -> str:
    return os.environ.get(CASE_VARIABLE, "lm")


# ---- shared weights and data ------------------------------------------------------------------
def lstm_weights(rng, n_layers, in_size, hidden):
    """Chainer's layout: per layer 8 matrices (w0..w3 on the input, w4..w7 on h) and 8 biases."""
    layers = []
    for layer in range(n_layers):
        n_in = in_size if layer == 0 else hidden
        scale = 1 / np.sqrt(hidden)
        ws = [rng.uniform(-scale, scale, (hidden, n_in if j < 4 else hidden)).astype(np.float32)
              for j in range(8)]
        bs = [rng.uniform(-scale, scale, hidden).astype(np.float32) for _ in range(8)]
        layers.append((ws, bs))
    return layers


def make_lm_data(seed: int = 0, batch=BATCH, bprop=BPROP, windows=WINDOWS, vocab=VOCAB,
                 embed=EMBED, hidden=HIDDEN, n_layers=LAYERS):
    """Weights (dict) and a synthetic token stream ``(batch, windows * bprop + 1)`` of int32 ids."""
    rng = np.random.default_rng(seed)
    weights = {
        "embed": rng.normal(0, 1, (vocab, embed)).astype(np.float32),
        "lstm": lstm_weights(rng, n_layers, embed, hidden),
        "W": rng.uniform(-0.1, 0.1, (vocab, hidden)).astype(np.float32),
        "b": np.zeros(vocab, np.float32),
    }
    stream = rng.integers(0, vocab, (batch, windows * bprop + 1)).astype(np.int32)
    return weights, stream


def lm_window(stream, i, bprop=BPROP):
    """Inputs and next-token targets of window ``i`` (cycling), each ``(batch, bprop)``."""
    windows = (stream.shape[1] - 1) // bprop
    s = (i % windows) * bprop
    return stream[:, s:s + bprop], stream[:, s + 1:s + bprop + 1]


def make_ragged_data(seed: int = 0, n_seq=N_SEQ, in_size=IN_SIZE, hidden=RAGGED_HIDDEN):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(MIN_LEN, MAX_LEN + 1, n_seq)
    xs = [rng.standard_normal((int(n), in_size)).astype(np.float32) for n in lengths]
    return lstm_weights(rng, 1, in_size, hidden), xs


# ---- a plain NumPy reference of the LM's loss (checked against the model by the tests) -------
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def numpy_lm_loss(weights, x, t, h=None, c=None):
    """Mean softmax cross entropy of the LM on ``x`` -> ``t`` (``(B, T)`` ids), one step at a time.

    ``h``/``c`` are the initial states ``(n_layers, B, H)`` (zeros when None).
    Returns ``(loss, h, c)``.
    """
    B, T = x.shape
    lstm = weights["lstm"]
    H = lstm[0][0][4].shape[0]
    h = np.zeros((len(lstm), B, H), np.float32) if h is None else h.copy()
    c = np.zeros((len(lstm), B, H), np.float32) if c is None else c.copy()
    seq = weights["embed"][x]  # (B, T, E)
    for layer, (ws, bs) in enumerate(lstm):
        out = []
        for step in range(T):
            inp = seq[:, step]
            gates = [inp @ ws[j].T + bs[j] + h[layer] @ ws[j + 4].T + bs[j + 4] for j in range(4)]
            i, f, a, o = _sigmoid(gates[0]), _sigmoid(gates[1]), np.tanh(gates[2]), _sigmoid(gates[3])
            c[layer] = f * c[layer] + i * a
            h[layer] = o * np.tanh(c[layer])
            out.append(h[layer].copy())
        seq = np.stack(out, axis=1)
    logits = seq.reshape(B * T, H) @ weights["W"].T + weights["b"]
    logits = logits - logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(B * T), t.reshape(-1)].mean()
    return loss, h, c


# ---- the floor: the iteration's matrix products alone -------------------------------------------
def lstm_products(rng, batch_sizes, in_size, hidden, n_layers, need_input_grad):
    """Closures doing the BLAS work of an LSTM stack's forward + backward, nothing else.

    Per layer: the input projection of all steps, one ``(B_t, H) @ (H, 4H)``
    product per step forward and one ``(B_t, 4H) @ (4H, H)`` per step
    backward, the two weight gradients over all steps and, where needed,
    the input gradient: what any implementation has to multiply.
    """
    n = int(sum(batch_sizes))
    offsets = np.concatenate(([0], np.cumsum(batch_sizes)))
    work = []
    for layer in range(n_layers):
        n_in = in_size if layer == 0 else hidden
        X = rng.standard_normal((n, n_in)).astype(np.float32)
        Wx = rng.standard_normal((4 * hidden, n_in)).astype(np.float32)
        Wh = rng.standard_normal((4 * hidden, hidden)).astype(np.float32)
        WhT = np.ascontiguousarray(Wh.T)
        G = np.empty((n, 4 * hidden), np.float32)
        Hs = rng.standard_normal((n, hidden)).astype(np.float32)
        gh = np.empty((int(batch_sizes[0]), hidden), np.float32)
        work.append((X, Wx, Wh, WhT, G, Hs, gh, layer > 0 or need_input_grad))

    def run():
        for X, Wx, Wh, WhT, G, Hs, gh, input_grad in work:
            np.matmul(X, Wx.T, out=G)
            for t, b in enumerate(batch_sizes):
                np.dot(Hs[offsets[t]:offsets[t] + b], WhT, out=G[offsets[t]:offsets[t] + b])
            for t in reversed(range(len(batch_sizes))):
                b = batch_sizes[t]
                np.dot(G[offsets[t]:offsets[t] + b], Wh, out=gh[:b])
            G.T @ X
            G.T @ Hs
            if input_grad:
                G @ Wx
    return run


def _one_thread_blas_factory():
    """A context limiting BLAS to one thread (the per-step products are run so by kusari too)."""
    import contextlib

    try:
        import threadpoolctl

        controller = threadpoolctl.ThreadpoolController()
        return lambda: controller.limit(limits=1, user_api="blas")
    except ImportError:
        return contextlib.nullcontext


def build_numpy(threads):
    """Only the matrix products of one iteration (same shapes), through the same NumPy/OpenBLAS."""
    one_thread_blas = _one_thread_blas_factory()
    rng = np.random.default_rng(0)
    if current_case() == "lm":
        lstm = lstm_products(rng, [BATCH] * BPROP, EMBED, HIDDEN, LAYERS, True)
        x = rng.standard_normal((BATCH * BPROP, HIDDEN)).astype(np.float32)
        W = rng.standard_normal((VOCAB, HIDDEN)).astype(np.float32)
        gy = rng.standard_normal((BATCH * BPROP, VOCAB)).astype(np.float32)

        def run():
            x @ W.T
            gy.T @ x
            gy @ W
            with one_thread_blas():
                lstm()
    else:
        _, xs = make_ragged_data()
        lengths = np.sort([len(x) for x in xs])[::-1]
        batch_sizes = [int((lengths > t).sum()) for t in range(int(lengths[0]))]
        lstm = lstm_products(rng, batch_sizes, IN_SIZE, RAGGED_HIDDEN, 1, False)

        def run():
            with one_thread_blas():
                lstm()
    return run, f"NumPy {np.__version__}, products only"


# ---- kusari and Chainer: the same user code ---------------------------------------------------
def build_lm_chain(F, L, chain_class, weights):
    """The LM ``Chain`` for any Chainer-like ``F``/``L``: ``model(x, t)`` returns the mean loss.

    The hidden state is carried between calls (as arrays, which truncates
    the backpropagation at the window boundary), like the PTB example.
    """
    vocab, embed = weights["embed"].shape
    hidden = weights["W"].shape[1]
    n_layers = len(weights["lstm"])

    class WordLM(chain_class):
        def __init__(self):
            super().__init__()
            with self.init_scope():
                self.embed = L.EmbedID(vocab, embed, initialW=weights["embed"])
                self.rnn = L.NStepLSTM(n_layers, embed, hidden, 0.0)
                self.out = L.Linear(hidden, vocab, initialW=weights["W"], initial_bias=weights["b"])
            for cell, (ws, bs) in zip(self.rnn, weights["lstm"], strict=True):
                for j in range(8):
                    getattr(cell, f"w{j}").array[...] = ws[j]
                    getattr(cell, f"b{j}").array[...] = bs[j]
            self.h = self.c = None

        def forward(self, x, t):
            B, T = x.shape
            e = self.embed(x)  # (B, T, E)
            xs = F.separate(e, axis=0)  # B sequences of (T, E)
            h, c, ys = self.rnn(self.h, self.c, list(xs))
            self.h, self.c = h.array, c.array  # truncated BPTT: carry the values only
            y = self.out(F.concat(ys, axis=0))  # (B*T, H) rows in sequence-major order
            return F.softmax_cross_entropy(y, t.reshape(B * T))

    return WordLM()


def lm_step(model, optimizer, stream):
    counter = [0]

    def step():
        x, t = lm_window(stream, counter[0])
        counter[0] += 1
        optimizer.update(model, x, t)

    return step


def build_lm_framework(chainer_like, optimizers, optimizer_hooks, F, L, weights):
    model = build_lm_chain(F, L, chainer_like.Chain, weights)
    optimizer = optimizers.SGD(lr=LR)
    optimizer.setup(model)
    optimizer.add_hook(optimizer_hooks.GradientClipping(CLIP))
    return model, optimizer


def build_ragged_chain_step(F, L, weights, xs):
    (ws, bs), = weights
    lstm = L.NStepLSTM(1, IN_SIZE, RAGGED_HIDDEN, 0.0)
    for j in range(8):
        getattr(lstm[0], f"w{j}").array[...] = ws[j]
        getattr(lstm[0], f"b{j}").array[...] = bs[j]

    def step():
        _, _, ys = lstm(None, None, xs)
        loss = F.sum(F.concat(ys, axis=0))
        lstm.cleargrads()
        loss.backward()

    return step


def build_kusari(threads):
    import kusari
    import kusari.functions as F
    import kusari.links as L
    from kusari import optimizer_hooks, optimizers

    info = f"kusari {kusari.__version__}"
    if current_case() == "lm":
        weights, stream = make_lm_data()
        model, optimizer = build_lm_framework(kusari, optimizers, optimizer_hooks, F, L, weights)
        return lm_step(model, optimizer, stream), info
    weights, xs = make_ragged_data()
    return build_ragged_chain_step(F, L, weights, xs), info


def build_chainer(threads):
    import chainer
    import chainer.functions as F
    import chainer.links as L
    from chainer import optimizer_hooks, optimizers

    info = f"Chainer {chainer.__version__}"
    if current_case() == "lm":
        weights, stream = make_lm_data()
        model, optimizer = build_lm_framework(chainer, optimizers, optimizer_hooks, F, L, weights)
        return lm_step(model, optimizer, stream), info
    weights, xs = make_ragged_data()
    return build_ragged_chain_step(F, L, weights, xs), info


# ---- PyTorch ---------------------------------------------------------------------------------
def _load_torch_lstm(torch, lstm, weights):
    """Chainer's (i, f, a, o) = w0..w3 / w4..w7 is PyTorch's (i, f, g, o) row order."""
    with torch.no_grad():
        for layer, (ws, bs) in enumerate(weights):
            getattr(lstm, f"weight_ih_l{layer}").copy_(torch.from_numpy(np.concatenate(ws[:4])))
            getattr(lstm, f"weight_hh_l{layer}").copy_(torch.from_numpy(np.concatenate(ws[4:])))
            getattr(lstm, f"bias_ih_l{layer}").copy_(torch.from_numpy(np.concatenate(bs[:4])))
            getattr(lstm, f"bias_hh_l{layer}").copy_(torch.from_numpy(np.concatenate(bs[4:])))


def build_torch(threads):
    import torch

    torch.set_num_threads(threads)
    nn = torch.nn
    info = f"PyTorch {torch.__version__} ({threads} thr)"
    if current_case() == "lm":
        weights, stream = make_lm_data()
        embed = nn.Embedding(VOCAB, EMBED)
        lstm = nn.LSTM(EMBED, HIDDEN, LAYERS, batch_first=True)
        out = nn.Linear(HIDDEN, VOCAB)
        with torch.no_grad():
            embed.weight.copy_(torch.from_numpy(weights["embed"]))
            out.weight.copy_(torch.from_numpy(weights["W"]))
            out.bias.copy_(torch.from_numpy(weights["b"]))
        _load_torch_lstm(torch, lstm, weights["lstm"])
        params = [*embed.parameters(), *lstm.parameters(), *out.parameters()]
        optimizer = torch.optim.SGD(params, lr=LR)
        stream_t = torch.from_numpy(stream.astype(np.int64))
        state = [None]
        counter = [0]

        def step():
            x, t = lm_window(stream_t, counter[0])
            counter[0] += 1
            ys, (h, c) = lstm(embed(x), state[0])
            state[0] = (h.detach(), c.detach())
            loss = torch.nn.functional.cross_entropy(out(ys.reshape(-1, HIDDEN)), t.reshape(-1))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, CLIP)
            optimizer.step()

        return step, info

    weights, xs = make_ragged_data()
    lstm = nn.LSTM(IN_SIZE, RAGGED_HIDDEN, 1)
    _load_torch_lstm(torch, lstm, weights)
    xs_t = [torch.from_numpy(x) for x in xs]
    pack = torch.nn.utils.rnn.pack_sequence

    def step():
        packed, _ = lstm(pack(xs_t, enforce_sorted=False))
        loss = packed.data.sum()
        lstm.zero_grad(set_to_none=True)
        loss.backward()

    return step, info


BUILDERS = {"numpy": build_numpy, "kusari": build_kusari, "chainer": build_chainer, "torch": build_torch}


def tokens_per_second(results) -> list[str]:
    lines = ["", "training tokens/s (700 tokens per iteration; median, best):"]
    for name, r in results.items():
        lines.append(f"  {r.get('info') or name:<30} {BATCH * BPROP / r['median_us'] * 1e6:>9.0f}"
                     f" {BATCH * BPROP / r['min_us'] * 1e6:>9.0f}")
    return lines


def ratio_lines(results) -> list[str]:
    if "kusari" not in results or "torch" not in results:
        return []
    k, t = results["kusari"], results["torch"]
    return [f"kusari / PyTorch time: median {k['median_us'] / t['median_us']:.2f}, "
            f"best {k['min_us'] / t['min_us']:.2f}"]


#: kusari's time per iteration may be at most this fraction of PyTorch's.
TARGET_TIME_FRACTION = {"lm": 1 / 1.4, "ragged": 0.5}


def budget_lines(results, case) -> list[str]:
    """What the target leaves once the matrix products (the NumPy floor) are paid, on medians and minima.

    The products are work any NumPy implementation does; when they alone
    exceed the target's time the target cannot be met in this run.
    """
    if not {"kusari", "torch", "numpy"} <= results.keys():
        return []
    lines = []
    for stat in ("median_us", "min_us"):
        budget = results["torch"][stat] * TARGET_TIME_FRACTION[case]
        floor = results["numpy"][stat]
        over = results["kusari"][stat] - floor
        lines.append(f"{stat.split('_')[0]:>6}: target {budget / 1e3:.1f} ms/iter; products alone "
                     f"{floor / 1e3:.1f} ms ({floor / budget:.0%} of it), leaving {(budget - floor) / 1e3:.1f} ms "
                     f"for everything else; kusari spends {over / 1e3:.1f} ms beyond the products")
    return lines


def _split_case_args(argv):
    """Take ``--case NAME`` out of ``argv`` (the harness parses the rest)."""
    rest, cases = [], list(CASES)
    i = 0
    while i < len(argv):
        if argv[i] == "--case" and i + 1 < len(argv):
            if argv[i + 1] not in CASES:
                raise SystemExit(f"bench_rnn.py: --case expects one of {CASES}, got {argv[i + 1]!r}")
            cases = [argv[i + 1]]
            i += 2
            continue
        if argv[i].startswith("--case="):
            cases = [argv[i].partition("=")[2]]
        else:
            rest.append(argv[i])
        i += 1
    return cases, rest


def _save_path(argv, case, several):
    if "--save" not in argv or not several:
        return argv
    argv = list(argv)
    i = argv.index("--save") + 1
    root, ext = os.path.splitext(argv[i])
    argv[i] = f"{root}_{case}{ext}"
    return argv


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    cases, rest = _split_case_args(argv)
    if "--framework" in rest:  # a child: the parent set the case in the environment
        return _harness.run(os.path.abspath(__file__), "", BUILDERS, SETTINGS[current_case()], QUICK,
                            in_process=("numpy", "kusari"), bound="numpy", argv=rest)
    all_results = {}
    for case in cases:
        os.environ[CASE_VARIABLE] = case  # read by the builders here and in the subprocesses
        results = _harness.run(os.path.abspath(__file__), TITLES[case], BUILDERS, SETTINGS[case], QUICK,
                               in_process=("numpy", "kusari"), bound="numpy", argv=_save_path(rest, case, len(cases) > 1),
                               target_note=TARGETS[case])
        extra = ((tokens_per_second(results) if case == "lm" else []) + ratio_lines(results)
                 + budget_lines(results, case))
        print("\n".join(extra) + "\n", flush=True)
        all_results[case] = results
    return all_results


if __name__ == "__main__":
    main()
