#!/usr/bin/python3
"""nmemu_brian2.py - run an nmemu network image in Brian2 (the peer benchmark).

Reads a network image (.nmi, docs/image-format.md; register fields from
regmap/nm_regmap.json) and an optional spike program (`tick,x,y,axon` lines or the binary
.nsp form, docs/network-format.md), builds the identical network in Brian2 (device
cpp_standalone, dt = 1 ms = one tick), runs it and reports wall times, ticks/s, synaptic
events, spikes and peak resident memory. With --spikes it writes every neuron spike as
`tick,x,y,neuron` in the order `nmemu run --spikes` uses, so the two files can be
compared byte for byte. docs/peers.md explains the mapping and the numbers.

The model is the deterministic TrueNorth neuron of docs/neuron-model.md section 4:
integer weights per axon type, leak with optional reversal (epsilon), threshold alpha,
negative threshold beta with kappa, reset modes gamma 0/1/2, 20-bit saturation of V.
Stochastic synapses, leaks and thresholds are refused.

Mapping onto Brian2 (one time step = one tick t):
  * `neurons` (one per nmemu neuron, index core * nneurons + j): a run_regularly
    operation in the `groups` slot integrates the input gathered for this tick, leaks,
    compares with alpha and resets; the threshold `fire > 0` turns the result into spikes.
  * `axons` (one per nmemu axon, index core * naxons + a): a flag set by arriving spikes.
    Several spikes for the same axon and tick set it once, exactly as the scheduler's bit
    (neuron-model.md section 5). Its threshold and reset run in the `after_synapses`
    slot, so an axon fires in the step its spikes arrive.
  * neuron -> axon synapses (the mesh route: core (x+dx, y+dy), its axon `dest_axon`;
    destinations off the chip or beyond naxons are dropped) with delay d-1 ms, and
    axon -> neuron synapses (the crossbar, weight s[G[axon]] of the neuron) with delay 0,
    scheduled in `after_synapses` after the axon threshold. A spike fired in tick t with
    delay d thus sets the axon in step t+d-1, whose crossbar input is added to `inp`, and
    is integrated in step t+d: exactly nmemu's "fired in tick t, integrated in t+d".
  * host spikes for tick T >= 1 come from a SpikeGeneratorGroup at step T-1 (the same
    axon path); host spikes for tick 0 are added to `inp` before the run.
"""
import argparse
import json
import os
import resource
import socket
import struct
import sys
import time
import zlib

T_START = time.time()
LOAD_START = os.getloadavg()[0]  # other work on the machine skews the timing: recorded

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REGMAP = os.path.join(HERE, '..', '..', 'regmap', 'nm_regmap.json')

# docs/register-map.md, used when regmap/nm_regmap.json is not beside the script
FALLBACK_NEURON = {
    0: [('S0', 0, 9, True), ('S1', 9, 9, True), ('S2', 18, 9, True)],
    1: [('S3', 0, 9, True), ('B', 9, 4, False), ('LAMBDA', 13, 9, True), ('C_LAMBDA', 22, 1, False),
        ('EPSILON', 23, 1, False), ('GAMMA', 24, 2, False), ('KAPPA', 26, 1, False), ('TM', 27, 5, False)],
    2: [('ALPHA', 0, 18, False)],
    3: [('BETA', 0, 18, False)],
    4: [('R', 0, 18, True)],
    5: [('DX', 0, 9, True), ('DY', 9, 9, True), ('AXON', 18, 8, False), ('DELAY', 26, 4, False)],
    6: [('V', 0, 20, True)],
}


class BadInput(Exception):
    pass


def neuron_fields():
    """{word offset: [(name, lsb, width, signed)]} of the NEURON region."""
    try:
        with open(REGMAP) as f:
            rm = json.load(f)
    except OSError:
        return FALLBACK_NEURON
    for region in rm['regions']:
        if region['name'] == 'NEURON':
            return {r['offset']: [(fl['name'], fl['lsb'], fl['width'], bool(fl.get('signed')))
                                  for fl in r['fields']] for r in region['registers']}
    raise BadInput(f'{REGMAP}: no NEURON region')


