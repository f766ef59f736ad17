#!/usr/bin/python3
"""loihi_brian2.py - the Brian2 peer of the Loihi benchmark: workload L (bench/loihi/bench_loihi.c)
run in Brian2 with the same integer equations (docs/loihi-core.md section 5), to compare speed.

usage: loihi_brian2.py PREFIX --steps N [--raster FILE --raster-steps K] [--csv FILE --label L]
                       [--build-dir DIR] [--jobs J]

PREFIX.json and PREFIX.bin come from `bench-loihi --dump PREFIX`: the parameters, every
compartment's initial v, and the network flattened to synapses (source compartment, target
compartment, x, delay), x being the scaled weight of section 4.1 (the dump resolves each
compartment's axon-map entry and the destination axon's synapse list, so Brian2 needs no mesh).

Mapping (one Brian2 time step = one nmemu step; Brian2 step k is nmemu step k + 1):
  * one NeuronGroup of integer variables u, v, r (refractory counter), inp (this step's
    accumulated input), fire; a run_regularly operation in the `groups` slot does the update
    of section 5 exactly, in 32-bit integer arithmetic: the decays as
    (|x| // 4096) * f + ((|x| % 4096) * f) // 4096 (exact, no overflow), u wrapped to 24 bits,
    v clamped to +-(2^23 - 1), strict threshold, refractory countdown first; `fire > 0` is
    the threshold condition;
  * synapses with on_pre `inp_post += x` and delay d * dt: a spike in step k lands in step
    k + d's synapses slot (after its groups slot) and is consumed in step k + d + 1, which is
    nmemu's "fired in step t, enters u in step t + 1 + d".
Timing: code generation and compilation are excluded, and so is the binary's setup (loading
the arrays, creating the synapses, preparing the spike queue): only network.run() counts.
Brian2's own figure (_last_run_time) is std::clock(), i.e. CPU time; wall-clock and CPU time
of network.run() are also measured by code inserted around it and written to
BUILD_DIR/results/nm_times.txt ("wall_s cpu_s"), so the binary can be re-run alone
(cd BUILD_DIR && ./main) for interleaved comparisons (bench/loihi/loihi_ratio.py).
The dendritic accumulators' 24-bit wrap is not modelled: in workload L a compartment gets at
most a few hundred inputs of |x| <= 384 per step, far from 2^23.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('prefix')
    ap.add_argument('--steps', type=int, default=200)
    ap.add_argument('--raster')
    ap.add_argument('--raster-steps', type=int, default=0)
    ap.add_argument('--csv')
    ap.add_argument('--label', default='L')
    ap.add_argument('--build-dir', default='build/peers/brian2-loihi')
    ap.add_argument('--jobs', type=int, default=2)
    args = ap.parse_args()

    with open(args.prefix + '.json') as f:
        p = json.load(f)
    ncores, ncomp, fanin = p['cores'], p['ncomp'], p['fanin']
    n = ncores * ncomp
    raw = np.fromfile(args.prefix + '.bin', dtype=np.int32)
    if raw.size != 2 * n + 4 * n * fanin:
        sys.exit(f'loihi_brian2.py: {args.prefix}.bin holds {raw.size} words, '
                 f'expected {2 * n + 4 * n * fanin} for {ncores} cores x {ncomp} compartments')
    v0 = raw[:2 * n].reshape(n, 2)
    syn = raw[2 * n:].reshape(n * fanin, 4)

    import brian2 as b2
    b2.prefs.logging.std_redirection = False
    b2.set_device('cpp_standalone', directory=args.build_dir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{args.jobs}', '-s']
    b2.defaultclock.dt = 1 * b2.ms

    ns = dict(FU=4095 - p['du'], FV=4096 - p['dv'], BIAS=p['bias'], VTH=p['vth_mant'] << 6,
              REFRACT=p['refract'], VMAX=(1 << 23) - 1)
    g = b2.NeuronGroup(n, '''u : integer
                             v : integer
                             r : integer
                             inp : integer
                             fire : integer''',
                       threshold='fire > 0', reset='', namespace=ns)
    g.run_regularly('''x = inp
                       inp = 0
                       su = int(u > 0) - int(u < 0)
                       au = su * u
                       un = su * ((au // 4096) * FU + ((au % 4096) * FU) // 4096) + x
                       u = ((un + 8388608) % 16777216) - 8388608
                       r1 = r - int(r > 0)
                       sv = int(v > 0) - int(v < 0)
                       av = sv * v
                       vn = sv * ((av // 4096) * FV + ((av % 4096) * FV) // 4096) + u + BIAS
                       vn = vn - (vn - VMAX) * int(vn > VMAX)
                       vn = vn + (-VMAX - vn) * int(vn < -VMAX)
                       refr = int(r1 > 0)
                       fire = (1 - refr) * int(vn > VTH)
                       v = (1 - refr) * (1 - fire) * vn
                       r = fire * REFRACT + (1 - fire) * r1''', when='groups')
    g.v = v0[np.argsort(v0[:, 0]), 1]
    s = b2.Synapses(g, g, 'x : integer (constant)', on_pre='inp_post += x')
    s.connect(i=syn[:, 0], j=syn[:, 1])
    s.x = syn[:, 2]
    s.delay = syn[:, 3] * b2.ms
    mon = b2.SpikeMonitor(g) if args.raster else None
    b2.device.insert_code('before_network_run', '''
        struct timespec nm_w0, nm_c0;
        clock_gettime(CLOCK_MONOTONIC, &nm_w0);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &nm_c0);''')
    b2.device.insert_code('after_network_run', '''
        {
            struct timespec nm_w1, nm_c1;
            clock_gettime(CLOCK_MONOTONIC, &nm_w1);
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &nm_c1);
            std::ofstream nm_f("results/nm_times.txt");
            nm_f.precision(9);
            nm_f << (nm_w1.tv_sec - nm_w0.tv_sec) + 1e-9 * (nm_w1.tv_nsec - nm_w0.tv_nsec) << " "
                 << (nm_c1.tv_sec - nm_c0.tv_sec) + 1e-9 * (nm_c1.tv_nsec - nm_c0.tv_nsec) << std::endl;
        }''')
    net = b2.Network(b2.collect())
    net.run(args.steps * b2.ms)
    t0 = time.time()
    b2.device.build(directory=args.build_dir, compile=True, run=True, clean=False)
    t1 = time.time()
    run_s = float(b2.device._last_run_time)  # std::clock(): CPU seconds
    with open(os.path.join(args.build_dir, 'results', 'nm_times.txt')) as f:
        wall_s, cpu_s = (float(x) for x in f.read().split())
    sps = args.steps / wall_s
    cps = args.steps / cpu_s
    print(f'brian2-loihi {args.label}: {ncores} cores x {ncomp} compartments, {args.steps} steps: '
          f'run {wall_s:.3f} s wall = {sps:.1f} steps/s, {cpu_s:.3f} CPU s = {cps:.1f} steps per CPU second '
          f'(Brian2\'s std::clock figure {run_s:.3f} s; code generation + compile + binary {t1 - t0:.1f} s; '
          f'load average {os.getloadavg()[0]:.2f})')
    if args.raster:
        i, t = np.asarray(mon.i), np.asarray(mon.t / b2.ms).round().astype(np.int64)
        order = np.lexsort((i, t))
        with open(args.raster, 'w') as f:
            for k in order:
                step = int(t[k]) + 1
                if step <= args.raster_steps:
                    f.write(f'{step},{int(i[k])}\n')
    if args.csv:
        new = not os.path.exists(args.csv) or os.path.getsize(args.csv) == 0
        with open(args.csv, 'a') as f:
            if new:
                f.write('label,cores,ncomp,steps,run_s,steps_per_s,cpu_s,steps_per_cpu_s,loadavg\n')
            f.write(f'{args.label},{ncores},{ncomp},{args.steps},{wall_s:.4f},{sps:.2f},{cpu_s:.4f},{cps:.2f},'
                    f'{os.getloadavg()[0]:.2f}\n')
    print(f'peak RSS of the Python process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB')


if __name__ == '__main__':
    main()
