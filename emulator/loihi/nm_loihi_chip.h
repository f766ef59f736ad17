/* nm_loihi_chip.h - a chip of Loihi-style cores in the reference model: a W x H mesh of
 * nm_loihi_ref cores, X-then-Y routing by each packet's offsets, one step per hop.
 *
 * docs/loihi-core.md section 6 (Chip) is the specification: in a chip step every core runs
 * its step; then every packet of that step is routed, in source-core order (row-major:
 * core index y * W + x) and send order, into its destination core's input queue, so all of
 * them are processed in the next step whatever the distance. A packet whose destination
 * lies off the mesh is dropped and counted. Hops are counted per direction for the energy
 * model. Nothing is allocated in the step loop. The cores can step on several threads
 * (nm_loihi_chip_set_threads) with identical results.
 */
#ifndef NM_LOIHI_CHIP_H
#define NM_LOIHI_CHIP_H

#include <stddef.h>
#include <stdint.h>

#include "nm_loihi_ref.h"

typedef struct nm_loihi_chip nm_loihi_chip;

/* Chip-wide totals (64-bit, since reset). */
typedef struct nm_loihi_chip_stats {
    uint64_t steps;
    uint64_t pkts;          /* packets routed (delivered or dropped) */
    uint64_t offmesh;       /* dropped: destination off the mesh */
    uint64_t hops_ew;       /* router hops east-west, sum of |dx| over delivered packets */
    uint64_t hops_ns;       /* router hops north-south, sum of |dy| */
    uint64_t cycles;        /* sum over steps of the slowest core's cycles */
} nm_loihi_chip_stats;

/* What one chip step produced. */
typedef struct nm_loihi_chip_out {
    uint32_t cycles;        /* the slowest core's busy cycles this step */
    uint32_t nspikes;       /* spikes on the whole chip */
    uint32_t npkts;         /* packets sent */
} nm_loihi_chip_out;

/* w x h cores (1 .. 256 each), all with geometry g (NULL: default). NULL on error (msg). */
nm_loihi_chip *nm_loihi_chip_new(unsigned w, unsigned h, const nm_loihi_geom *g, char *msg, size_t len);
void nm_loihi_chip_free(nm_loihi_chip *c);

unsigned nm_loihi_chip_ncores(const nm_loihi_chip *c);
/* Core i (row-major, i = y * w + x): program it with nm_loihi_ref_* or its backend. */
nm_loihi_ref *nm_loihi_chip_core(nm_loihi_chip *c, unsigned i);

/* A host packet for input axon `axon` of core i, before the next step (NM_ERR_ARG,
 * NM_ERR_FULL as nm_loihi_ref_inject). */
int nm_loihi_chip_inject(nm_loihi_chip *c, unsigned i, unsigned axon);

/* Run the chip's steps on n threads (1 .. 64; more than the cores count as one per core):
 * each ticks a contiguous share of the cores, then routes the packets that land in its
 * share, reading every source in the same order, so every result is the same as on one
 * thread. NM_ERR_ARG for n out of range, NM_ERR_NOMEM if a thread cannot be started (the
 * chip then runs on one). The default is 1. */
int nm_loihi_chip_set_threads(nm_loihi_chip *c, unsigned n, char *msg, size_t len);
unsigned nm_loihi_chip_threads(const nm_loihi_chip *c);

/* One chip step. out may be NULL. */
int nm_loihi_chip_step(nm_loihi_chip *c, nm_loihi_chip_out *out);

/* Core i's output of the last step (spikes and packets), valid until the next step. */
const nm_loihi_out *nm_loihi_chip_core_out(const nm_loihi_chip *c, unsigned i);

const nm_loihi_chip_stats *nm_loihi_chip_stats_get(const nm_loihi_chip *c);

/* --rtl-cores (nmemu run, docs/loihi-chip.md): core i also runs on backend b (an RTL core,
 * programmed by the caller with the same words as the model's core i; not freed here). From
 * then on, every host packet and every packet routed to core i enters b's input queue too
 * (in the same order), b steps inside each chip step, and b's spikes, packets and cycles are
 * core i's output (nm_loihi_chip_core_out, routing, the step's cycles). The model's copy of
 * core i runs on the same input; its output of the step is nm_loihi_chip_model_out, for the
 * caller to compare. A backend error ends the step with its code. */
int nm_loihi_chip_attach(nm_loihi_chip *c, unsigned i, nm_loihi_backend *b);
/* The model's own output of core i in the last step (the same as nm_loihi_chip_core_out when
 * no backend is attached to core i). */
const nm_loihi_out *nm_loihi_chip_model_out(const nm_loihi_chip *c, unsigned i);

#endif
