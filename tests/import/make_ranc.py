#!/usr/bin/python3
"""tests/import/make_ranc.py - a RANC network built by hand in RANC's memory-file format
(the layout rancutils' write_cores / output_for_testbench write and Core.v reads), for
`nmemu import ranc`. Grid 3 x 1: cores 0 and 1, the output bus in slot (2, 0).

usage: make_ranc.py DIR [bad|negthr|posfloor|tick15]

Core 0 (csram_000.mem): axon 0 type 0, axon 1 type 1.
  neuron 0: synapse from axon 0; weights (2, 0, 0, 0); leak 0; thresholds +3 / 0; hard reset
            to 0; destination dx +1 (core 1), axon 5, delivery tick 0.
  neuron 1: synapses from axons 1 and 2 (types 1 and 0); weights (4, -5, 0, 0); thresholds
            +3 / -3; reset potential 1, hard reset; destination core 1 axon 6, tick 0.
            Tick 0: -5 < -3 -> reset to -R = -1. Tick 1: -1 + 4 = 3 >= 3: fires. (Without the
            negative reset, -5 + 4 = -1; saturating at -3 instead, 1: no spike either way.)
  neuron 2: no synapse; leak +1; thresholds +4 / 0; linear reset; destination core 1 axon 6,
            tick 2.
Core 1 (csram_001.mem): axon 5 and 6 type 0.
  neuron 0: synapses from axons 5 and 6; weights (1, ...); thresholds +1 / 0; destination
            dx +1 -> (2, 0), the output bus, axon 7, tick 0.
Inputs (tb_input.txt, tb_num_inputs.txt): group 0: core 0 axons 0 and 1; group 1: core 0
axons 0 and 2 (tick field 0 each). `bad` writes a CSRAM line one bit short; `negthr` gives
core 0 neuron 0 a positive threshold of -1, `posfloor` a negative threshold of +2, `tick15`
a delivery tick of 15: things nmemu refuses (docs/import.md).
"""
import os
import sys

NA = 256


def s(v, w):
    """w-bit two's complement, MSB first."""
    return format(v & ((1 << w) - 1), "0%db" % w)


def neuron(syn, V=0, R=0, w=(0, 0, 0, 0), leak=0, pos=1, neg=0, mode=0, dx=0, dy=0, axon=0, tick=0):
    conns = "".join("1" if a in syn else "0" for a in reversed(range(NA)))
    return (conns + s(V, 9) + s(R, 9) + "".join(s(x, 9) for x in w) + s(leak, 9) + s(pos, 9) + s(neg, 9) +
            s(mode, 1) + s(dx, 9) + s(dy, 9) + s(axon, 8) + s(tick, 4))


def core_file(path, neurons):
    default = neuron(set())
    lines = neurons + [default] * (NA - len(neurons))
    with open(path, "w") as f:
        f.write("".join(l + "\n" for l in lines))


def tc_file(path, types):
    with open(path, "w") as f:
        for a in range(NA):
            f.write(s(types.get(a, 0), 2) + "\n")


def main():
    d = sys.argv[1]
    variant = sys.argv[2] if len(sys.argv) > 2 else ""
    bad = variant == "bad"
    os.makedirs(d, exist_ok=True)
    c0 = [neuron({0}, w=(2, 0, 0, 0), pos=3, neg=0, R=0, dx=1, axon=5, tick=0),
          neuron({1, 2}, w=(4, -5, 0, 0), pos=3, neg=-3, R=1, dx=1, axon=6, tick=0),
          neuron(set(), leak=1, pos=4, neg=0, mode=1, dx=1, axon=6, tick=2)]
    if bad:
        c0[0] = c0[0][:-1]
    if variant == "negthr":
        c0[0] = neuron({0}, w=(2, 0, 0, 0), pos=-1, neg=0, dx=1, axon=5)
    if variant == "posfloor":
        c0[0] = neuron({0}, w=(2, 0, 0, 0), pos=3, neg=2, dx=1, axon=5)
    if variant == "tick15":
        c0[0] = neuron({0}, w=(2, 0, 0, 0), pos=3, neg=0, dx=1, axon=5, tick=15)
    core_file(os.path.join(d, "csram_000.mem"), c0)
    tc_file(os.path.join(d, "tc_000.mem"), {0: 0, 1: 1})
    core_file(os.path.join(d, "csram_001.mem"), [neuron({5, 6}, w=(1, 0, 0, 0), pos=1, neg=0, dx=1, axon=7)])
    tc_file(os.path.join(d, "tc_001.mem"), {})
    # the output bus slot: rancutils writes a default core there too
    core_file(os.path.join(d, "csram_002.mem"), [])
    tc_file(os.path.join(d, "tc_002.mem"), {})
    pk = lambda dx, dy, axon, tick: s(dx, 9) + s(dy, 9) + s(axon, 8) + s(tick, 4)
    with open(os.path.join(d, "tb_input.txt"), "w") as f:
        f.write("\n".join([pk(0, 0, 0, 0), pk(0, 0, 1, 0), pk(0, 0, 0, 0), pk(0, 0, 2, 0)]))
    with open(os.path.join(d, "tb_num_inputs.txt"), "w") as f:
        f.write("2\n2\n")


if __name__ == "__main__":
    main()
