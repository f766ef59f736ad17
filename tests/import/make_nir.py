#!/usr/bin/python3
"""tests/import/make_nir.py - small NIR files for the import tests, written with h5py in the
layout of neuromorphs/NIR (group /node: type "NIRGraph", nodes/, edges).

usage: make_nir.py DIR [SRC_BAD_BRAILLE]
  nested.nir        Input(2) -> NIRGraph 'sub' {input -> lin (Linear) -> if (IF) -> output} -> Output
  bad_type.nir      a node of type 'Conv3d'
  bad_param.nir     an IF without v_threshold
  bad_output.nir    an Output that reads an Affine (no neurons before it)
  bad_edge.nir      an edge to a node that does not exist
  bad_padding.nir   a Conv2d whose padding is the text 'same'
  fixed_braille.nir the bad braille file with its nested edges repaired (when SRC_BAD_BRAILLE given)
"""
import os
import shutil
import sys

import h5py
import numpy as np

STR = h5py.string_dtype()


def put_node(g, name, typ, **params):
    n = g.create_group(name)
    n.create_dataset("type", data=typ, dtype=STR)
    for k, v in params.items():
        if isinstance(v, str):
            n.create_dataset(k, data=v, dtype=STR)
        else:
            n.create_dataset(k, data=np.asarray(v))
    return n


def put_graph(g, nodes, edges):
    g.create_dataset("type", data="NIRGraph", dtype=STR)
    ng = g.create_group("nodes")
    for name, (typ, params) in nodes.items():
        if typ == "NIRGraph":
            sub = ng.create_group(name)
            put_graph(sub, *params)
        else:
            put_node(ng, name, typ, **params)
    g.create_dataset("edges", data=np.array(edges, dtype=object), dtype=STR)


