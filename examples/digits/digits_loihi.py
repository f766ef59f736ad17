#!/usr/bin/python3
"""digits_loihi.py - the digits classifier on Loihi-mode cores through NIR: train (model.py), export
the float network to NIR (Affine 64 -> 10, IF), `nmemu import nir --target loihi`, run every
held-out image on the chip (`nmemu run`, reference backend, one run per image from rest), and
compare image by image with an integer reference of the imported network (tests/import/loihi_sim.py).
Reports float accuracy, fixed-point predicted accuracy, chip accuracy, agreement, steps and energy
per inference (Loihi preset) and power at real time. docs/digits.md, "Loihi-mode cores".

  digits_loihi.py --nmemu build/nmemu --out build/digits [--ticks 16] [--images N] [--sweep 4,8,16,32]
"""
import argparse
import json
import os
import re
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "import"))
import model  # noqa: E402
import nir_io  # noqa: E402
import loihi_sim  # noqa: E402

NCLASS = 10


def float_if(W, b, th, X, ticks):
    """The float graph the NIR file holds, per tick: v += W s_t + b (IF, r 1); spike when v > th,
    then v = 0 (Loihi's reset). Spike counts (n, 10)."""
    S = model.encode(X, ticks)
    v = np.zeros((X.shape[0], NCLASS))
    cnt = np.zeros((X.shape[0], NCLASS), np.int64)
    for t in range(ticks):
        v = v + S[t] @ W.T + b
        f = v > th
        cnt += f
        v[f] = 0
    return cnt


def host_spikes(imap, x, ticks):
    """The spike program of one image through the importer's input map: element i spiking in graph
    step t -> 'tick t + tick_offset, x, y, axon' for each of its rows."""
    S = model.encode(x[None, :], ticks)[:, 0, :]
    rows = []
    for t, i in zip(*np.nonzero(S)):
        for r in imap[i]:
            rows.append((t + r[3], r[0], r[1], r[2]))
    rows.sort()
    return rows


def sim_image(desc, cmap, prog, ticks):
    net = loihi_sim.Net(desc)
    cnt = np.zeros(NCLASS, np.int64)
    pi = 0
    for t in range(1, ticks + 2):
        while pi < len(prog) and prog[pi][0] <= t:
            net.inject(*prog[pi][1:])
            pi += 1
        for key, idx in net.step().items():
            for c in idx:
                if (key[0], key[1], int(c)) in cmap and 1 <= t <= ticks:
                    cnt[cmap[(key[0], key[1], int(c))]] += 1
    return cnt


def chip_image(nmemu, nmi, cmap, prog, ticks, work):
    fin, fout = os.path.join(work, "in.csv"), os.path.join(work, "out.csv")
    with open(fin, "w") as f:
        f.write("".join("%d,%d,%d,%d\n" % r for r in prog))
    r = subprocess.run([nmemu, "run", nmi, "--ticks", str(ticks + 1), "--input", fin, "--spikes", fout],
                       check=True, capture_output=True, text=True)
    cnt = np.zeros(NCLASS, np.int64)
    for line in open(fout).read().splitlines()[1:]:
        t, x, y, c = (int(v) for v in line.split(","))
        if (x, y, c) in cmap and 1 <= t <= ticks:
            cnt[cmap[(x, y, c)]] += 1
    m = re.search(r"energy \(([^,]+), ([0-9.]+) steps/s\): ([0-9.]+) uJ dynamic \+ ([0-9.]+) uJ static = ([0-9.]+) uJ",
                  r.stdout)
    return cnt, (m.group(1), float(m.group(3)), float(m.group(4)), float(m.group(5))), r.stdout


def decide(cnt):
    return np.argmax(cnt, axis=-1)  # ties to the lower class


