/* diff_chip.c - differential test of the chip: the Verilated 4 x 4 mesh against the
 * reference chip model.
 *
 * For each seed: a random network on every core (tests/nm_test_netgen.c: all modes,
 * stochastic included, destinations mostly within +-3 cores so that some leave the
 * mesh, every delay), programmed into both chips by the firmware driver (firmware/)
 * over APB, and read back word for word. Then host packets (some for cores that do not
 * exist, so they leave the chip) and ticks; after every tick it compares the spikes of
 * every core, the off-chip packets with their tick, and over APB every neuron's V, every
 * scheduler row, tick pointer, PRNG and the exact core counters of every core
 * (SYN_EVENTS .. ROW_WRITES) and every router's per-port flit counters. Cycles per
 * tick, core BUSY/STALL and router STALL are timing estimates in the model
 * (docs/chip.md): the test reports the cycle-prediction error instead.
 *
 * usage: diff-chip --seed N [--seeds COUNT] [--ticks T] [--quiet]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../firmware/nm_fw.h"
#include "nm_chipmap.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"
#include "nm_rtl_chip.h"
#include "nm_test_netgen.h"

#define SPAN 3

static double g_err;     /* sum over ticks of (predicted - RTL) / RTL cycles */
static double g_abs_err; /* sum over ticks of |predicted - RTL| / RTL cycles */
static int g_quiet;

static int bus_read(void *ctx, uint32_t addr, uint32_t *data)
{
    const nm_chip_backend *b = ctx;
    return b->apb_read(b->impl, addr, data);
}

static int bus_write(void *ctx, uint32_t addr, uint32_t data)
{
    const nm_chip_backend *b = ctx;
    return b->apb_write(b->impl, addr, data);
}

/* Program one core image with the firmware, then read every word back. */
static int fw_program(const nm_fw_bus *bus, unsigned core, const core_image *im, uint32_t seed)
{
    uint32_t types[NAX / 16] = {0}, w[NM_NEURON_WORDS], back[NAX / 16];
    unsigned i, j, k;
    for (i = 0; i < NAX; i++)
        types[i / 16] |= (uint32_t)im->types[i] << (2 * (i % 16));
    if (nm_fw_write_axon_types(bus, core, types, NAX / 16) || nm_fw_seed_prng(bus, core, seed))
        return 1;
    for (j = 0; j < NNE; j++) {
        nm_neuron_pack(&im->n[j], w);
        if (nm_fw_write_xbar_row(bus, core, j, im->xbar[j], XWORDS) || nm_fw_write_neuron(bus, core, j, w))
            return 1;
    }
    /* read back bit for bit */
    if (nm_fw_core_read_block(bus, core, NM_ADDR(NM_REGION_AXTYPE, 0), back, NAX / 16) ||
        memcmp(back, types, sizeof types)) {
        fprintf(stderr, "core %u: axon types read back differ\n", core);
        return 1;
    }
    for (j = 0; j < NNE; j++) {
        nm_neuron_pack(&im->n[j], w);
        if (nm_fw_core_read_block(bus, core, NM_ADDR(NM_REGION_XBAR, j * NM_XBAR_STRIDE), back, XWORDS) ||
            memcmp(back, im->xbar[j], sizeof im->xbar[j])) {
            fprintf(stderr, "core %u: crossbar row %u read back differs\n", core, j);
            return 1;
        }
        if (nm_fw_core_read_block(bus, core, NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE), back, 7))
            return 1;
        for (k = 0; k < 7; k++)
            if (back[k] != w[k]) {
                fprintf(stderr, "core %u: neuron %u word %u read back 0x%08" PRIx32 ", wrote 0x%08" PRIx32 "\n",
                        core, j, k, back[k], w[k]);
                return 1;
            }
    }
    return 0;
}

typedef struct ctx {
    unsigned seed, tick, ticks;
    const nm_chip_backend *ref, *rtl;
} ctx;

static int cmp_word(const ctx *x, uint32_t paddr, const char *what, unsigned core, unsigned idx)
{
    uint32_t a = 0, b = 0;
    int ra = x->ref->apb_read(x->ref->impl, paddr, &a), rb = x->rtl->apb_read(x->rtl->impl, paddr, &b);
    if (ra != rb || a != b) {
        fprintf(stderr,
                "MISMATCH seed %u tick %u: core %u (x %u, y %u) %s[%u]: ref=0x%08" PRIx32 " (%d) rtl=0x%08" PRIx32
                " (%d)\n",
                x->seed, x->tick, core, core % x->ref->mesh_x, core / x->ref->mesh_x, what, idx, a, ra, b, rb);
        return 1;
    }
    return 0;
}

