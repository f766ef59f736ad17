/* diff_loihi_chip.c - chip-level differential test: the Verilated chip of Loihi-style cores
 * (rtl/loihi/nm_loihi_chip.v) against the chip model (emulator/loihi/nm_loihi_chip.c).
 *
 * For each seed it builds a random network on every core of the chip (decay and threshold
 * profiles, synapse formats, compartments with bias and fan-out, input axons with fan-in,
 * synapses at a random density with delays, axon-map entries whose offsets mostly land on
 * the mesh, sometimes off it, with the 8-bit extremes sampled, or in 30 % of the seeds mostly
 * to one hot-spot core with long fan-outs, so routers contend and cores stall; initial u, v, refractory
 * counters and NUPD), writes the identical words to the model's cores and, through the
 * freestanding firmware (firmware/nm_fw.c, APB), to the RTL chip, then runs steps with
 * random host packets. After every step it compares, per core: the spikes in order, the
 * packets in send order (dx, dy, axon), every compartment's U, V, REF and VHW words, every
 * dendritic accumulator slot, the counters (BUSY_CYCLES as below), and the packets that
 * left the mesh. Cycles: the model has no router, so a core never stalls in it; in the RTL
 * a core waits (STALL_CYCLES) when its router's local input FIFO is full. The test checks
 * RTL BUSY_CYCLES - STALL_CYCLES == model BUSY_CYCLES and model STALL_CYCLES == 0
 * (docs/loihi-chip.md "Cycles"). At the end of each seed the routers' FLITS_L counters must
 * add up to the packets the model delivered plus the host packets.
 * The input queues of the build (INQ 4,096) never fill here, so the model's delivery order
 * (source core order) and the RTL's (arrival order) give the same state: accumulation is
 * a sum mod 2^24.
 * The first difference is reported (seed, step, core, compartment, field, both values) and
 * the exit status is 1.
 *
 * usage: diff-loihi-chip [--seed N] [--seeds COUNT] [--steps T] [--quiet] [--trace FILE.fst]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_fw.h"
#include "nm_loihi_chip.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_ref.h"
#include "nm_loihi_regmap.h"
#include "nm_loihi_rtl_chip.h"

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

static int64_t rng_range(rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static int rng_pct(rng *r, unsigned pct)
{
    return rng_range(r, 0, 99) < (int64_t)pct;
}

/* one of the extremes a quarter of the time, else uniform */
static int64_t rng_field(rng *r, int64_t lo, int64_t hi)
{
    switch (rng_range(r, 0, 7)) {
    case 0: return lo;
    case 1: return hi;
    default: return rng_range(r, lo, hi);
    }
}

typedef struct ctx {
    unsigned seed, step, quiet;
    unsigned w, h, n;
    const nm_loihi_geom *g;
    nm_loihi_chip *ref;
    nm_loihi_rtl_chip *rtl;
    const nm_fw_bus *bus;
    uint64_t host_pkts;
} ctx;

static int wr(ctx *x, unsigned core, uint32_t addr, uint32_t data)
{
    int a = nm_loihi_ref_cfg_write(nm_loihi_chip_core(x->ref, core), addr, data);
    int b = nm_fw_loihi_core_write(x->bus, core, addr, data);
    if ((a == NM_OK) != (b == NM_FW_OK)) {
        fprintf(stderr, "MISMATCH seed %u: core %u config write 0x%05" PRIx32 " <- 0x%08" PRIx32
                        ": model %s, rtl %s\n", x->seed, core, addr, data, a == NM_OK ? "accepted" : "refused",
                b == NM_FW_OK ? "accepted" : "refused");
        return 1;
    }
    return 0;
}

/* A random network on core `core`. */
/* hot >= 0: a hot-spot network, most packets go to core `hot` (router contention, so
 * cores stall on a full local FIFO) and fan-outs are long */