def write(path, nodes, edges):
    with h5py.File(path, "w") as f:
        f.create_dataset("version", data="0.2.0", dtype=STR)
        put_graph(f.create_group("node"), nodes, edges)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    io = lambda n: ("Input", {"shape": n})
    out = lambda n: ("Output", {"shape": n})
    # neuron 0: w = (1, 0.5); neuron 1: w = (-1, 1); thresholds 1, r 1 (worked in run-import-tests)
    sub = ({"input": ("Input", {"shape": [2]}),
            "lin": ("Linear", {"weight": np.array([[1.0, 0.5], [-1.0, 1.0]], dtype=np.float32)}),
            "if": ("IF", {"r": np.ones(2, np.float32), "v_threshold": np.ones(2, np.float32)}),
            "output": ("Output", {"shape": [2]})},
           [["input", "lin"], ["lin", "if"], ["if", "output"]])
    write(os.path.join(d, "nested.nir"),
          {"input": ("Input", {"shape": [2]}), "sub": ("NIRGraph", sub), "output": ("Output", {"shape": [2]})},
          [["input", "sub"], ["sub", "output"]])
    write(os.path.join(d, "bad_type.nir"),
          {"input": ("Input", {"shape": [2]}), "c": ("Conv3d", {"weight": np.ones((1, 1, 1, 1, 1))}),
           "output": ("Output", {"shape": [2]})}, [["input", "c"], ["c", "output"]])
    write(os.path.join(d, "bad_param.nir"),
          {"input": ("Input", {"shape": [2]}), "if": ("IF", {"r": np.ones(2)}), "output": ("Output", {"shape": [2]})},
          [["input", "if"], ["if", "output"]])
    write(os.path.join(d, "bad_output.nir"),
          {"input": ("Input", {"shape": [2]}), "fc": ("Affine", {"weight": np.eye(2), "bias": np.zeros(2)}),
           "output": ("Output", {"shape": [2]})}, [["input", "fc"], ["fc", "output"]])
    write(os.path.join(d, "bad_padding.nir"),
          {"input": io([1, 4, 4]), "conv": ("Conv2d", {"weight": np.ones((1, 1, 3, 3)), "stride": [1, 1], "padding": "same",
                                                       "dilation": [1, 1], "groups": 1, "bias": np.zeros(1)}),
           "if": ("IF", {"r": np.ones((1, 4, 4)), "v_threshold": np.ones((1, 4, 4))}), "output": out([1, 4, 4])},
          [["input", "conv"], ["conv", "if"], ["if", "output"]])
    write(os.path.join(d, "bad_edge.nir"),
          {"input": ("Input", {"shape": [2]}), "if": ("IF", {"r": np.ones(2), "v_threshold": np.ones(2)}),
           "output": ("Output", {"shape": [2]})}, [["input", "if"], ["if", "outptu"]])
    # every other node type parses; TrueNorth-mode lowering takes some, names why not the others
    write(os.path.join(d, "li.nir"),
          {"input": io([2]), "fc": ("Affine", {"weight": np.eye(2), "bias": np.zeros(2)}),
           "li": ("LI", {"tau": np.ones(2) * 1e-3, "r": np.ones(2), "v_leak": np.zeros(2)}), "output": out([2])},
          [["input", "fc"], ["fc", "li"], ["li", "output"]])
    write(os.path.join(d, "cubali.nir"),
          {"input": io([2]), "li": ("CubaLI", {"tau_mem": np.ones(2), "tau_syn": np.ones(2), "r": np.ones(2),
                                                "v_leak": np.zeros(2)}), "output": out([2])},
          [["input", "li"], ["li", "output"]])
    write(os.path.join(d, "threshold.nir"),
          {"input": io([2]), "t": ("Threshold", {"threshold": np.ones(2)}), "output": out([2])},
          [["input", "t"], ["t", "output"]])
    write(os.path.join(d, "delay.nir"),
          {"input": io([2]), "dl": ("Delay", {"delay": np.ones(2)}), "if": ("IF", {"r": np.ones(2), "v_threshold": np.ones(2)}),
           "output": out([2])}, [["input", "dl"], ["dl", "if"], ["if", "output"]])
    # Conv1d, AvgPool2d, Scale, Flatten, Linear lower: (1, 4, 4) -> AvgPool2d 2x2 -> Scale 2 -> Flatten ->
    # Linear 4 -> 3 -> IF; and (2, 6) -> Conv1d 2 -> 3 (k 3) -> IF
    write(os.path.join(d, "pool_scale.nir"),
          {"input": io([1, 4, 4]), "pool": ("AvgPool2d", {"kernel_size": [2, 2], "stride": [2, 2], "padding": [0, 0]}),
           "scale": ("Scale", {"scale": np.full((1, 2, 2), 2.0)}), "flat": ("Flatten", {"start_dim": 0, "end_dim": -1}),
           "lin": ("Linear", {"weight": np.arange(12, dtype=float).reshape(3, 4) / 12}),
           "if": ("IF", {"r": np.ones(3), "v_threshold": np.ones(3)}), "output": out([3])},
          [["input", "pool"], ["pool", "scale"], ["scale", "flat"], ["flat", "lin"], ["lin", "if"], ["if", "output"]])
    write(os.path.join(d, "conv1d.nir"),
          {"input": io([2, 6]), "conv": ("Conv1d", {"weight": np.ones((3, 2, 3)) * 0.25, "stride": [1], "padding": [0],
                                                    "dilation": [1], "groups": 1, "bias": np.zeros(3),
                                                    "input_shape": [6]}),
           "if": ("IF", {"r": np.ones((3, 4)), "v_threshold": np.ones((3, 4))}), "output": out([3, 4])},
          [["input", "conv"], ["conv", "if"], ["if", "output"]])
    if len(sys.argv) > 2:
        dst = os.path.join(d, "fixed_braille.nir")
        shutil.copy(sys.argv[2], dst)
        os.chmod(dst, 0o644)
        with h5py.File(dst, "r+") as f:
            e = f["node/nodes/lif1/edges"]
            fixed = [[s.decode().replace("lif", "lif1") if s.decode() == "lif" else s.decode() for s in row]
                     for row in e[()]]
            del f["node/nodes/lif1/edges"]
            f["node/nodes/lif1"].create_dataset("edges", data=np.array(fixed, dtype=object), dtype=STR)


if __name__ == "__main__":
    main()