static int cmp_state(const ctx *x)
{
    unsigned core, j, r, k, ncores = x->ref->mesh_x * x->ref->mesh_y;
    for (core = 0; core < ncores; core++) {
        for (j = 0; j < NNE; j++)
            if (cmp_word(x, nm_chip_paddr(NM_CHIP_REGION_CORE, core,
                                          NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE + NM_NEURON_STATE)),
                         "NEURON.STATE.V of neuron", core, j))
                return 1;
        for (r = 0; r < 16; r++)
            for (k = 0; k < XWORDS; k++)
                if (cmp_word(x, nm_chip_paddr(NM_CHIP_REGION_CORE, core,
                                              NM_ADDR(NM_REGION_SCHED, r * NM_SCHED_STRIDE + k)),
                             "SCHED row*8+word", core, r * 8 + k))
                    return 1;
        if (cmp_word(x, nm_chip_paddr(NM_CHIP_REGION_CORE, core, NM_ADDR(NM_REGION_CTRL, NM_CTRL_TICKPTR)),
                     "CTRL.TICKPTR", core, 0) ||
            cmp_word(x, nm_chip_paddr(NM_CHIP_REGION_CORE, core, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG)),
                     "CTRL.PRNG", core, 0))
            return 1;
        /* exact counters: SYN_EVENTS .. ROW_WRITES (BUSY and STALL cycles depend on the mesh) */
        for (k = NM_COUNTER_SYN_EVENTS; k <= NM_COUNTER_ROW_WRITES; k++)
            if (cmp_word(x, nm_chip_paddr(NM_CHIP_REGION_CORE, core, NM_ADDR(NM_REGION_COUNTER, k)),
                         "COUNTER", core, k))
                return 1;
        for (k = NM_CHIP_ROUTER_FLITS_L; k <= NM_CHIP_ROUTER_FLITS_S; k++)
            if (cmp_word(x, nm_chip_paddr(NM_CHIP_REGION_ROUTER, core, k), "ROUTER.FLITS port", core, k))
                return 1;
    }
    return 0;
}

static int cmp_tick(const ctx *x, const nm_chip_tick_out *a, const nm_chip_tick_out *b)
{
    unsigned k;
    for (k = 0; k < a->nspikes && k < b->nspikes; k++)
        if (a->spikes[k].core != b->spikes[k].core || a->spikes[k].neuron != b->spikes[k].neuron) {
            fprintf(stderr, "MISMATCH seed %u tick %u: spike #%u ref=(core %u, neuron %u) rtl=(core %u, neuron %u)\n",
                    x->seed, x->tick, k, a->spikes[k].core, a->spikes[k].neuron, b->spikes[k].core,
                    b->spikes[k].neuron);
            return 1;
        }
    if (a->nspikes != b->nspikes) {
        fprintf(stderr, "MISMATCH seed %u tick %u: spikes ref=%" PRIu32 " rtl=%" PRIu32 "\n", x->seed, x->tick,
                a->nspikes, b->nspikes);
        return 1;
    }
    for (k = 0; k < a->noff && k < b->noff; k++) {
        const nm_offchip *p = &a->off[k], *q = &b->off[k];
        if (p->tick != q->tick || p->side != q->side || p->pos != q->pos || p->pkt.dx != q->pkt.dx ||
            p->pkt.dy != q->pkt.dy || p->pkt.axon != q->pkt.axon || p->pkt.delay != q->pkt.delay) {
            fprintf(stderr,
                    "MISMATCH seed %u tick %u: off-chip #%u ref=(tick %u side %u pos %u dx %d dy %d axon %u) "
                    "rtl=(tick %u side %u pos %u dx %d dy %d axon %u)\n",
                    x->seed, x->tick, k, p->tick, p->side, p->pos, p->pkt.dx, p->pkt.dy, p->pkt.axon, q->tick,
                    q->side, q->pos, q->pkt.dx, q->pkt.dy, q->pkt.axon);
            return 1;
        }
    }
    if (a->noff != b->noff) {
        fprintf(stderr, "MISMATCH seed %u tick %u: off-chip packets ref=%" PRIu32 " rtl=%" PRIu32 "\n", x->seed,
                x->tick, a->noff, b->noff);
        return 1;
    }
    return 0;
}

