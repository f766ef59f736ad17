"""model.py - the digits classifier: data split, training in numpy, TrueNorth-mode quantization,
the spike encoding, a bit-exact Python reference of the chip's arithmetic, and the chip network
(a JSON description, docs/network-format.md). docs/digits.md explains every choice."""
import numpy as np

NPIX = 64          # 8 x 8 pixels, values 0..16
NCLASS = 10
PERIOD = 16        # ticks in which a pixel of value 16 spikes 16 times (rate code, below)
HOLDOUT = 450      # held-out images (25 %)
SPLIT_SEED = 0
# TrueNorth mode: every pixel drives 4 axons of types 0..3; each output neuron weighs the
# types (s0, s1, s2, s3) = (1, 2, 4, -8), so a crossbar row picks any 4-bit two's-complement
# weight -8..7 per pixel: w = b0 + 2 b1 + 4 b2 - 8 b3 for the bits b of (w & 15).
TYPE_WEIGHTS = (1, 2, 4, -8)
WMIN, WMAX = -8, 7
V_MIN, V_MAX = -524288, 524287   # 20-bit V, saturating (neuron-model.md s2)
BETA = 262143                    # negative threshold: saturate there (kappa = 1), never reached here


def load_split():
    """sklearn's digits (Debian python3-sklearn): X (1797, 64) ints 0..16, y; a fixed split."""
    from sklearn.datasets import load_digits
    d = load_digits()
    X = d.data.astype(np.int64)
    y = d.target.astype(np.int64)
    perm = np.random.RandomState(SPLIT_SEED).permutation(len(y))
    test, train = perm[:HOLDOUT], perm[HOLDOUT:]
    return X[train], y[train], X[test], y[test]


def softmax_train(X, y, l2=1e-3, iters=3000, lr=0.5):
    """Multinomial logistic regression on X/16 by full-batch gradient descent: W (10, 64), b (10).
    This is the rate-coded network's float model: an IF neuron with subtractive reset fed
    x/16 spikes per tick spikes at rate max(0, W x/16 + b)/threshold."""
    Xf = X / 16.0
    n = len(y)
    W = np.zeros((NCLASS, NPIX))
    b = np.zeros(NCLASS)
    Y = np.eye(NCLASS)[y]
    for _ in range(iters):
        z = Xf @ W.T + b
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        g = (p - Y) / n
        W -= lr * (g.T @ Xf + l2 * W)
        b -= lr * g.sum(0)
    return W, b


def float_predict(W, b, X):
    return np.argmax(X / 16.0 @ W.T + b, axis=1)


def quantize(W, b, X, y, scales=(2, 3, 4, 5, 6, 8)):
    """TrueNorth-mode weights: Wq = clip(round(k W), -8, 7), leak lambda = round(k b) per tick
    (so that over PERIOD ticks V grows by Wq.x + PERIOD lambda ~ PERIOD k (W x/16 + b)). k is the
    scale that classifies the training set best (by the integrated potential)."""
    best = None
    for k in scales:
        Wq = np.clip(np.round(W * k), WMIN, WMAX).astype(np.int64)
        lam = np.clip(np.round(b * k), -256, 255).astype(np.int64)
        acc = (np.argmax(X @ Wq.T + PERIOD * lam, axis=1) == y).mean()
        if best is None or acc > best[0]:
            best = (acc, k, Wq, lam)
    return best[1], best[2], best[3]


def choose_alpha(Wq, lam, X):
    """Threshold: twice the median per-tick drive of the winning neuron on the training set, so
    the winner fires about every other tick."""
    drive = (X @ Wq.T) / PERIOD + lam
    return int(max(1, round(2 * np.median(drive.max(axis=1)))))


