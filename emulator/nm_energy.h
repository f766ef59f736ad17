/* nm_energy.h - the per-event energy model (docs/energy-model.md).
 *
 * Energy of a run = sum over event classes of count x energy per event, scaled by
 * (V / V_ref)^dynamic_exponent, plus static power per core x cores x run time, scaled
 * by (V / V_ref)^static_exponent. Run time = ticks / tick rate. The coefficients come
 * from a preset file (JSON, data/energy/), each with its source.
 */
#ifndef NM_ENERGY_H
#define NM_ENERGY_H

#include <stddef.h>
#include <stdint.h>

/* Event classes, in report order. Their names are the preset file's keys. */
enum {
    NM_E_SYNAPTIC_EVENT,   /* core counter SYN_EVENTS */
    NM_E_NEURON_UPDATE,    /* NEURON_UPDATES: every neuron's row read and written each tick */
    NM_E_SPIKE,            /* SPIKES */
    NM_E_SCHEDULER_WRITE,  /* SCHED_WRITES */
    NM_E_HOP_EW,           /* router flits out of the east and west ports */
    NM_E_HOP_NS,           /* router flits out of the north and south ports */
    NM_E_OFFCHIP_PACKET,   /* packets that left the mesh */
    NM_E_NCLASSES
};

extern const char *const nm_energy_class_name[NM_E_NCLASSES];

typedef struct nm_energy_preset {
    char   name[64];
    char   note[512];            /* shown in reports (e.g. what a preset cannot price) */
    double v_ref;                /* the voltage at which the figures below hold */
    double dyn_exp, static_exp;  /* voltage scaling exponents */
    double pj[NM_E_NCLASSES];    /* energy per event at v_ref */
    double static_mw_per_core;   /* at v_ref */
} nm_energy_preset;

/* Event counts (of one core, or of the chip). */
typedef struct nm_energy_counts {
    uint64_t n[NM_E_NCLASSES];
} nm_energy_counts;

typedef struct nm_energy_result {
    double class_pj[NM_E_NCLASSES];
    double dynamic_pj, static_pj, total_pj;
    double seconds;              /* ticks / tick rate */
    double power_mw;             /* total_pj / seconds */
    double pj_per_synaptic_event; /* total_pj / synaptic events, static energy included (0 when none) */
    double dynamic_pj_per_synaptic_event; /* dynamic_pj / synaptic events, without static energy (0 when none) */
} nm_energy_result;

/* Load a preset: a name (looked up as NAME.json in the data directories, see
 * nm_energy_data_dirs) or a path (anything with a '/' or ending in .json). Every
 * field is checked; errors name the file and the JSON path. 0 or -1. */
int nm_energy_load(const char *name_or_path, nm_energy_preset *p, char *err, size_t errlen);

/* Parse a preset from JSON text; `what` names it in errors. */
int nm_energy_parse(const char *text, const char *what, nm_energy_preset *p, char *err, size_t errlen);

/* The directories searched for preset names, in order, ':'-separated: $NMEMU_DATA/energy,
 * the data/energy folder next to the program's parent folder (the source tree), and
 * the installed one. */
void nm_energy_data_dirs(char *buf, size_t len);

/* Energy of `ncores` cores that ran `ticks` ticks at `tick_hz` at `volts`. */
void nm_energy_compute(const nm_energy_preset *p, double volts, double tick_hz, uint64_t ticks, unsigned ncores,
                       const nm_energy_counts *c, nm_energy_result *r);

/* Counts of every core over a run, read from the core and router counters over APB
 * (32 bits, wrapping: sample at least every 32,768 ticks and the deltas are exact). */
struct nm_chip_backend;
typedef struct nm_energy_meter {
    unsigned ncores;
    uint32_t (*last)[16];        /* counter values at the previous sample */
    nm_energy_counts *core;      /* per core, accumulated */
    uint64_t offchip;            /* chip level: add the packets that left the mesh */
} nm_energy_meter;

int  nm_energy_meter_init(nm_energy_meter *m, unsigned ncores);
void nm_energy_meter_free(nm_energy_meter *m);
/* Read every counter, add what changed since the last sample. 0, or -1 on an APB error. */
int  nm_energy_meter_sample(nm_energy_meter *m, const struct nm_chip_backend *b);
/* Forget what was accumulated (the next deltas start from the last sample). */
void nm_energy_meter_clear(nm_energy_meter *m);
/* The chip's counts: every core's, plus the off-chip packets. */
void nm_energy_meter_total(const nm_energy_meter *m, nm_energy_counts *c);

#endif
