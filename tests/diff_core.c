/* diff_core.c - differential test: the RTL core against the C reference model.
 *
 * For each seed it builds a random core (crossbar density 0..100 percent, every
 * parameter across its full range with the extremes over-sampled, every mode,
 * random loopback and off-core destinations, random input with every delay, a
 * random sink stall), programs the RTL and the model identically through the
 * config port, and after every tick compares: the spikes in order, their packets,
 * the cycle count, every neuron's V, every scheduler row, the tick pointer, the
 * PRNG state and all eight counters. At the end it compares every config word.
 * The first difference is reported with seed, tick, neuron (or row), field and
 * both values, and the command that reruns that seed alone; the exit status is 1.
 *
 * usage: diff-core --seed N [--seeds COUNT] [--ticks T] [--quiet]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_core_prog.h"
#include "nm_ref_core.h"
#include "nm_test_netgen.h"
#include "nm_regmap.h"
#include "nm_rtl_core.h"

/* ------------------------------------------------------------------ compare */

typedef struct run_ctx {
    unsigned seed, tick, ticks;
    const nm_core_backend *ref, *rtl;
} run_ctx;

static const nm_regmap_reg *reg_of(uint32_t addr, unsigned *index)
{
    unsigned region = addr >> NM_REGION_SHIFT, off = addr & ((1u << NM_REGION_SHIFT) - 1), i;
    for (i = 0; i < nm_regmap_nregs; i++) {
        const nm_regmap_reg *rg = &nm_regmap_regs[i];
        unsigned o = rg->stride ? off % rg->stride : off;
        if (rg->region_id == region && (o == rg->offset || (rg->stride && o > rg->offset &&
                                        !strcmp(rg->name, "ROW")))) {
            *index = rg->stride ? off / rg->stride : 0;
            return rg;
        }
    }
    return NULL;
}

static void report_word(const run_ctx *x, uint32_t addr, uint32_t a, uint32_t b)
{
    unsigned idx = 0, f;
    const nm_regmap_reg *rg = reg_of(addr, &idx);
    char where[96];
    if (!rg) {
        snprintf(where, sizeof where, "address 0x%04" PRIx32, addr);
    } else if (rg->stride) {
        unsigned word = (addr & ((1u << NM_REGION_SHIFT) - 1)) % rg->stride;
        if (!strcmp(rg->name, "ROW"))
            snprintf(where, sizeof where, "%s[%u].ROW word %u (axons %u..%u)", rg->region, idx,
                     word, word * 32, word * 32 + 31);
        else
            snprintf(where, sizeof where, "%s[%u].%s", rg->region, idx, rg->name);
    } else {
        snprintf(where, sizeof where, "%s.%s", rg->region, rg->name);
    }
    fprintf(stderr, "MISMATCH seed %u tick %u: %s", x->seed, x->tick, where);
    for (f = 0; rg && f < rg->nfields; f++) {
        const nm_regmap_field *fd = &rg->fields[f];
        uint32_t m = fd->width >= 32 ? 0xffffffffu : ((1u << fd->width) - 1u);
        uint32_t fa = (a >> fd->lsb) & m, fb = (b >> fd->lsb) & m;
        if (fa != fb) {
            if (fd->is_signed)
                fprintf(stderr, ".%s: ref=%" PRId32 " rtl=%" PRId32, fd->name,
                        (int32_t)(fa << (32 - fd->width)) >> (32 - fd->width),
                        (int32_t)(fb << (32 - fd->width)) >> (32 - fd->width));
            else
                fprintf(stderr, ".%s: ref=%" PRIu32 " (0x%" PRIx32 ") rtl=%" PRIu32 " (0x%" PRIx32 ")",
                        fd->name, fa, fa, fb, fb);
            break;
        }
    }
    fprintf(stderr, " [words ref=0x%08" PRIx32 " rtl=0x%08" PRIx32 "]\n", a, b);
}

static void rerun_hint(const run_ctx *x)
{
    fprintf(stderr, "rerun this seed alone: build/tests/diff-core --seed %u --ticks %u\n", x->seed,
            x->ticks);
}

