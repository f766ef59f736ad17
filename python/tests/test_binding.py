"""test_binding.py - unittest suite of the Python binding (make test-python): small networks whose
spikes, potentials, packets, counters and energy are worked out by hand in the comments."""
import json
import os
import subprocess
import tempfile
import unittest

import numpy as np

import nmemu

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def net(neurons, connections, mesh=(4, 4)):
    """A 4 x 4 chip of 256 x 256 cores with the given neurons and crossbar on core (0, 0)."""
    return {"mesh": list(mesh), "core": {"axons": 256, "neurons": 256},
            "cores": [{"x": 0, "y": 0, "crossbar": {"connections": connections}, "neurons": neurons}]}


# neuron 0: a relay (s0 = 1, alpha = 1, normal reset to 0) sending its spikes off chip
# westward with axon 5; neuron 1: an integrator (s0 = 3, leak -1, alpha = 100) that keeps its
# packets on core (1, 0) axon 7 (nothing is connected there).
RELAY = {"id": 0, "s0": 1, "alpha": 1, "beta": 0, "kappa": 1, "dest": {"dx": -1, "dy": 0, "axon": 5}}
INTEG = {"id": 1, "s0": 3, "lambda": -1, "alpha": 100, "beta": 1000, "kappa": 1,
         "dest": {"dx": 1, "dy": 0, "axon": 7}}
TWO = net([RELAY, INTEG], [[0, 0], [1, 1]])


class TestRun(unittest.TestCase):
    def test_relay_spikes_and_offchip_packet(self):
        with nmemu.Chip(json=TWO) as c:
            self.assertEqual(c.mesh, (4, 4))
            self.assertEqual((c.axons, c.neurons), (256, 256))
            # axon 0 active in tick 2: V = 0 + 1 >= alpha = 1 -> neuron 0 fires in tick 2
            c.run(4, inputs=np.array([[2, 0, 0, 0]]))
            self.assertEqual(c.tick, 4)
            np.testing.assert_array_equal(c.spikes(), [[2, 0, 0, 0]])
            # its packet (dx -1) leaves core (0, 0) by the west port with dx -1 + 1 = 0:
            # (tick 2, side 1 west, pos 0 = row y, dx 0, dy 0, axon 5, delay 1)
            np.testing.assert_array_equal(c.offchip(), [[2, 1, 0, 0, 0, 5, 1]])
            # read once: the records are gone
            self.assertEqual(c.spikes().shape, (0, 4))
            self.assertEqual(c.offchip().shape, (0, 7))
            self.assertEqual(len(c.cycles()), 4)

    def test_integration_leak_and_v(self):
        with nmemu.Chip(json=TWO) as c:
            # axon 1 active in ticks 0, 1, 2 (given out of order): V = 3-1 = 2, 4, 6, then the
            # leak alone: 5, 4
            c.run(5, inputs=np.array([[2, 0, 0, 1], [0, 0, 0, 1], [1, 0, 0, 1]]))
            np.testing.assert_array_equal(c.v(0, 0, 1, 1), [4])
            self.assertEqual(len(c.spikes()), 0)
            # V = 100 -> 99 after the leak: below alpha; V = 101 -> 100 fires, resets to 0
            c.set_v(0, 0, [100], first=1)
            c.run(1)
            np.testing.assert_array_equal(c.v(0, 0, 1, 1), [99])
            c.set_v(0, 0, [101], first=1)
            c.run(1)
            np.testing.assert_array_equal(c.spikes(), [[6, 0, 0, 1]])
            np.testing.assert_array_equal(c.v(0, 0, 0, 2), [0, 0])
            full = c.v()
            self.assertEqual(full.shape, (4, 4, 256))
            self.assertEqual(int(np.abs(full).sum()), 0)
            # negative V and the 20-bit bounds
            c.set_v(0, 0, [-524288], first=1)
            np.testing.assert_array_equal(c.v(0, 0, 1, 1), [-524288])

    def test_inject_with_delay(self):
        with nmemu.Chip(json=TWO) as c:
            c.run(3)
            # at tick 3, delay 3: axon 0 is active in tick 3 + 3 - 1 = 5
            c.inject(0, 0, 0, delay=3)
            c.run(4)
            np.testing.assert_array_equal(c.spikes(), [[5, 0, 0, 0]])
            # arrays broadcast: axons 0 and 1 both in the next tick (7)
            c.inject(0, 0, [0, 1])
            c.run(1)
            np.testing.assert_array_equal(c.spikes(), [[7, 0, 0, 0]])
            # the integrator leaked -1 in each of ticks 0..6 (V = -7), then tick 7: -7 + 3 - 1 = -5
            np.testing.assert_array_equal(c.v(0, 0, 1, 1), [-5])

    def test_counters_energy_and_report_by_hand(self):
        with open(os.path.join(ROOT, "data", "energy", "truenorth-28nm.json")) as f:
            pj = {k: v["value"] for k, v in json.load(f)["events_pj"].items()}
        with nmemu.Chip(json=TWO, tick_rate=1000) as c:
            # 4 ticks; axon 0 in tick 0 and axon 1 in ticks 0, 1
            c.run(4, inputs=np.array([[0, 0, 0, 0], [0, 0, 0, 1], [1, 0, 0, 1]]))
            k = c.counters()
            # synaptic events: (axon 0, neuron 0) once, (axon 1, neuron 1) twice = 3
            self.assertEqual(k["synaptic_events"], 3)
            # every neuron of every core, every tick: 16 x 256 x 4
            self.assertEqual(k["neuron_updates"], 16 * 256 * 4)
            self.assertEqual(k["spikes"], 1)                  # the relay, tick 0
            self.assertEqual(k["scheduler_writes"], 3)        # the three host packets
            self.assertEqual(k["router_flits_west"], 1)       # the relay's packet, off chip
            self.assertEqual(k["router_flits_local"], 3)      # host packets into core (0, 0)
            e = c.energy()
            self.assertEqual(e["ticks"], 4)
            self.assertEqual((e["synaptic_events"], e["spikes"], e["hops"], e["offchip"]), (3, 1, 1, 1))
            # at the preset's own voltage: dynamic = sum of count x pJ; static = 0.01012 mW per core
            # x 16 cores x 4 ms = 6.4768e-4 mJ = 647,680 pJ
            dyn = 3 * pj["synaptic_event"] + 16384 * pj["neuron_update"] + pj["spike"] + 3 * pj["scheduler_write"] \
                + pj["hop_ew"] + pj["offchip_packet"]
            self.assertAlmostEqual(e["dynamic_pj"], dyn, places=3)
            self.assertAlmostEqual(e["static_pj"], 647680.0, places=1)
            self.assertAlmostEqual(e["total_pj"], dyn + 647680.0, places=1)
            self.assertAlmostEqual(e["power_mw"], (dyn + 647680.0) / 4e-3 * 1e-9, places=6)
            r = c.report()
            self.assertEqual(r["ticks"], 4)
            self.assertEqual(r["counters"]["synaptic_events"], 3)
            self.assertAlmostEqual(r["energy"]["total_pj"], e["total_pj"], places=3)
            # a fresh meter: 2 idle ticks cost 16 x 256 x 2 neuron updates and static power only
            c.reset_energy()
            c.run(2)
            e = c.energy()
            self.assertEqual((e["ticks"], e["synaptic_events"]), (2, 0))
            self.assertAlmostEqual(e["dynamic_pj"], 8192 * pj["neuron_update"], places=3)

    def test_open_file_json_and_image(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "two.json")
            with open(path, "w") as f:
                json.dump(TWO, f)
            with nmemu.Chip(path) as c:
                c.run(1, inputs=[[0, 0, 0, 0]])
                np.testing.assert_array_equal(c.spikes(), [[0, 0, 0, 0]])
            exe = os.path.join(ROOT, "build", "nmemu")
            if not os.path.exists(exe):
                self.skipTest("build/nmemu is not built")
            nmi = os.path.join(d, "two.nmi")
            subprocess.run([exe, "compile", path, "-o", nmi], check=True)
            with nmemu.Chip(nmi) as c:
                c.run(1, inputs=[[0, 0, 0, 0]])
                np.testing.assert_array_equal(c.spikes(), [[0, 0, 0, 0]])