def encode(X, ticks):
    """Rate code, deterministic: pixel value p spikes in tick t when floor((t+1) p / 16) >
    floor(t p / 16), i.e. floor(T p / 16) spikes in T ticks, evenly spread. (ticks, n, 64) 0/1."""
    t = np.arange(ticks).reshape(-1, 1, 1)
    p = X[None, :, :]
    return ((t + 1) * p // PERIOD - t * p // PERIOD).astype(np.int64)


def reference_run(Wq, lam, alpha, X, ticks):
    """The chip's arithmetic (neuron-model.md s4) for the output neurons, every image at once:
    per tick, V += sum of the tick's synaptic events (each adds its axon type's weight), clamp to
    20 bits; V += lambda, clamp; fire if V >= alpha and subtract alpha (linear reset, gamma = 1);
    else saturate at -beta (kappa = 1). Returns spike counts (n, 10), the final V (n, 10) and the
    spikes per tick (ticks, n, 10)."""
    S = encode(X, ticks)
    n = X.shape[0]
    V = np.zeros((n, NCLASS), dtype=np.int64)
    count = np.zeros((n, NCLASS), dtype=np.int64)
    fired = np.zeros((ticks, n, NCLASS), dtype=np.int64)
    for t in range(ticks):
        V = np.clip(V + S[t] @ Wq.T, V_MIN, V_MAX)
        V = np.clip(V + lam, V_MIN, V_MAX)
        f = V >= alpha
        V = np.where(f, V - alpha, np.maximum(V, -BETA))
        count += f
        fired[t] = f
    return count, V, fired


def decide(count, V):
    """The class: most spikes; a tie goes to the larger final V (read from the chip), then the
    lower class. Also returns which images needed the tie-break."""
    key = count * (2 * (V_MAX + 1)) + (V - V_MIN)  # lexicographic (count, V) in one integer
    pred = np.argmax(key, axis=1)
    top = count.max(axis=1, keepdims=True)
    tie = (count == top).sum(axis=1) > 1
    return pred, tie


def chip_inputs(x, ticks):
    """Host spikes of one image: rows (tick, x, y, axon) for core (0, 0), pixel i -> axons 4i..4i+3."""
    S = encode(x[None, :], ticks)[:, 0, :]
    t, i = np.nonzero(S)
    rows = np.repeat(np.stack([t, np.zeros_like(t), np.zeros_like(t), 4 * i], axis=1), 4, axis=0)
    rows[:, 3] += np.tile(np.arange(4), len(t))
    return rows


def chip_description(Wq, lam, alpha, comment=""):
    """The network as a JSON description for the 4 x 4 chip: core (0, 0) holds the 10 output
    neurons; axon 4i+k has type k and carries pixel i; neuron j connects axon 4i+k when bit k of
    (Wq[j, i] & 15) is set; its spikes leave the chip westward as packets with axon = j."""
    Wq = np.asarray(Wq, dtype=np.int64)
    if Wq.min() < WMIN or Wq.max() > WMAX:
        raise ValueError("weights must lie in %d..%d for TrueNorth mode" % (WMIN, WMAX))
    conns = []
    for j in range(Wq.shape[0]):
        bits = Wq[j] & 15
        for i in range(Wq.shape[1]):
            for k in range(4):
                if bits[i] >> k & 1:
                    conns.append([4 * i + k, j])
    s = dict(("s%d" % k, w) for k, w in enumerate(TYPE_WEIGHTS))
    neurons = [dict(id=j, alpha=int(alpha), beta=BETA, kappa=1, gamma=1, **{"lambda": int(lam[j])}, **s,
                    dest={"dx": -1, "dy": 0, "axon": j, "delay": 1})
               for j in range(Wq.shape[0])]
    return {"comment": comment or "digits classifier, TrueNorth mode (examples/digits)",
            "mesh": [4, 4], "core": {"axons": 256, "neurons": 256},
            "cores": [{"x": 0, "y": 0, "axon_types": [k for _ in range(NPIX) for k in range(4)],
                       "crossbar": {"connections": conns}, "neurons": neurons}]}
