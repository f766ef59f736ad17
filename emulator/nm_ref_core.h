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

/* One tick. */
int nm_ref_core_tick(nm_ref_core *c, nm_tick_out *out);

void nm_ref_core_backend(nm_core_backend *b, nm_ref_core *c);

#endif