static int program(ctx *x, rng *r, unsigned core, unsigned density, unsigned spiky, int hot)
{
    const nm_loihi_geom *g = x->g;
    unsigned i, cx = core % x->w, cy = core / x->w;
    int e = 0;
    for (i = 0; i < g->ndprof; i++) {
        static const unsigned ds[] = {0, 1, 2048, 4094, 4095};
        unsigned du = rng_pct(r, 50) ? ds[rng_range(r, 0, 4)] : (unsigned)rng_range(r, 0, 4095);
        unsigned dv = rng_pct(r, 50) ? ds[rng_range(r, 0, 4)] : (unsigned)rng_range(r, 0, 4095);
        unsigned ref = rng_pct(r, 50) ? (unsigned)rng_range(r, 0, 3) : (unsigned)rng_field(r, 0, 63);
        e |= wr(x, core, NML_ADDR(NML_REGION_DPROF, i), nm_loihi_enc_dprof(du, dv, ref));
    }
    for (i = 0; i < g->ntprof; i++) {
        unsigned vth = spiky && rng_pct(r, 80) ? (unsigned)rng_range(r, 0, 64) : (unsigned)rng_field(r, 0, 0x1ffff);
        e |= wr(x, core, NML_ADDR(NML_REGION_TPROF, i), nm_loihi_enc_tprof(vth));
    }
    for (i = 0; i < g->nsynfmt; i++)
        e |= wr(x, core, NML_ADDR(NML_REGION_SYNFMT, i),
                nm_loihi_enc_synfmt((unsigned)rng_range(r, 0, 3), (unsigned)rng_field(r, 1, 8),
                                    (int)rng_field(r, -8, 7)));
    for (i = 0; i < g->ncomp; i++) {
        int mant = rng_pct(r, 40) ? (int)rng_range(r, -40, 40) : (int)rng_field(r, -4096, 4095);
        unsigned len = rng_pct(r, 30) ? 0 : (unsigned)rng_range(r, 1, rng_pct(r, 10) ? 12 : 3);
        if (hot >= 0 && rng_pct(r, 70))
            len = (unsigned)rng_range(r, 8, 40);
        e |= wr(x, core, nm_loihi_addr_cx(i, NML_CX_CFG),
                nm_loihi_enc_cxcfg((unsigned)rng_range(r, 0, 31), (unsigned)rng_range(r, 0, 7),
                                   rng_pct(r, 30) ? 0 : mant, (unsigned)rng_field(r, 0, 7)));
        e |= wr(x, core, nm_loihi_addr_cx(i, NML_CX_AXMAP),
                nm_loihi_enc_cxaxmap((unsigned)rng_range(r, 0, g->naxout - 1), len));
        if (rng_pct(r, 20)) {
            e |= wr(x, core, nm_loihi_addr_cx(i, NML_CX_U), (uint32_t)rng_field(r, 0, 0xffffff));
            e |= wr(x, core, nm_loihi_addr_cx(i, NML_CX_V), (uint32_t)rng_field(r, 0, 0xffffff));
            e |= wr(x, core, nm_loihi_addr_cx(i, NML_CX_REF), (uint32_t)rng_field(r, 0, 63));
        }
    }
    for (i = 0; i < g->naxin; i++) {
        unsigned len = rng_pct(r, 20) ? 0 : (unsigned)rng_range(r, 1, rng_pct(r, 20) ? 64 : 8);
        e |= wr(x, core, NML_ADDR(NML_REGION_INAXON, i),
                nm_loihi_enc_inaxon((unsigned)rng_range(r, 0, g->nsyn - 1), len, (unsigned)rng_range(r, 0, 15)));
    }
    for (i = 0; i < g->nsyn; i++)
        if (rng_pct(r, density))
            e |= wr(x, core, NML_ADDR(NML_REGION_SYN, i),
                    nm_loihi_enc_syn((unsigned)rng_range(r, 0, 4095), (int)rng_range(r, 0, 255),
                                     (unsigned)rng_field(r, 0, 63)));
    for (i = 0; i < g->naxout; i++) {
        int dx, dy;
        if (hot >= 0 && rng_pct(r, 90)) { /* to the hot spot */
            dx = (int)((unsigned)hot % x->w) - (int)cx;
            dy = (int)((unsigned)hot / x->w) - (int)cy;
        } else if (rng_pct(r, 85)) { /* on the mesh */
            dx = (int)rng_range(r, 0, x->w - 1) - (int)cx;
            dy = (int)rng_range(r, 0, x->h - 1) - (int)cy;
        } else { /* anywhere, extremes included */
            dx = (int)rng_field(r, -128, 127);
            dy = (int)rng_field(r, -128, 127);
        }
        e |= wr(x, core, NML_ADDR(NML_REGION_AXMAP, i), nm_loihi_enc_axmap((unsigned)rng_range(r, 0, 4095), dx, dy));
    }
    if (rng_pct(r, 25))
        e |= wr(x, core, NML_ADDR(NML_REGION_CTRL, NML_CTRL_NUPD), (uint32_t)rng_range(r, 0, g->ncomp + 2));
    return e;
}

