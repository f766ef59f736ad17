/* nm_faults.h - fault plans (docs/faults.md): bit flips, stuck-at neurons and axons and
 * dropped packets, applied to a chip between ticks through its APB config bus (the
 * same on every backend) or, for dropped packets only, through the reference model.
 *
 * A plan is a JSON file {"faults": [FAULT, ...]}; every FAULT has "tick" (applied just
 * before that tick starts, after its host packets were sent), "type" and "core": [x, y].
 *   flip xbar    "neuron", "axon"                 crossbar bit of (neuron, axon)
 *   flip neuron  "neuron", "field", "bit"         a bit of a parameter or of V (field V)
 *   flip sched   "axon", "ahead" (0..15)          the scheduler bit that tick T + ahead reads
 *   flip prng    "bit" (0..31)                    a bit of the core's PRNG state
 *   flip packet  "neuron", "field" (DX DY AXON DELAY), "bit": the packet the neuron fires
 *                in tick T, that bit flipped as it leaves the core (its DEST word is
 *                flipped for tick T only)
 *   stuck_neuron "neuron", "value" 0 or 1         from tick T on: never fires / fires every tick
 *   stuck_axon   "axon", "value" 0 or 1           from tick T on: the axon is never / always
 *                                                 active in the core's scheduler
 *   drop         "neuron"                         the packet it fires in tick T is lost
 *                                                 (model only: the ref backend)
 */
#ifndef NM_FAULTS_H
#define NM_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "nm_chip_if.h"

typedef enum nm_fault_type {
    NM_FAULT_FLIP_XBAR,
    NM_FAULT_FLIP_NEURON,
    NM_FAULT_FLIP_SCHED,
    NM_FAULT_FLIP_PRNG,
    NM_FAULT_FLIP_PACKET,
    NM_FAULT_STUCK_NEURON,
    NM_FAULT_STUCK_AXON,
    NM_FAULT_DROP,
    NM_FAULT_NTYPES
} nm_fault_type;

typedef struct nm_fault {
    nm_fault_type type;
    uint32_t tick;
    unsigned core;      /* y * mesh_x + x */
    unsigned neuron;    /* xbar, neuron, packet, stuck_neuron, drop */
    unsigned axon;      /* xbar, sched, stuck_axon */
    unsigned ahead;     /* sched */
    unsigned word, bit; /* neuron, packet: the NEURON word and the bit in it; prng: bit */
    unsigned value;     /* stuck_*: 0 or 1 */
    const char *field;  /* neuron, packet: the field name as in the register map */
} nm_fault;

typedef struct nm_fault_plan {
    nm_fault *f;
    size_t n;
} nm_fault_plan;

/* The name of a fault type's memory for tables: "xbar", "neuron", "sched", "prng",
 * "packet", "stuck_neuron", "stuck_axon", "drop". */
const char *nm_fault_memory(nm_fault_type t);

/* Parse a plan from JSON for a chip of this geometry; every error names the JSON path
 * ("faults[3].bit: ..."). 0, or -1 with a message; nothing is kept on an error. */
int nm_faults_parse(json_t *root, unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons,
                    nm_fault_plan *p, char *err, size_t errlen);
/* Read and parse a plan file; messages start with the file name. */
int nm_faults_read(const char *path, unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons,
                   nm_fault_plan *p, char *err, size_t errlen);
void nm_faults_free(nm_fault_plan *p);

/* 1 when the plan holds a fault that only the reference model can take (drop). */
int nm_faults_model_only(const nm_fault_plan *p);

/* Apply what the plan does before tick t (after its host packets, before the tick), and
 * undo after tick t what lasts one tick (packet flips). Through b's APB, except drops,
 * which need b->drop_packet (the ref chip, also with --rtl-cores; NULL on the RTL chip:
 * an error). 0, or -1 with a message. */
int nm_faults_before_tick(const nm_fault_plan *p, const nm_chip_backend *b, uint32_t t, char *err,
                          size_t errlen);
int nm_faults_after_tick(const nm_fault_plan *p, const nm_chip_backend *b, uint32_t t, char *err,
                         size_t errlen);

/* One fault as a JSON object in the plan's form (for the campaign's CSV and replays). */
json_t *nm_fault_json(const nm_fault *f, unsigned mesh_x);

#endif
