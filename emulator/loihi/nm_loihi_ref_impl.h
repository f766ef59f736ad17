/* nm_loihi_ref_impl.h - the reference core's private state, shared only by nm_loihi_ref.c and
 * the chip model (nm_loihi_chip.c), which routes packets into the cores' input queues with
 * the inline push below instead of a call per packet. Nothing else includes it. */
#ifndef NM_LOIHI_REF_IMPL_H
#define NM_LOIHI_REF_IMPL_H

#include <stdint.h>

#include "nm_loihi_ref.h"
#include "nm_loihi_regmap.h"

struct nm_loihi_ref {
    nm_loihi_geom g;
    nm_loihi_opts opts;
    unsigned lg_ncomp; /* log2(ncomp): DA word s*ncomp + n */

    /* input queue (ring) and the counters the push touches, first: the chip's router
     * writes them for every packet */
    uint16_t *q;
    unsigned qhead, qcount;
    /* CTRL */
    uint32_t step, nupd;
    /* counters, NML_COUNTER_* */
    uint32_t cnt[NML_COUNTER_NREGS];

    /* profile and format tables, as written (masked to their fields) */
    uint32_t *dprof, *tprof, *synfmt;
    /* per synapse format: the contribution x of each 8-bit mantissa (section 4.1) */
    int32_t (*wtab)[256];
    uint8_t *wlin, *wsh;
    uint8_t *wfit16;        /* per format: every x fits int16 */    /* per format: x linear in WGT? (classify_wtab in nm_loihi_ref.c) */

    /* compartments: configuration words as written, and what the update loop reads */
    uint32_t *cx_cfg, *cx_axmap;
    int32_t *fu, *fv;       /* 4095 - DU and 4096 - DV of the compartment's decay profile */
    int32_t *vth;           /* VTH_MANT << 6 */
    int32_t *refract;       /* REFRACT */
    int32_t *bias;          /* BIAS_MANT << BIAS_EXP */
    /* compartment state: u (24 bits) and the refractory counter (6) in one word,
     * ur = u << 8 | ref (one array fewer for the update to stream); v */
    uint32_t *ur;
    int32_t *v;
    uint64_t *spk;          /* per-step scratch: bit n set if compartment n spiked */
    int params_dirty;       /* a CFG or profile changed since `uniform` was computed */
    int uniform;            /* every compartment has the same fu, fv, vth, refract, bias */
    int32_t uni[5];         /* ... and these are they (fu, fv, vth, refract, bias): a line
                             * the step touches anyway, where the arrays' first line is cold */
    int simd;               /* NM_LOIHI_SIMD_*: the update in use (nm_loihi_ref_set_simd) */

    uint32_t *inaxon, *syn, *axmap;
    /* Synapse words pre-decoded when written, in the form delivery wants: bits 0..15 the
     * accumulator offset (DELAY mod ndslot) * ncomp + COMP mod ncomp, bits 24..31 WGT. The
     * word of slot (t + DELAY) is then (t mod ndslot) * ncomp + offset, mod ndslot * ncomp
     * (ndslot * ncomp <= 65536 by the geometry check). */
    uint32_t *dsyn;
    /* Axon-map entries pre-decoded when written: the packet each sends (src left 0) */
    nm_loihi_pkt *ptmpl;
    /* Per compartment, what its spike sends when CX.AXMAP.LEN is 1: the packet of its first
     * entry, with src holding LEN (emit sends it if that is 1, else reads the axon map);
     * rebuilt at the next step after a CX.AXMAP or AXMAP write (cxpk_dirty). */
    nm_loihi_pkt *cxpk;
    int cxpk_dirty;
    /* Dendritic accumulators, ndslot * ncomp, in two parts: DA[s][n] = wrap24(da[s][n] +
     * dlo[s][n]). Deliveries add into the 16-bit dlo (half the cache lines of 32-bit words);
     * a sum that leaves int16 keeps its wrapped low 16 bits there and moves the rest (a
     * multiple of 65536) into the 32-bit da, and sets the slot's bit in dhi_slots, so the
     * update reads da only for slots whose bit is set. Adds are modulo 2^32 without wrapping
     * each time; 2^24 divides 2^32, so wrapping once when the slot is consumed or read gives
     * the same value as wrapping after every add. */
    int16_t *dlo;
    uint32_t *da;
    uint64_t dhi_slots;
    unsigned maxdly;        /* the largest DELAY (mod ndslot) written to synapse memory yet */
    uint32_t last_synops;   /* synaptic events of the last step (delivery's prefetch choice) */     /* bit s: da[s][*] may be non-zero (ndslot <= 64) */

    void *arena;            /* the arrays' one allocation if the core owns it (else NULL) */

    /* step output buffers */
    uint16_t *spikes;
    nm_loihi_pkt *pkts;
    size_t pkts_cap;        /* >= sum of CX.AXMAP.LEN over all compartments */
    size_t axlen_sum;
};

/* The arena (nm_loihi_ref.c): the bytes a core of geometry g needs for its arrays (a
 * multiple of 64); a zeroed block of bytes on a 64-byte boundary, on 2 MB pages where the
 * kernel allows when it is that big (free with nm_loihi_arena_free); and a core whose arrays
 * are carved from arena (nm_loihi_ref_arena_bytes(g) zeroed bytes on a 64-byte boundary,
 * not freed with the core; NULL: the core allocates its own). */
size_t nm_loihi_ref_arena_bytes(const nm_loihi_geom *g);
void *nm_loihi_arena_alloc(size_t bytes);
void nm_loihi_arena_free(void *p);
nm_loihi_ref *nm_loihi_ref_new_in(const nm_loihi_geom *geom, const nm_loihi_opts *opts, void *arena, char *msg,
                                  size_t len);

/* nm_loihi_ref_push, inline: one packet from the network (axon mod naxin); 1 if queued,
 * 0 if the queue was full (dropped and counted). */
static inline int nm_loihi_ref_push_inline(nm_loihi_ref *c, unsigned axon)
{
    if (c->qcount == c->g.inq) {
        c->cnt[NML_COUNTER_IN_DROPS]++;
        return 0;
    }
    c->q[(c->qhead + c->qcount) & (c->g.inq - 1u)] = (uint16_t)(axon & (c->g.naxin - 1u));
    c->qcount++;
    c->cnt[NML_COUNTER_PKTS_IN]++;
    return 1;
}

#endif
