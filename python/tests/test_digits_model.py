"""test_digits_model.py - the digits example's pieces (examples/digits) on hand-worked cases: the
rate code, the fixed-point reference, the decision rule, the crossbar encoding of 4-bit weights
(checked on the chip), and the NIR round trip."""
import os
import sys
import tempfile
import unittest

import numpy as np

import nmemu

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "digits"))
import model as M  # noqa: E402
import nir_io  # noqa: E402


class TestDigitsModel(unittest.TestCase):
    def test_rate_code(self):
        # p = 16: every tick; p = 8: when floor((t+1)/2) > floor(t/2), i.e. t = 1, 3; p = 4 in 4
        # ticks: floor((t+1)/4) > floor(t/4) only at t = 3; p = 0: never
        X = np.array([[16, 8, 4, 0] + [0] * 60])
        S = M.encode(X, 4)[:, 0, :4]
        np.testing.assert_array_equal(S.T, [[1, 1, 1, 1], [0, 1, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]])
        # every value 0..16: p spikes in 16 ticks, floor(p / 2) in 8
        X = np.zeros((17, 64), dtype=np.int64)
        X[:, 0] = np.arange(17)
        np.testing.assert_array_equal(M.encode(X, 16).sum(axis=0)[:, 0], np.arange(17))
        np.testing.assert_array_equal(M.encode(X, 8).sum(axis=0)[:, 0], np.arange(17) // 2)

    def test_reference_by_hand(self):
        # one pixel at 16 (a spike every tick), weight 7 to class 0, leak -1, alpha 10, linear reset:
        # V = 6; 12 -> fires, 2; 8; 14 -> fires, 4.  Class 1: weight -8, leak 0: -8, -16, -24, -32.
        Wq = np.zeros((10, 64), dtype=np.int64)
        Wq[0, 0], Wq[1, 0] = 7, -8
        lam = np.zeros(10, dtype=np.int64)
        lam[0] = -1
        X = np.zeros((1, 64), dtype=np.int64)
        X[0, 0] = 16
        count, V, fired = M.reference_run(Wq, lam, 10, X, 4)
        self.assertEqual(count[0, 0], 2)
        self.assertEqual(V[0, 0], 4)
        self.assertEqual(V[0, 1], -32)
        np.testing.assert_array_equal(fired[:, 0, 0], [0, 1, 0, 1])

    def test_decide_breaks_ties_by_v_then_class(self):
        count = np.array([[2, 2, 1] + [0] * 7, [1, 1, 0] + [0] * 7])
        V = np.array([[3, 5, 9] + [0] * 7, [4, 4, 0] + [0] * 7])
        pred, tie = M.decide(count, V)
        np.testing.assert_array_equal(pred, [1, 0])   # larger V wins; equal V: the lower class
        np.testing.assert_array_equal(tie, [True, True])

    def test_crossbar_encodes_4bit_weights_on_the_chip(self):
        # neuron j gets weight w_j = j - 8 (-8 .. 1) from pixel 0; one spike of pixel 0 (axons 0..3)
        # must add exactly w_j to V_j: -3 & 15 = 13 = 0b1101 -> axons 0, 2, 3: 1 + 4 - 8 = -3
        Wq = np.zeros((10, 64), dtype=np.int64)
        Wq[:, 0] = np.arange(10) - 8
        desc = M.chip_description(Wq, np.zeros(10, dtype=np.int64), 1000)
        conns = {tuple(c) for c in desc["cores"][0]["crossbar"]["connections"]}
        self.assertEqual({a for a, j in conns if j == 5}, {0, 2, 3})   # w_5 = -3
        with nmemu.Chip(json=desc) as c:
            c.run(1, inputs=[[0, 0, 0, a] for a in range(4)])
            np.testing.assert_array_equal(c.v(0, 0, 0, 10), np.arange(10) - 8)
        with self.assertRaises(ValueError):
            M.chip_description(Wq + 16, np.zeros(10, dtype=np.int64), 1000)

    def test_nir_round_trip(self):
        W = np.arange(640, dtype=np.float32).reshape(10, 64) % 15 - 8
        b = np.arange(10, dtype=np.float32) - 5
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "n.nir")
            nir_io.write(p, W, b, 36)
            w2, b2, r2, th2 = nir_io.read_affine_if(p)
            np.testing.assert_array_equal(w2, W)
            np.testing.assert_array_equal(b2, b)
            np.testing.assert_array_equal(r2, np.ones(10))
            np.testing.assert_array_equal(th2, np.full(10, 36.0))
            import h5py
            with h5py.File(p, "r") as f:
                self.assertEqual(f["node/type"][()], b"NIRGraph")
                self.assertEqual(f["node/nodes/fc/type"][()], b"Affine")
                self.assertEqual(f["node/edges"].shape, (3, 2))
            with h5py.File(p, "a") as f:
                del f["node/nodes/lif/type"]
                f["node/nodes/lif"].create_dataset("type", data="LIF")
            with self.assertRaises(ValueError) as cm:
                nir_io.read_affine_if(p)
            self.assertIn("Input -> Affine -> LIF -> Output", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
