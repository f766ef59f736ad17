#!/usr/bin/python3
"""rtl_speed.py RUNS.csv OUT.csv - the Verilated chip before and after (mk/rtl-speed.mk):
the median over rounds of each build's cycles/s per workload, the speed-up, and a check
that both builds simulated exactly the same thing (equal fingerprints). Appends to OUT."""
import csv
import os
import statistics
import sys
import time


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    loads = sorted({r['workload'] for r in rows})
    out = []
    ok = True
    for w in loads:
        fps = {r['fingerprint'] for r in rows if r['workload'] == w}
        if len(fps) != 1:
            print(f'rtl_speed: {w}: the builds differ (fingerprints {sorted(fps)})', file=sys.stderr)
            ok = False
        med = {}
        for b in ('base', 'fast'):
            rs = [r for r in rows if r['workload'] == w and r['label'] == b]
            med[b] = (statistics.median(float(r['wall_cycles_per_s']) for r in rs),
                      statistics.median(float(r['cpu_cycles_per_s']) for r in rs))
        cyc = [r['cycles'] for r in rows if r['workload'] == w][0]
        print(f'{w}: base {med["base"][1]:,.0f} cycles/s (CPU time; wall {med["base"][0]:,.0f}), '
              f'fast {med["fast"][1]:,.0f} (wall {med["fast"][0]:,.0f}): {med["fast"][1] / med["base"][1]:.2f}x '
              f'(CPU), {med["fast"][0] / med["base"][0]:.2f}x (wall); {cyc} cycles, same results: {len(fps) == 1}')
        out.append([time.strftime('%Y-%m-%d'), w, cyc, f'{med["base"][1]:.0f}', f'{med["fast"][1]:.0f}',
                    f'{med["base"][0]:.0f}', f'{med["fast"][0]:.0f}', f'{med["fast"][1] / med["base"][1]:.2f}',
                    f'{os.getloadavg()[0]:.1f}', int(len(fps) == 1)])
    fresh = not os.path.exists(sys.argv[2])
    with open(sys.argv[2], 'a', newline='') as f:
        wr = csv.writer(f)
        if fresh:
            wr.writerow(['date', 'workload', 'cycles', 'base_cpu_cycles_per_s', 'fast_cpu_cycles_per_s',
                         'base_wall_cycles_per_s', 'fast_wall_cycles_per_s', 'speedup_cpu', 'load', 'identical'])
        wr.writerows(out)
    sys.exit(0 if ok else 1)


main()
