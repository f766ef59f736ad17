"""nir_io.py - write and read the digits network as NIR (HDF5, python3-h5py), in the layout of the
NIR reference files (neuromorphs/NIR; ../shared/golden/nir): /version, /node/type = "NIRGraph",
/node/nodes/<name>/{type, parameters...}, /node/edges (n, 2) of names.

The graph: input (Input, shape [64]) -> fc (Affine: weight (10, 64), bias (10)) -> lif (IF: r,
v_threshold (10)) -> output (Output, shape [10]). Time step: one chip tick. The float file holds
the trained weights (inputs x/16 per step, threshold 1); the TrueNorth file holds what the chip
runs: integer weights -8..7, bias = the leak lambda per tick, v_threshold = alpha. Not recorded by
NIR 0.1.1, so an importer takes them as flags: the neurons reset by subtraction (--reset subtract),
and the chip fires at V >= alpha where NIR's IF (neuromorphs/NIR nir/ir/neuron.py) writes
v > v_threshold."""
import h5py
import numpy as np

NIR_VERSION = "0.1.1"  # what the golden files carry


def _str(g, name, value):
    g.create_dataset(name, data=value, dtype=h5py.string_dtype())


def write(path, weight, bias, v_threshold, r=None):
    weight = np.asarray(weight, dtype=np.float32)
    nout, nin = weight.shape
    with h5py.File(path, "w") as f:
        _str(f, "version", NIR_VERSION)
        node = f.create_group("node")
        _str(node, "type", "NIRGraph")
        nodes = node.create_group("nodes")
        g = nodes.create_group("input")
        _str(g, "type", "Input")
        g.create_dataset("shape", data=np.array([nin], dtype=np.int64))
        g = nodes.create_group("fc")
        _str(g, "type", "Affine")
        g.create_dataset("weight", data=weight)
        g.create_dataset("bias", data=np.asarray(bias, dtype=np.float32))
        g = nodes.create_group("lif")
        _str(g, "type", "IF")
        g.create_dataset("r", data=np.asarray(r if r is not None else np.ones(nout), dtype=np.float32))
        g.create_dataset("v_threshold", data=np.broadcast_to(np.asarray(v_threshold, dtype=np.float32), (nout,)))
        g = nodes.create_group("output")
        _str(g, "type", "Output")
        g.create_dataset("shape", data=np.array([nout], dtype=np.int64))
        edges = np.array([["input", "fc"], ["fc", "lif"], ["lif", "output"]], dtype=object)
        node.create_dataset("edges", data=edges, dtype=h5py.string_dtype())


def _s(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def read_affine_if(path):
    """Read back a graph Input -> Affine -> IF -> Output (what write() makes, or any NIR file of
    that shape): (weight, bias, r, v_threshold). Anything else raises ValueError naming the node."""
    with h5py.File(path, "r") as f:
        if _s(f["node/type"][()]) != "NIRGraph":
            raise ValueError("%s: /node/type is not NIRGraph" % path)
        nodes = f["node/nodes"]
        types = {name: _s(nodes[name]["type"][()]) for name in nodes}
        edges = [(_s(a), _s(b)) for a, b in f["node/edges"][()]]
        nxt = dict(edges)
        chain, cur = [], next(n for n, t in types.items() if t == "Input")
        while cur in nxt:
            chain.append(cur)
            cur = nxt[cur]
        chain.append(cur)
        want = ["Input", "Affine", "IF", "Output"]
        got = [types[n] for n in chain]
        if got != want:
            raise ValueError("%s: graph is %s, this example reads %s" % (path, " -> ".join(got), " -> ".join(want)))
        fc, lif = nodes[chain[1]], nodes[chain[2]]
        return (np.array(fc["weight"]), np.array(fc["bias"]), np.array(lif["r"]), np.array(lif["v_threshold"]))
