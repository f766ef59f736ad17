#!/usr/bin/python3
"""digits_tn_import.py - the TrueNorth-mode digits network through `nmemu import nir --target truenorth`
instead of model.chip_description: the integer NIR file (Wq, lambda, alpha; model.py) imported with
the importer's own quantization, every held-out image run on the ref backend through the Python
binding (V of the 10 neurons set to 0 between images, 3 ticks to drain), classes from the neuron
map, compared with model.reference_run (the hand-built network's arithmetic, spike counts only).

  NMEMU_LIB=build/libnmemu.so PYTHONPATH=python examples/digits/digits_tn_import.py [--nmemu build/nmemu] [--out DIR]
"""
import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model  # noqa: E402
import nir_io  # noqa: E402
import nmemu  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nmemu", default="build/nmemu")
    ap.add_argument("--out", default="build/digits/tn-import")
    ap.add_argument("--ticks", type=int, default=16)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    o = lambda n: os.path.join(a.out, n)
    Xtr, ytr, Xte, yte = model.load_split()
    W, b = model.softmax_train(Xtr, ytr)
    k, Wq, lam = model.quantize(W, b, Xtr, ytr)
    alpha = model.choose_alpha(Wq, lam, Xtr)
    nir_io.write(o("digits_truenorth.nir"), Wq, lam, alpha)
    # --v-floor 100: the default 400 would cap the scale (400 x 36 x 31 > 262,143)
    r = subprocess.run([a.nmemu, "import", "nir", o("digits_truenorth.nir"), "--target", "truenorth", "--v-floor",
                        "100", "-o", o("tn.nmi"), "--input-map", o("tn_inputs.csv"), "--neuron-map", o("tn_neurons.csv")],
                       check=True, capture_output=True, text=True)
    print(r.stdout.strip())
    imap, cmap = {}, {}
    for line in open(o("tn_inputs.csv")):
        if line[0].isdigit():
            _, _, idx, x, y, ax, off = line.strip().split(",")
            imap.setdefault(int(idx), []).append((int(x), int(y), int(ax), int(off)))
    for line in open(o("tn_neurons.csv")):
        if line[0] != "#" and not line.startswith("node,"):
            node, idx, role, x, y, n = line.strip().split(",")
            cmap[(int(x), int(y), int(n))] = int(idx)
    chip = nmemu.Chip(o("tn.nmi"))
    S = model.encode(Xte, a.ticks)
    pred = []
    for i in range(len(yte)):
        rows = [(t + off, x, y, ax) for t, p in zip(*np.nonzero(S[:, i, :])) for (x, y, ax, off) in imap.get(p, [])]
        chip.set_v(0, 0, [0] * 10)
        chip.run(a.ticks + 3, rows)
        cnt = np.zeros(10, np.int64)
        for t, x, y, n in chip.spikes():
            if (x, y, n) in cmap:
                cnt[cmap[(x, y, n)]] += 1
        pred.append(int(np.argmax(cnt)))
    pred = np.array(pred)
    ref = np.argmax(model.reference_run(Wq, lam, alpha, Xte, a.ticks)[0], axis=1)
    print("TrueNorth digits through nmemu import nir: chip %.2f %% on %d held-out images; the hand-built network's "
          "reference (spike counts only) %.2f %%; same class on %d of %d" %
          (100 * (pred == yte).mean(), len(yte), 100 * (ref == yte).mean(), int((pred == ref).sum()), len(yte)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
