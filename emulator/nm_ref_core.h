/* nm_ref_core.h - the C reference model of one nmemu core.
 *
 * Bit-exact with rtl/nm_core.v at every tick boundary (docs/neuron-model.md is the
 * specification both follow): spikes in order, every V, the scheduler, the tick
 * pointer, the PRNG and the eight counters, and the cycles the RTL spends on a tick.
 * It exposes the same word-addressed config space as the RTL (nm_regmap.h), and is
 * always idle between calls. Written for speed: bitsets, popcounts per axon type,
 * no allocation after nm_ref_core_new.
 */
#ifndef NM_REF_CORE_H
#define NM_REF_CORE_H

#include <stddef.h>

#include "nm_core_if.h"

typedef struct nm_ref_core nm_ref_core;

/* naxons in {32, 64, 128, 256}, nneurons in 1..256; opts NULL means {0, 0}.
 * Returns NULL on a bad geometry or no memory. After creation every word is 0,
 * except the PRNG state, which is 1 (as after the RTL's reset). */
nm_ref_core *nm_ref_core_new(unsigned naxons, unsigned nneurons, const nm_core_opts *opts);
void nm_ref_core_free(nm_ref_core *c);

/* Config port: NM_OK, or NM_ERR_CFG for an unmapped address or a read-only register. */
int nm_ref_core_cfg_write(nm_ref_core *c, uint32_t addr, uint32_t data);
int nm_ref_core_cfg_read(nm_ref_core *c, uint32_t addr, uint32_t *data);

/* A packet between ticks: sets scheduler row (cur + delay) mod 16; NM_ERR_ARG if
 * axon > 255 or delay > 15; an axon >= naxons is ignored (and not counted). */
int nm_ref_core_inject(nm_ref_core *c, unsigned axon, unsigned delay);

/* A packet for core `core` of an array of cores (the chip's deliveries). */
typedef struct nm_ref_delivery {
    uint16_t core;
    uint8_t axon, delay;
} nm_ref_delivery;

/* nm_ref_core_inject for each delivery in order, with the next ones' memory prefetched. */
void nm_ref_core_deliver(nm_ref_core *const *cores, const nm_ref_delivery *d, size_t n);

/* A hint: this core ticks soon. Stage 0 fetches its state and scheduler row into the
 * cache; stage 1, issued later, the crossbar rows that row activates and V. */
void nm_ref_core_prefetch(const nm_ref_core *c, int stage);

/* One tick. */
int nm_ref_core_tick(nm_ref_core *c, nm_tick_out *out);

/* The same tick in two steps, so a caller can overlap the memory latency of one core's
 * packets with the next core's work: _fire does everything but out->pkts (spikes,
 * cycles, counters) and starts fetching the DEST words; _packets fills out->pkts (and
 * feeds loopback packets back). nm_ref_core_tick = _fire then _packets. */
int  nm_ref_core_tick_fire(nm_ref_core *c, nm_tick_out *out);
void nm_ref_core_tick_packets(nm_ref_core *c, nm_tick_out *out);

void nm_ref_core_backend(nm_core_backend *b, nm_ref_core *c);

#endif