static int run_seed(unsigned seed, unsigned ticks, uint64_t tot[4])
{
    static core_image im;
    rng r = {0x636869706e6dull ^ ((uint64_t)seed << 24)};
    netgen g;
    nm_ref_chip *ref = NULL;
    nm_rtl_chip *rtl = NULL;
    nm_chip_backend bref, brtl;
    nm_chip_tick_out oa = {0}, ob = {0};
    ctx x = {seed, 0, ticks, &bref, &brtl};
    nm_fw_bus fa, fb;
    unsigned core, ncores, k;
    double err_sum = 0;
    int rc = 1;

    rtl = nm_rtl_chip_new(NULL);
    if (!rtl) {
        fprintf(stderr, "cannot build the RTL chip\n");
        return 1;
    }
    nm_rtl_chip_backend(&brtl, rtl);
    ref = nm_ref_chip_new(brtl.mesh_x, brtl.mesh_y, brtl.naxons, brtl.nneurons);
    ncores = brtl.mesh_x * brtl.mesh_y;
    if (!ref || nm_chip_tick_out_init(&oa, ncores, NNE, 256) || nm_chip_tick_out_init(&ob, ncores, NNE, 256))
        goto out;
    nm_ref_chip_backend(&bref, ref);
    /* the model's worker threads must not change a bit: 1, 2 or 3 by seed */
    if (nm_ref_chip_set_threads(ref, 1 + seed % 3) != NM_OK)
        goto out;
    fa.ctx = &bref; fa.read32 = bus_read; fa.write32 = bus_write;
    fb.ctx = &brtl; fb.read32 = bus_read; fb.write32 = bus_write;
    gen_params(&r, seed, &g);
    g.dest_span = SPAN;
    if (g.density > 0.3)
        g.density = 0.3; /* sixteen cores: keep the RTL run short */
    for (core = 0; core < ncores; core++) {
        /* every kernel of the model on one chip: cores of deterministic neurons sharing
         * one parameter set, deterministic cores, and the seed's own (often stochastic) */
        netgen gc = g;
        if (core % 3 != 2) {
            gc.deterministic = 1;
            gc.p_stoch_syn = gc.p_stoch_leak = 0.0;
            gc.uniform = core % 3 == 0;
        } else if (core % 2 == 1) {
            gc.synapse_draws_only = 1; /* stochastic synapses, deterministic leak and threshold */
        }
        gen_core(&r, &gc, &im);
        if (fw_program(&fa, core, &im, g.seed_prng + core) || fw_program(&fb, core, &im, g.seed_prng + core)) {
            fprintf(stderr, "seed %u: programming core %u through the firmware failed\n", seed, core);
            goto out;
        }
    }
    if (cmp_state(&x))
        goto out;
    for (x.tick = 0; x.tick < ticks; x.tick++) {
        unsigned nin = (unsigned)rng_range(&r, 0, 24);
        for (k = 0; k < nin; k++) {
            nm_pkt p;
            uint32_t f;
            p.dx = (int16_t)rng_range(&r, -1, (int64_t)brtl.mesh_x);  /* -1 and mesh_x leave the chip */
            p.dy = (int16_t)rng_range(&r, 0, (int64_t)brtl.mesh_y - 1);
            p.axon = (uint8_t)rng_range(&r, 0, NAX - 1);
            p.delay = (uint8_t)rng_range(&r, 1, 15);
            f = nm_flit_pack(&p);
            if (bref.host_send(ref, f) || brtl.host_send(rtl, f)) {
                fprintf(stderr, "seed %u tick %u: host input failed\n", seed, x.tick);
                goto out;
            }
        }
        if (bref.tick(ref, &oa) || brtl.tick(rtl, &ob)) {
            fprintf(stderr, "seed %u tick %u: tick failed\n", seed, x.tick);
            goto out;
        }
        if (cmp_tick(&x, &oa, &ob) || cmp_state(&x)) {
            fprintf(stderr, "rerun this seed alone: build/tests/diff-chip --seed %u --ticks %u\n", seed, ticks);
            goto out;
        }
        tot[0]++;
        tot[1] += ob.nspikes;
        tot[2] += ob.noff;
        tot[3] += ob.cycles;
        err_sum += ob.cycles ? ((double)oa.cycles - ob.cycles) / ob.cycles : 0;
        g_abs_err += ob.cycles ? (oa.cycles > ob.cycles ? (double)(oa.cycles - ob.cycles)
                                                        : (double)(ob.cycles - oa.cycles)) / ob.cycles
                               : 0;
    }
    if (!g_quiet)
        printf("seed %u: ok  %u ticks on %ux%u, density %.2f, predicted cycles off by %+.2f%% on average\n", seed,
           ticks, brtl.mesh_x, brtl.mesh_y, g.density, 100.0 * err_sum / ticks);
    g_err += err_sum;
    rc = 0;
out:
    nm_chip_tick_out_free(&oa);
    nm_chip_tick_out_free(&ob);
    nm_ref_chip_free(ref);
    nm_rtl_chip_free(rtl);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned seed = 1, nseeds = 1, ticks = 500, s;
    uint64_t tot[4] = {0, 0, 0, 0};
    int i;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seeds") && i + 1 < argc)
            nseeds = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--ticks") && i + 1 < argc)
            ticks = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--quiet"))
            g_quiet = 1;
        else {
            fprintf(stderr, "usage: %s --seed N [--seeds COUNT] [--ticks T] [--quiet]\n", argv[0]);
            return 2;
        }
    }
    for (s = seed; s < seed + nseeds; s++)
        if (run_seed(s, ticks, tot))
            return 1;
    printf("diff-chip: PASS seeds %u..%u, %" PRIu64 " ticks, %" PRIu64 " spikes, %" PRIu64
           " off-chip packets, %" PRIu64 " RTL tick cycles; cycle prediction error: mean %+.2f%%, mean absolute %.2f%%\n",
           seed, seed + nseeds - 1, tot[0], tot[1], tot[2], tot[3], tot[0] ? 100.0 * g_err / (double)tot[0] : 0.0,
           tot[0] ? 100.0 * g_abs_err / (double)tot[0] : 0.0);
    return 0;
}
