/* diff_loihi_core.c - differential test: the Loihi-style RTL core against the C model.
 *
 * For each seed it builds a random core (synapse density 0..100 percent, every field
 * across its full range with the extremes over-sampled: decays, refractory delays, bias
 * mantissa and exponent, thresholds, sign modes, weight bits and exponents, delays,
 * fan-in and fan-out lengths, indices beyond the table sizes, reserved bits set, initial
 * u, v, refractory counters and accumulators, the step counter near its wrap, NUPD), writes
 * the identical config words to the RTL (rtl/loihi/nm_loihi_core.v, Verilated) and to the
 * model (emulator/loihi/nm_loihi_ref.c), and then runs steps with random input (sometimes
 * more than the input queue holds), random sink stalls and loopback, and random config
 * writes between steps. After every step it compares: cycles, the spikes in order, the
 * packets in order (destination, axon, source compartment, axon-map entry), the result of
 * every injection, and every readable word of state: each compartment's U, V, REF and VHW,
 * every dendritic accumulator slot, the ten counters, STATUS, STEP. Before the first and
 * after the last step it compares the whole config space (mapped words, and the refusal
 * of unmapped ones). The first difference is reported with seed, step, the register and
 * field, both values, and the command that reruns the seed alone; the exit status is 1.
 * The model's compartment update runs in portable C for seeds 0 mod 3, on AVX2 for 1 mod 3
 * and on AVX-512 for 2 mod 3 (each where the CPU has it, else the next lower;
 * nm_loihi_ref_set_simd), so every path meets the RTL.
 *
 * usage: diff-loihi-core [--seed N] [--seeds COUNT] [--steps T] [--quiet] [--trace FILE.fst|.vcd]
 * (--trace writes the RTL's waveform of the last seed run, for debugging one seed)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_loihi_prog.h"
#include "nm_loihi_ref.h"
#include "nm_loihi_regmap.h"
#include "nm_loihi_rtl.h"

/* ------------------------------------------------------------------ random numbers */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t rng_next(rng *r) /* splitmix64 */
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t rng_u32(rng *r)
{
    return (uint32_t)(rng_next(r) >> 32);
}

