#!/usr/bin/python3
"""run_icarus.py - the same RTL, the same network, the same stimulus on Icarus Verilog and
on the Verilated chip; speed of each and whether they agree (docs/peers.md).

  1. nmi2apb: the image (and spike program) as APB writes and tick commands
  2. iverilog: rtl/*.v + bench/icarus/tb_chip.v; vvp replays the commands, timed per phase
     from its PHASE lines (load: the APB writes of the image; ticks: the tick commands)
  3. vl-replay: the same commands on the Verilated chip, cycle for cycle
  4. the two logs (every tick's LAST_CYCLES and drained off-chip packets, every core and
     router counter at the end, the total cycle count) must be identical
  5. nmemu run --backend rtl --report: the tick cycles it reports (its harness starts
     ticks with the tick pin, not over APB) must equal the sum of LAST_CYCLES; with host
     spikes (--input) nmemu also counts the cycles a tick request waits for them to land,
     so there it is only reported
Appends one row to --csv.
"""
import argparse
import glob
import json
import os
import re
import socket
import subprocess
import sys
import time


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit(f'run_icarus: {cmd[0]} failed (exit {r.returncode})')
    return r


def mesh_of(image):
    with open(image, 'rb') as f:
        h = f.read(16)
    return int.from_bytes(h[8:10], 'little'), int.from_bytes(h[10:12], 'little')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('image')
    ap.add_argument('--ticks', type=int, default=100)
    ap.add_argument('--input')
    ap.add_argument('--out-dir', default='build/peers/icarus')
    ap.add_argument('--build', default='build', help='the build directory (nmemu, nmi2apb, vl-replay)')
    ap.add_argument('--csv')
    ap.add_argument('--label', default='')
    args = ap.parse_args()
    load_start = os.getloadavg()[0]  # other work on the machine skews the timing: recorded
    b = args.build
    os.makedirs(args.out_dir, exist_ok=True)
    mx, my = mesh_of(args.image)
    inp = ['--input', args.input] if args.input else []
    cmds = os.path.join(args.out_dir, 'cmds.hex')
    run([f'{b}/bench/nmi2apb', args.image, '-o', cmds, '--ticks', str(args.ticks)] + inp)
    with open(cmds) as f:
        ncmds = sum(1 for _ in f)

    # Icarus: compile, then run with timestamps on the PHASE lines
    vvp = os.path.join(args.out_dir, 'tb_chip.vvp')
    rtl = sorted(glob.glob('rtl/*.v'))
    t = time.time()
    run(['iverilog', '-g2005', '-Irtl', '-Iregmap', '-s', 'tb_chip', f'-Ptb_chip.Depth={ncmds}', f'-Ptb_chip.MeshX={mx}',
         f'-Ptb_chip.MeshY={my}', '-o', vvp] + rtl + ['bench/icarus/tb_chip.v'])
    iv_compile = time.time() - t
    iv_lines, stamps = [], {}
    t0 = time.time()
    p = subprocess.Popen(['vvp', '-n', vvp, f'+cmds={cmds}'], stdout=subprocess.PIPE, text=True, bufsize=1)
    for line in p.stdout:
        if line.startswith('PHASE'):
            stamps[line.split()[1]] = (time.time(), int(line.split()[2]) if len(line.split()) > 2 else 0)
        elif line.startswith(('TICK', 'READ', 'TOTAL')):
            iv_lines.append(line)
        elif line.startswith('FATAL'):
            sys.stderr.write(line)
    p.wait()
    iv_total = time.time() - t0
    if p.returncode or 'TOTAL' not in ''.join(iv_lines[-1:]):
        raise SystemExit('run_icarus: the Icarus testbench did not finish')
    with open(os.path.join(args.out_dir, 'icarus.log'), 'w') as f:
        f.writelines(iv_lines)
    iv_load = stamps['loaded'][0] - stamps['start'][0]
    iv_ticks = stamps['ticked'][0] - stamps['loaded'][0]
    load_cycles, tick_cycles_all = stamps['loaded'][1], stamps['ticked'][1]

    # Verilator: the same commands
    t = time.time()
    r = run([f'{b}/bench/vl-replay', cmds])
    vl_total = time.time() - t
    vl_lines = r.stdout.splitlines(keepends=True)
    with open(os.path.join(args.out_dir, 'verilator.log'), 'w') as f:
        f.writelines(vl_lines)
    m = re.search(r'TIMING load ([\d.]+) s (\d+) cycles; ticks ([\d.]+) s (\d+) cycles', r.stderr)
    vl_load, vl_load_cyc, vl_ticks, vl_tick_cyc = float(m[1]), int(m[2]), float(m[3]), int(m[4])
    logs_match = iv_lines == vl_lines and vl_load_cyc == load_cycles and vl_tick_cyc == tick_cycles_all
    total_cycles = int(iv_lines[-1].split()[2])
    ticks_sum = sum(int(x.split()[2]) for x in iv_lines if x.startswith('TICK'))

    # nmemu's own RTL run (tick pin, not APB): the tick cycles must be the same
    rep = os.path.join(args.out_dir, 'nmemu-rtl.json')
    t = time.time()
    run([f'{b}/nmemu', 'run', args.image, '--backend', 'rtl', '--ticks', str(args.ticks), '--report', rep] + inp)
    nm_wall = time.time() - t
    with open(rep) as f:
        nm_cycles = json.load(f)['cycles_per_tick']['total']
    nmemu_match = nm_cycles == ticks_sum

    iv_rate, vl_rate = tick_cycles_all / iv_ticks, tick_cycles_all / vl_ticks
    iv_rate_all, vl_rate_all = total_cycles / iv_total, total_cycles / vl_total
    print(f'run_icarus: {args.image} ({mx}x{my}), {args.ticks} ticks, {ncmds} commands')
    print(f'  cycles: total {total_cycles} (load {load_cycles}, ticks {tick_cycles_all}); '
          f'sum of LAST_CYCLES {ticks_sum}')
    print(f'  icarus   : load {iv_load:8.2f} s, ticks {iv_ticks:8.2f} s -> {iv_rate:10.0f} cycles/s in ticks, '
          f'{iv_rate_all:10.0f} cycles/s whole run (vvp {iv_total:.2f} s, iverilog {iv_compile:.2f} s)')
    print(f'  verilator: load {vl_load:8.3f} s, ticks {vl_ticks:8.3f} s -> {vl_rate:10.0f} cycles/s in ticks, '
          f'{vl_rate_all:10.0f} cycles/s whole run ({vl_total:.2f} s)')
    print(f'  verilator / icarus: {vl_rate / iv_rate:.1f}x in ticks, {vl_rate_all / iv_rate_all:.1f}x whole run')
    print(f'  logs identical (every tick\'s cycles, every counter, total cycles): {"yes" if logs_match else "NO"}')
    print(f'  nmemu run --backend rtl tick cycles {nm_cycles} vs sum of LAST_CYCLES {ticks_sum}: '
          f'{"equal" if nmemu_match else "DIFFERENT"} (nmemu run {nm_wall:.2f} s)')
    if not nmemu_match and args.input:
        # nmemu's harness counts a tick from its request, which waits for the host packets
        # to land (BUSY is high meanwhile); LAST_CYCLES counts from the tick's start
        print('  (with host spikes nmemu also counts the cycles the tick request waits for them to land: '
              'not a simulator difference)')
    print(f'  load average of the machine at the start: {load_start:.2f} (2 cores)')
    if args.csv:
        header = ('date,host,workload,image,mesh,ticks,commands,total_cycles,load_cycles,tick_cycles,'
                  'icarus_load_s,icarus_ticks_s,icarus_cycles_per_s,verilator_load_s,verilator_ticks_s,'
                  'verilator_cycles_per_s,ratio,ratio_whole_run,logs_identical,nmemu_rtl_tick_cycles,nmemu_match,loadavg_start\n')
        new = not os.path.exists(args.csv) or os.path.getsize(args.csv) == 0
        with open(args.csv, 'a') as f:
            if new:
                f.write(header)
            f.write(f'{time.strftime("%Y-%m-%dT%H:%M:%S")},{socket.gethostname()},{args.label},'
                    f'{os.path.basename(args.image)},{mx}x{my},{args.ticks},{ncmds},{total_cycles},{load_cycles},'
                    f'{tick_cycles_all},{iv_load:.2f},{iv_ticks:.2f},{iv_rate:.0f},{vl_load:.3f},{vl_ticks:.3f},'
                    f'{vl_rate:.0f},{vl_rate / iv_rate:.1f},{vl_rate_all / iv_rate_all:.1f},'
                    f'{int(logs_match)},{nm_cycles},{int(nmemu_match)},{load_start:.2f}\n')
        print(f'  csv: {args.csv}')
    return 0 if logs_match and (nmemu_match or args.input) else 1


if __name__ == '__main__':
    sys.exit(main())