static int cmp_addr(const run_ctx *x, uint32_t addr)
{
    uint32_t a = 0, b = 0;
    int ra = x->ref->cfg_read(x->ref->impl, addr, &a);
    int rb = x->rtl->cfg_read(x->rtl->impl, addr, &b);
    if (ra != rb) {
        fprintf(stderr, "MISMATCH seed %u tick %u: config read 0x%04" PRIx32 " ref=%s rtl=%s\n",
                x->seed, x->tick, addr, nm_strerror(ra), nm_strerror(rb));
        return 1;
    }
    if (a != b) {
        report_word(x, addr, a, b);
        return 1;
    }
    return 0;
}

/* The state that changes with ticks: V, scheduler, tick pointer, PRNG, counters. */
static int cmp_dynamic(const run_ctx *x)
{
    unsigned j, r, k;
    for (j = 0; j < NNE; j++)
        if (cmp_addr(x, NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE + NM_NEURON_STATE)))
            return 1;
    for (r = 0; r < 16; r++)
        for (k = 0; k < XWORDS; k++)
            if (cmp_addr(x, NM_ADDR(NM_REGION_SCHED, r * NM_SCHED_STRIDE + k)))
                return 1;
    if (cmp_addr(x, NM_ADDR(NM_REGION_CTRL, NM_CTRL_TICKPTR)) ||
        cmp_addr(x, NM_ADDR(NM_REGION_CTRL, NM_CTRL_STATUS)) ||
        cmp_addr(x, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG)))
        return 1;
    for (k = 0; k < NM_COUNTER_NREGS; k++)
        if (cmp_addr(x, NM_ADDR(NM_REGION_COUNTER, k)))
            return 1;
    return 0;
}

/* Every mapped word of the whole config space, unmapped ones must agree on refusal. */
static int cmp_everything(const run_ctx *x)
{
    uint32_t region, off;
    for (region = 0; region < 8; region++)
        for (off = 0; off < (1u << NM_REGION_SHIFT); off++)
            if (cmp_addr(x, NM_ADDR(region, off)))
                return 1;
    return 0;
}