/* uniform in lo .. hi inclusive */
static int64_t rng_range(rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* 1 with probability pct percent */
static int rng_pct(rng *r, unsigned pct)
{
    return rng_range(r, 0, 99) < (int64_t)pct;
}

/* A field value: one of its extremes a quarter of the time, else uniform in lo .. hi. */
static int64_t rng_field(rng *r, int64_t lo, int64_t hi)
{
    switch (rng_range(r, 0, 7)) {
    case 0: return lo;
    case 1: return hi;
    default: return rng_range(r, lo, hi);
    }
}

/* ------------------------------------------------------------------ the random core */

typedef struct params {
    unsigned density_pct;   /* synapses used, percent of the synapse memory */
    unsigned spiky;         /* thresholds mostly low (1) or anywhere (0) */
    unsigned in_max;        /* injections per step, up to */
    unsigned cfg_pct;       /* chance of a random config write between steps */
    nm_loihi_opts opts;
} params;

typedef struct ctx {
    unsigned seed, step, steps;
    nm_loihi_backend *ref, *rtl;
    const nm_loihi_geom *g;
} ctx;

static int wr_both(ctx *x, uint32_t addr, uint32_t data)
{
    int a = x->ref->cfg_write(x->ref->impl, addr, data);
    int b = x->rtl->cfg_write(x->rtl->impl, addr, data);
    if (a != b) {
        fprintf(stderr, "MISMATCH seed %u step %u: config write 0x%05" PRIx32 " <- 0x%08" PRIx32
                        ": ref=%s rtl=%s\n", x->seed, x->step, addr, data, nm_loihi_strerror(a),
                nm_loihi_strerror(b));
        return 1;
    }
    return 0;
}

/* With a small chance, set the reserved bits of a word too (they must be ignored). */
static uint32_t garble(rng *r, uint32_t w)
{
    return rng_pct(r, 10) ? (w | rng_u32(r)) : w;
}

static uint32_t gen_dprof(rng *r)
{
    static const unsigned dus[] = {0, 1, 2048, 4094, 4095};
    unsigned du = rng_pct(r, 50) ? dus[rng_range(r, 0, 4)] : (unsigned)rng_range(r, 0, 4095);
    unsigned dv = rng_pct(r, 50) ? dus[rng_range(r, 0, 4)] : (unsigned)rng_range(r, 0, 4095);
    unsigned ref = (unsigned)rng_field(r, 0, 63);
    if (rng_pct(r, 40))
        ref = (unsigned)rng_range(r, 0, 3);
    return garble(r, nm_loihi_enc_dprof(du, dv, ref));
}

static uint32_t gen_tprof(rng *r, const params *p)
{
    unsigned vth = p->spiky && rng_pct(r, 80) ? (unsigned)rng_range(r, 0, 64) : (unsigned)rng_field(r, 0, 0x1ffff);
    return garble(r, nm_loihi_enc_tprof(vth));
}

static uint32_t gen_synfmt(rng *r)
{
    return garble(r, nm_loihi_enc_synfmt((unsigned)rng_range(r, 0, 3), (unsigned)rng_field(r, 1, 8),
                                         (int)rng_field(r, -8, 7)));
}

static uint32_t gen_cxcfg(rng *r)
{
    int mant = (int)rng_field(r, -4096, 4095);
    if (rng_pct(r, 40))
        mant = rng_pct(r, 50) ? 0 : (int)rng_range(r, -40, 40);
    return garble(r, nm_loihi_enc_cxcfg((unsigned)rng_range(r, 0, 31), (unsigned)rng_range(r, 0, 7), mant,
                                        (unsigned)rng_field(r, 0, 7)));
}

static uint32_t gen_cxaxmap(rng *r)
{
    unsigned len = rng_pct(r, 5) ? 255u : (unsigned)rng_range(r, 0, 4);
    return garble(r, nm_loihi_enc_cxaxmap((unsigned)rng_range(r, 0, 4095), len));
}

static uint32_t gen_inaxon(rng *r, const nm_loihi_geom *g, const params *p)
{
    unsigned per = g->nsyn / g->naxin; /* synapse words per axon if the memory were split evenly */
    unsigned len = (unsigned)(((uint64_t)per * p->density_pct + 50) / 100);
    if (p->density_pct && rng_pct(r, 20))
        len = (unsigned)rng_range(r, 0, 2 * len + 1);
    if (p->density_pct && rng_pct(r, 2))
        len = 4095; /* the longest list, wrapping around the synapse memory */
    return garble(r, nm_loihi_enc_inaxon((unsigned)rng_range(r, 0, 32767), len, (unsigned)rng_range(r, 0, 15)));
}

static uint32_t gen_syn(rng *r)
{
    return garble(r, nm_loihi_enc_syn((unsigned)rng_range(r, 0, 4095), (int)rng_field(r, 0, 255),
                                      (unsigned)rng_field(r, 0, 63)));
}

static uint32_t gen_axmap(rng *r)
{
    int dx = rng_pct(r, 70) ? 0 : (int)rng_field(r, -128, 127);
    int dy = rng_pct(r, 70) ? 0 : (int)rng_field(r, -128, 127);
    return garble(r, nm_loihi_enc_axmap((unsigned)rng_range(r, 0, 4095), dx, dy));
}

/* a 24-bit state value: extremes, small, or anything */
static uint32_t gen_state24(rng *r)
{
    switch (rng_range(r, 0, 5)) {
    case 0: return 0x800000u;                 /* -2^23 */
    case 1: return 0x7fffffu;                 /* 2^23 - 1 */
    case 2: return (uint32_t)rng_range(r, -3000, 3000) & 0xffffffu;
    case 3: return rng_u32(r);                /* reserved bits too */
    default: return 0;
    }
}

/* Program every word of the core on both backends. */
static int program(ctx *x, rng *r, const params *p)
{
    const nm_loihi_geom *g = x->g;
    unsigned i, n, s;
    for (i = 0; i < g->ndprof; i++)
        if (wr_both(x, NML_ADDR(NML_REGION_DPROF, i), gen_dprof(r)))
            return 1;
    for (i = 0; i < g->ntprof; i++)
        if (wr_both(x, NML_ADDR(NML_REGION_TPROF, i), gen_tprof(r, p)))
            return 1;
    for (i = 0; i < g->nsynfmt; i++)
        if (wr_both(x, NML_ADDR(NML_REGION_SYNFMT, i), gen_synfmt(r)))
            return 1;
    for (n = 0; n < g->ncomp; n++) {
        if (wr_both(x, nm_loihi_addr_cx(n, NML_CX_CFG), gen_cxcfg(r)) ||
            wr_both(x, nm_loihi_addr_cx(n, NML_CX_AXMAP), gen_cxaxmap(r)))
            return 1;
        if (rng_pct(r, 30) && (wr_both(x, nm_loihi_addr_cx(n, NML_CX_U), gen_state24(r)) ||
                               wr_both(x, nm_loihi_addr_cx(n, NML_CX_V), gen_state24(r)) ||
                               wr_both(x, nm_loihi_addr_cx(n, NML_CX_REF), (uint32_t)rng_field(r, 0, 63))))
            return 1;
        for (s = 0; s < g->ndslot; s++)
            if (rng_pct(r, 10) && wr_both(x, nm_loihi_addr_da(g, s, n), gen_state24(r)))
                return 1;
    }
    for (i = 0; i < g->naxin; i++)
        if (wr_both(x, NML_ADDR(NML_REGION_INAXON, i), gen_inaxon(r, g, p)))
            return 1;
    for (i = 0; i < g->nsyn; i++)
        if (wr_both(x, NML_ADDR(NML_REGION_SYN, i), gen_syn(r)))
            return 1;
    for (i = 0; i < g->naxout; i++)
        if (wr_both(x, NML_ADDR(NML_REGION_AXMAP, i), gen_axmap(r)))
            return 1;
    if (rng_pct(r, 25)) {
        static const uint32_t steps[] = {0xfffffff0u, 0x7fffffffu, 12345u};
        if (wr_both(x, NML_ADDR(NML_REGION_CTRL, NML_CTRL_STEP), steps[rng_range(r, 0, 2)]))
            return 1;
    }
    if (rng_pct(r, 30) &&
        wr_both(x, NML_ADDR(NML_REGION_CTRL, NML_CTRL_NUPD), (uint32_t)rng_range(r, 0, g->ncomp + 2) | (rng_u32(r) & 0xffff0000u)))
        return 1;
    return 0;
}

/* One random config write between steps: any region's word, or a counter, STEP, NUPD. */
static int random_write(ctx *x, rng *r, const params *p)
{
    const nm_loihi_geom *g = x->g;
    switch (rng_range(r, 0, 9)) {
    case 0: return wr_both(x, NML_ADDR(NML_REGION_DPROF, rng_range(r, 0, g->ndprof - 1)), gen_dprof(r));
    case 1: return wr_both(x, NML_ADDR(NML_REGION_TPROF, rng_range(r, 0, g->ntprof - 1)), gen_tprof(r, p));
    case 2: return wr_both(x, NML_ADDR(NML_REGION_SYNFMT, rng_range(r, 0, g->nsynfmt - 1)), gen_synfmt(r));
    case 3: return wr_both(x, nm_loihi_addr_cx((unsigned)rng_range(r, 0, g->ncomp - 1), (unsigned)rng_range(r, 0, 4)),
                           rng_u32(r));
    case 4: return wr_both(x, NML_ADDR(NML_REGION_INAXON, rng_range(r, 0, g->naxin - 1)), gen_inaxon(r, g, p));
    case 5: return wr_both(x, NML_ADDR(NML_REGION_SYN, rng_range(r, 0, g->nsyn - 1)), gen_syn(r));
    case 6: return wr_both(x, NML_ADDR(NML_REGION_AXMAP, rng_range(r, 0, g->naxout - 1)), gen_axmap(r));
    case 7: return wr_both(x, nm_loihi_addr_da(g, (unsigned)rng_range(r, 0, g->ndslot - 1),
                                               (unsigned)rng_range(r, 0, g->ncomp - 1)), gen_state24(r));
    case 8: return wr_both(x, NML_ADDR(NML_REGION_COUNTER, rng_range(r, 0, NML_COUNTER_NREGS - 1)),
                           rng_pct(r, 50) ? 0xfffffff0u : rng_u32(r));
    default:
        return rng_pct(r, 50) ? wr_both(x, NML_ADDR(NML_REGION_CTRL, NML_CTRL_STEP), rng_u32(r))
                              : wr_both(x, NML_ADDR(NML_REGION_CTRL, NML_CTRL_NUPD),
                                        (uint32_t)rng_range(r, 0, g->ncomp + 2));
    }
}

/* ------------------------------------------------------------------ compare */

static const nm_regmap_reg *reg_of(uint32_t addr, unsigned *index)
{
    unsigned region = addr >> NML_REGION_SHIFT, off = addr & ((1u << NML_REGION_SHIFT) - 1u), i;
    for (i = 0; i < nm_loihi_regmap_nregs; i++) {
        const nm_regmap_reg *rg = &nm_loihi_regmap_regs[i];
        unsigned o = rg->stride ? off % rg->stride : off;
        if (rg->region_id == region && o == rg->offset) {
            *index = rg->stride ? off / rg->stride : 0;
            return rg;
        }
    }
    return NULL;
}

static void rerun_hint(const ctx *x)
{
    fprintf(stderr, "rerun this seed alone: build/tests/diff-loihi-core --seed %u --steps %u (add --trace F.fst for a waveform)\n",
            x->seed, x->steps);
}

static void report_word(const ctx *x, uint32_t addr, uint32_t a, uint32_t b)
{
    unsigned idx = 0, f;
    const nm_regmap_reg *rg = reg_of(addr, &idx);
    char where[96];
    if (!rg)
        snprintf(where, sizeof where, "address 0x%05" PRIx32, addr);
    else if (rg->stride && rg->region_id == NML_REGION_DA)
        snprintf(where, sizeof where, "DA[slot %u][compartment %u].ACC", idx / x->g->ncomp, idx % x->g->ncomp);
    else if (rg->stride)
        snprintf(where, sizeof where, "%s[%u].%s", rg->region, idx, rg->name);
    else
        snprintf(where, sizeof where, "%s.%s", rg->region, rg->name);
    fprintf(stderr, "MISMATCH seed %u step %u: %s", x->seed, x->step, where);
    for (f = 0; rg && f < rg->nfields; f++) {
        const nm_regmap_field *fd = &rg->fields[f];
        uint32_t m = fd->width >= 32 ? 0xffffffffu : ((1u << fd->width) - 1u);
        uint32_t fa = (a >> fd->lsb) & m, fb = (b >> fd->lsb) & m;
        if (fa != fb) {
            if (fd->is_signed)
                fprintf(stderr, ".%s: ref=%" PRId32 " rtl=%" PRId32, fd->name, nm_loihi_sext(fa, fd->width),
                        nm_loihi_sext(fb, fd->width));
            else
                fprintf(stderr, ".%s: ref=%" PRIu32 " rtl=%" PRIu32, fd->name, fa, fb);
            break;
        }
    }
    fprintf(stderr, " [words ref=0x%08" PRIx32 " rtl=0x%08" PRIx32 "]\n", a, b);
}

static int cmp_addr(const ctx *x, uint32_t addr)
{
    uint32_t a = 0, b = 0;
    int ra = x->ref->cfg_read(x->ref->impl, addr, &a);
    int rb = x->rtl->cfg_read(x->rtl->impl, addr, &b);
    if (ra != rb) {
        fprintf(stderr, "MISMATCH seed %u step %u: config read 0x%05" PRIx32 ": ref=%s rtl=%s\n", x->seed, x->step,
                addr, nm_loihi_strerror(ra), nm_loihi_strerror(rb));
        return 1;
    }
    if (a != b) {
        report_word(x, addr, a, b);
        return 1;
    }
    return 0;
}

/* The state that steps change: compartments, accumulators, counters, status, step. */
static int cmp_dynamic(const ctx *x)
{
    const nm_loihi_geom *g = x->g;
    unsigned n, w, s, k;
    for (n = 0; n < g->ncomp; n++)
        for (w = NML_CX_U; w <= NML_CX_VHW; w++)
            if (cmp_addr(x, nm_loihi_addr_cx(n, w)))
                return 1;
    for (s = 0; s < g->ndslot; s++)
        for (n = 0; n < g->ncomp; n++)
            if (cmp_addr(x, nm_loihi_addr_da(g, s, n)))
                return 1;
    for (k = 0; k < NML_COUNTER_NREGS; k++)
        if (cmp_addr(x, NML_ADDR(NML_REGION_COUNTER, k)))
            return 1;
    return cmp_addr(x, NML_ADDR(NML_REGION_CTRL, NML_CTRL_STATUS)) ||
           cmp_addr(x, NML_ADDR(NML_REGION_CTRL, NML_CTRL_STEP));
}

/* Every mapped word, a margin of unmapped words past each region's end, the unmapped
 * regions, and offsets near the top of each region. */
static int cmp_everything(const ctx *x)
{
    const nm_loihi_geom *g = x->g;
    const uint32_t size[16] = {8, NML_COUNTER_NREGS, g->ndprof, g->ntprof, g->nsynfmt, g->ncomp * NML_CX_STRIDE,
                               g->naxin, g->nsyn, g->naxout, g->ndslot * g->ncomp};
    uint32_t region, off;
    for (region = 0; region < 16; region++) {
        for (off = 0; off < size[region] + 9 && off < 0x10000u; off++)
            if (cmp_addr(x, NML_ADDR(region, off)))
                return 1;
        for (off = 0xfff0u; off <= 0xffffu; off++)
            if (cmp_addr(x, NML_ADDR(region, off)))
                return 1;
    }
    return 0;
}

static int cmp_step(const ctx *x, const nm_loihi_out *a, const nm_loihi_out *b)
{
    unsigned k;
    if (a->cycles != b->cycles) {
        fprintf(stderr, "MISMATCH seed %u step %u: cycles ref=%" PRIu32 " rtl=%" PRIu32 "\n", x->seed, x->step,
                a->cycles, b->cycles);
        return 1;
    }
    for (k = 0; k < a->nspikes && k < b->nspikes; k++)
        if (a->spikes[k] != b->spikes[k]) {
            fprintf(stderr, "MISMATCH seed %u step %u: spike #%u compartment ref=%u rtl=%u\n", x->seed, x->step, k,
                    a->spikes[k], b->spikes[k]);
            return 1;
        }
    if (a->nspikes != b->nspikes) {
        fprintf(stderr, "MISMATCH seed %u step %u: spike count ref=%" PRIu32 " rtl=%" PRIu32 "\n", x->seed, x->step,
                a->nspikes, b->nspikes);
        return 1;
    }
    for (k = 0; k < a->npkts && k < b->npkts; k++) {
        const nm_loihi_pkt *pa = &a->pkts[k], *pb = &b->pkts[k];
        if (pa->dx != pb->dx || pa->dy != pb->dy || pa->axon != pb->axon || pa->src != pb->src ||
            pa->entry != pb->entry) {
            fprintf(stderr,
                    "MISMATCH seed %u step %u: packet #%u (dx,dy,axon,src,entry) ref=(%d,%d,%u,%u,%u) "
                    "rtl=(%d,%d,%u,%u,%u)\n",
                    x->seed, x->step, k, pa->dx, pa->dy, pa->axon, pa->src, pa->entry, pb->dx, pb->dy, pb->axon,
                    pb->src, pb->entry);
            return 1;
        }
    }
    if (a->npkts != b->npkts) {
        fprintf(stderr, "MISMATCH seed %u step %u: packet count ref=%" PRIu32 " rtl=%" PRIu32 "\n", x->seed, x->step,
                a->npkts, b->npkts);
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ one seed */

typedef struct totals {
    uint64_t steps, events, synops, spikes, pkts, drops, cycles, rtl_cycles;
} totals;

static int run_seed(unsigned seed, unsigned steps, totals *tot, int quiet, const char *trace)
{
    rng r = {0x4c4f494849ull ^ ((uint64_t)seed * 0x9e3779b97f4a7c15ull)};
    params p;
    nm_loihi_ref *ref = NULL;
    nm_loihi_rtl *rtl = NULL;
    nm_loihi_backend bref, brtl;
    ctx x;
    nm_loihi_out oa, ob;
    char msg[256];
    uint64_t spikes = 0, pkts = 0, cycles = 0;
    uint64_t c_ev = 0, c_syn = 0, c_drop = 0;
    uint32_t before[3];
    int rc = 1, e;

    memset(&x, 0, sizeof x);
    x.seed = seed;
    x.steps = steps;
    switch (rng_range(&r, 0, 5)) { /* the synapse density, extremes over-sampled */
    case 0: p.density_pct = 0; break;
    case 1: p.density_pct = 100; break;
    default: p.density_pct = (unsigned)rng_range(&r, 0, 100); break;
    }
    p.spiky = rng_pct(&r, 75);
    p.in_max = rng_pct(&r, 10) ? 40u : (unsigned)rng_range(&r, 0, 6);
    p.cfg_pct = rng_pct(&r, 50) ? 0u : (unsigned)rng_range(&r, 1, 20);
    p.opts.loopback = rng_pct(&r, 80);
    p.opts.stall_per_pkt = rng_pct(&r, 60) ? 0u : (unsigned)rng_range(&r, 1, 3);

    rtl = nm_loihi_rtl_new_traced(NULL, &p.opts, trace, msg, sizeof msg);
    if (!rtl) {
        fprintf(stderr, "seed %u: cannot create the RTL backend: %s\n", seed, msg);
        goto out;
    }
    ref = nm_loihi_ref_new(nm_loihi_rtl_geom(rtl), &p.opts, msg, sizeof msg);
    if (!ref) {
        fprintf(stderr, "seed %u: cannot create the model: %s\n", seed, msg);
        goto out;
    }
    nm_loihi_ref_set_simd(ref, (int)(seed % 3u));
    nm_loihi_ref_backend(&bref, ref);
    nm_loihi_rtl_backend(&brtl, rtl);
    x.ref = &bref;
    x.rtl = &brtl;
    x.g = nm_loihi_rtl_geom(rtl);
    if (cmp_everything(&x) || program(&x, &r, &p) || cmp_everything(&x))
        goto fail;
    for (x.step = 1; x.step <= steps; x.step++) {
        unsigned nin = p.in_max ? (unsigned)rng_range(&r, 0, p.in_max) : 0, k;
        if (p.cfg_pct && rng_pct(&r, p.cfg_pct) && random_write(&x, &r, &p))
            goto fail;
        /* totals: per-step deltas of the model's counters (random writes may set them) */
        before[0] = nm_loihi_ref_counter(ref, NML_COUNTER_AXON_EVENTS);
        before[1] = nm_loihi_ref_counter(ref, NML_COUNTER_SYN_OPS);
        before[2] = nm_loihi_ref_counter(ref, NML_COUNTER_IN_DROPS);
        for (k = 0; k < nin; k++) {
            unsigned axon = (unsigned)rng_range(&r, 0, x.g->naxin - 1);
            int ea = bref.inject(ref, axon), eb = brtl.inject(rtl, axon);
            if (ea != eb) {
                fprintf(stderr, "MISMATCH seed %u step %u: inject axon %u: ref=%s rtl=%s\n", seed, x.step, axon,
                        nm_loihi_strerror(ea), nm_loihi_strerror(eb));
                goto fail;
            }
            if (ea != NM_OK && ea != NM_ERR_FULL) {
                fprintf(stderr, "seed %u step %u: inject failed: %s\n", seed, x.step, nm_loihi_strerror(ea));
                goto fail;
            }
        }
        if ((e = bref.tick(ref, &oa)) != NM_OK) {
            fprintf(stderr, "seed %u step %u: model step failed: %s\n", seed, x.step, nm_loihi_strerror(e));
            goto fail;
        }
        if ((e = brtl.tick(rtl, &ob)) != NM_OK) {
            fprintf(stderr, "seed %u step %u: RTL step failed: %s %s\n", seed, x.step, nm_loihi_strerror(e),
                    nm_loihi_rtl_error(rtl));
            goto fail;
        }
        if (cmp_dynamic(&x) || cmp_step(&x, &oa, &ob))
            goto fail;
        c_ev += (uint32_t)(nm_loihi_ref_counter(ref, NML_COUNTER_AXON_EVENTS) - before[0]);
        c_syn += (uint32_t)(nm_loihi_ref_counter(ref, NML_COUNTER_SYN_OPS) - before[1]);
        c_drop += (uint32_t)(nm_loihi_ref_counter(ref, NML_COUNTER_IN_DROPS) - before[2]);
        spikes += oa.nspikes;
        pkts += oa.npkts;
        cycles += oa.cycles;
    }
    x.step = steps;
    if (cmp_everything(&x))
        goto fail;
    tot->steps += steps;
    tot->events += c_ev;
    tot->synops += c_syn;
    tot->drops += c_drop;
    tot->spikes += spikes;
    tot->pkts += pkts;
    tot->cycles += cycles;
    tot->rtl_cycles += nm_loihi_rtl_cycles(rtl);
    if (!quiet)
        printf("seed %u: ok  %u steps, density %u%%, loopback %d, stall/pkt %u, %" PRIu64 " events, %" PRIu64
               " synapse ops, %" PRIu64 " spikes, %" PRIu64 " packets, %" PRIu64 " drops, %" PRIu64 " step cycles\n",
               seed, steps, p.density_pct, p.opts.loopback, p.opts.stall_per_pkt, c_ev, c_syn, spikes, pkts, c_drop,
               cycles);
    rc = 0;
    goto out;
fail:
    rerun_hint(&x);
out:
    nm_loihi_ref_free(ref);
    nm_loihi_rtl_free(rtl);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned seed = 1, nseeds = 1, steps = 1000, s;
    int quiet = 0, i;
    const char *trace = NULL;
    totals tot;

    memset(&tot, 0, sizeof tot);
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
            nseeds = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--steps") && i + 1 < argc)
            steps = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--quiet"))
            quiet = 1;
        else if (!strcmp(argv[i], "--trace") && i + 1 < argc)
            trace = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--seed N] [--seeds COUNT] [--steps T] [--quiet] [--trace FILE]\n", argv[0]);
            return 2;
        }
    }
    for (s = seed; s < seed + nseeds; s++)
        if (run_seed(s, steps, &tot, quiet, s + 1 == seed + nseeds ? trace : NULL))
            return 1;
    printf("diff-loihi-core: PASS seeds %u..%u, %" PRIu64 " steps, %" PRIu64 " input-axon events, %" PRIu64
           " synapse ops, %" PRIu64 " spikes, %" PRIu64 " packets, %" PRIu64 " queue drops, %" PRIu64
           " step cycles, %" PRIu64 " RTL cycles simulated\n",
           seed, seed + nseeds - 1, tot.steps, tot.events, tot.synops, tot.spikes, tot.pkts, tot.drops, tot.cycles,
           tot.rtl_cycles);
    return 0;
}