static int differ(ctx *x, unsigned core, const char *what, long comp, const char *field, int64_t m, int64_t t)
{
    fprintf(stderr, "MISMATCH seed %u step %u core %u (x %u, y %u)", x->seed, x->step, core, core % x->w, core / x->w);
    if (comp >= 0)
        fprintf(stderr, " %s %ld", what, comp);
    else
        fprintf(stderr, " %s", what);
    fprintf(stderr, " %s: model %" PRId64 " (0x%" PRIx64 "), rtl %" PRId64 " (0x%" PRIx64 ")\n"
                    "  rerun: diff-loihi-chip --seed %u --seeds 1 --steps %u\n",
            field, m, (uint64_t)m, t, (uint64_t)t, x->seed, x->step + 1);
    return 1;
}

static int compare_core(ctx *x, unsigned core)
{
    const nm_loihi_out *mo = nm_loihi_chip_core_out(x->ref, core);
    const nm_loihi_out *ro = nm_loihi_rtl_chip_core_out(x->rtl, core);
    nm_loihi_ref *m = nm_loihi_chip_core(x->ref, core);
    static const char *const cxf[4] = {"U", "V", "REF", "VHW"};
    static const char *const cnt[10] = {"AXON_EVENTS", "SYN_OPS", "CX_UPDATES", "CX_ACTIVE", "SPIKES",
                                        "PKTS_OUT", "PKTS_IN", "IN_DROPS", "BUSY_CYCLES", "STALL_CYCLES"};
    uint32_t rc[10], mc[10], w[4];
    unsigned i, k;
    if (mo->nspikes != ro->nspikes)
        return differ(x, core, "spikes", -1, "count", mo->nspikes, ro->nspikes);
    for (i = 0; i < mo->nspikes; i++)
        if (mo->spikes[i] != ro->spikes[i])
            return differ(x, core, "spike", i, "compartment", mo->spikes[i], ro->spikes[i]);
    if (mo->npkts != ro->npkts)
        return differ(x, core, "packets", -1, "count", mo->npkts, ro->npkts);
    for (i = 0; i < mo->npkts; i++) {
        const nm_loihi_pkt *a = &mo->pkts[i], *b = &ro->pkts[i];
        if (a->dx != b->dx)
            return differ(x, core, "packet", i, "dx", a->dx, b->dx);
        if (a->dy != b->dy)
            return differ(x, core, "packet", i, "dy", a->dy, b->dy);
        if (a->axon != b->axon)
            return differ(x, core, "packet", i, "axon", a->axon, b->axon);
    }
    for (i = 0; i < x->g->ncomp; i++) {
        if (nm_fw_loihi_read_cx_state(x->bus, core, i, w) != NM_FW_OK)
            return differ(x, core, "compartment", i, "read refused", 0, 1);
        for (k = 0; k < 4; k++) {
            uint32_t mw = 0;
            nm_loihi_ref_cfg_read(m, nm_loihi_addr_cx(i, NML_CX_U + k), &mw);
            if (mw != w[k])
                return differ(x, core, "compartment", i, cxf[k], mw, w[k]);
        }
    }
    for (k = 0; k < x->g->ndslot; k++)
        for (i = 0; i < x->g->ncomp; i++) {
            uint32_t a = nm_loihi_addr_da(x->g, k, i), mw = 0, rw = 0;
            char f[32];
            nm_loihi_ref_cfg_read(m, a, &mw);
            if (nm_fw_loihi_core_read(x->bus, core, a, &rw) != NM_FW_OK)
                return differ(x, core, "compartment", i, "DA read refused", 0, 1);
            snprintf(f, sizeof f, "DA slot %u", k);
            if (mw != rw)
                return differ(x, core, "compartment", i, f, mw, rw);
        }
    if (nm_fw_loihi_read_core_counters(x->bus, core, rc) != NM_FW_OK)
        return differ(x, core, "counters", -1, "read refused", 0, 1);
    for (k = 0; k < 10; k++)
        mc[k] = nm_loihi_ref_counter(m, k);
    for (k = 0; k < 8; k++)
        if (mc[k] != rc[k])
            return differ(x, core, "counter", -1, cnt[k], mc[k], rc[k]);
    if (mc[NML_COUNTER_STALL_CYCLES] != 0)
        return differ(x, core, "model counter", -1, "STALL_CYCLES (expected 0)", mc[9], 0);
    if (mc[NML_COUNTER_BUSY_CYCLES] != rc[NML_COUNTER_BUSY_CYCLES] - rc[NML_COUNTER_STALL_CYCLES])
        return differ(x, core, "counter", -1, "BUSY_CYCLES (rtl: BUSY - STALL)", mc[8], rc[8] - rc[9]);
    return 0;
}