static int cmp_tick(const run_ctx *x, const nm_tick_out *a, const nm_tick_out *b)
{
    unsigned k;
    if (a->cycles != b->cycles) {
        fprintf(stderr, "MISMATCH seed %u tick %u: cycles ref=%" PRIu32 " rtl=%" PRIu32 "\n",
                x->seed, x->tick, a->cycles, b->cycles);
        return 1;
    }
    for (k = 0; k < a->nspikes && k < b->nspikes; k++) {
        const nm_pkt *pa = &a->pkts[k], *pb = &b->pkts[k];
        if (a->spikes[k] != b->spikes[k]) {
            fprintf(stderr, "MISMATCH seed %u tick %u: spike #%u neuron ref=%u rtl=%u\n", x->seed,
                    x->tick, k, a->spikes[k], b->spikes[k]);
            return 1;
        }
        if (pa->dx != pb->dx || pa->dy != pb->dy || pa->axon != pb->axon || pa->delay != pb->delay) {
            fprintf(stderr,
                    "MISMATCH seed %u tick %u: neuron %u packet ref=(%d,%d,%u,%u) rtl=(%d,%d,%u,%u)\n",
                    x->seed, x->tick, a->spikes[k], pa->dx, pa->dy, pa->axon, pa->delay, pb->dx,
                    pb->dy, pb->axon, pb->delay);
            return 1;
        }
    }
    if (a->nspikes != b->nspikes) {
        fprintf(stderr, "MISMATCH seed %u tick %u: spike count ref=%" PRIu32 " rtl=%" PRIu32
                        " (first extra neuron %u)\n",
                x->seed, x->tick, a->nspikes, b->nspikes,
                a->nspikes > b->nspikes ? a->spikes[k] : b->spikes[k]);
        return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------ one seed */

typedef struct totals {
    uint64_t ticks, events, spikes, cycles, rtl_cycles;
} totals;

static int run_seed(unsigned seed, unsigned ticks, totals *tot, int quiet)
{
    static core_image im;
    static nm_tick_out oa, ob;
    rng r = {0x6e6d656d75ull ^ ((uint64_t)seed << 20)};
    netgen g;
    nm_ref_core *ref = NULL;
    nm_rtl_core *rtl = NULL;
    nm_core_backend bref, brtl;
    run_ctx x = {seed, 0, ticks, &bref, &brtl};
    uint32_t c0[8] = {0}, c1[8];
    uint64_t seed_spikes = 0, seed_events = 0, seed_cycles = 0;
    int rc = 1, e;

    gen_params(&r, seed, &g);
    gen_core(&r, &g, &im);
    ref = nm_ref_core_new(NAX, NNE, &g.opts);
    rtl = nm_rtl_core_new(&g.opts, NULL);
    if (!ref || !rtl) {
        fprintf(stderr, "seed %u: cannot create the backends\n", seed);
        goto out;
    }
    nm_ref_core_backend(&bref, ref);
    nm_rtl_core_backend(&brtl, rtl);
    if ((e = program_core(&bref, &im, g.seed_prng)) != NM_OK ||
        (e = program_core(&brtl, &im, g.seed_prng)) != NM_OK) {
        fprintf(stderr, "seed %u: programming failed: %s\n", seed, nm_strerror(e));
        goto out;
    }
    if (cmp_everything(&x))
        goto fail;
    for (x.tick = 0; x.tick < ticks; x.tick++) {
        unsigned nin = g.inputs_max ? (unsigned)rng_range(&r, 0, g.inputs_max) : 0, k;
        for (k = 0; k < nin; k++) {
            unsigned axon = (unsigned)rng_range(&r, 0, NAX - 1);
            unsigned delay = (unsigned)rng_range(&r, 0, 15);
            if (bref.inject(ref, axon, delay) != NM_OK || brtl.inject(rtl, axon, delay) != NM_OK) {
                fprintf(stderr, "seed %u tick %u: inject failed\n", seed, x.tick);
                goto fail;
            }
        }
        if ((e = bref.tick(ref, &oa)) != NM_OK) {
            fprintf(stderr, "seed %u tick %u: ref tick failed: %s\n", seed, x.tick, nm_strerror(e));
            goto fail;
        }
        if ((e = brtl.tick(rtl, &ob)) != NM_OK) {
            fprintf(stderr, "seed %u tick %u: rtl tick failed: %s\n", seed, x.tick, nm_strerror(e));
            goto fail;
        }
        if (cmp_tick(&x, &oa, &ob) || cmp_dynamic(&x))
            goto fail;
        if (nm_core_read_counters(&bref, c1) != NM_OK)
            goto fail;
        /* the counters are 32-bit and wrap: accumulate the per-tick deltas */
        seed_events += (uint32_t)(c1[0] - c0[0]);
        seed_spikes += oa.nspikes;
        seed_cycles += oa.cycles;
        memcpy(c0, c1, sizeof c0);
    }
    x.tick = ticks;
    if (cmp_everything(&x))
        goto fail;
    tot->ticks += ticks;
    tot->events += seed_events;
    tot->spikes += seed_spikes;
    tot->cycles += seed_cycles;
    tot->rtl_cycles += nm_rtl_core_cycles(rtl);
    if (!quiet)
        printf("seed %u: ok  %u ticks, density %.2f, %" PRIu64 " events, %" PRIu64
               " spikes, %" PRIu64 " tick cycles, stall/pkt %u\n",
               seed, ticks, g.density, seed_events, seed_spikes, seed_cycles, g.opts.stall_per_pkt);
    rc = 0;
    goto out;
fail:
    rerun_hint(&x);
out:
    nm_ref_core_free(ref);
    nm_rtl_core_free(rtl);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned seed = 1, nseeds = 1, ticks = 1000, s;
    int quiet = 0, i;
    totals tot = {0, 0, 0, 0, 0};

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
            nseeds = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--ticks") && i + 1 < argc)
            ticks = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--quiet"))
            quiet = 1;
        else {
            fprintf(stderr, "usage: %s --seed N [--seeds COUNT] [--ticks T] [--quiet]\n", argv[0]);
            return 2;
        }
    }
    for (s = seed; s < seed + nseeds; s++)
        if (run_seed(s, ticks, &tot, quiet))
            return 1;
    printf("diff-core: PASS seeds %u..%u, %" PRIu64 " ticks, %" PRIu64 " synaptic events, %" PRIu64
           " spikes, %" PRIu64 " core tick cycles, %" PRIu64 " RTL cycles simulated\n",
           seed, seed + nseeds - 1, tot.ticks, tot.events, tot.spikes, tot.cycles, tot.rtl_cycles);
    return 0;
}
