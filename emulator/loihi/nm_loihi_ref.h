/* nm_loihi_ref.h - the C reference model of one Loihi-style CUBA core.
 *
 * Bit-exact with rtl/loihi/nm_loihi_core.v at every step boundary; docs/loihi-core.md is
 * the specification both follow: u, v, refractory counters, every dendritic accumulator
 * slot, the input queue, the ten counters, spikes and packets in order, and the cycles the
 * RTL spends on a step. It exposes the same word-addressed config space as the RTL
 * (regmap/nm_loihi_regmap.h) and is always idle between calls. Written for speed: the
 * compartment update is a branch-free vector loop over flat arrays, synapse words are
 * pre-decoded when written, the dendritic accumulators are 16-bit with a 32-bit part for
 * what overflows, all of a core's arrays share one allocation, and nothing is allocated
 * after configuration (docs/performance.md, the Loihi-style chip).
 */
#ifndef NM_LOIHI_REF_H
#define NM_LOIHI_REF_H

#include <stddef.h>
#include <stdint.h>

#include "nm_loihi_if.h"

typedef struct nm_loihi_ref nm_loihi_ref;

/* geom NULL means NM_LOIHI_GEOM_DEFAULT; opts NULL means {0, 0}. Returns NULL on a bad
 * geometry (reason in msg) or no memory. After creation every word has its reset value. */
nm_loihi_ref *nm_loihi_ref_new(const nm_loihi_geom *geom, const nm_loihi_opts *opts, char *msg, size_t len);
void nm_loihi_ref_free(nm_loihi_ref *c);

const nm_loihi_geom *nm_loihi_ref_geom(const nm_loihi_ref *c);

/* Config port: NM_OK; NM_ERR_CFG for an unmapped address or a write to a read-only
 * register; NM_ERR_NOMEM if a CX.AXMAP write needs a bigger packet buffer and none is left
 * (the word is then not written). */
int nm_loihi_ref_cfg_write(nm_loihi_ref *c, uint32_t addr, uint32_t data);
int nm_loihi_ref_cfg_read(const nm_loihi_ref *c, uint32_t addr, uint32_t *data);

/* One packet into the input queue: NM_ERR_ARG if axon >= naxin (nothing happens);
 * NM_ERR_FULL if the queue is full (dropped, IN_DROPS counts it). */
int nm_loihi_ref_inject(nm_loihi_ref *c, unsigned axon);

/* A packet from the network: the axon is taken mod naxin; returns 1 if queued, 0 if dropped. */
int nm_loihi_ref_push(nm_loihi_ref *c, unsigned axon);

/* A hint: this core steps soon (the chip calls it for the next core); changes nothing. */
void nm_loihi_ref_prefetch(const nm_loihi_ref *c);

/* The compartment update's instruction set; all give the same results. set_simd picks the
 * highest the CPU has that is <= level (a new core has NM_LOIHI_SIMD_BEST); simd returns the
 * one in use. */
#define NM_LOIHI_SIMD_PORTABLE 0 /* portable C */
#define NM_LOIHI_SIMD_AVX2     1 /* 8 compartments per instruction */
#define NM_LOIHI_SIMD_AVX512   2 /* AVX-512F, 16 */
#define NM_LOIHI_SIMD_BEST     NM_LOIHI_SIMD_AVX512
void nm_loihi_ref_set_simd(nm_loihi_ref *c, int level);
int nm_loihi_ref_simd(const nm_loihi_ref *c);

/* One step. out may be NULL (the caller only wants the state). */
int nm_loihi_ref_tick(nm_loihi_ref *c, nm_loihi_out *out);

/* Direct state access for tests and probes (compartment n < ncomp): */
int32_t nm_loihi_ref_u(const nm_loihi_ref *c, unsigned n);
int32_t nm_loihi_ref_v(const nm_loihi_ref *c, unsigned n);
int32_t nm_loihi_ref_vhw(const nm_loihi_ref *c, unsigned n);   /* the hardware view */
unsigned nm_loihi_ref_refcnt(const nm_loihi_ref *c, unsigned n);
uint32_t nm_loihi_ref_counter(const nm_loihi_ref *c, unsigned idx); /* NML_COUNTER_* */

void nm_loihi_ref_backend(nm_loihi_backend *b, nm_loihi_ref *c);

#endif