/* core i's STALL_CYCLES counter in the RTL (0 if refused) */
static uint32_t nm_loihi_rtl_stall(ctx *x, unsigned core)
{
    uint32_t v = 0;
    nm_fw_loihi_core_read(x->bus, core, NML_ADDR(NML_REGION_COUNTER, NML_COUNTER_STALL_CYCLES), &v);
    return v;
}

static int run_seed(ctx *x, unsigned steps, const char *trace)
{
    rng r = {x->seed * 0x2545f4914f6cdd1dull + 17};
    char msg[512];
    unsigned density = rng_pct(&r, 20) ? (unsigned)rng_field(&r, 0, 100) : (unsigned)rng_range(&r, 5, 60);
    unsigned spiky = rng_pct(&r, 75);
    unsigned in_max = (unsigned)rng_range(&r, 0, 12);
    int hot = rng_pct(&r, 30) ? (int)rng_range(&r, 0, 63) : -1;
    unsigned i, s;
    uint64_t off_ref0, deliv_ref0;
    int rc = 1;
    x->step = 0;
    x->host_pkts = 0;
    x->rtl = nm_loihi_rtl_chip_new(trace, msg, sizeof msg);
    if (!x->rtl) {
        fprintf(stderr, "diff-loihi-chip: %s\n", msg);
        return 2;
    }
    x->bus = nm_loihi_rtl_chip_bus(x->rtl);
    x->w = nm_loihi_rtl_chip_mesh_x(x->rtl);
    x->h = nm_loihi_rtl_chip_mesh_y(x->rtl);
    x->n = x->w * x->h;
    x->g = nm_loihi_rtl_chip_geom(x->rtl);
    x->ref = nm_loihi_chip_new(x->w, x->h, x->g, msg, sizeof msg);
    if (!x->ref) {
        fprintf(stderr, "diff-loihi-chip: %s\n", msg);
        nm_loihi_rtl_chip_free(x->rtl);
        return 2;
    }
    for (i = 0; i < x->n; i++)
        if (program(x, &r, i, density, spiky, hot < 0 ? -1 : hot % (int)x->n))
            goto out;
    off_ref0 = nm_loihi_chip_stats_get(x->ref)->offmesh;
    deliv_ref0 = nm_loihi_chip_stats_get(x->ref)->pkts - off_ref0;
    for (s = 0; s < steps; s++) {
        nm_loihi_rtl_chip_out ro;
        uint64_t off0 = nm_loihi_chip_stats_get(x->ref)->offmesh;
        unsigned nin = (unsigned)rng_range(&r, 0, in_max), k;
        int e;
        x->step = s;
        for (k = 0; k < nin; k++) {
            unsigned core = (unsigned)rng_range(&r, 0, x->n - 1), axon = (unsigned)rng_range(&r, 0, x->g->naxin - 1);
            int a = nm_loihi_chip_inject(x->ref, core, axon);
            int b = nm_loihi_rtl_chip_host_send(x->rtl, nm_fw_loihi_host_flit((int)(core % x->w), (int)(core / x->w), axon));
            if (a != NM_OK || b != NM_OK) {
                fprintf(stderr, "MISMATCH seed %u step %u: host packet to core %u axon %u: model %s, rtl %s\n",
                        x->seed, s, core, axon, nm_loihi_strerror(a), nm_loihi_strerror(b));
                goto out;
            }
            x->host_pkts++;
        }
        if ((e = nm_loihi_chip_step(x->ref, NULL)) != NM_OK) {
            fprintf(stderr, "diff-loihi-chip: seed %u step %u: model: %s\n", x->seed, s, nm_loihi_strerror(e));
            goto out;
        }
        if ((e = nm_loihi_rtl_chip_step(x->rtl, &ro)) != NM_OK) {
            fprintf(stderr, "MISMATCH seed %u step %u: rtl step: %s %s\n", x->seed, s, nm_loihi_strerror(e),
                    nm_loihi_rtl_chip_error(x->rtl));
            goto out;
        }
        for (i = 0; i < x->n; i++)
            if (compare_core(x, i))
                goto out;
        if (nm_loihi_chip_stats_get(x->ref)->offmesh - off0 != ro.noff) {
            differ(x, 0, "chip", -1, "packets off the mesh", (int64_t)(nm_loihi_chip_stats_get(x->ref)->offmesh - off0),
                   ro.noff);
            goto out;
        }
    }
    {
        uint64_t flits = 0, stalls = 0, want = nm_loihi_chip_stats_get(x->ref)->pkts - nm_loihi_chip_stats_get(x->ref)->offmesh -
                                   deliv_ref0 + x->host_pkts;
        for (i = 0; i < x->n; i++) {
            uint32_t c[6];
            if (nm_fw_loihi_read_router_counters(x->bus, i, c) != NM_FW_OK) {
                fprintf(stderr, "diff-loihi-chip: seed %u: router %u counters refused\n", x->seed, i);
                goto out;
            }
            flits += c[0];
            stalls += nm_loihi_rtl_stall(x, i);
        }
        if (flits != want) {
            differ(x, 0, "chip", -1, "sum of routers' FLITS_L (model: delivered + host)", (int64_t)want, (int64_t)flits);
            goto out;
        }
        if (!x->quiet)
            printf("seed %u: %u steps x %u cores equal (density %u%%, %" PRIu64 " packets routed, %" PRIu64
                   " off the mesh, %" PRIu64 " host, %" PRIu64 " RTL stall cycles)\n", x->seed, steps, x->n,
                   density, nm_loihi_chip_stats_get(x->ref)->pkts, nm_loihi_chip_stats_get(x->ref)->offmesh,
                   x->host_pkts, stalls);
    }
    rc = 0;
out:
    if (trace)
        nm_loihi_rtl_chip_close_trace(x->rtl);
    nm_loihi_rtl_chip_free(x->rtl);
    nm_loihi_chip_free(x->ref);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned seed = 1, seeds = 1, steps = 100, i;
    const char *trace = NULL;
    ctx x;
    int a;
    memset(&x, 0, sizeof x);
    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--seed") && a + 1 < argc)
            seed = (unsigned)strtoul(argv[++a], NULL, 0);
        else if (!strcmp(argv[a], "--seeds") && a + 1 < argc)
            seeds = (unsigned)strtoul(argv[++a], NULL, 0);
        else if (!strcmp(argv[a], "--steps") && a + 1 < argc)
            steps = (unsigned)strtoul(argv[++a], NULL, 0);
        else if (!strcmp(argv[a], "--trace") && a + 1 < argc)
            trace = argv[++a];
        else if (!strcmp(argv[a], "--quiet"))
            x.quiet = 1;
        else {
            fprintf(stderr, "usage: diff-loihi-chip [--seed N] [--seeds COUNT] [--steps T] [--quiet] [--trace FILE.fst]\n");
            return 2;
        }
    }
    for (i = 0; i < seeds; i++) {
        int rc;
        x.seed = seed + i;
        if ((rc = run_seed(&x, steps, trace)) != 0)
            return rc;
    }
    printf("diff-loihi-chip: %u seeds x %u steps: RTL chip and model chip equal at every step\n", seeds, steps);
    return 0;
}
