#!/usr/bin/python3
"""loihi_ratio.py - nmemu's Loihi chip model against Brian2 on workload L, interleaved: runs
the model (bench-loihi, on 1 and on 2 threads) and the already built Brian2 binary
(loihi_brian2.py --build-dir DIR) in turn, ROUNDS times, and reports the medians of the
rates and of the per-round ratios. On a shared machine the load changes from minute to
minute; interleaving puts both under the same load, and CPU time (steps per CPU second)
is the fairer figure: Brian2's own run time is CPU time (std::clock()).

usage: loihi_ratio.py --bench BIN --brian-dir DIR --brian-steps N [--rounds R] [--steps S]
                      [--threads T ...] [--before BIN] [--csv FILE] [--label L]
--before BIN adds an older bench-loihi (one thread, no --threads option) to every round, for
a before/after table measured in one run.
The Brian2 binary's step count is the one it was built with (its results/nm_times.txt gives
wall and CPU seconds of network.run()); the model's network is bench-loihi's default
(workload L, seed 1), the same network the Brian2 binary was built from (--dump).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys


def run_model(bench, steps, threads):
    cmd = [bench, '--steps', str(steps)] + (['--threads', str(threads)] if threads else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    m = re.search(r'([0-9.]+) steps/s \(([0-9.]+) per CPU second\)', out)
    if not m:
        sys.exit(f'loihi_ratio.py: cannot read the rate from: {out}')
    return float(m.group(1)), float(m.group(2))


def run_brian2(bdir, steps):
    subprocess.run(['./main'], cwd=bdir, check=True, capture_output=True)
    with open(os.path.join(bdir, 'results', 'nm_times.txt')) as f:
        wall, cpu = (float(x) for x in f.read().split())
    return steps / wall, steps / cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bench', required=True)
    ap.add_argument('--brian-dir', required=True)
    ap.add_argument('--brian-steps', type=int, required=True, help='the steps the Brian2 binary was built for')
    ap.add_argument('--rounds', type=int, default=5)
    ap.add_argument('--steps', type=int, default=2000)
    ap.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    ap.add_argument('--before')
    ap.add_argument('--csv')
    ap.add_argument('--label', default='L')
    args = ap.parse_args()

    rows = {'nmemu before, 1t': []} if args.before else {}
    rows.update({f'nmemu {t}t': [] for t in args.threads})
    rows['brian2'] = []
    for r in range(args.rounds):
        if args.before:
            rows['nmemu before, 1t'].append(run_model(args.before, args.steps, 0))
        for t in args.threads:
            rows[f'nmemu {t}t'].append(run_model(args.bench, args.steps, t))
        rows['brian2'].append(run_brian2(args.brian_dir, args.brian_steps))
        print(f'round {r + 1}: ' + ', '.join(f'{k} {v[-1][0]:.0f}/s wall {v[-1][1]:.0f}/s CPU'
                                             for k, v in rows.items()), flush=True)
    b = rows['brian2']
    med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for k, v in rows.items()}
    print(f'loihi_ratio {args.label}: medians of {args.rounds} interleaved rounds '
          f'(load average {os.getloadavg()[0]:.1f})')
    print('| backend | steps/s (wall) | steps per CPU second | ratio to Brian2, wall | ratio, CPU |')
    print('|---|---|---|---|---|')
    for k, v in rows.items():
        rw = statistics.median(v[i][0] / b[i][0] for i in range(args.rounds))
        rc = statistics.median(v[i][1] / b[i][1] for i in range(args.rounds))
        print(f'| {k} | {med[k][0]:.0f} | {med[k][1]:.0f} | {rw:.1f}x | {rc:.1f}x |')
    if args.csv:
        new = not os.path.exists(args.csv) or os.path.getsize(args.csv) == 0
        with open(args.csv, 'a') as f:
            if new:
                f.write('label,backend,rounds,steps_per_s,steps_per_cpu_s,ratio_wall,ratio_cpu,loadavg\n')
            for k, v in rows.items():
                rw = statistics.median(v[i][0] / b[i][0] for i in range(args.rounds))
                rc = statistics.median(v[i][1] / b[i][1] for i in range(args.rounds))
                f.write(f'{args.label},{k},{args.rounds},{med[k][0]:.1f},{med[k][1]:.1f},{rw:.2f},{rc:.2f},'
                        f'{os.getloadavg()[0]:.2f}\n')


if __name__ == '__main__':
    main()
