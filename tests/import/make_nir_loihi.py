#!/usr/bin/python3
"""make_nir_loihi.py - NIR files for the Loihi-mode lowering's placement test (run-import-loihi-tests):
wide.nir: Input 4 -> Linear (1500 x 4, all 0.5) -> IF 1500 (threshold 1) with a recurrent Linear
that links neuron i to neuron i + 1 (weight 0.25) -> Output. 1,500 compartments need two
1,024-compartment cores; every input element reaches both (2 input-map rows each); neuron 1023,
the last of core 0, feeds neuron 1024 in core 1.
bigconv.nir: Input (80, 8, 8) -> Conv2d 80 -> 2 channels, kernel 8 x 8, no padding -> IF (2, 1, 1):
each IF element reads 80 x 8 x 8 = 5,120 input elements, more than the 4,096 input axons of a
Loihi core (one per source element), so no core can gather its inputs: a clear error.
lincycle.nir: Input 2 -> Linear a -> Linear b -> a (a cycle with no neuron on it) and b -> IF: refused.
Usage: make_nir_loihi.py DIR"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_nir import write  # noqa: E402

d = sys.argv[1]
os.makedirs(d, exist_ok=True)
n = 1500
rec = np.zeros((n, n), np.float32)
rec[np.arange(1, n), np.arange(n - 1)] = 0.25
write(os.path.join(d, "wide.nir"),
      {"input": ("Input", {"shape": [4]}), "fc": ("Linear", {"weight": np.full((n, 4), 0.5, np.float32)}),
       "rec": ("Linear", {"weight": rec}),
       "if": ("IF", {"r": np.ones(n, np.float32), "v_threshold": np.ones(n, np.float32)}),
       "output": ("Output", {"shape": [n]})},
      [["input", "fc"], ["fc", "if"], ["if", "rec"], ["rec", "if"], ["if", "output"]])
write(os.path.join(d, "bigconv.nir"),
      {"input": ("Input", {"shape": [80, 8, 8]}),
       "conv": ("Conv2d", {"weight": np.full((2, 80, 8, 8), 0.01, np.float32), "stride": [1, 1], "padding": [0, 0],
                           "dilation": [1, 1], "groups": 1, "bias": np.zeros(2, np.float32), "input_shape": [8, 8]}),
       "if": ("IF", {"r": np.ones((2, 1, 1), np.float32), "v_threshold": np.ones((2, 1, 1), np.float32)}),
       "output": ("Output", {"shape": [2, 1, 1]})},
      [["input", "conv"], ["conv", "if"], ["if", "output"]])
write(os.path.join(d, "lincycle.nir"),
      {"input": ("Input", {"shape": [2]}), "a": ("Linear", {"weight": np.eye(2, dtype=np.float32)}),
       "b": ("Linear", {"weight": np.eye(2, dtype=np.float32)}),
       "if": ("IF", {"r": np.ones(2, np.float32), "v_threshold": np.ones(2, np.float32)}),
       "output": ("Output", {"shape": [2]})},
      [["input", "a"], ["a", "b"], ["b", "a"], ["b", "if"], ["if", "output"]])
