#!/usr/bin/python3
"""lrtl_cores.py NMEMU WORKDIR STEPS REPEAT OUT.csv - --rtl-cores on a Loihi image of the default
(Loihi 1) geometry: workload L (bench/loihi/bench_loihi.c) shrunk to 8 x 8 cores, written as a
network description (docs/loihi-network-format.md) and compiled into WORKDIR/L-8x8.nmi; then
nmemu run with no, 1 and 16 cores run as Verilated Loihi cores (with and without --check): steps/s
of the step loop (nmemu's rtl-cores line: wall and process CPU time; for the model alone, which
prints no such line, a run of STEPS steps less a run of 1 step, wall and CPU time of the child,
over STEPS - 1 steps), median of REPEAT runs. The first run builds the default-geometry core into the
cache if it is missing (minutes; not timed: the step loop is). Appends one row per case to OUT.csv
(mk/loihi-verif.mk, make bench-lrtl-cores).

Workload L per core, as bench_loihi.c builds it: 1,024 compartments, decay profile 0 (DU 2048,
DV 64, REFRACT 1), threshold VTH_MANT 100, bias 640, initial v uniform in [0, 6400); input axons
0 .. 1023 with 16 synapses each to uniform random compartments of the core, weight mantissa
uniform in -24 .. 24 (format 0: mixed, 8 bits, WGT_EXP -3), delay 0 .. 7; each compartment one
output, the chip's outputs a random permutation of its input axons. The random draws are
Python's (seed 1), not bench_loihi.c's splitmix64: the same rules, not the same network."""
import csv
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time

MX, MY, NCOMP, FANIN = 8, 8, 1024, 16


def write_network(path):
    rnd = random.Random(1)
    ncores = MX * MY
    perm = list(range(ncores * NCOMP))
    rnd.shuffle(perm)
    cores = []
    for i in range(ncores):
        x, y = i % MX, i // MX
        comps = []
        for n in range(NCOMP):
            d = perm[i * NCOMP + n]
            dc = d // NCOMP
            comps.append({'decay_profile': 0, 'threshold_profile': 0, 'bias_mant': 640, 'bias_exp': 0,
                          'v': rnd.randrange(6400), 'outputs': [{'core': [dc % MX, dc // MX], 'axon': d % NCOMP}]})
        axons = [{'format': 0, 'synapses': [{'compartment': rnd.randrange(NCOMP), 'weight': 2 * (rnd.randrange(49) - 24),
                                              'delay': rnd.randrange(8)} for _ in range(FANIN)]}
                 for _ in range(NCOMP)]
        cores.append({'x': x, 'y': y, 'decay_profiles': [{'du': 2048, 'dv': 64, 'refract_delay': 1}],
                      'threshold_profiles': [{'vthMant': 100}],
                      'synapse_formats': [{'weight_bits': 8, 'sign_mode': 'mixed', 'wgt_exp': -3}],
                      'compartments': comps, 'axons': axons})
    with open(path, 'w') as f:
        json.dump({'core_type': 'loihi', 'mesh': [MX, MY], 'geometry': 'default', 'cores': cores}, f,
                  separators=(',', ':'))


def timed_run(nmemu, image, steps, args):
    """Run nmemu; (wall s, child CPU s, stdout)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    r = subprocess.run([nmemu, 'run', image, '--ticks', str(steps)] + args, capture_output=True, text=True)
    t1 = time.monotonic()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode:
        sys.exit(f'lrtl_cores: nmemu run --ticks {steps} {" ".join(args)} failed: {r.stderr[-800:]}')
    return t1 - t0, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime), r.stdout


def main():
    nmemu, work, steps, repeat, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    os.makedirs(work, exist_ok=True)
    image = os.path.join(work, 'L-8x8.nmi')
    if not os.path.exists(image):
        src = os.path.join(work, 'L-8x8.json')
        write_network(src)
        subprocess.run([nmemu, 'compile', src, '-o', image], check=True)
    # build the default-geometry core ahead (not timed)
    r = subprocess.run([nmemu, 'run', image, '--ticks', '1', '--rtl-cores', '0,0'], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f'lrtl_cores: building/loading the default-geometry core failed: {r.stderr[-800:]}')
    cases = [('no RTL core (model only)', []), ('1 RTL core (3,4)', ['--rtl-cores', '3,4']),
             ('1 RTL core, --check', ['--rtl-cores', '3,4', '--check']),
             ('16 RTL cores (2,2:5,5)', ['--rtl-cores', '2,2:5,5']),
             ('16 RTL cores, --check', ['--rtl-cores', '2,2:5,5', '--check'])]
    rows = []
    for label, args in cases:
        wall, cpu = [], []
        for _ in range(repeat):
            if not args:  # the model alone: STEPS steps less 1 step (loading cancels out)
                w1, c1 = timed_run(nmemu, image, steps, args)[:2]
                w0, c0 = timed_run(nmemu, image, 1, args)[:2]
                wall.append((steps - 1) / (w1 - w0))
                cpu.append((steps - 1) / (c1 - c0))
                continue
            out_text = timed_run(nmemu, image, steps, args)[2]
            m = re.search(r'rtl-cores: \d+ Loihi-style cores .* ([0-9.]+) steps/s \(([0-9.]+) s wall, ([0-9.]+) s CPU',
                          out_text)
            if not m:
                sys.exit(f'lrtl_cores: {label}: no rtl-cores line in: {out_text[-800:]}')
            wall.append(steps / float(m.group(2)))
            cpu.append(steps / float(m.group(3)))
        w = statistics.median(wall)
        c = statistics.median(cpu)
        print(f'L-8x8 (default geometry) {label}: {w:.1f} steps/s (wall), {c:.1f} steps/s (CPU time), '
              f'{steps} steps, median of {repeat}', flush=True)
        rows.append([time.strftime('%Y-%m-%d'), 'L-8x8-default', label, steps, f'{w:.1f}', f'{c:.1f}', repeat,
                     f'{os.getloadavg()[0]:.1f}'])
    fresh = not os.path.exists(out)
    with open(out, 'a', newline='') as f:
        wr = csv.writer(f)
        if fresh:
            wr.writerow(['date', 'workload', 'case', 'steps', 'wall_steps_per_s', 'cpu_steps_per_s', 'runs', 'load'])
        wr.writerows(rows)


if __name__ == '__main__':
    main()
