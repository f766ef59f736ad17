/* nm_api.h - the embedding API of nmemu (build/libnmemu.so; docs/python.md): load an image or
 * a JSON description onto a chip backend, inject spikes, run ticks, read spikes, off-chip
 * packets, membrane potentials, counters and the energy report.
 *
 * Every function that can fail returns NM_OK (0) or a negative code (nm_core_if.h's NM_ERR_*
 * or the NM_API_ERR_* below) and, when err is not NULL, writes a message of at most errlen
 * bytes into err. The library never prints and never exits. A simulation is single-threaded
 * from the caller's side: call one function at a time on one nm_sim. Distinct nm_sim objects
 * are independent, several rtl ones included (each Verilated model has its own context).
 *
 * Ticks: nm_sim_tick() is the number of ticks run so far. Spikes and off-chip packets carry
 * the absolute tick in which they happened. A spike injected with delay d (1..15) makes its
 * axon active in tick nm_sim_tick() + d - 1, i.e. delay 1 = the next tick run.
 */
#ifndef NM_API_H
#define NM_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when a signature or a struct below changes. */
#define NM_API_VERSION 1

/* Codes besides nm_core_if.h's NM_OK (0) and NM_ERR_CFG .. NM_ERR_ASSERT (-1 .. -6). */
#define NM_API_ERR_INPUT       (-20) /* a bad file or description: the message names where */
#define NM_API_ERR_DIVERGED    (-21) /* check backend: ref and rtl differ (the message says where) */
#define NM_API_ERR_UNSUPPORTED (-22) /* e.g. u on a core type without it */
#define NM_API_ERR_STATE       (-23) /* the simulation stopped after an earlier error */

typedef struct nm_sim nm_sim;

typedef struct nm_sim_opts {
    const char *backend;  /* "ref" (NULL: ref), "rtl" or "check" (both, compared every tick) */
    unsigned threads;     /* worker threads of the ref backend, 1..64 (0: 1) */
    const char *energy;   /* energy preset name or file (NULL: truenorth-28nm), docs/energy-model.md */
    double volts;         /* supply voltage (0: the preset's) */
    double tick_hz;       /* ticks per second, for power and static energy (0: 1000) */
    int have_seed;        /* non-zero: replace the image's PRNG seeds, core k gets seed + k */
    uint32_t seed;
    const char *trace;    /* rtl/check: write a waveform (FST, or VCD for *.vcd); NULL: none */
} nm_sim_opts;

/* The library's NM_API_VERSION, to check a binding against the header it was written for. */
int nm_api_version(void);

/* Text for any code this API returns. */
const char *nm_api_strerror(int code);

/* Fill o with the defaults above. */
void nm_sim_opts_init(nm_sim_opts *o);

/* Build a chip from a file: an image (.nmi, recognised by its magic) or a JSON network
 * description (docs/network-format.md), and load it. opts NULL: the defaults. The rtl
 * backend is a 4 x 4 mesh of 256 x 256 cores (the Verilated build): an image of another
 * geometry fails with NM_API_ERR_INPUT. On success *out owns the simulation. */
int nm_sim_open(nm_sim **out, const char *path, const nm_sim_opts *opts, char *err, size_t errlen);

/* The same from a JSON description held in a string; name is used in messages. */
int nm_sim_open_json(nm_sim **out, const char *json, const char *name, const nm_sim_opts *opts, char *err,
                     size_t errlen);

/* Free everything; NULL is fine. Finishes the waveform if one was asked for. */
void nm_sim_free(nm_sim *s);

/* mesh_x, mesh_y, axons per core, neurons per core (any pointer may be NULL). */
void nm_sim_geometry(const nm_sim *s, unsigned *mesh_x, unsigned *mesh_y, unsigned *naxons, unsigned *nneurons);

/* The backend's name: "ref", "rtl" or "check". */
const char *nm_sim_backend(const nm_sim *s);

/* Ticks run so far. */
uint64_t nm_sim_tick(const nm_sim *s);

/* Host spikes now: n records of 4 values (x, y, axon, delay), delay 1..15 (see above).
 * Every record is checked before any is sent; nothing is sent on error. */
int nm_sim_inject(nm_sim *s, size_t n, const uint32_t *xyad, char *err, size_t errlen);

/* Run `ticks` ticks. inputs: n records (tick, x, y, axon), tick relative to the start of
 * this call (0 .. ticks-1), in any order; each is sent before its tick with delay 1, exactly
 * as `nmemu run --input` does. Spikes and off-chip packets are recorded for nm_sim_spikes
 * and nm_sim_offchip. Every input is checked before the first tick. */
