"""test_loihi_binding.py - the Python binding on Loihi-mode images and descriptions (ref backend):
spikes, v in both views, u, counters and energy of one compartment worked by hand
(docs/loihi-core.md sections 4, 5, 9 and 12; data/energy/loihi-davies2018.json)."""
import json
import os
import tempfile
import unittest

import numpy as np

import nmemu

# The golden LIF mapping of docs/loihi-core.md s12: DU 4095, DV 163, VTH_MANT 25 (threshold 1600),
# one excitatory 8-bit synapse of weight 10 at exponent 0 (x = 10 << 6 = 640), REFRACT 1.
LIF = {"core_type": "loihi", "mesh": [2, 1], "geometry": "small",
       "cores": [{"x": 0, "y": 0,
                  "decay_profiles": [{"du": 4095, "dv": 163, "refract_delay": 1}],
                  "threshold_profiles": [{"vth_mant": 25}],
                  "synapse_formats": [{"weight_bits": 8, "sign_mode": "excitatory", "wgt_exp": 0}],
                  "compartments": [{"outputs": [{"core": [1, 0], "axon": 0}]}],
                  "axons": [{"format": 0, "synapses": [{"compartment": 0, "weight": 10}]}]}]}


class LoihiBinding(unittest.TestCase):
    def chip(self):
        return nmemu.Chip(json=LIF, name="lif")

    def test_open_and_geometry(self):
        c = self.chip()
        self.assertEqual(c.core_type, "loihi")
        self.assertEqual(c.mesh, (2, 1))
        self.assertEqual((c.axons, c.neurons), (16, 16))  # small geometry: 16 input axons, 16 compartments
        self.assertEqual(c.backend, "ref")

    def test_u_v_spike_by_hand(self):
        c = self.chip()
        # inputs in ticks 0, 1, 2 (each enters the step it names):
        # tick 0: u = 640, v = 640; tick 1: u = 640 (DU 4095 forgets), v = (640 * 3933) >> 12 = 614
        # + 640 = 1254; tick 2: v = (1254 * 3933) >> 12 = 4,931,982 >> 12 = 1204, + 640 = 1844 > 1600:
        # spike, v = 0 (state view), hardware view 1 << 7 = 128; tick 3 (no input): u = 0, v = 0.
        c.run(1, [[0, 0, 0, 0]])
        self.assertEqual(c.u(0, 0, 0, 1)[0], 640)
        self.assertEqual(c.v(0, 0, 0, 1)[0], 640)
        c.run(1, [[0, 0, 0, 0]])
        self.assertEqual(c.v(0, 0, 0, 1)[0], 1254)
        self.assertEqual(len(c.spikes()), 0)
        c.run(1, [[0, 0, 0, 0]])
        self.assertEqual(c.v(0, 0, 0, 1)[0], 0)
        self.assertEqual(c.v_hw(0, 0, 0, 1)[0], 128)
        self.assertEqual(c.u(0, 0, 0, 1)[0], 640)
        np.testing.assert_array_equal(c.spikes(), [[2, 0, 0, 0]])  # (tick, x, y, compartment)
        c.run(1)
        self.assertEqual((c.u(0, 0, 0, 1)[0], c.v(0, 0, 0, 1)[0], c.v_hw(0, 0, 0, 1)[0]), (0, 0, 0))
        self.assertEqual(c.tick, 4)

    def test_inject_and_set_v(self):
        c = self.chip()
        c.set_v(0, 0, [1500])
        c.inject(0, 0, 0)  # delay 1: processed by the next step
        c.run(1)
        # v = (1500 * 3933) >> 12 = 5,899,500 >> 12 = 1440, + 640 = 2080 > 1600: spike
        np.testing.assert_array_equal(c.spikes(), [[0, 0, 0, 0]])
        with self.assertRaises(nmemu.Error) as e:
            c.inject(0, 0, 0, delay=2)
        self.assertIn("delay 1", str(e.exception))

    def test_counters_and_energy(self):
        c = self.chip()
        c.run(4, [[0, 0, 0, 0], [1, 0, 0, 0], [2, 0, 0, 0]])
        k = c.counters()
        # 3 host input-axon events of 1 synapse each at (0, 0), plus the spike's packet (tick 2) popped
        # at (1, 0) in tick 3: 4 axon events, 3 synapses (axon 0 of (1, 0) has none); core (0, 0)
        # updates 1 compartment per step (4), core (1, 0) none (not described: NUPD 0); 1 spike,
        # 1 packet to (1, 0): 1 hop east-west
        self.assertEqual((k["axon_events"], k["syn_ops"], k["cx_updates"], k["spikes"], k["pkts_out"]),
                         (4, 3, 4, 1, 1))
        self.assertEqual((k["packets_routed"], k["hops_ew"], k["hops_ns"], k["offmesh_drops"]), (1, 1, 0, 0))
        self.assertEqual(k["cx_active"], 4)  # tick 3: u, r non-zero before the update -> active
        e = c.energy()
        # loihi-davies2018: 3 syn ops x 23.6 + 4 active x 81 + 1 packet x 1.7 + 1 hop EW x 3.0
        # = 70.8 + 324 + 1.7 + 3.0 = 399.5 pJ (the barrier and spike classes cost 0 in this preset)
        self.assertAlmostEqual(e["dynamic_pj"], 399.5, places=6)
        self.assertEqual((e["ticks"], e["synaptic_events"], e["spikes"], e["hops"]), (4, 3, 1, 1))
        self.assertAlmostEqual(e["total_pj"], e["dynamic_pj"] + e["static_pj"], places=6)
        c.reset_energy()
        c.run(1)
        self.assertEqual(c.energy()["synaptic_events"], 0)
        r = c.report()
        self.assertEqual(r["core_type"], "loihi")
        self.assertEqual(r["counters"]["syn_ops"], 3)

    def test_image_file_and_refusals(self):
        with tempfile.TemporaryDirectory() as d:
            js = os.path.join(d, "lif.json")
            with open(js, "w") as f:
                json.dump(LIF, f)
            c = nmemu.Chip(js)
            self.assertEqual(c.core_type, "loihi")
            # rtl and check: python/tests/test_loihi_rtl.py (they need a Verilated build)
            with self.assertRaises(nmemu.Error) as e:
                nmemu.Chip(js, backend="fpga")
            self.assertIn("unknown backend 'fpga' (ref, rtl or check)", str(e.exception))
        c = self.chip()
        self.assertEqual(len(c.offchip()), 0)
        with self.assertRaises(nmemu.Error):
            c.v(0, 0, 10, 10)  # compartments 10..19 of 16


if __name__ == "__main__":
    unittest.main()
