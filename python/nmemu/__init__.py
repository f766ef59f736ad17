"""nmemu - Python binding of the nmemu neuromorphic chip emulator (docs/python.md).

    import numpy as np, nmemu
    with nmemu.Chip("net.json", backend="rtl") as chip:
        chip.run(100, inputs=np.array([[0, 0, 0, 3]]))   # (tick, x, y, axon) rows
        spikes = chip.spikes()                          # (n, 4): tick, x, y, neuron
        v = chip.v(0, 0)                                # membrane potentials of core (0, 0)
        print(chip.energy()["total_pj"])

A thin layer over build/libnmemu.so (emulator/nm_api.h) with ctypes; arrays in and out are
numpy arrays. Errors raise nmemu.Error, whose .code is the C return code and whose text is
the library's message.
"""
import ctypes
import json as _json
import os

import numpy as np

from . import _lib

__all__ = ["Chip", "Error", "SPIKE_COLUMNS", "OFFCHIP_COLUMNS", "COUNTERS", "library_path"]

SPIKE_COLUMNS = ("tick", "x", "y", "neuron")
OFFCHIP_COLUMNS = ("tick", "side", "pos", "dx", "dy", "axon", "delay")
INPUT_COLUMNS = ("tick", "x", "y", "axon")

_L = _lib.load()
COUNTERS = tuple(_L.nm_sim_counter_name(i).decode() for i in range(14))
library_path = _L._nmemu_path

# codes of nm_core_if.h and nm_api.h
ERR_CFG, ERR_ARG, ERR_HANG, ERR_NOMEM, ERR_PROTO, ERR_ASSERT = -1, -2, -3, -4, -5, -6
ERR_INPUT, ERR_DIVERGED, ERR_UNSUPPORTED, ERR_STATE = -20, -21, -22, -23


