"""test_loihi_rtl.py - the Python binding on Loihi-mode chips on the rtl and check backends: the
Verilated chip of the image's shape (built on demand, emulator/nm_rtl_shapes.c) gives the spikes,
u and v the reference model gives, worked by hand (docs/loihi-core.md s4, s5, s12), and check
compares both after every tick (docs/python.md, "Loihi-mode images and descriptions").

The refusals run in make test-python (nothing is Verilated); the runs need the Verilated chip of
a 4 x 2 mesh of small cores (the shape make test-long-lshapes builds, a minute the first time)
and run in make test-long-python-lrtl (NMEMU_TEST_LRTL=1)."""
import os
import tempfile
import unittest

import numpy as np

import nmemu

KEY = "loihi-4x2-c16-a16-o32-s256-d8-p4-t2-f4-q16"

# Two independent networks on a 4 x 2 mesh of small cores (16 compartments, 16 input axons):
# - the relay of tests/loihi/check-lshapes: compartment 0 of core (0, 0) has bias 65 over a
#   threshold of 1 << 6 = 64, so it fires every tick from tick 0 (refract_delay 1); each spike is
#   a packet to core (3, 1) axon 3, whose synapse (weight 100, delay 2) puts 100 << 6 = 6400 into
#   u of compartment 5 (threshold 0): the packet of tick t is taken in tick t + 1 and reaches u
#   in tick t + 1 + 2, so (3, 1) compartment 5 first fires in tick 3, then every tick.
# - the golden LIF of docs/loihi-core.md s12 on core (1, 0): DU 4095, DV 163, threshold
#   25 << 6 = 1600, one 8-bit synapse of weight 10 (x = 640), REFRACT 1; host inputs at ticks 0,
#   1, 2 give v = 640, then (640 * 3933) >> 12 = 614 + 640 = 1254, then (1254 * 3933) >> 12 =
#   1204 + 640 = 1844 > 1600: a spike in tick 2 (v 0, hardware view 1 << 7 = 128).
NET = {"core_type": "loihi", "mesh": [4, 2], "geometry": "small",
       "cores": [
           {"x": 0, "y": 0,
            "decay_profiles": [{"decayU": 4095, "decayV": 0, "refractDelay": 1}],
            "threshold_profiles": [{"vthMant": 1}],
            "compartments": [{"biasMant": 65, "outputs": [{"core": [3, 1], "axon": 3}]}]},
           {"x": 1, "y": 0,
            "decay_profiles": [{"du": 4095, "dv": 163, "refract_delay": 1}],
            "threshold_profiles": [{"vth_mant": 25}],
            "synapse_formats": [{"weight_bits": 8, "sign_mode": "excitatory", "wgt_exp": 0}],
            "compartments": [{"outputs": [{"core": [2, 0], "axon": 0}]}],
            "axons": [{"format": 0, "synapses": [{"compartment": 0, "weight": 10}]}]},
           {"x": 3, "y": 1,
            "decay_profiles": [{"du": 4095, "dv": 4095}],
            "threshold_profiles": [{"vth_mant": 0}],
            "synapse_formats": [{"sign_mode": "excitatory"}],
            "compartments": [{}, {}, {}, {}, {}, {}],
            "axons": [{}, {}, {}, {"synapses": [{"compartment": 5, "weight": 100, "delay": 2}]}]}]}
INPUTS = [[0, 1, 0, 0], [1, 1, 0, 0], [2, 1, 0, 0]]  # (tick, x, y, axon)


def state(c):
    """u, v and hardware-view v of every compartment of every core: an array (3, 8 cores, 16)."""
    return np.array([[getattr(c, f)(x, y, 0, 16) for y in range(2) for x in range(4)]
                     for f in ("u", "v", "v_hw")])


