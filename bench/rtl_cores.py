#!/usr/bin/python3
"""rtl_cores.py NMEMU W.nmi TICKS REPEAT OUT.csv - W (64 x 64, 20 Hz) on the reference backend
with no, 1 and 16 cores run as Verilated RTL cores (--rtl-cores, with and without --check):
ticks/s of the tick loop (nmemu's rtl-cores line: wall and process CPU time), median of
REPEAT runs. Appends one row per case to OUT.csv (mk/rtl-cores.mk)."""
import csv
import os
import re
import statistics
import subprocess
import sys
import time

nmemu, image, ticks, repeat, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
cases = [('1 RTL core', ['--rtl-cores', '10,12']), ('1 RTL core, --check', ['--rtl-cores', '10,12', '--check']),
         ('16 RTL cores', ['--rtl-cores', '30,30:33,33']),
         ('16 RTL cores, --check', ['--rtl-cores', '30,30:33,33', '--check'])]
rows = []
for label, args in cases:
    wall, cpu = [], []
    for _ in range(repeat):
        r = subprocess.run([nmemu, 'run', image, '--ticks', str(ticks), '--threads', '1'] + args,
                           capture_output=True, text=True)
        if r.returncode:
            sys.exit(f'rtl_cores: {label}: nmemu failed: {r.stderr[-500:]}')
        m = re.search(r'rtl-cores: (\d+) cores .* ([0-9.]+) ticks/s \(([0-9.]+) s wall, ([0-9.]+) s CPU', r.stdout)
        wall.append(ticks / float(m.group(3)))
        cpu.append(ticks / float(m.group(4)))
    w, c = statistics.median(wall), statistics.median(cpu)
    print(f'W {label}: {w:.1f} ticks/s (wall), {c:.1f} ticks/s (CPU time), {ticks} ticks, median of {repeat}')
    rows.append([time.strftime('%Y-%m-%d'), 'W', label, ticks, f'{w:.1f}', f'{c:.1f}', repeat,
                 f'{os.getloadavg()[0]:.1f}'])
fresh = not os.path.exists(out)
with open(out, 'a', newline='') as f:
    wr = csv.writer(f)
    if fresh:
        wr.writerow(['date', 'workload', 'case', 'ticks', 'wall_ticks_per_s', 'cpu_ticks_per_s', 'runs', 'load'])
    wr.writerows(rows)
