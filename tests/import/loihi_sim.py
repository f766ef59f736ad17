#!/usr/bin/python3
"""loihi_sim.py - an integer reference of a Loihi network description (docs/loihi-network-format.md)
written from docs/loihi-core.md in numpy, independent of the C model: per step, input-axon events
into the dendritic accumulators (slot of step + delay), then every compartment's u, v, refractory
and strict threshold; a spike in step t sends its axon-map packets, processed in step t + 1.
Used by the import tests to predict, spike for spike, what the chip does with an imported network.
"""
import json

import numpy as np

M24 = 1 << 24


def wrap24(x):
    return ((x + (1 << 23)) % M24) - (1 << 23)


def decay(x, keep):
    """sgn(x) * ((|x| * keep) >> 12), magnitude truncated."""
    return np.sign(x) * ((np.abs(x) * keep) >> 12)


class Net:
    def __init__(self, desc):
        d = json.load(open(desc)) if isinstance(desc, str) else desc
        self.mx, self.my = d.get("mesh", [1, 1])
        self.cores = {}
        for c in d["cores"]:
            key = (c["x"], c["y"])
            dps, tps = c["decay_profiles"], c["threshold_profiles"]
            fmts = c.get("synapse_formats") or [{"weight_bits": 8, "sign_mode": "mixed", "wgt_exp": 0}]
            cx = c["compartments"]
            n = len(cx)
            k = {"n": n,
                 "keep_u": np.array([4095 - dps[x.get("decay_profile", 0)]["du"] for x in cx], np.int64),
                 "keep_v": np.array([4096 - dps[x.get("decay_profile", 0)]["dv"] for x in cx], np.int64),
                 "refr": np.array([dps[x.get("decay_profile", 0)].get("refract_delay", 1) for x in cx], np.int64),
                 "vth": np.array([tps[x.get("threshold_profile", 0)]["vth_mant"] << 6 for x in cx], np.int64),
                 "bias": np.array([x.get("bias_mant", 0) << x.get("bias_exp", 0) for x in cx], np.int64),
                 "u": np.array([x.get("u", 0) for x in cx], np.int64),
                 "v": np.array([x.get("v", 0) for x in cx], np.int64),
                 "r": np.zeros(n, np.int64),
                 "acc": np.zeros((64, n), np.int64),
                 "out": [[(o["core"][0], o["core"][1], o["axon"]) if "core" in o
                          else (c["x"] + o.get("dx", 0), c["y"] + o.get("dy", 0), o["axon"])
                          for o in x.get("outputs", [])] for x in cx],
                 "axons": []}
            for a in c.get("axons", []):
                f = fmts[a.get("format", 0)]
                nb, sm, e = f.get("weight_bits", 8), f.get("sign_mode", "mixed"), 6 + f.get("wgt_exp", 0)
                kk = (9 if sm == "mixed" else 8) - nb
                comp, xs, ds = [], [], []
                for s in a["synapses"]:
                    wt = (s["weight"] >> kk) << kk
                    x = wt << e if e >= 0 else wt >> -e
                    comp.append(s["compartment"])
                    xs.append(x)
                    ds.append(s.get("delay", 0))
                k["axons"].append((np.array(comp, np.int64), np.array(xs, np.int64), np.array(ds, np.int64)))
            self.cores[key] = k
        self.t = 0
        self.queue = {key: [] for key in self.cores}

    def inject(self, x, y, axon):
        self.queue[(x, y)].append(axon)

    def step(self):
        """One chip step; returns {(x, y): array of spiking compartments}."""
        self.t += 1
        t = self.t
        spikes, sent = {}, []
        for key, k in self.cores.items():
            q, self.queue[key] = self.queue[key], []
            acc = k["acc"]
            for a in q:
                comp, x, d = k["axons"][a]
                # the accumulators wrap at 24 bits; adding in int64 and wrapping when read is the same
                np.add.at(acc, ((t + d) % 64, comp), x)
            s = t % 64
            inp = wrap24(acc[s])
            acc[s] = 0
            k["u"] = wrap24(decay(k["u"], k["keep_u"]) + inp)
            r = np.where(k["r"] > 0, k["r"] - 1, 0)
            refr = r > 0
            v = decay(k["v"], k["keep_v"]) + k["u"] + k["bias"]
            v = np.clip(v, -(2 ** 23 - 1), 2 ** 23 - 1)
            fire = (~refr) & (v > k["vth"])
            v = np.where(refr | fire, 0, v)
            r = np.where(fire, k["refr"], r)
            k["v"], k["r"] = v, r
            idx = np.nonzero(fire)[0]
            spikes[key] = idx
            for i in idx:
                sent.extend(k["out"][i])
        for x, y, a in sent:
            if (x, y) in self.queue:
                self.queue[(x, y)].append(a)
        return spikes
