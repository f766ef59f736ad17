"""_lib.py - finds and loads libnmemu.so and declares the C signatures of emulator/nm_api.h."""
import ctypes
import os

API_VERSION = 1  # the NM_API_VERSION this binding is written for

_here = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("NMEMU_LIB")
    if env:
        return [env]  # an explicit choice is the only one tried
    return [
        os.path.join(_here, "..", "..", "build", "libnmemu.so"),  # the build tree: python/nmemu
        os.path.join(_here, "libnmemu.so"),                       # next to the package
        os.path.join(_here, "..", "..", "..", "libnmemu.so"),     # PREFIX/lib/python3/dist-packages/nmemu
        "libnmemu.so",                                            # the loader's path
    ]


class _Energy(ctypes.Structure):
    _fields_ = [("ticks", ctypes.c_uint64), ("seconds", ctypes.c_double), ("total_pj", ctypes.c_double),
                ("dynamic_pj", ctypes.c_double), ("static_pj", ctypes.c_double), ("power_mw", ctypes.c_double),
                ("pj_per_synaptic_event", ctypes.c_double), ("synaptic_events", ctypes.c_uint64),
                ("spikes", ctypes.c_uint64), ("hops", ctypes.c_uint64), ("offchip", ctypes.c_uint64)]


class _Opts(ctypes.Structure):
    _fields_ = [("backend", ctypes.c_char_p), ("threads", ctypes.c_uint), ("energy", ctypes.c_char_p),
                ("volts", ctypes.c_double), ("tick_hz", ctypes.c_double), ("have_seed", ctypes.c_int),
                ("seed", ctypes.c_uint32), ("trace", ctypes.c_char_p)]


def _declare(lib):
    P, U, I, SZ = ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_size_t
    ERR = [ctypes.c_char_p, SZ]
    u32p = ctypes.POINTER(ctypes.c_uint32)
    i32p = ctypes.POINTER(ctypes.c_int32)
    sig = {
        "nm_api_version": (I, []),
        "nm_api_strerror": (ctypes.c_char_p, [I]),
        "nm_sim_opts_init": (None, [ctypes.POINTER(_Opts)]),
        "nm_sim_open": (I, [ctypes.POINTER(P), ctypes.c_char_p, ctypes.POINTER(_Opts)] + ERR),
        "nm_sim_open_json": (I, [ctypes.POINTER(P), ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(_Opts)] + ERR),
        "nm_sim_free": (None, [P]),
        "nm_sim_geometry": (None, [P, ctypes.POINTER(U), ctypes.POINTER(U), ctypes.POINTER(U), ctypes.POINTER(U)]),
        "nm_sim_backend": (ctypes.c_char_p, [P]),
        "nm_sim_tick": (ctypes.c_uint64, [P]),
        "nm_sim_inject": (I, [P, SZ, u32p] + ERR),
        "nm_sim_run": (I, [P, ctypes.c_uint64, SZ, u32p] + ERR),
        "nm_sim_spike_count": (SZ, [P]),
        "nm_sim_spikes": (SZ, [P, u32p, SZ]),
        "nm_sim_offchip_count": (SZ, [P]),
        "nm_sim_offchip": (SZ, [P, i32p, SZ]),
        "nm_sim_cycles_count": (SZ, [P]),
        "nm_sim_cycles": (SZ, [P, u32p, SZ]),
        "nm_sim_get_v": (I, [P, U, U, U, U, i32p] + ERR),
        "nm_sim_set_v": (I, [P, U, U, U, U, i32p] + ERR),
        "nm_sim_get_u": (I, [P, U, U, U, U, i32p] + ERR),
        "nm_sim_counter_name": (ctypes.c_char_p, [U]),
        "nm_sim_counters": (I, [P, ctypes.POINTER(ctypes.c_uint64)] + ERR),
        "nm_sim_energy_get": (I, [P, ctypes.POINTER(_Energy)] + ERR),
        "nm_sim_energy_reset": (I, [P] + ERR),
        "nm_sim_report": (I, [P, ctypes.POINTER(ctypes.c_void_p)] + ERR),
        "nm_api_free_string": (None, [ctypes.c_void_p]),
    }
    for name, (res, args) in sig.items():
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args


def load():
    """The loaded library, or ImportError listing where it was looked for."""
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(path + " (missing)")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append("%s (%s)" % (path, e))
            continue
        _declare(lib)
        if lib.nm_api_version() != API_VERSION:
            raise ImportError("%s has API version %d; this binding needs %d" % (path, lib.nm_api_version(),
                                                                              API_VERSION))
        lib._nmemu_path = os.path.normpath(path) if os.sep in path else path
        return lib
    raise ImportError("nmemu: cannot load libnmemu.so (build it with `make libnmemu`, or set NMEMU_LIB); tried: "
                      + "; ".join(tried))