class Error(Exception):
    """A failure reported by libnmemu: .code (negative) and the message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _errbuf():
    return ctypes.create_string_buffer(1024)


def _check(rc, err):
    if rc != 0:
        msg = err.value.decode(errors="replace") or _L.nm_api_strerror(rc).decode()
        raise Error(rc, msg)


def _u32_rows(a, width, what):
    a = np.asarray(a)
    if a.size == 0:
        return np.zeros((0, width), dtype=np.uint32)
    if a.ndim == 1 and a.shape[0] == width:
        a = a.reshape(1, width)
    if a.ndim != 2 or a.shape[1] != width:
        raise ValueError("%s must be an array of shape (n, %d), not %s" % (what, width, a.shape))
    if not np.issubdtype(a.dtype, np.integer):
        raise ValueError("%s must hold integers, not %s" % (what, a.dtype))
    if (a < 0).any() or (a > 0xFFFFFFFF).any():
        raise ValueError("%s holds a negative or too large value" % what)
    return np.ascontiguousarray(a, dtype=np.uint32)


class Chip:
    """One emulated chip with a network loaded.

    source: a path to an image (.nmi) or a JSON description (docs/network-format.md), or
    json=TEXT (or a dict) for a description held in memory.
    backend: "ref" (the C reference model), "rtl" (the Verilated chip, a 4 x 4 mesh of 256 x 256
    cores; for a Loihi-mode chip the Verilated chip of the image's shape, built on first use
    into build/rtl-shapes) or "check" (both, compared after every tick; a divergence raises
    Error with code ERR_DIVERGED).
    threads: worker threads of the ref backend. energy: a preset name (truenorth-28nm,
    loihi-14nm) or file; volts, tick_rate: operating point of the energy report (None: the
    preset's voltage, 1000 ticks/s). seed: replace the image's PRNG seeds (core k: seed + k).
    trace: a waveform file (.fst or .vcd) of the RTL.
    """

    def __init__(self, source=None, *, json=None, backend="ref", threads=1, energy=None, volts=None,
                 tick_rate=None, seed=None, trace=None, name=None):
        if (source is None) == (json is None):
            raise ValueError("give a file path or json=..., exactly one")
        self._s = ctypes.c_void_p()
        o = _lib._Opts()
        _L.nm_sim_opts_init(ctypes.byref(o))
        o.backend = backend.encode()
        o.threads = int(threads)
        if energy is not None:
            o.energy = str(energy).encode()
        o.volts = float(volts or 0)
        o.tick_hz = float(tick_rate or 0)
        if seed is not None:
            o.have_seed, o.seed = 1, int(seed)
        if trace is not None:
            o.trace = os.fsencode(trace)
        self._opts = o  # keeps the strings alive during the call
        err = _errbuf()
        if source is not None:
            rc = _L.nm_sim_open(ctypes.byref(self._s), os.fsencode(source), ctypes.byref(o), err, len(err))
        else:
            text = json if isinstance(json, str) else _json.dumps(json)
            rc = _L.nm_sim_open_json(ctypes.byref(self._s), text.encode(), (name or "description").encode(),
                                     ctypes.byref(o), err, len(err))
        _check(rc, err)
        mx, my, na, nn = (ctypes.c_uint() for _ in range(4))
        _L.nm_sim_geometry(self._s, ctypes.byref(mx), ctypes.byref(my), ctypes.byref(na), ctypes.byref(nn))
        self.mesh = (mx.value, my.value)
        self.axons = na.value
        self.neurons = nn.value
        self.backend = _L.nm_sim_backend(self._s).decode()
        # "truenorth" or "loihi" (a Loihi image or description: compartments, u, two views of v)
        self.core_type = "loihi" if _L.nm_sim_core_type(self._s) == 1 else "truenorth"
        self.counter_names = tuple(_L.nm_sim_counter_name_of(self._s, i).decode() for i in range(14))

    # ------------------------------------------------------------------ life cycle
    def close(self):
        """Free the chip (and finish a waveform). Safe to call twice."""
        if getattr(self, "_s", None):
            _L.nm_sim_free(self._s)
            self._s = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def _live(self):
        if not self._s:
            raise Error(ERR_STATE, "the chip is closed")
        return self._s

    # ------------------------------------------------------------------ running
    @property
    def tick(self):
        """Ticks run so far."""
        return int(_L.nm_sim_tick(self._live()))

    def inject(self, x, y, axon, delay=1):
        """Host spikes now: axon `axon` of core (x, y) becomes active in tick self.tick + delay - 1.
        Scalars or equal-length arrays (broadcast)."""
        x, y, axon, delay = np.broadcast_arrays(*(np.asarray(v) for v in (x, y, axon, delay)))
        rows = _u32_rows(np.stack([x.ravel(), y.ravel(), axon.ravel(), delay.ravel()], axis=1), 4, "inject")
        err = _errbuf()
        _check(_L.nm_sim_inject(self._live(), len(rows), rows.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32)),
                                err, len(err)), err)

    def run(self, ticks, inputs=None):
        """Run `ticks` ticks. inputs: (n, 4) integers (tick, x, y, axon), tick counted from the
        start of this call, each sent before its tick (like `nmemu run --input`)."""
        rows = _u32_rows(inputs if inputs is not None else [], 4, "inputs")
        if int(ticks) < 0:
            raise ValueError("ticks must be >= 0")
        err = _errbuf()
        _check(_L.nm_sim_run(self._live(), int(ticks), len(rows),
                             rows.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32)), err, len(err)), err)

    # ------------------------------------------------------------------ outputs
    def spikes(self):
        """Every neuron spike recorded since the last call: int64 array (n, 4) of tick, x, y, neuron,
        by tick, then core (y * mesh_x + x), then neuron."""
        s = self._live()
        n = _L.nm_sim_spike_count(s)
        out = np.zeros((n, 4), dtype=np.uint32)
        got = _L.nm_sim_spikes(s, out.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32)), n)
        return out[:got].astype(np.int64)

    def offchip(self):
        """Off-chip packets recorded since the last call: int64 array (n, 7) of tick, side
        (0 east, 1 west, 2 north, 3 south), pos, dx, dy, axon, delay."""
        s = self._live()
        n = _L.nm_sim_offchip_count(s)
        out = np.zeros((n, 7), dtype=np.int32)
        got = _L.nm_sim_offchip(s, out.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)), n)
        return out[:got].astype(np.int64)

    def cycles(self):
        """Cycles per tick of the ticks run since the last call (estimates on the ref backend)."""
        s = self._live()
        n = _L.nm_sim_cycles_count(s)
        out = np.zeros(n, dtype=np.uint32)
        got = _L.nm_sim_cycles(s, out.ctypes.data_as(ctypes.POINTER(ctypes.c_uint32)), n)
        return out[:got].astype(np.int64)

    def _state(self, fn, x, y, first, n):
        if n is None:
            n = self.neurons - first
        out = np.zeros(n, dtype=np.int32)
        err = _errbuf()
        _check(fn(self._live(), x, y, first, n, out.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)), err,
                  len(err)), err)
        return out.astype(np.int64)

    def v(self, x=None, y=None, first=0, n=None):
        """Membrane potentials: of neurons first.. of core (x, y), or with no core given, of every
        neuron as an array (mesh_y, mesh_x, neurons)."""
        if x is None and y is None:
            mx, my = self.mesh
            return np.stack([np.stack([self._state(_L.nm_sim_get_v, cx, cy, 0, None) for cx in range(mx)])
                             for cy in range(my)])
        return self._state(_L.nm_sim_get_v, int(x), int(y), int(first), n)

    def v_hw(self, x=None, y=None, first=0, n=None):
        """Loihi-mode cores: v in the hardware view (REFRACT * 128 on a spike step, as a Loihi
        chip's probe shows it; docs/loihi-core.md s5); v() is the state view. Same arguments as v()."""
        if x is None and y is None:
            mx, my = self.mesh
            return np.stack([np.stack([self._state(_L.nm_sim_get_vhw, cx, cy, 0, None) for cx in range(mx)])
                             for cy in range(my)])
        return self._state(_L.nm_sim_get_vhw, int(x), int(y), int(first), n)

    def set_v(self, x, y, values, first=0):
        """Write V of neurons first .. first+len(values)-1 of core (x, y)."""
        vals = np.ascontiguousarray(np.asarray(values, dtype=np.int64).ravel())
        lim = (1 << 23) - 1 if self.core_type == "loihi" else 524287
        if (vals < -lim - (self.core_type != "loihi")).any() or (vals > lim).any():
            raise ValueError("V must lie in %d..%d" % (-lim - (self.core_type != "loihi"), lim))
        vals = vals.astype(np.int32)
        err = _errbuf()
        _check(_L.nm_sim_set_v(self._live(), int(x), int(y), int(first), len(vals),
                               vals.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)), err, len(err)), err)

    def u(self, x, y, first=0, n=None):
        """Current u of Loihi-mode compartments (raises Error(ERR_UNSUPPORTED) on TrueNorth cores)."""
        return self._state(_L.nm_sim_get_u, int(x), int(y), int(first), n)

    def counters(self):
        """The chip totals of the hardware counters now: a dict of self.counter_names (COUNTERS on
        TrueNorth-mode chips; on Loihi-mode chips the ten core counters of docs/loihi-core.md s9 and
        packets_routed, offmesh_drops, hops_ew, hops_ns)."""
        out = (ctypes.c_uint64 * 14)()
        err = _errbuf()
        _check(_L.nm_sim_counters(self._live(), out, err, len(err)), err)
        return dict(zip(self.counter_names, (int(v) for v in out)))

    def energy(self):
        """Energy of the ticks metered (since opening or reset_energy): dict with ticks, seconds,
        total_pj, dynamic_pj, static_pj, power_mw, pj_per_synaptic_event, synaptic_events,
        spikes, hops, offchip."""
        e = _lib._Energy()
        err = _errbuf()
        _check(_L.nm_sim_energy_get(self._live(), ctypes.byref(e), err, len(err)), err)
        return {name: getattr(e, name) for name, _ in e._fields_}

    def reset_energy(self):
        """Start metering energy (and the report's run totals) afresh from now."""
        err = _errbuf()
        _check(_L.nm_sim_energy_reset(self._live(), err, len(err)), err)

    def report(self):
        """The run report of `nmemu run --report` as a dict (docs/network-format.md), its energy
        section over the metered ticks."""
        p = ctypes.c_void_p()
        err = _errbuf()
        _check(_L.nm_sim_report(self._live(), ctypes.byref(p), err, len(err)), err)
        try:
            return _json.loads(ctypes.string_at(p.value).decode())
        finally:
            _L.nm_api_free_string(p)

    def __repr__(self):
        return "<nmemu.Chip %dx%d cores of %dx%d, backend %s, tick %d>" % (
            self.mesh[0], self.mesh[1], self.axons, self.neurons, self.backend, self.tick if self._s else -1)