int nm_sim_run(nm_sim *s, uint64_t ticks, size_t n, const uint32_t *inputs, char *err, size_t errlen);

/* Recorded spikes since the last read: their number, and a copy of up to cap records of
 * (tick, x, y, neuron) into out; nm_sim_spikes removes the records it copies. */
size_t nm_sim_spike_count(const nm_sim *s);
size_t nm_sim_spikes(nm_sim *s, uint32_t *out, size_t cap);

/* Recorded off-chip packets: records of 7 int32 (tick, side 0 E 1 W 2 N 3 S, pos, dx, dy,
 * axon, delay), as `nmemu run --outputs` writes them. */
size_t nm_sim_offchip_count(const nm_sim *s);
size_t nm_sim_offchip(nm_sim *s, int32_t *out, size_t cap);

/* Cycles each tick took, for the ticks not yet read (the ref backend's are estimates):
 * count, and copy-and-remove up to cap. */
size_t nm_sim_cycles_count(const nm_sim *s);
size_t nm_sim_cycles(nm_sim *s, uint32_t *out, size_t cap);

/* Membrane potential V of neurons first .. first+n-1 of core (x, y); the check backend
 * reads both and fails with NM_API_ERR_DIVERGED when they differ. */
int nm_sim_get_v(nm_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, int32_t *v, char *err,
                 size_t errlen);
/* Write V (each -524288 .. 524287), e.g. to start the next inference from rest. */
int nm_sim_set_v(nm_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, const int32_t *v, char *err,
                 size_t errlen);

/* The second state variable u (current) of Loihi-mode compartments; on TrueNorth-mode cores
 * it fails with NM_API_ERR_UNSUPPORTED naming the core. */
int nm_sim_get_u(nm_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, int32_t *u, char *err,
                 size_t errlen);

/* Counters: the chip totals of the eight core counters and the six router counters, in
 * the order of nm_sim_counter_name(0 .. NM_SIM_NCOUNTERS-1), as read from the hardware
 * counters now (32 bits per core, wrapping; the energy meter does not wrap). */
#define NM_SIM_NCOUNTERS 14
const char *nm_sim_counter_name(unsigned i);
int nm_sim_counters(nm_sim *s, uint64_t out[NM_SIM_NCOUNTERS], char *err, size_t errlen);

/* Energy since the simulation was opened or since nm_sim_energy_reset, under the preset. */
typedef struct nm_sim_energy {
    uint64_t ticks;               /* ticks metered */
    double seconds;               /* ticks / tick rate */
    double total_pj, dynamic_pj, static_pj;
    double power_mw;              /* total / seconds */
    double pj_per_synaptic_event; /* 0 when there were none */
    uint64_t synaptic_events, spikes, hops, offchip;
} nm_sim_energy;
int  nm_sim_energy_get(nm_sim *s, nm_sim_energy *e, char *err, size_t errlen);
int  nm_sim_energy_reset(nm_sim *s, char *err, size_t errlen);

/* The run report of `nmemu run --report` as JSON text (docs/network-format.md): ticks,
 * cycles per tick, counters per core and chip, and the energy section for the metered
 * ticks. *json is the caller's, freed with nm_api_free_string. */
int  nm_sim_report(nm_sim *s, char **json, char *err, size_t errlen);

/* Loihi-mode images and descriptions (core type 1, docs/loihi-core.md) open through the same
 * calls on every backend (rtl and check: the Verilated chip of the image's shape, built on first
 * use into the shape cache, nm_rtl_shapes.h; counters and energy from the model in lockstep;
 * check compares spikes and every compartment's state after every tick): spikes are
 * (tick, x, y, compartment), nm_sim_get_v reads v in the state view, nm_sim_get_vhw in the hardware view (REFRACT * 128 on a spike step), nm_sim_get_u
 * the current u, the counters are nm_sim_counter_name_of's, the energy is the Loihi model's
 * (default preset loihi-davies2018), inject takes delay 1 only, there are no off-chip packets. */
int nm_sim_core_type(const nm_sim *s);                 /* 0 TrueNorth-mode, 1 Loihi-mode */
const char *nm_sim_counter_name_of(const nm_sim *s, unsigned i);
int nm_sim_get_vhw(nm_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, int32_t *v, char *err,
                   size_t errlen);
void nm_api_free_string(char *p);

#ifdef __cplusplus
}
#endif

#endif
