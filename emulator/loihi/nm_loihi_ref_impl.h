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
    /* the contribution x of each 8-bit mantissa (section 4.1) under each synapse format:
     * word FMT * 256 + WGT */
    int32_t *wtab;

    /* compartments: configuration words as written, and what the update loop reads */
    uint32_t *cx_cfg, *cx_axmap;
    int32_t *fu, *fv;       /* 4095 - DU and 4096 - DV of the compartment's decay profile */
    int32_t *vth;           /* VTH_MANT << 6 */
    int32_t *refract;       /* REFRACT */
    int32_t *bias;          /* BIAS_MANT << BIAS_EXP */
    /* compartment state */
    int32_t *u, *v, *ref;
    uint64_t *spk;          /* per-step scratch: bit n set if compartment n spiked */
    int params_dirty;       /* a CFG or profile changed since `uniform` was computed */
    int uniform;            /* every compartment has the same fu, fv, vth, refract, bias */
    int32_t uni[5];         /* ... and these are they (fu, fv, vth, refract, bias): a line
                             * the step touches anyway, where the arrays' first line is cold */
    int simd;               /* NM_LOIHI_SIMD_*: the update in use (nm_loihi_ref_set_simd) */

    uint32_t *inaxon, *syn, *axmap;
    /* Synapse words pre-decoded when written, in the form delivery wants: bits 0..11
     * COMP mod ncomp, bits 12..19 WGT, bits 20..25 zero, bits 26..31 DELAY mod ndslot. An
     * event is the word with the delay cleared and the INAXON format in bits 20..23: then
     * bits 0..11 are the compartment and bits 12..23 the weight index FMT * 256 + WGT
     * into wtab. */
    uint32_t *dsyn;
    unsigned dmax;          /* >= every DELAY in dsyn (grows on SYN writes, never shrinks) */
    /* Axon-map entries pre-decoded when written: the packet each sends (src left 0) */
    nm_loihi_pkt *ptmpl;
    /* Dendritic accumulators. DA[s][n] = wrap24(da[s][n] + the x of every event of slot s's
     * list for compartment n). Deliveries add modulo 2^32 without wrapping each time; 2^24
     * divides 2^32, so wrapping once when the slot is consumed or read gives the same value
     * as wrapping after every add, in any order.
     * The dense part da (ndslot * ncomp words) holds what the config port wrote and what
     * the lists were flushed into; dnz[s] is 0 if slot s of it is known to be all zero.
     * Delivery appends events to per-slot lists instead of adding into da: a sequential
     * write of 4 bytes per synaptic event rather than a read-modify-write of a random line
     * of a 4 KB-per-slot array. A list lives in one of ndslot buffers of evcap words while
     * its slot has events (evbuf_of[s], -1 if none); freed buffers are reused last-in
     * first-out, so the few lists of a step stay in cache. The consuming step adds slot
     * t's list into a zeroed scratch array on the stack (or into da[t] if dnz is set) and
     * updates from it. The lists are flushed into da (ev_flush) before anything that
     * would see or change the difference: a DA read or write, a SYNFMT write (the list
     * holds weight indices, not weights), and a delivery that would overflow a list. */
    uint32_t *da;
    uint8_t *dnz;
    uint32_t *evbuf;        /* ndslot buffers of evcap words */
    uint32_t evcap;
    uint32_t *evcnt;        /* events in slot s's list */
    int32_t *evbuf_of;      /* slot -> buffer, -1: none */
    uint32_t *evfree;       /* stack of free buffers, nfree of them */
    unsigned nfree;

    /* step output buffers */
    uint16_t *spikes;
    nm_loihi_pkt *pkts;
    size_t pkts_cap;        /* >= sum of CX.AXMAP.LEN over all compartments */
    size_t axlen_sum;
};

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
