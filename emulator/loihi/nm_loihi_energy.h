/* nm_loihi_energy.h - the per-event energy model of the Loihi-style core and chip
 * (docs/loihi-energy.md): Loihi's own event classes, priced by a preset file.
 *
 * Energy = sum over event classes of count x pJ per event + static power per chip x chips x
 * run time (steps / step rate). Static is also given for the cores used alone (static_used_pj):
 * no public source says whether Loihi power-gates unused cores, so both are reported. Presets: data/energy/loihi-davies2018.json (Davies et al.
 * 2018 Table 2, pre-silicon) and data/energy/loihi-sanafe.json (SANA-FE's arch/loihi.yaml,
 * calibrated against the chip); every figure carries its source in the file.
 */
#ifndef NM_LOIHI_ENERGY_H
#define NM_LOIHI_ENERGY_H

#include <stddef.h>
#include <stdint.h>

#include "nm_loihi_chip.h"

/* Event classes, in report order; their names are the preset file's keys. */
enum {
    NM_LE_SYN_OP,        /* core counter SYN_OPS: one synapse word processed */
    NM_LE_CX_ACTIVE,     /* CX_ACTIVE: an active compartment update */
    NM_LE_CX_INACTIVE,   /* CX_UPDATES - CX_ACTIVE: an inactive (all-zero) update */
    NM_LE_SPIKE,         /* SPIKES: a compartment fired (on top of its update) */
    NM_LE_PKT_OUT,       /* PKTS_OUT: one packet per axon-map entry of a spiking compartment */
    NM_LE_HOP_EW,        /* chip: router hops east-west */
    NM_LE_HOP_NS,        /* chip: router hops north-south */
    NM_LE_BARRIER,       /* chip: one step barrier per step */
    NM_LE_NCLASSES
};

extern const char *const nm_loihi_energy_class_name[NM_LE_NCLASSES];

typedef struct nm_loihi_energy_preset {
    char name[64];
    double pj[NM_LE_NCLASSES];
    double static_mw_per_chip;
    unsigned cores_per_chip;
} nm_loihi_energy_preset;

typedef struct nm_loihi_energy_counts {
    uint64_t n[NM_LE_NCLASSES];
    uint64_t steps;
    unsigned ncores;
    unsigned ncores_used; /* cores configured (NUPD > 0 or an input axon with synapses) */
} nm_loihi_energy_counts;

typedef struct nm_loihi_energy_result {
    double class_pj[NM_LE_NCLASSES];
    double dynamic_pj, static_pj, total_pj;
    double static_used_pj; /* static of the cores used only: static_mw_per_chip x used / cores_per_chip x s
                            * (the bound if unused cores were power-gated; docs/loihi-energy.md s4) */
    double seconds;   /* steps / step rate */
} nm_loihi_energy_result;

/* A preset by name (NAME.json in $NMEMU_DATA/energy, the source tree's data/energy, ./data/energy) or
 * by path (anything with a '/' or ending in .json). Every field is checked; errors name the
 * file and the JSON path. 0 or -1. */
int nm_loihi_energy_load(const char *name_or_path, nm_loihi_energy_preset *p, char *err, size_t errlen);
int nm_loihi_energy_parse(const char *text, const char *what, nm_loihi_energy_preset *p, char *err, size_t errlen);

/* The counts of a chip so far: every core's counters (32-bit, so call at least every 2^32
 * events of any class) plus the chip's hop and step totals. */
void nm_loihi_energy_count_chip(const nm_loihi_chip *c, nm_loihi_energy_counts *out);

/* Add one core's counter registers (COUNTER region, register order: AXON_EVENTS, SYN_OPS,
 * CX_UPDATES, CX_ACTIVE, SPIKES, PKTS_OUT, ...) to the core classes of out: syn_op,
 * cx_update_active, cx_update_inactive (updates - active), spike, pkt_out. The model chip's
 * counts (nm_loihi_energy_count_chip) and nmemu-sc's, read over TLM, both go through it. */
void nm_loihi_energy_count_core(nm_loihi_energy_counts *out, const uint32_t *counters);

/* Energy of the counts at `step_hz` steps per second. */
void nm_loihi_energy_compute(const nm_loihi_energy_preset *p, double step_hz, const nm_loihi_energy_counts *c,
                             nm_loihi_energy_result *r);

/* The energy section of a run report (docs/loihi-energy.md section 5), as nmemu run --report and
 * nmemu-sc --report write it: preset, step rate, seconds, dynamic, static (whole chip and cores
 * used), total, power, cores, static per core and the classes with their counts and pJ. A new
 * jansson object (NULL when out of memory); the caller may add to it. */
struct json_t;
struct json_t *nm_loihi_energy_json(const nm_loihi_energy_preset *p, double step_hz, const nm_loihi_energy_counts *c,
                                    const nm_loihi_energy_result *r);

/* The two summary lines nmemu run prints (energy: dynamic + static = total; static of the
 * chip and of the cores used alone), each ending in a newline, into buf. `ncores` is the
 * image's cores. */
void nm_loihi_energy_summary(char *buf, size_t len, const nm_loihi_energy_preset *p, double step_hz, unsigned ncores,
                             const nm_loihi_energy_counts *c, const nm_loihi_energy_result *r);

#endif