def plot(res, path):
    """Accuracy (fixed-point reference on every held-out image; the chip equals it image by image)
    against energy per inference: the whole Loihi chip's static power, and one core's share of it."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    pts = sorted(res["sweep"] + [res["main"]], key=lambda r: r["ticks"])
    seen, rows = set(), []
    for r in pts:
        if r["ticks"] not in seen:
            seen.add(r["ticks"])
            rows.append(r)
    share = lambda r: r["dynamic_uJ_per_inference"] + r["static_uJ_per_inference"] / res.get("cores_per_chip", 128)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    acc = [100 * r["fixed_point_accuracy"] for r in rows]
    ax.plot([r["energy_uJ_per_inference"] for r in rows], acc, "o-", label="whole Loihi chip's static power")
    ax.plot([share(r) for r in rows], acc, "s--", label="dynamic + one core's share of static (1/128)")
    for r, yv in zip(rows, acc):
        ax.annotate("%d steps" % r["ticks"], (share(r), yv), textcoords="offset points", xytext=(4, -12), fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("energy per inference (uJ, loihi-davies2018, 1,000 steps/s)")
    ax.set_ylabel("held-out accuracy (%)")
    ax.set_title("digits, Loihi mode (nmemu import nir): accuracy against energy")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nmemu", default="build/nmemu")
    ap.add_argument("--out", default="build/digits")
    ap.add_argument("--ticks", type=int, default=16, help="graph steps per inference (default 16)")
    ap.add_argument("--images", type=int, default=0, help="only the first N held-out images (default all)")
    ap.add_argument("--sweep", default="2,4,8,16,32", help="graph steps per inference for the accuracy/energy sweep")
    ap.add_argument("--sweep-images", type=int, default=40, help="held-out images on the chip per sweep point")
    ap.add_argument("--plot-only", action="store_true", help="redraw the figure from OUT/results_loihi.json")
    a = ap.parse_args()
    if a.plot_only:
        plot(json.load(open(os.path.join(a.out, "results_loihi.json"))), os.path.join(a.out, "accuracy_energy_loihi.png"))
        return 0
    os.makedirs(a.out, exist_ok=True)
    o = lambda n: os.path.join(a.out, n)
    Xtr, ytr, Xte, yte = model.load_split()
    if a.images:
        Xte, yte = Xte[:a.images], yte[:a.images]
    W, b = model.softmax_train(Xtr, ytr)
    # threshold: twice the median per-tick drive of the winning neuron on the training set (float)
    drive = (Xtr / 16.0) @ W.T + b
    th = float(2 * np.median(drive.max(axis=1)))
    nir = o("digits_loihi.nir")
    nir_io.write(nir, W, b, th)
    r = subprocess.run([a.nmemu, "import", "nir", nir, "--target", "loihi", "-o", o("net_loihi.nmi"),
                        "--input-map", o("loihi_inputs.csv"), "--neuron-map", o("loihi_neurons.csv"),
                        "--report", o("loihi_report.txt")], check=True, capture_output=True, text=True)
    subprocess.run([a.nmemu, "import", "nir", nir, "--target", "loihi", "-o", o("net_loihi.json")], check=True,
                   capture_output=True)
    print(r.stdout.strip())
    imap = {}
    for line in open(o("loihi_inputs.csv")):
        if line[0].isdigit():
            _, node, idx, x, y, axon, off = line.strip().split(",")
            imap.setdefault(int(idx), []).append((int(x), int(y), int(axon), int(off)))
    cmap = {}
    for line in open(o("loihi_neurons.csv")):
        if line[0] != "#" and not line.startswith("node,"):
            node, idx, role, x, y, n = line.strip().split(",")
            cmap[(int(x), int(y), int(n))] = int(idx)
    desc = json.load(open(o("net_loihi.json")))

    def evaluate(ticks, n_chip):
        fcount = float_if(W, b, th, Xte, ticks)
        ref, chip, agree, energies, dyn, stat = [], [], 0, [], [], []
        preset = None
        for k in range(len(yte)):
            prog = host_spikes(imap, Xte[k], ticks)
            rc = sim_image(desc, cmap, prog, ticks)
            ref.append(decide(rc))
            if k < n_chip:
                cc, en, _ = chip_image(a.nmemu, o("net_loihi.nmi"), cmap, prog, ticks, a.out)
                chip.append(decide(cc))
                agree += int(np.array_equal(cc, rc))
                preset = en[0]
                dyn.append(en[1]); stat.append(en[2]); energies.append(en[3])
        ref = np.array(ref)
        chip = np.array(chip)
        return {"ticks": ticks, "steps_per_inference": ticks + 1,
                "float_rate_accuracy": float((decide(fcount) == yte).mean()),
                "fixed_point_accuracy": float((ref == yte).mean()),
                "chip_images": int(n_chip), "chip_accuracy": float((chip == yte[:n_chip]).mean()) if n_chip else None,
                "chip_equals_reference": int(agree),
                "energy_preset": preset,
                "energy_uJ_per_inference": float(np.mean(energies)) if energies else None,
                "dynamic_uJ_per_inference": float(np.mean(dyn)) if dyn else None,
                "static_uJ_per_inference": float(np.mean(stat)) if stat else None}

    res = {"float_accuracy": float((model.float_predict(W, b, Xte) == yte).mean()), "threshold": th,
           "held_out": int(len(yte)), "main": evaluate(a.ticks, len(yte)), "sweep": []}
    # power at real time: 1,000 steps per second (nmemu run's --step-hz default): energy per step x 1000
    m = res["main"]
    m["power_mW_at_1000_steps_per_s"] = m["energy_uJ_per_inference"] / m["steps_per_inference"]  # uJ/ms = mW
    for t in [int(v) for v in a.sweep.split(",") if v]:
        res["sweep"].append(evaluate(t, min(a.sweep_images, len(yte))))
    json.dump(res, open(o("results_loihi.json"), "w"), indent=1)
    if res["sweep"]:
        plot(res, o("accuracy_energy_loihi.png"))
    print("Loihi-mode cores, %d held-out images, %d graph steps (%d chip steps) per inference:" %
          (len(yte), a.ticks, m["steps_per_inference"]))
    print("  float (softmax) accuracy %.2f %%; float IF rate model %.2f %%; fixed-point predicted %.2f %%; "
          "chip %.2f %%; chip = integer reference on %d of %d images (spike counts per class)" %
          (100 * res["float_accuracy"], 100 * m["float_rate_accuracy"], 100 * m["fixed_point_accuracy"],
           100 * m["chip_accuracy"], m["chip_equals_reference"], m["chip_images"]))
    print("  energy per inference (%s) %.4f uJ (%.4f dynamic + %.4f static); power at 1,000 steps/s %.3f mW" %
          (m["energy_preset"], m["energy_uJ_per_inference"], m["dynamic_uJ_per_inference"],
           m["static_uJ_per_inference"], m["power_mW_at_1000_steps_per_s"]))
    for s in res["sweep"]:
        print("  sweep: %2d steps: fixed-point %.2f %%, chip %.2f %% (%d images), %.4f uJ per inference" %
              (s["ticks"], 100 * s["fixed_point_accuracy"], 100 * s["chip_accuracy"], s["chip_images"],
               s["energy_uJ_per_inference"]))
    return 0 if m["chip_equals_reference"] == m["chip_images"] else 1


if __name__ == "__main__":
    sys.exit(main())