class LoihiRtlRefusals(unittest.TestCase):
    """What make test-python checks without a Verilated build."""

    def test_missing_builder_is_a_clear_error(self):
        # no build-rtl-shape under NMEMU_SRCDIR: the shape cannot be built; the error names the
        # shape's key and what to set, and nothing is left in the (empty) cache
        with tempfile.TemporaryDirectory() as d:
            old = {k: os.environ.get(k) for k in ("NMEMU_SRCDIR", "NMEMU_RTL_CACHE")}
            os.environ["NMEMU_SRCDIR"] = os.path.join(d, "nosrc")
            os.environ["NMEMU_RTL_CACHE"] = os.path.join(d, "cache")
            try:
                for be in ("rtl", "check"):
                    with self.assertRaises(nmemu.Error) as e:
                        nmemu.Chip(json=NET, name="net", backend=be)
                    self.assertEqual(e.exception.code, nmemu.ERR_UNSUPPORTED)
                    self.assertIn(KEY, str(e.exception))
                    self.assertIn("NMEMU_SRCDIR", str(e.exception))
            finally:
                for k, v in old.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            self.assertFalse(os.path.exists(os.path.join(d, "cache", KEY, "libnmvlchip.so")))

    def test_other_refusals(self):
        with self.assertRaises(nmemu.Error) as e:
            nmemu.Chip(json=NET, name="net", backend="verilog")
        self.assertIn("unknown backend 'verilog'", str(e.exception))
        with self.assertRaises(nmemu.Error) as e:
            nmemu.Chip(json=NET, name="net", seed=1)
        self.assertIn("no PRNG", str(e.exception))
        self.assertEqual(nmemu.Chip(json=NET, name="net").backend, "ref")


@unittest.skipUnless(os.environ.get("NMEMU_TEST_LRTL") == "1",
                     "needs the Verilated chip " + KEY + ": make test-long-python-lrtl")
class LoihiRtl(unittest.TestCase):
    def chips(self):
        return [nmemu.Chip(json=NET, name="net", backend=b) for b in ("ref", "rtl", "check")]

    def test_same_spikes_u_v_every_tick(self):
        chips = self.chips()
        self.assertEqual([c.backend for c in chips], ["ref", "rtl", "check"])
        spikes = [[] for _ in chips]
        states = [[] for _ in chips]
        for t in range(8):
            for i, c in enumerate(chips):
                c.run(1, [[0, r[1], r[2], r[3]] for r in INPUTS if r[0] == t])
                spikes[i].extend(c.spikes().tolist())
                states[i].append(state(c))
        for i in (1, 2):
            self.assertEqual(spikes[i], spikes[0])
            np.testing.assert_array_equal(np.array(states[i]), np.array(states[0]))
        # by hand (header): (0, 0) fires every tick, (1, 0) in tick 2, (3, 1) compartment 5 from tick 3
        want = sorted([[t, 0, 0, 0] for t in range(8)] + [[2, 1, 0, 0]] + [[t, 3, 1, 5] for t in range(3, 8)])
        self.assertEqual(sorted(spikes[1]), want)
        st = np.array(states[1])  # (tick, field, core, compartment); core (1, 0) is index 1, (3, 1) is 7
        self.assertEqual(list(st[:3, 1, 1, 0]), [640, 1254, 0])  # v of the LIF
        self.assertEqual(st[2, 2, 1, 0], 128)                      # its hardware view on the spike tick
        self.assertEqual(list(st[:3, 0, 1, 0]), [640, 640, 640])   # u (DU 4095: only this tick's input)
        self.assertEqual(st[3, 0, 7, 5], 6400)                     # u of the relay's target: 100 << 6

    def test_check_agrees_and_counts_like_ref(self):
        ref, rtl, chk = self.chips()
        for c in (ref, rtl, chk):
            c.run(8, INPUTS)  # a divergence would raise nmemu.Error (ERR_DIVERGED) here
        self.assertEqual(chk.report()["backend"], "check")
        self.assertEqual(rtl.report()["backend"], "rtl")
        # counters and energy come from the model on every backend (it runs in lockstep)
        self.assertEqual(chk.counters(), ref.counters())
        self.assertEqual(rtl.energy()["total_pj"], ref.energy()["total_pj"])
        # cycles are the Verilated chip's (step request to step done), one per tick
        cyc = rtl.cycles()
        self.assertEqual(len(cyc), 8)
        self.assertTrue((cyc > 0).all())
        np.testing.assert_array_equal(chk.cycles(), cyc)

    def test_set_v_and_inject(self):
        for be in ("rtl", "check"):
            c = nmemu.Chip(json=NET, name="net", backend=be)
            c.set_v(1, 0, [1500])
            self.assertEqual(c.v(1, 0, 0, 1)[0], 1500)
            c.inject(1, 0, 0)
            c.run(1)
            # v = (1500 * 3933) >> 12 = 1440, + 640 = 2080 > 1600: a spike of (1, 0) in tick 0
            self.assertIn([0, 1, 0, 0], c.spikes().tolist())
            self.assertEqual(c.v(1, 0, 0, 1)[0], 0)


if __name__ == "__main__":
    unittest.main()
