#!/usr/bin/python3
"""bench/summarize.py RESULTS_DIR - the table of `make bench`.

Reads the CSV files the benchmarks wrote to RESULTS_DIR (the latest row of each
workload and thread count), prints one table (workload, backend, threads, ticks/s,
synaptic events/s, peak RSS, ratio to the peers) and writes it as summary.csv.
"""
import csv
import os
import sys


def rows(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def latest(rs, key):
    out = {}
    for r in rs:
        out[key(r)] = r
    return list(out.values())


def main():
    d = sys.argv[1]
    table = []
    brian = latest(rows(os.path.join(d, 'brian2.csv')), lambda r: r.get('workload', ''))
    brian_tps = {}
    for r in brian:
        tps = float(r['ticks_per_s']) if r.get('ticks_per_s') else float(r['ticks']) / float(r['wall_run_s'])
        wl = r.get('workload', 'W')
        brian_tps[(wl.split()[0].split('-')[0], r.get('threads', '1'))] = tps
        table.append([wl, 'brian2 (cpp_standalone)', r.get('threads', '1'), '%.1f' % tps,
                      '%.3g' % (float(r['syn_events']) / float(r['wall_run_s'])) if r.get('wall_run_s') else '',
                      r.get('peak_rss_mb', ''), ''])
    for r in latest(rows(os.path.join(d, 'merolla.csv')), lambda r: (r['workload'], r['threads'])):
        wl = r['workload']
        peer = brian_tps.get((wl, r['threads']))
        ratio = '%.0fx Brian2 (%s thread%s)' % (float(r['ticks_per_s']) / peer, r['threads'],
                                               's' if r['threads'] != '1' else '') if peer else ''
        table.append([wl, 'nmemu ref', r['threads'], r['ticks_per_s'], r['syn_events_per_s'], r['peak_rss_mb'],
                      ratio])
    for r in latest(rows(os.path.join(d, 'icarus.csv')), lambda r: r.get('workload', '')):
        table.append([r.get('workload', 'chip 4x4') + ' (cycles/s)', 'icarus', '1', '', '', '',
                      '%s cycles/s' % r['icarus_cycles_per_s']])
        table.append([r.get('workload', 'chip 4x4') + ' (cycles/s)', 'nmemu rtl (Verilator)', '1', '', '', '',
                      '%s cycles/s = %sx Icarus' % (r['verilator_cycles_per_s'], r['ratio'])])
    for r in latest(rows(os.path.join(d, 'rtl_cycles.csv')), lambda r: r['workload']):
        table.append([r['workload'] + ' (%s%% fired)' % r['fired_pct'], 'nmemu rtl core cycles/tick', '1',
                      '', '', '', '%s vs dense scan %s = %sx fewer' % (r['rtl_core_cycles_per_tick'],
                                                                      r['dense_scan_cycles'], r['ratio_core'])])
    head = ['workload', 'backend', 'threads', 'ticks/s', 'synaptic events/s', 'peak RSS (MB)', 'ratio']
    with open(os.path.join(d, 'summary.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(head)
        w.writerows(table)
    print('| ' + ' | '.join(head) + ' |')
    print('|' + '---|' * len(head))
    for t in table:
        print('| ' + ' | '.join(str(x) for x in t) + ' |')
    print('written: %s' % os.path.join(d, 'summary.csv'))


if __name__ == '__main__':
    main()
