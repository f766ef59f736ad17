#!/usr/bin/python3
"""tests/import/nir_reference.py - float reference of a feed-forward NIR graph (numpy + h5py),
run against the chip: random input spikes, per-layer spike counts of the float graph and of
`nmemu run` on the image `nmemu import nir` made, compared.

usage: nir_reference.py NMEMU FILE.nir WORKDIR [--ticks T] [--drain D] [--rate P] [--seed S]
                        [--check LAYER=F,...] [--reset subtract|zero] [--target truenorth|loihi]
                        [--integer-ref]
--target truenorth (default): the float IF fires when V >= v_threshold and resets by --reset.
--target loihi: the float IF runs the chip's rule (docs/import.md section 9): it fires when
  V > v_threshold and V = 0 after a spike, and each layer reads the previous layer's spikes of
  the previous step (one step per spike hop, as the chip: a pipelined run of the same graph, so
  a bias acts in a layer's first steps as it does on the chip); --integer-ref also runs
  tests/import/loihi_sim.py on the lowered description and requires the chip's spikes to equal
  it spike for spike.
Exit 0 when every checked layer's chip count is within its bound of the float count, else 1.
"""
import argparse
import csv
import os
import subprocess
import sys

import h5py
import numpy as np


def read_graph(path):
    with h5py.File(path, "r") as f:
        g = f["node"]
        nodes = {}
        for name, grp in g["nodes"].items():
            d = {}
            for k, v in grp.items():
                x = v[()]
                d[k] = x.decode() if isinstance(x, bytes) else x
            nodes[name] = d
        edges = [(s.decode(), t.decode()) for s, t in g["edges"][()]]
    return nodes, edges


def topo(nodes, edges):
    indeg = {n: 0 for n in nodes}
    for s, t in edges:
        indeg[t] += 1
    order, ready = [], sorted(n for n in nodes if indeg[n] == 0)
    while ready:
        n = ready.pop(0)
        order.append(n)
        for s, t in edges:
            if s == n:
                indeg[t] -= 1
                if indeg[t] == 0:
                    ready.append(t)
    return order


def pair(v):
    v = np.atleast_1d(v).astype(int)
    return (int(v[0]), int(v[-1]))