class TestBackends(unittest.TestCase):
    def scenario(self, backend):
        inputs = np.array([[t, 0, 0, a] for t in range(0, 12, 3) for a in (0, 1)])
        with nmemu.Chip(json=TWO, backend=backend) as c:
            self.assertEqual(c.backend, backend)
            c.run(12, inputs=inputs)
            return c.spikes(), c.offchip(), c.v(0, 0, 0, 2), c.counters()

    def test_rtl_and_check_agree_with_ref(self):
        ref = self.scenario("ref")
        # relay fires in ticks 0, 3, 6, 9; the integrator: +2 in input ticks, -1 otherwise
        np.testing.assert_array_equal(ref[0][:, 0], [0, 3, 6, 9])
        for backend in ("rtl", "check"):
            got = self.scenario(backend)
            np.testing.assert_array_equal(got[0], ref[0])
            np.testing.assert_array_equal(got[1], ref[1])
            np.testing.assert_array_equal(got[2], ref[2])
            for name in ("synaptic_events", "spikes", "scheduler_writes", "router_flits_west"):
                self.assertEqual(got[3][name], ref[3][name], name)

    def test_two_rtl_chips_in_one_process_are_independent(self):
        wave = os.path.join(ROOT, "examples", "wave", "net.json")
        a = nmemu.Chip(wave, backend="rtl")
        b = nmemu.Chip(json=TWO, backend="rtl")
        for t in range(8):  # interleaved tick by tick
            a.run(1, inputs=[[0, 0, 0, 0]] if t == 0 else None)
            b.run(1, inputs=[[0, 0, 0, 0]] if t % 2 == 0 else None)
        sa, sb = a.spikes(), b.spikes()
        a.close()
        b.close()
        with nmemu.Chip(wave) as r:
            r.run(8, inputs=[[0, 0, 0, 0]])
            np.testing.assert_array_equal(sa, r.spikes())
        # the relay fires in the ticks its axon is active: 0, 2, 4, 6
        np.testing.assert_array_equal(sb, [[t, 0, 0, 0] for t in (0, 2, 4, 6)])
        self.assertGreater(len(sa), 0)

    def test_threads_give_the_same_result(self):
        a = nmemu.Chip(json=TWO, threads=1)
        b = nmemu.Chip(json=TWO, threads=2)
        for c in (a, b):
            c.run(6, inputs=[[1, 0, 0, 0], [2, 0, 0, 1]])
        np.testing.assert_array_equal(a.spikes(), b.spikes())
        np.testing.assert_array_equal(a.v(), b.v())
        a.close()
        b.close()
        a.close()  # twice is fine


