#!/usr/bin/python3
"""digits.py - the digits classifier end to end (docs/digits.md): train in numpy, quantize to
TrueNorth mode, export to NIR, build the chip network from the NIR file, run every held-out image
on the chip through the Python binding, compare it image by image with the Python fixed-point
reference, and report accuracy, ticks, energy and power per inference, with a figure of accuracy
against energy per inference as the ticks per inference vary.

    make digits                      # everything, the main run on the check backend (RTL + model)
    PYTHONPATH=python NMEMU_LIB=build/libnmemu.so /usr/bin/python3 examples/digits/digits.py --help
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402
import nir_io  # noqa: E402
import nmemu  # noqa: E402


def run_on_chip(desc, Wq, lam, alpha, X, ticks, backend, log=None):
    """Every image of X on a chip: V of the output neurons set to 0, then `ticks` ticks of its
    spikes. Returns counts (n, 10) from the off-chip packets, the final V (n, 10), the energy of
    the run (dict), the core (0, 0) and off-chip energy from the report, and the wall time."""
    n = len(X)
    counts = np.zeros((n, M.NCLASS), dtype=np.int64)
    vfinal = np.zeros((n, M.NCLASS), dtype=np.int64)
    zeros = np.zeros(M.NCLASS, dtype=np.int64)
    t0 = time.time()
    with nmemu.Chip(json=desc, backend=backend, name="digits") as chip:
        chip.reset_energy()
        for k in range(n):
            chip.set_v(0, 0, zeros)
            start = chip.tick
            chip.run(ticks, inputs=M.chip_inputs(X[k], ticks))
            off = chip.offchip()
            spk = chip.spikes()
            # every output spike leaves the chip westward from core (0, 0) with axon = its class
            if len(off) and not ((off[:, 1] == 1) & (off[:, 2] == 0)).all():
                raise RuntimeError("image %d: an off-chip packet left elsewhere than west of core (0, 0)" % k)
            if len(off) != len(spk) or (len(spk) and ((spk[:, 0] < start) | (spk[:, 3] >= M.NCLASS)).any()):
                raise RuntimeError("image %d: the spikes and off-chip packets disagree" % k)
            np.add.at(counts[k], off[:, 5], 1)
            vfinal[k] = chip.v(0, 0, 0, M.NCLASS)
            if log and (k + 1) % 100 == 0:
                log("  %s: %d/%d images, %.1f s" % (backend, k + 1, n, time.time() - t0))
        energy = chip.energy()
        rep = chip.report()["energy"]
        core0 = next(c for c in rep["cores"] if c["x"] == 0 and c["y"] == 0)
        used_pj = core0["total_pj"] + rep["classes"]["offchip_packet"]["pj"]
        cycles = chip.report()["cycles_per_tick"]
    return counts, vfinal, energy, used_pj, cycles, time.time() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="build/digits", help="output folder (default build/digits)")
    ap.add_argument("--backend", default="rtl", choices=["ref", "rtl", "check"],
                    help="backend of the main run over every held-out image (default rtl)")
    ap.add_argument("--ticks", type=int, default=16, help="ticks per inference of the main run (default 16)")
    ap.add_argument("--sweep", default="2,4,8,16,32,64",
                    help="ticks per inference for the accuracy-energy figure, on the ref backend")
    ap.add_argument("--images", type=int, default=0, help="only the first N held-out images (default all)")
    ap.add_argument("--show", type=int, default=0,
                    help="make run-digits: N held-out images on the check backend with their answers, no sweep")
    ap.add_argument("--quick", action="store_true",
                    help="the test: 8 held-out images on the check backend, no sweep; fails unless the chip "
                         "matches the reference and the reference reaches 90 %% held out")
    a = ap.parse_args()
    if a.quick:
        a.images, a.sweep, a.backend = a.images or 8, "", "check"
    if a.show:
        a.images, a.sweep, a.backend = a.show, "", "check"
    os.makedirs(a.out, exist_ok=True)
    log = lambda s: print(s, flush=True)  # noqa: E731

    # 1. train (float) and quantize (TrueNorth mode)
    Xtr, ytr, Xte, yte = M.load_split()
    W, b = M.softmax_train(Xtr, ytr)
    acc_float = float((M.float_predict(W, b, Xte) == yte).mean())
    k, Wq, lam = M.quantize(W, b, Xtr, ytr)
    alpha = M.choose_alpha(Wq, lam, Xtr)
    log("trained on %d images, %d held out: float accuracy %.2f %%" % (len(ytr), len(yte), 100 * acc_float))
    log("TrueNorth mode: weight scale %d, weights %d..%d, %.1f %% clipped, leak %s, threshold %d" % (
        k, Wq.min(), Wq.max(), 100 * (np.abs(W * k) > 7.5).mean(), lam.tolist(), alpha))

    # 2. NIR: the float network and the TrueNorth one; the chip network is built from the file
    nir_float = os.path.join(a.out, "digits_float.nir")
    nir_tn = os.path.join(a.out, "digits_truenorth.nir")
    nir_io.write(nir_float, W, b, 1.0)
    nir_io.write(nir_tn, Wq, lam, alpha)
    w2, b2, r2, th2 = nir_io.read_affine_if(nir_tn)
    Wn, lamn, alphan = w2.astype(np.int64), b2.astype(np.int64), int(th2[0])
    if not ((Wn == w2).all() and (lamn == b2).all() and (th2 == alphan).all() and (r2 == 1).all()):
        raise SystemExit("digits: %s does not hold integer TrueNorth parameters" % nir_tn)
    desc = M.chip_description(Wn, lamn, alphan, "digits classifier from %s (examples/digits)" % nir_tn)
    with open(os.path.join(a.out, "net.json"), "w") as f:
        json.dump(desc, f)
    log("NIR: %s, %s; chip network: %s" % (nir_float, nir_tn, os.path.join(a.out, "net.json")))

    # 3. the fixed-point reference and the chip, image by image
    X, y = (Xte[:a.images], yte[:a.images]) if a.images else (Xte, yte)
    T = a.ticks
    c_ref, v_ref, _ = M.reference_run(Wn, lamn, alphan, Xte, T)
    p_ref, tie_ref = M.decide(c_ref, v_ref)
    acc_ref = float((p_ref == yte).mean())
    log("fixed-point reference, %d ticks per inference: %.2f %% held out (%d of %d decided by V on a tie)" % (
        T, 100 * acc_ref, tie_ref.sum(), len(yte)))
    log("chip, %s backend, %d images x %d ticks ..." % (a.backend, len(X), T))
    counts, vfin, energy, used_pj, cycles, wall = run_on_chip(desc, Wn, lamn, alphan, X, T, a.backend, log)
    n = len(X)
    p_chip, tie_chip = M.decide(counts, vfin)
    same = (counts == c_ref[:n]).all(axis=1) & (vfin == v_ref[:n]).all(axis=1)
    acc_chip = float((p_chip == y).mean())
    acc_spikes = float((np.argmax(counts, axis=1) == y).mean())
    main = {
        "backend": a.backend, "images": n, "ticks_per_inference": T,
        "accuracy_float": acc_float, "accuracy_fixed_point_reference": acc_ref,
        "accuracy_chip": acc_chip, "accuracy_chip_spikes_only": acc_spikes,
        "images_chip_equals_reference": int(same.sum()), "ties_broken_by_v": int(tie_chip.sum()),
        "energy_per_inference_uj": energy["total_pj"] / n * 1e-6,
        "dynamic_energy_per_inference_uj": energy["dynamic_pj"] / n * 1e-6,
        "energy_per_inference_used_core_uj": used_pj / n * 1e-6,
        "power_at_real_time_mw": energy["power_mw"], "tick_rate_hz": 1000.0,
        "synaptic_events_per_inference": energy["synaptic_events"] / n,
        "spikes_per_inference": energy["spikes"] / n, "cycles_per_tick": cycles,
        "wall_seconds": wall, "weight_scale": k, "alpha": alphan, "leak": lamn.tolist(),
    }
    if n <= 32:  # a few images: each one's answer and spikes
        for i in range(n):
            log("  image %3d: label %d, chip says %d%s  spikes per class %s  final V %s%s" % (
                i, y[i], p_chip[i], "" if p_chip[i] == y[i] else " (wrong)", " ".join("%2d" % c for c in counts[i]),
                vfin[i].tolist(), "  (tie broken by V)" if tie_chip[i] else ""))
        log("  energy per inference %.3f uJ (%.4f uJ in core (0, 0) + off-chip), %d ticks each" % (
            main["energy_per_inference_uj"], main["energy_per_inference_used_core_uj"], T))
    log("chip: %.2f %% (%d/%d images identical to the reference: spike counts and final V), %.1f s" % (
        100 * acc_chip, same.sum(), n, wall))

    # 4. accuracy against energy as the ticks per inference vary (ref backend: its counters, hence
    # its energy, are the RTL's exactly, docs/chip.md s4)
    sweep = []
    for Ts in [int(t) for t in a.sweep.split(",") if t]:
        c_s, v_s, _ = M.reference_run(Wn, lamn, alphan, Xte, Ts)
        cs, vs, es, us, _, ws = run_on_chip(desc, Wn, lamn, alphan, Xte, Ts, "ref")
        ps, _ = M.decide(cs, vs)
        row = {"ticks_per_inference": Ts, "accuracy_chip": float((ps == yte).mean()),
               "accuracy_chip_spikes_only": float((np.argmax(cs, axis=1) == yte).mean()),
               "accuracy_fixed_point_reference": float((M.decide(c_s, v_s)[0] == yte).mean()),
               "chip_equals_reference": bool((cs == c_s).all() and (vs == v_s).all()),
               "energy_per_inference_uj": es["total_pj"] / len(yte) * 1e-6,
               "energy_per_inference_used_core_uj": us / len(yte) * 1e-6,
               "power_at_real_time_mw": es["power_mw"], "wall_seconds": ws}
        sweep.append(row)
        log("  sweep: %3d ticks: chip %.2f %%, %.3f uJ per inference (%.4f uJ in core (0, 0)), reference %s" % (
            Ts, 100 * row["accuracy_chip"], row["energy_per_inference_uj"],
            row["energy_per_inference_used_core_uj"], "equal" if row["chip_equals_reference"] else "DIFFERENT"))
    res = {"main": main, "sweep": sweep, "nir": [nir_float, nir_tn]}
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    if sweep:
        plot(sweep, os.path.join(a.out, "accuracy_energy.png"))
    table(main, os.path.join(a.out, "table.md"), log)
    ok = same.all() and all(r["chip_equals_reference"] for r in sweep) and acc_ref >= 0.90
    if not ok:
        log("digits: FAILED: the chip differs from the reference on %d images, or the reference is below 90 %%"
            % (n - same.sum()))
        return 1
    return 0


def table(m, path, log):
    rows = [("held-out images run on the chip", "%d (%s backend)" % (m["images"], m["backend"])),
            ("float accuracy (held out, 450)", "%.2f %%" % (100 * m["accuracy_float"])),
            ("fixed-point accuracy, Python reference (450)", "%.2f %%" % (100 * m["accuracy_fixed_point_reference"])),
            ("chip accuracy", "%.2f %%" % (100 * m["accuracy_chip"])),
            ("chip accuracy, spike counts only (ties to the lower class)",
             "%.2f %%" % (100 * m["accuracy_chip_spikes_only"])),
            ("images where chip = reference (counts and V)", "%d / %d" % (m["images_chip_equals_reference"],
                                                                       m["images"])),
            ("ticks per inference", "%d" % m["ticks_per_inference"]),
            ("energy per inference, 4 x 4 chip (truenorth-28nm)", "%.3f uJ" % m["energy_per_inference_uj"]),
            ("  of which dynamic", "%.4f uJ" % m["dynamic_energy_per_inference_uj"]),
            ("energy per inference, core (0, 0) + off-chip only", "%.4f uJ" % m["energy_per_inference_used_core_uj"]),
            ("power at real time (1,000 ticks/s)", "%.3f mW" % m["power_at_real_time_mw"]),
            ("synaptic events / spikes per inference", "%.1f / %.1f" % (m["synaptic_events_per_inference"],
                                                                        m["spikes_per_inference"])),
            ("cycles per tick (min / mean / max)", "%d / %.0f / %d" % (m["cycles_per_tick"]["min"],
                                                                       m["cycles_per_tick"]["mean"],
                                                                       m["cycles_per_tick"]["max"]))]
    text = "| quantity | value |\n|---|---|\n" + "".join("| %s | %s |\n" % r for r in rows)
    with open(path, "w") as f:
        f.write(text)
    log(text)


def plot(sweep, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    e = [r["energy_per_inference_uj"] for r in sweep]
    eu = [r["energy_per_inference_used_core_uj"] for r in sweep]
    acc = [100 * r["accuracy_chip"] for r in sweep]
    accs = [100 * r["accuracy_chip_spikes_only"] for r in sweep]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(e, acc, "o-", label="4 x 4 chip (16 cores' static power)")
    ax.plot(eu, acc, "s--", label="core (0, 0) + off-chip only")
    ax.plot(e, accs, "^:", label="4 x 4 chip, spike counts only")
    for r, x, yv in zip(sweep, e, acc):
        ax.annotate("%d ticks" % r["ticks_per_inference"], (x, yv), textcoords="offset points", xytext=(4, -12),
                    fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("energy per inference (uJ, truenorth-28nm, 1,000 ticks/s)")
    ax.set_ylabel("held-out accuracy (%)")
    ax.set_title("digits, TrueNorth mode: accuracy against energy per inference")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    sys.exit(main())