def conv2d(x, w, b, stride, pad, dil, groups):
    cin = x.shape[0]
    co, cpg, kh, kw = w.shape
    sh, sw = pair(stride)
    ph, pw = pair(pad)
    dh, dw = pair(dil)
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    H = (x.shape[1] + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    W = (x.shape[2] + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((co, H, W))
    og = co // groups
    for g in range(groups):
        xs = xp[g * cpg:(g + 1) * cpg]
        for a in range(kh):
            for c in range(kw):
                sl = xs[:, a * dh:a * dh + sh * (H - 1) + 1:sh, c * dw:c * dw + sw * (W - 1) + 1:sw]
                out[g * og:(g + 1) * og] += np.einsum("oc,chw->ohw", w[g * og:(g + 1) * og, :, a, c], sl)
    del cin
    return out + np.asarray(b).reshape(-1, 1, 1)


def pool2d(x, k, stride, pad, avg):
    kh, kw = pair(k)
    sh, sw = pair(stride)
    ph, pw = pair(pad)
    xp = np.pad(x, ((0, 0), (ph, ph), (pw, pw)))
    H = (x.shape[1] + 2 * ph - kh) // sh + 1
    W = (x.shape[2] + 2 * pw - kw) // sw + 1
    out = np.zeros((x.shape[0], H, W))
    for a in range(kh):
        for c in range(kw):
            out += xp[:, a:a + sh * (H - 1) + 1:sh, c:c + sw * (W - 1) + 1:sw]
    return out / (kh * kw) if avg else out


def simulate(nodes, edges, order, inputs, reset, vmin=None, strict=False, pipeline=False):
    """inputs: list over ticks of {input node: array}. Returns spike counts per neuron node
    (arrays of per-neuron counts). strict: fire when V > v_threshold (Loihi) instead of >=.
    pipeline: an IF node's consumers see its spikes of the previous step (the chip's hop)."""
    state = {n: np.zeros(np.shape(nodes[n]["v_threshold"])) for n in order if nodes[n]["type"] == "IF"}
    counts = {n: np.zeros(np.shape(nodes[n]["v_threshold"])) for n in state}
    prev = {n: np.zeros(np.shape(nodes[n]["v_threshold"])) for n in state}
    for x_t in inputs:
        val = {}
        for n in order:
            d = nodes[n]
            preds = [s for s, t in edges if t == n]
            xin = None
            for p in preds:
                xin = val[p] if xin is None else xin + val[p]
            t = d["type"]
            if t == "Input":
                val[n] = x_t[n]
            elif t == "Output":
                val[n] = xin
            elif t == "Conv2d":
                val[n] = conv2d(xin, d["weight"], d["bias"], d["stride"], d["padding"], d["dilation"], int(d["groups"]))
            elif t in ("SumPool2d", "AvgPool2d"):
                val[n] = pool2d(xin, d["kernel_size"], d["stride"], d["padding"], t == "AvgPool2d")
            elif t == "Flatten":
                val[n] = xin.reshape(-1)
            elif t in ("Affine", "Linear"):
                y = d["weight"] @ xin.reshape(-1)
                val[n] = y + d["bias"] if t == "Affine" else y
            elif t == "Scale":
                val[n] = d["scale"] * xin
            elif t == "IF":
                v = state[n] + d["r"] * xin.reshape(state[n].shape)
                s = v > d["v_threshold"] if strict else v >= d["v_threshold"]
                if reset == "subtract":
                    v = v - d["v_threshold"] * s
                else:
                    v = np.where(s, 0.0, v)
                state[n] = v
                counts[n] += s
                if vmin is not None:
                    vmin[n] = min(vmin.get(n, 0.0), float((v / d["v_threshold"]).min()))
                if pipeline:
                    val[n], prev[n] = prev[n], s.astype(float)
                else:
                    val[n] = s.astype(float)
            else:
                raise SystemExit("reference: node %s type %s not in the float reference" % (n, t))
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("nmemu")
    ap.add_argument("nir")
    ap.add_argument("work")
    ap.add_argument("--ticks", type=int, default=20)
    ap.add_argument("--drain", type=int, default=40)
    ap.add_argument("--rate", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", default="",
                    help="LAYER=F,...: fail when that layer's chip count is more than F (relative) off")
    ap.add_argument("--check-abs", type=float, default=0,
                    help="A: a layer also passes when its chip count is within A spikes of the float count")
    ap.add_argument("--reset", default=None)
    ap.add_argument("--quant", default=None)
    ap.add_argument("--quant-range", default=None)
    ap.add_argument("--target", default="truenorth", choices=("truenorth", "loihi"))
    ap.add_argument("--v-floor", default=None)
    ap.add_argument("--integer-ref", action="store_true")
    ap.add_argument("--imported", action="store_true",
                    help="WORKDIR already holds this file's import (net.nmi, net.json with --integer-ref, the maps, "
                         "import.txt): run it again on another seed without importing")
    a = ap.parse_args()
    loihi = a.target == "loihi"
    if a.reset is None:
        a.reset = "zero" if loihi else "subtract"
    if not loihi:
        a.quant = a.quant or "int4"
        a.quant_range = a.quant_range or "max"
    os.makedirs(a.work, exist_ok=True)
    nmi = os.path.join(a.work, "net.nmi")
    imap = os.path.join(a.work, "inputs.csv")
    nmap = os.path.join(a.work, "neurons.csv")
    rep = os.path.join(a.work, "import.txt")
    flags = ["--target", a.target, "--reset", a.reset]
    flags += ["--quant", a.quant] if a.quant else []
    flags += ["--quant-range", a.quant_range] if a.quant_range else []
    flags += ["--v-floor", a.v_floor] if a.v_floor else []
    for out in [] if a.imported else [nmi, os.path.join(a.work, "net.json")] if a.integer_ref else [nmi]:
        subprocess.run([a.nmemu, "import", "nir", a.nir, "-o", out] + flags +
                       ["--input-map", imap, "--neuron-map", nmap, "--report", rep], check=True,
                       stdout=subprocess.DEVNULL)
    nodes, edges = read_graph(a.nir)
    order = topo(nodes, edges)
    rng = np.random.default_rng(a.seed)
    in_nodes = [n for n in order if nodes[n]["type"] == "Input"]
    inputs = []
    for t in range(a.ticks + a.drain):
        x = {}
        for n in in_nodes:
            shape = tuple(int(s) for s in nodes[n]["shape"])
            x[n] = (rng.random(shape) < a.rate).astype(float) if t < a.ticks else np.zeros(shape)
        inputs.append(x)
    vmin = {}
    counts = simulate(nodes, edges, order, inputs, a.reset, vmin, strict=loihi, pipeline=loihi)
    # on loihi, what the chip's reset rule changes: the same float graph with sinabs's rule
    # (V >= v_threshold, V -= v_threshold after a spike), same timing; reported, not checked
    sinabs = simulate(nodes, edges, order, inputs, "subtract", None, strict=False, pipeline=True) if loihi else None
    # host spikes through the input map
    targets = {}
    with open(imap) as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            targets.setdefault((row["node"], int(row["index"])), []).append(
                (int(row["x"]), int(row["y"]), int(row["axon"]), int(row["tick_offset"])))
    lines = []
    for t in range(a.ticks):
        for n in in_nodes:
            for i in np.flatnonzero(inputs[t][n].reshape(-1)):
                for (x, y, ax, off) in targets.get((n, int(i)), []):
                    lines.append((t + off, x, y, ax))
    spikes_in = os.path.join(a.work, "input-spikes.csv")
    with open(spikes_in, "w") as f:
        for l in sorted(lines):
            f.write("%d,%d,%d,%d\n" % l)
    spikes_out = os.path.join(a.work, "chip-spikes.csv")
    report = os.path.join(a.work, "run-report.json")
    subprocess.run([a.nmemu, "run", nmi, "--backend", "ref", "--ticks", str(a.ticks + a.drain), "--input", spikes_in,
                    "--spikes", spikes_out, "--report", report], check=True, stdout=subprocess.DEVNULL)
    ok = True
    if a.integer_ref:
        # the lowered description run by an independent integer model (loihi_sim.py): the chip's
        # spikes must be exactly these
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import loihi_sim
        sim = loihi_sim.Net(os.path.join(a.work, "net.json"))
        prog, pi, mine = sorted(lines), 0, []
        for t in range(1, a.ticks + a.drain + 1):
            while pi < len(prog) and prog[pi][0] <= t:
                sim.inject(*prog[pi][1:])
                pi += 1
            for (cx, cy), idx in sim.step().items():
                mine.extend((t, cx, cy, int(i)) for i in idx)
        with open(spikes_out) as f:
            theirs = sorted(tuple(int(v) for v in line.split(",")) for line in f if line[0].isdigit())
        same = theirs == sorted(mine)
        ok &= same
        print("%s chip spikes = integer reference (loihi_sim.py) spikes: %d and %d%s" %
              ("ok  " if same else "FAIL", len(theirs), len(mine), ", spike for spike" if same else ""))
    who = {}
    with open(nmap) as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            if row["role"] in ("main", "final"):
                who[(int(row["x"]), int(row["y"]), int(row["neuron"]))] = row["node"]
    chip = {n: 0 for n in counts}
    with open(spikes_out) as f:
        for line in f:
            if not line[0].isdigit():
                continue
            t, x, y, j = (int(v) for v in line.split(","))
            n = who.get((x, y, j))
            if n is not None:
                chip[n] += 1
    bounds = dict((k, float(v)) for k, v in (c.split("=") for c in a.check.split(",") if c))
    print("layer      float   chip   difference   bound   (%d ticks of input at p=%.2f, %d drain ticks, seed %d; "
          "float rule: V %s v_threshold, reset %s%s)" %
          (a.ticks, a.rate, a.drain, a.seed, ">" if loihi else ">=", a.reset,
           ", one step per layer as the chip" if loihi else ""))
    for n in [m for m in order if m in counts]:
        fl = int(counts[n].sum())
        ch = chip[n]
        rel = abs(ch - fl) / max(fl, 1)
        b = bounds.get(n)
        flag = "" if b is None or rel <= b or abs(ch - fl) <= a.check_abs else "  <-- beyond the bound"
        ok &= b is None or rel <= b or abs(ch - fl) <= a.check_abs
        extra = ""
        if sinabs is not None:
            sb = int(sinabs[n].sum())
            extra = "; float with subtractive reset and >=: %d (%+.1f%%)" % (sb, 100.0 * (sb - fl) / max(fl, 1))
        print("%-8s %7d %7d   %+6.1f%%     %s   float V down to %.1f x v_threshold%s%s" %
              (n, fl, ch, 100.0 * (ch - fl) / max(fl, 1), "%3.0f%%" % (100 * b) if b is not None else "  - ",
               vmin.get(n, 0.0), extra, flag))
    import json
    with open(report) as f:
        r = json.load(f)
    graph = sum(chip.values())
    if "counters" not in r:
        # a Loihi-mode chip: its energy report counts the packets compartments send and their hops
        cl = r["energy"]["classes"]
        pk, hops = cl["pkt_out"]["count"], cl["hop_ew"]["count"] + cl["hop_ns"]["count"]
        print("measured: %d graph-neuron spikes, %d packets sent, %d link hops: %.2f packets and %.2f hops per spike" %
              (graph, pk, hops, pk / max(graph, 1), hops / max(graph, 1)))
        return 0 if ok else 1
    c = r["counters"]
    links = sum(c["router_flits_" + d] for d in ("east", "west", "north", "south"))
    print("measured: %d graph-neuron spikes, %d chip spikes in all, %d packets delivered, %d link hops: "
          "%.2f packets and %.2f hops per graph-neuron spike (splitter and partial-sum traffic included)" %
          (graph, c["spikes"], c["router_flits_local"], links, c["router_flits_local"] / max(graph, 1),
           links / max(graph, 1)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