def field(words, lsb, width, signed):
    v = (words >> np.uint32(lsb)).astype(np.int64) & ((1 << width) - 1)
    if signed:
        v = np.where(v >= (1 << (width - 1)), v - (1 << width), v)
    return v


def read_image(path):
    """The image as numpy arrays; every check of docs/image-format.md that matters here."""
    with open(path, 'rb') as f:
        buf = f.read()
    if len(buf) < 32:
        raise BadInput(f'{path}: byte 0: file shorter than the 32-byte header')
    magic, vmaj, vmin, mx, my, na, nn, flags, sbytes, res, hcrc = struct.unpack('<4sHHHHHHIIII', buf[:32])
    if magic != b'NMI\x1a':
        raise BadInput(f'{path}: byte 0: not an nmemu image (magic {magic!r})')
    if (vmaj, vmin) != (1, 0):
        raise BadInput(f'{path}: byte 4: version {vmaj}.{vmin}, this reader knows 1.0')
    if zlib.crc32(buf[:28]) != hcrc:
        raise BadInput(f'{path}: byte 28: header CRC mismatch')
    if not (1 <= mx <= 64 and 1 <= my <= 64 and na in (32, 64, 128, 256) and 1 <= nn <= 256):
        raise BadInput(f'{path}: byte 8: bad geometry {mx}x{my}, {na} axons x {nn} neurons')
    want = 16 + 4 * (na // 16 + nn * na // 32 + 7 * nn) + 4
    ncores = mx * my
    if sbytes != want or len(buf) != 32 + ncores * sbytes:
        raise BadInput(f'{path}: byte 20: section size {sbytes} / file size {len(buf)} do not match the geometry')
    sec = np.frombuffer(buf, dtype='<u4', offset=32).reshape(ncores, sbytes // 4)
    for k in range(ncores):
        off = 32 + k * sbytes
        if zlib.crc32(buf[off:off + sbytes - 4]) != int(sec[k, -1]):
            raise BadInput(f'{path}: byte {off + sbytes - 4}: CRC of core section {k} mismatch')
        if bytes(buf[off:off + 4]) != b'CORE' or int(sec[k, 1]) != (k % mx) | (k // mx) << 16:
            raise BadInput(f'{path}: byte {off}: core section {k} has a bad magic or coordinates')
    p = 4
    types_w = sec[:, p:p + na // 16]
    p += na // 16
    xbar_w = sec[:, p:p + nn * na // 32].reshape(ncores, nn, na // 32)
    p += nn * na // 32
    neu_w = sec[:, p:p + 7 * nn].reshape(ncores, nn, 7)
    # axon types: 2 bits per axon, lowest axon in bits 1:0
    types = np.stack([(types_w >> np.uint32(2 * i)) & np.uint32(3) for i in range(16)], axis=2)
    types = types.reshape(ncores * na).astype(np.int64)
    # crossbar bits, bit b of word k = axon 32k + b (little-endian words)
    xbar = np.unpackbits(np.ascontiguousarray(xbar_w).view(np.uint8), axis=2, bitorder='little')
    xbar = xbar.reshape(ncores, nn, na)
    fl = {}
    for w, fields in neuron_fields().items():
        col = neu_w[:, :, w].reshape(-1)
        for name, lsb, width, signed in fields:
            fl[name] = field(col, lsb, width, signed)
    return dict(mesh_x=mx, mesh_y=my, naxons=na, nneurons=nn, types=types, xbar=xbar, f=fl)


def read_inputs(path, mx, my, na):
    """Host spikes as an int64 array of (tick, x, y, axon) rows."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:4] == b'NMSP':
        if len(data) < 16:
            raise BadInput(f'{path}: byte 0: file ends inside the 16-byte header')
        ver, res, count, crc = struct.unpack('<HHII', data[4:16])
        if ver != 1 or res or len(data) != 16 + 8 * count or zlib.crc32(data[16:]) != crc:
            raise BadInput(f'{path}: bad binary spike program (version, size or CRC)')
        rec = np.frombuffer(data, dtype=np.dtype([('tick', '<u4'), ('x', 'u1'), ('y', 'u1'),
                                                  ('axon', 'u1'), ('res', 'u1')]), offset=16)
        rows = np.stack([rec['tick'], rec['x'], rec['y'], rec['axon']], axis=1).astype(np.int64)
    else:
        rows = []
        for n, line in enumerate(data.decode().splitlines(), 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            try:
                v = [int(s) for s in line.split(',')]
            except ValueError:
                v = []
            if len(v) != 4 or min(v) < 0:
                raise BadInput(f'{path}:{n}: expected tick,x,y,axon')
            rows.append(v)
        rows = np.array(rows, dtype=np.int64).reshape(-1, 4)
    if len(rows) and (rows[:, 1].max() >= mx or rows[:, 2].max() >= my or rows[:, 3].max() >= na):
        raise BadInput(f'{path}: a spike lies outside the {mx}x{my} chip of {na}-axon cores')
    return rows


def build_network(im, inputs, ticks):
    """Arrays of the Brian2 network: every synapse, every parameter (numpy only)."""
    mx, my, na, nn = im['mesh_x'], im['mesh_y'], im['naxons'], im['nneurons']
    f = im['f']
    ncores = mx * my
    stoch = (f['B'] != 0) | (f['C_LAMBDA'] != 0) | (f['TM'] != 0)
    if stoch.any():
        k = int(np.flatnonzero(stoch)[0])
        raise BadInput(f'core ({k // nn % mx}, {k // nn // mx}) neuron {k % nn} is stochastic '
                       f'(b = {f["B"][k]}, c_lambda = {f["C_LAMBDA"][k]}, TM = {f["TM"][k]}); '
                       'the Brian2 peer implements only the deterministic neuron')
    if (f['DELAY'] == 0).any():
        raise BadInput('a neuron has delay 0, which images never contain')
    # crossbar: axon (pre) -> neuron (post), weight s[G[axon]] of the neuron
    counts = im['xbar'].reshape(ncores, -1).sum(axis=1, dtype=np.int64)
    nsyn = int(counts.sum())
    pre = np.empty(nsyn, dtype=np.int32)
    post = np.empty(nsyn, dtype=np.int32)
    pos = 0
    for k in range(ncores):
        j, a = np.nonzero(im['xbar'][k])
        n = len(j)
        pre[pos:pos + n] = k * na + a
        post[pos:pos + n] = k * nn + j
        pos += n
    s = np.stack([f['S0'], f['S1'], f['S2'], f['S3']], axis=1).astype(np.int16)
    w = s[post, im['types'].astype(np.int8)[pre]].astype(np.int32)
    del im['xbar']  # 1 byte per crossbar bit: not needed any more
    outdeg = np.bincount(pre, minlength=ncores * na)
    # routes: neuron -> core (x + dx, y + dy), axon; off-chip or beyond naxons: dropped
    src = np.arange(ncores * nn)
    core = src // nn
    tx = core % mx + f['DX']
    ty = core // mx + f['DY']
    ok = (tx >= 0) & (tx < mx) & (ty >= 0) & (ty < my) & (f['AXON'] < na)
    route_src = src[ok].astype(np.int32)
    route_dst = ((ty * mx + tx) * na + f['AXON'])[ok].astype(np.int32)
    route_delay = (f['DELAY'][ok] - 1).astype(np.int64)
    # host spikes: tick 0 straight into inp, later ticks through the axons at step tick-1
    inp0 = np.zeros(ncores * nn, dtype=np.int64)
    ev0 = 0
    gen_idx = np.zeros(0, dtype=np.int64)
    gen_step = np.zeros(0, dtype=np.int64)
    if len(inputs):
        ax = (inputs[:, 2] * mx + inputs[:, 1]) * na + inputs[:, 3]
        t0 = np.unique(ax[inputs[:, 0] == 0])     # one scheduler bit per axon and tick
        sel = np.isin(pre, t0)
        np.add.at(inp0, post[sel], w[sel])
        ev0 = int(sel.sum())
        later = (inputs[:, 0] >= 1) & (inputs[:, 0] <= ticks - 1)
        pairs = np.unique(np.stack([inputs[later, 0] - 1, ax[later]], axis=1), axis=0)
        gen_step, gen_idx = pairs[:, 0], pairs[:, 1]
    return dict(pre=pre, post=post, w=w, outdeg=outdeg, route_src=route_src, route_dst=route_dst,
                route_delay=route_delay, inp0=inp0, ev0=ev0, gen_idx=gen_idx, gen_step=gen_step,
                nneur=ncores * nn, naxon=ncores * na)


# Run the standalone binary under a wrapper that records its own peak RSS and wall time.
WRAPPER = r'''
import os, sys, time
t = time.time()
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, ru = os.wait4(pid, 0)
with open("results/peer_rusage.txt", "w") as f:
    f.write("%d %.6f\n" % (ru.ru_maxrss, time.time() - t))
sys.exit(os.waitstatus_to_exitcode(status))
'''

NEURON_EQS = '''
V : integer
inp : integer
fire : integer
lam : integer (constant)
eps : integer (constant)
alpha : integer (constant)
beta : integer (constant)
gam : integer (constant)
kappa : integer (constant)
VR : integer (constant)
'''

# docs/neuron-model.md section 4 with eta = 0 (deterministic threshold)
NEURON_UPDATE = '''
V = clip(V + inp, -524288, 524287)
inp = 0
V = clip(V + (1 - eps + eps * sign(V)) * lam, -524288, 524287)
fire = int(V >= alpha)
neg = (1 - fire) * int(V < -beta)
V = fire * (int(gam == 0) * VR + int(gam == 1) * (V - alpha) + int(gam >= 2) * V) + (1 - fire) * ((1 - neg) * V + neg * (kappa * (-beta) + (1 - kappa) * (int(gam == 0) * (-VR) + int(gam == 1) * (V + beta) + int(gam >= 2) * V)))
'''


def vmrss_mb():
    """This process's resident memory now (it stays resident while the binary runs)."""
    with open('/proc/self/status') as fh:
        for line in fh:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024.0
    return 0.0


def run_brian2(im, net, ticks, args):
    import warnings
    warnings.filterwarnings('ignore', category=FutureWarning)  # pythran vs numpy 1.24, at import
    import brian2 as b2
    from brian2 import ms

    b2.prefs.logging.std_redirection = False
    b2.set_device('cpp_standalone', directory=args.build_dir, build_on_run=False)
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f'-j{args.jobs}', '-s']
    b2.prefs.devices.cpp_standalone.openmp_threads = args.threads
    b2.prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, '-c', WRAPPER, './main']
    b2.defaultclock.dt = 1 * ms
    f = im['f']
    t_build = time.time()

    neurons = b2.NeuronGroup(net['nneur'], NEURON_EQS, threshold='fire > 0', reset='',
                            name='neurons')
    neurons.run_regularly(NEURON_UPDATE, when='groups', name='neurons_update')
    neurons.V = f['V']
    neurons.inp = net['inp0']
    neurons.lam = f['LAMBDA']
    neurons.eps = f['EPSILON']
    neurons.alpha = f['ALPHA']
    neurons.beta = f['BETA']
    neurons.gam = f['GAMMA']
    neurons.kappa = f['KAPPA']
    neurons.VR = f['R']

    # axons fire in the step their spikes arrive; none in the last step (its input
    # would be integrated in a tick that is not run, and nmemu does not count it)
    t_stop = (ticks - 1.5) * ms
    axons = b2.NeuronGroup(net['naxon'], 'flag : integer', threshold='flag > 0 and t < t_stop',
                           reset='flag = 0', namespace={'t_stop': t_stop}, name='axons')
    axons.set_event_schedule('spike', when='after_synapses', order=0)
    axons.resetter['spike'].when = 'after_synapses'
    axons.resetter['spike'].order = 2

    route = b2.Synapses(neurons, axons, on_pre='flag_post = 1', name='route')
    route.connect(i=net['route_src'], j=net['route_dst'])
    route.delay = net['route_delay'] * ms

    xbar = b2.Synapses(axons, neurons, 'w : integer (constant)', on_pre='inp_post += w', delay=0 * ms,
                       name='crossbar')
    xbar.connect(i=net['pre'], j=net['post'])
    xbar.w = net['w']
    xbar.pre.when = 'after_synapses'
    xbar.pre.order = 1
    for k in ('pre', 'post', 'w'):  # Brian2 keeps its own copies
        net[k] = None
    objs = [neurons, axons, route, xbar]

    if len(net['gen_idx']):
        gen = b2.SpikeGeneratorGroup(net['naxon'], net['gen_idx'], net['gen_step'] * ms, name='host')
        host = b2.Synapses(gen, axons, on_pre='flag_post = 1', name='host_in')
        host.connect(j='i')
        objs += [gen, host]

    mon_n = b2.SpikeMonitor(neurons, record=bool(args.spikes), name='spikes_n')
    mon_a = b2.SpikeMonitor(axons, record=False, name='spikes_a')
    objs += [mon_n, mon_a]
    network = b2.Network(objs)
    network.run(ticks * ms)
    rss_py_before_build = vmrss_mb()
    t_compile = time.time()
    b2.device.build(directory=args.build_dir, compile=True, run=True, clean=args.clean)
    t_done = time.time()
    with open(os.path.join(args.build_dir, 'results', 'peer_rusage.txt')) as fh:
        rss_kb, wall_bin = fh.read().split()
    res = dict(wall_construct=t_compile - t_build, wall_codegen_compile_run=t_done - t_compile,
               wall_binary=float(wall_bin), wall_run=float(b2.device._last_run_time),
               rss_sim_mb=int(rss_kb) / 1024.0, rss_py_during=rss_py_before_build, brian2=b2.__version__)
    res['spikes'] = int(np.sum(mon_n.count[:]))
    acount = np.asarray(mon_a.count[:], dtype=np.int64)
    res['syn_events'] = int(net['ev0'] + np.dot(acount, net['outdeg']))
    if args.spikes:
        idx = np.asarray(mon_n.i[:], dtype=np.int64)
        tk = np.rint(np.asarray(mon_n.t_[:]) * 1000).astype(np.int64)
        order = np.lexsort((idx, tk))
        nn, mx = im['nneurons'], im['mesh_x']
        tmp = args.spikes + '.tmp'
        with open(tmp, 'w') as fh:
            fh.write('tick,x,y,neuron\n')
            core = idx[order] // nn
            lines = ['%d,%d,%d,%d\n' % r for r in
                     zip(tk[order], core % mx, core // mx, idx[order] % nn)]
            fh.writelines(lines)
        os.replace(tmp, args.spikes)
    return res


def main():
    ap = argparse.ArgumentParser(description='Run an nmemu image in Brian2 (docs/peers.md).')
    ap.add_argument('image')
    ap.add_argument('--input', help='host spike program (tick,x,y,axon lines or .nsp)')
    ap.add_argument('--ticks', type=int, default=100)
    ap.add_argument('--spikes', help='write every spike as tick,x,y,neuron (nmemu run --spikes order)')
    ap.add_argument('--csv', help='append a result row to this CSV file')
    ap.add_argument('--json', help='write the results as a JSON object to this file')
    ap.add_argument('--label', default='', help='workload name for the CSV row')
    ap.add_argument('--build-dir', default='build/peers/brian2', help='Brian2 standalone project directory')
    ap.add_argument('--jobs', type=int, default=1, help='make -j for compiling the standalone project')
    ap.add_argument('--threads', type=int, default=0, help='OpenMP threads of the simulation (0: none)')
    ap.add_argument('--clean', action='store_true', help='rebuild the standalone project from scratch')
    args = ap.parse_args()
    if args.ticks < 2:
        ap.error('--ticks must be at least 2')
    try:
        im = read_image(args.image)
        inputs = (read_inputs(args.input, im['mesh_x'], im['mesh_y'], im['naxons']) if args.input
                  else np.zeros((0, 4), dtype=np.int64))
        net = build_network(im, inputs, args.ticks)
    except (BadInput, OSError) as e:
        print(f'nmemu_brian2: {e}', file=sys.stderr)
        return 3
    nsyn = len(net['pre'])  # run_brian2 drops the arrays
    print(f'nmemu_brian2: {args.image}: {im["mesh_x"]}x{im["mesh_y"]} cores, {net["nneur"]} neurons, '
          f'{nsyn} crossbar synapses, {len(net["route_src"])} on-chip routes; {args.ticks} ticks', flush=True)
    res = run_brian2(im, net, args.ticks, args)
    wall_total = time.time() - T_START
    rss_py = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    tps = args.ticks / res['wall_run']
    eps = res['syn_events'] / res['wall_run']
    print(f'brian2 {res["brian2"]} cpp_standalone: {args.ticks} ticks, {res["spikes"]} spikes, '
          f'{res["syn_events"]} synaptic events')
    print(f'wall: total {wall_total:.1f} s (network construction in Python {res["wall_construct"]:.1f} s, '
          f'code generation + compile + binary {res["wall_codegen_compile_run"]:.1f} s, '
          f'binary {res["wall_binary"]:.1f} s, run loop {res["wall_run"]:.2f} s)')
    print(f'speed: {tps:.1f} ticks/s, {eps:.3e} synaptic events/s (run loop)')
    print(f'load average of the machine at the start: {LOAD_START:.2f} (2 cores)')
    print(f'peak RSS: simulation binary {res["rss_sim_mb"]:.0f} MB, Python process {rss_py:.0f} MB '
          f'({res["rss_py_during"]:.0f} MB of it resident while the binary runs)')
    if args.spikes:
        print(f'spikes: {args.spikes}')
    if args.json:
        out = dict(res, image=args.image, ticks=args.ticks, neurons=net['nneur'], synapses=nsyn,
                   wall_total=wall_total, rss_python_mb=rss_py, ticks_per_s=tps, syn_events_per_s=eps)
        with open(args.json, 'w') as fh:
            json.dump(out, fh, indent=1)
    if args.csv:
        header = ('date,host,workload,image,mesh,neurons,synapses,ticks,spikes,syn_events,wall_total_s,'
                  'wall_binary_s,wall_run_s,ticks_per_s,syn_events_per_s,peak_rss_mb,rss_python_mb,brian2,threads,loadavg_start\n')
        new = not os.path.exists(args.csv) or os.path.getsize(args.csv) == 0
        with open(args.csv, 'a') as fh:
            if new:
                fh.write(header)
            fh.write(f'{time.strftime("%Y-%m-%dT%H:%M:%S")},{socket.gethostname()},{args.label},'
                     f'{os.path.basename(args.image)},{im["mesh_x"]}x{im["mesh_y"]},{net["nneur"]},{nsyn},'
                     f'{args.ticks},{res["spikes"]},{res["syn_events"]},{wall_total:.2f},{res["wall_binary"]:.2f},'
                     f'{res["wall_run"]:.3f},{tps:.2f},{eps:.4g},{res["rss_sim_mb"]:.0f},{rss_py:.0f},'
                     f'{res["brian2"]},{max(1, args.threads)},{LOAD_START:.2f}\n')
        print(f'csv: {args.csv}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
