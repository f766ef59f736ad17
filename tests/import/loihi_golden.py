#!/usr/bin/python3
"""loihi_golden.py - the NIR LIF golden traces through `nmemu import nir --target loihi` and a run.

Imports tests/data/nir/lif_norse.nir (the graph behind tests/data/nir/01_lif/) with the mapping of
docs/loihi-core.md section 12 spelled as importer flags (--dt 1e-4 --v-scale 16384 --wgt-exp 0),
checks the lowered numbers against the ones worked by hand there, runs the image on the reference
chip with the CSV's input column, and compares all 1,000 rows: v in the state view with
lif_lava_cpu_fixed.csv, v in the hardware view with lif_lava_loihi_fixed.csv, spikes with both.
Usage: loihi_golden.py NMEMU PROBE WORKDIR [DATADIR]. Exit 0 when every row of both files matches.
"""
import csv
import json
import os
import subprocess
import sys

nmemu, probe, work = sys.argv[1:4]
data = sys.argv[4] if len(sys.argv) > 4 else "tests/data/nir"
os.makedirs(work, exist_ok=True)
j = lambda n: os.path.join(work, n)

subprocess.run([nmemu, "import", "nir", os.path.join(data, "lif_norse.nir"), "--dt", "1e-4", "--v-scale", "16384",
                "--wgt-exp", "0", "-o", j("lif.json"), "--neuron-map", j("lif_neurons.csv")],
               check=True, stdout=subprocess.DEVNULL)
subprocess.run([nmemu, "import", "nir", os.path.join(data, "lif_norse.nir"), "--dt", "1e-4", "--v-scale", "16384",
                "--wgt-exp", "0", "-o", j("lif.nmi"), "--input-map", j("lif_inputs.csv")],
               check=True, stdout=subprocess.DEVNULL)

# The numbers of docs/loihi-core.md section 12, by hand: dt/tau = 1e-4 / 2.5e-3 = 0.04;
# DV = int(0.04 * 4096) = int(163.84) = 163; DU = 4095 (LIF: u is this step's input);
# VTH_MANT = floor(0.1 * 16384 / 64) = floor(25.6) = 25; weight round(0.04 * 16384 / 64) = round(10.24) = 10,
# excitatory, wgt_exp 0.
net = json.load(open(j("lif.json")))
core = net["cores"][0]
want = {"du": 4095, "dv": 163, "refract_delay": 1}
assert core["decay_profiles"] == [want], core["decay_profiles"]
assert core["threshold_profiles"] == [{"vth_mant": 25}], core["threshold_profiles"]
assert core["synapse_formats"] == [{"weight_bits": 8, "sign_mode": "excitatory", "wgt_exp": 0}]
assert core["axons"] == [{"format": 0, "synapses": [{"compartment": 0, "weight": 10, "delay": 0}]}], core["axons"]

imap = [r for r in csv.DictReader(l for l in open(j("lif_inputs.csv")) if not l.startswith("#"))]
assert len(imap) == 1 and imap[0]["tick_offset"] == "1", imap


def rows(name):
    return [[float(x) for x in l.split(",")] for l in open(os.path.join(data, "01_lif", name)) if l.strip()]


cpu, hw = rows("lif_lava_cpu_fixed.csv"), rows("lif_lava_loihi_fixed.csv")
assert len(cpu) == 1000 and len(hw) == 1000
# Lava's trace shows row r's input in v at row r + 1 (its input process sends through one more
# hop), so row r's input is graph step r + 1: host spike at tick r + 1 + tick_offset. Row r is
# compared with the chip after step r + 1.
with open(j("lif_spikes_in.csv"), "w") as f:
    for r, row in enumerate(cpu):
        if row[0]:
            f.write("%d,%s,%s,%s\n" % (r + 1 + int(imap[0]["tick_offset"]), imap[0]["x"], imap[0]["y"], imap[0]["axon"]))
subprocess.run([probe, j("lif.nmi"), j("lif_neurons.csv"), j("lif_spikes_in.csv"), "1000", j("lif_probe.csv")],
               check=True)
chip = list(csv.DictReader(open(j("lif_probe.csv"))))
assert len(chip) == 1000
ok = 0
for name, ref, col in (("lif_lava_cpu_fixed.csv", cpu, "v"), ("lif_lava_loihi_fixed.csv", hw, "vhw")):
    match, first = 0, None
    for r in range(1000):
        good = int(chip[r][col]) == int(ref[r][1]) and int(chip[r]["spike"]) == int(ref[r][2])
        match += good
        if not good and first is None:
            first = (r, chip[r][col], chip[r]["spike"], ref[r][1], ref[r][2])
    print("import nir --target loihi, lif_norse.nir: %s %d/1000 rows (v %s view and spikes)%s" %
          (name, match, "state" if col == "v" else "hardware",
           "" if first is None else "; first mismatch row %d: chip v %s spike %s, file v %s spike %s" % first))
    ok += match == 1000
spikes = sum(int(c["spike"]) for c in chip)
print("chip spikes: %d (file: %d)" % (spikes, int(sum(r[2] for r in cpu))))
sys.exit(0 if ok == 2 else 1)