class TestErrors(unittest.TestCase):
    def test_bad_description_names_the_json_path(self):
        bad = net([{"id": 0, "alpha": 300000}], [])
        with self.assertRaises(nmemu.Error) as cm:
            nmemu.Chip(json=bad, name="bad.json")
        self.assertEqual(cm.exception.code, nmemu.ERR_INPUT)
        self.assertIn("cores[0].neurons[0].alpha", str(cm.exception))

    def test_missing_file(self):
        with self.assertRaises(nmemu.Error) as cm:
            nmemu.Chip("/nonexistent/net.json")
        self.assertEqual(cm.exception.code, nmemu.ERR_INPUT)
        self.assertIn("/nonexistent/net.json", str(cm.exception))

    def test_bad_image_names_the_byte(self):
        with tempfile.NamedTemporaryFile(suffix=".nmi") as f:
            f.write(b"NMI\x1a" + b"\0" * 12)
            f.flush()
            with self.assertRaises(nmemu.Error) as cm:
                nmemu.Chip(f.name)
            self.assertEqual(cm.exception.code, nmemu.ERR_INPUT)
            self.assertIn("byte", str(cm.exception))

    def test_bad_backend_and_threads(self):
        with self.assertRaises(nmemu.Error) as cm:
            nmemu.Chip(json=TWO, backend="gpu")
        self.assertEqual(cm.exception.code, nmemu.ERR_ARG)
        self.assertIn("gpu", str(cm.exception))
        with self.assertRaises(nmemu.Error):
            nmemu.Chip(json=TWO, threads=65)
        with self.assertRaises(nmemu.Error) as cm:
            nmemu.Chip(json=TWO, energy="no-such-preset")
        self.assertIn("no-such-preset", str(cm.exception))

    def test_rtl_needs_its_geometry(self):
        with self.assertRaises(nmemu.Error) as cm:
            nmemu.Chip(json=net([RELAY], [[0, 0]], mesh=(2, 2)), backend="rtl")
        self.assertEqual(cm.exception.code, nmemu.ERR_INPUT)
        self.assertIn("2x2", str(cm.exception))
        # the ref backend takes any mesh
        with nmemu.Chip(json=net([RELAY], [[0, 0]], mesh=(2, 2))) as c:
            self.assertEqual(c.mesh, (2, 2))

    def test_bad_inputs_send_nothing(self):
        with nmemu.Chip(json=TWO) as c:
            for rows, what in (([[0, 4, 0, 0]], "x 4"), ([[0, 0, 0, 256]], "axon 256"), ([[5, 0, 0, 0]], "tick 5")):
                with self.assertRaises(nmemu.Error) as cm:
                    c.run(5, inputs=np.array([[0, 0, 0, 0]] + rows))
                self.assertEqual(cm.exception.code, nmemu.ERR_ARG)
                self.assertIn(what, str(cm.exception))
            self.assertEqual(c.tick, 0)
            with self.assertRaises(nmemu.Error) as cm:
                c.inject(0, 0, 0, delay=16)
            self.assertIn("delay 16", str(cm.exception))
            with self.assertRaises(ValueError):
                c.run(1, inputs=np.array([[0, 0, 0]]))
            with self.assertRaises(ValueError):
                c.run(1, inputs=np.array([[-1, 0, 0, 0]]))
            with self.assertRaises(ValueError):
                c.set_v(0, 0, [524288])
            with self.assertRaises(nmemu.Error) as cm:
                c.v(4, 0)
            self.assertEqual(cm.exception.code, nmemu.ERR_ARG)
            # none of it ran or sent anything: axon 0 was never active
            c.run(2)
            self.assertEqual(len(c.spikes()), 0)

    def test_u_is_a_hook_for_loihi_cores(self):
        with nmemu.Chip(json=TWO) as c:
            with self.assertRaises(nmemu.Error) as cm:
                c.u(0, 0)
            self.assertEqual(cm.exception.code, nmemu.ERR_UNSUPPORTED)
            self.assertIn("TrueNorth-mode", str(cm.exception))

    def test_closed_chip(self):
        c = nmemu.Chip(json=TWO)
        c.close()
        with self.assertRaises(nmemu.Error):
            c.run(1)


if __name__ == "__main__":
    unittest.main()
