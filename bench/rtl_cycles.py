#!/usr/bin/python3
"""bench/rtl_cycles.py NMEMU OUT.csv [TICKS] - the RTL's cycles per tick against a
dense-scan core.

A dense-scan core (RANC, and TrueNorth's own core) reads every synapse of every neuron
each tick: 256 neurons x 258 cycles = 66,048 cycles per tick whatever the activity. The
nmemu core is event-driven (docs/neuron-model.md s8): 2 + 4N + events + spikes. This runs
Merolla's benchmark network on the 4 x 4 RTL chip at 2 and 15 percent of neurons firing
per tick (20 and 150 Hz at 1 kHz) and compares, per core and for the chip's tick.
"""
import json
import os
import subprocess
import sys
import tempfile

DENSE = 256 * 258


def main():
    nmemu, out = sys.argv[1], sys.argv[2]
    ticks = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for pct, rate in ((2, 20), (15, 150)):
            img, rep = os.path.join(d, 'm.nmi'), os.path.join(d, 'r.json')
            subprocess.run([nmemu, 'gen', 'merolla', '--mesh', '4x4', '--rate', str(rate), '-o', img],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run([nmemu, 'run', img, '--backend', 'rtl', '--ticks', str(ticks), '--report', rep],
                           check=True, stdout=subprocess.DEVNULL)
            with open(rep) as f:
                r = json.load(f)
            cores = len(r['cores'])
            busy = r['counters']['busy_cycles'] / (cores * ticks)
            fired = r['counters']['spikes'] / (cores * 256 * ticks) * 100
            chip = r['cycles_per_tick']['mean']
            rows.append((f'W-4x4-{pct}pct', fired, busy, chip, DENSE, DENSE / busy, DENSE / chip))
    new = not os.path.exists(out) or os.path.getsize(out) == 0
    with open(out, 'a') as f:
        if new:
            f.write('workload,fired_pct,rtl_core_cycles_per_tick,rtl_chip_cycles_per_tick,dense_scan_cycles,'
                    'ratio_core,ratio_chip\n')
        for row in rows:
            f.write('%s,%.2f,%.1f,%.1f,%d,%.1f,%.1f\n' % row)
    for row in rows:
        print('%-16s %5.2f %% fired: RTL core %7.1f cycles/tick, chip tick %7.1f; dense scan %d: %.1fx / %.1fx'
              % row)


if __name__ == '__main__':
    main()
