/* bench_rtl_speed.c - speed of the Verilated chip (cycles/s) on a busy and a quiet network, with a fingerprint of every tick's results to prove that two builds simulate the same cycles.
 *
 * Workloads (docs/performance.md, "The Verilated chip's speed"):
 *   busy  the network of bench_net.c, bench_chip.c's too (every core: a random crossbar
 *         of 25 percent density; every neuron sends to a random core; about 4,000
 *         spikes per tick on the 4 x 4 chip once it runs);
 *   wave  an image and its spike program (make passes examples/wave): a quiet chip.
 * Each workload runs --repeat times on a fresh chip (the first --warmup ticks untimed);
 * the figures are the medians: cycles/s by the wall clock and by the process's CPU
 * time (the machine is shared: CPU time is the steadier of the two).
 * The fingerprint (FNV-1a over every tick's cycles, spikes and off-chip packets and the
 * final counters of every core and router) is the same for every build of the same RTL
 * semantics; the bench target compares it between the baseline and the fast build.
 *
 * usage: bench-rtl-speed --label L [--ticks N] [--warmup N] [--repeat R] [--csv F]
 *                        [--wave IMAGE INPUT] [--no-busy] [--ticks-out F] [--kick N] [--lib SO]
 * --kick N sends N more host packets to every core before the busy network's first tick
 * (random axons, delay 1): on meshes larger than 4 x 4 the network's 256 starting packets
 * are too few to start its activity, N = 256 makes the 8 x 8 network as busy as the
 * 4 x 4 one (docs/performance.md, "Verilator threads"). N = 0 (default) is the network
 * of bench_net.c alone.
 * --lib SO runs the chip of a shape library (tools/build-rtl-shape's libnmvchip.so, any
 * mesh, any thread count) instead of the 4 x 4 build linked in; the busy network is
 * generated for that library's mesh (the wave image must match its shape).
 * --ticks-out F writes every tick of the first run of each workload to F (workload, tick,
 * cycles, spikes, off-chip packets, FNV-1a of its spikes): diff two builds' files to find
 * the first tick where they part.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_chipmap.h"
#include "nm_core_prog.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_regmap.h"
#include "nm_rtl_chip.h"
#include "nm_vchip_shim.h"

#include "bench_net.h"

static uint64_t fnv(uint64_t h, uint32_t v)
{
    unsigned i;
    for (i = 0; i < 4; i++) {
        h ^= (v >> (8 * i)) & 0xffu;
        h *= 0x100000001b3ull;
    }
    return h;
}

static const nm_vchip_api *chip_api; /* --lib's, or NULL: the linked build */
static unsigned kick;                 /* --kick */

/* --kick's packets: kick to every core, in rounds over the cores, random axons (xorshift64*). */
static int send_kick(const nm_chip_backend *b)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    unsigned i, core, ncores = b->mesh_x * b->mesh_y;
    int rc = NM_OK;
    for (i = 0; i < kick && rc == NM_OK; i++)
        for (core = 0; core < ncores && rc == NM_OK; core++) {
            nm_pkt p;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            p.dx = (int16_t)(core % b->mesh_x);
            p.dy = (int16_t)(core / b->mesh_x);
            p.axon = (uint8_t)((x * 0x2545f4914f6cdd1dull) >> 56);
            p.delay = 1;
            rc = b->host_send(b->impl, nm_flit_pack(&p));
        }
    return rc;
}

typedef struct result {
    double wall_cps, cpu_cps;
    uint64_t cycles, fp;
} result;

/* One fresh chip, one workload. */
static int run_once(const nm_image *im, const nm_input *in, size_t nin, unsigned warmup, unsigned ticks,
                    result *r, FILE *tout, const char *name)
{
    nm_rtl_chip_opts opts;
    nm_rtl_chip *c;
    nm_chip_backend b;
    nm_chip_tick_out o;
    unsigned t, k, ncores;
    size_t next = 0;
    uint64_t cyc = 0, h = 0xcbf29ce484222325ull;
    double w0 = 0, c0 = 0;
    char err[512];
    int rc;
    memset(&opts, 0, sizeof opts);
    opts.api = chip_api;
    c = nm_rtl_chip_new_opts(&opts);
    if (!c)
        return NM_ERR_NOMEM;
    nm_rtl_chip_backend(&b, c);
    ncores = b.mesh_x * b.mesh_y;
    if (im) {
        rc = nm_image_load(im, &b, err, sizeof err) ? NM_ERR_CFG : NM_OK;
        if (rc != NM_OK)
            fprintf(stderr, "bench-rtl-speed: %s\n", err);
    } else {
        rc = bench_program_busy(&b);
        if (rc == NM_OK)
            rc = send_kick(&b);
    }
    if (rc == NM_OK)
        rc = nm_chip_tick_out_init(&o, ncores, b.nneurons, 256);
    else
        memset(&o, 0, sizeof o);
    for (t = 0; rc == NM_OK && t < warmup + ticks; t++) {
        if (t == warmup) {
            w0 = bench_wall();
            c0 = bench_cpu();
        }
        for (; next < nin && in[next].tick == t && rc == NM_OK; next++) {
            nm_pkt p = nm_input_packet(&in[next]);
            rc = b.host_send(b.impl, nm_flit_pack(&p));
        }
        if (rc == NM_OK)
            rc = b.tick(b.impl, &o);
        if (t >= warmup)
            cyc += o.cycles;
        h = fnv(h, o.cycles);
        if (tout && rc == NM_OK) {
            uint64_t hs = 0xcbf29ce484222325ull;
            for (k = 0; k < o.nspikes; k++)
                hs = fnv(hs, (uint32_t)o.spikes[k].core << 16 | o.spikes[k].neuron);
            fprintf(tout, "%s,%u,%u,%u,%u,%016" PRIx64 "\n", name, t, (unsigned)o.cycles, (unsigned)o.nspikes,
                    (unsigned)o.noff, hs);
        }
        for (k = 0; k < o.nspikes; k++)
            h = fnv(h, (uint32_t)o.spikes[k].core << 16 | o.spikes[k].neuron);
        for (k = 0; k < o.noff; k++)
            h = fnv(h, nm_flit_pack(&o.off[k].pkt) ^ (uint32_t)o.off[k].side << 30);
    }
    if (rc == NM_OK) {
        double dw = bench_wall() - w0, dc = bench_cpu() - c0;
        r->wall_cps = cyc / dw;
        r->cpu_cps = cyc / dc;
        r->cycles = cyc;
    }
    for (k = 0; rc == NM_OK && k < ncores * (NM_COUNTER_NREGS + NM_CHIP_ROUTER_NREGS); k++) {
        unsigned core = k / (NM_COUNTER_NREGS + NM_CHIP_ROUTER_NREGS), j = k % (NM_COUNTER_NREGS + NM_CHIP_ROUTER_NREGS);
        uint32_t v = 0;
        rc = j < NM_COUNTER_NREGS
                 ? b.apb_read(b.impl, nm_chip_paddr(NM_CHIP_REGION_CORE, core, NM_ADDR(NM_REGION_COUNTER, j)), &v)
                 : b.apb_read(b.impl, nm_chip_paddr(NM_CHIP_REGION_ROUTER, core, j - NM_COUNTER_NREGS), &v);
        h = fnv(h, v);
    }
    r->fp = h;
    nm_chip_tick_out_free(&o);
    nm_rtl_chip_free(c);
    return rc;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int workload(const char *label, const char *name, const nm_image *im, const nm_input *in, size_t nin,
                    unsigned warmup, unsigned ticks, unsigned repeat, FILE *csv, FILE *tout)
{
    double w[64], c[64];
    result r = {0, 0, 0, 0};
    uint64_t fp = 0;
    unsigned i;
    for (i = 0; i < repeat; i++) {
        int rc = run_once(im, in, nin, warmup, ticks, &r, i ? NULL : tout, name);
        if (rc != NM_OK) {
            fprintf(stderr, "bench-rtl-speed: %s %s: %s\n", label, name, nm_strerror(rc));
            return 1;
        }
        if (i && r.fp != fp) {
            fprintf(stderr, "bench-rtl-speed: %s %s: run %u differs from run 0\n", label, name, i);
            return 1;
        }
        fp = r.fp;
        w[i] = r.wall_cps;
        c[i] = r.cpu_cps;
    }
    qsort(w, repeat, sizeof *w, cmp_d);
    qsort(c, repeat, sizeof *c, cmp_d);
    printf("%-10s %-5s %6u %12" PRIu64 " %14.0f %14.0f  %016" PRIx64 "\n", label, name, ticks, r.cycles,
           w[repeat / 2], c[repeat / 2], fp);
    if (csv)
        fprintf(csv, "%s,%s,%u,%" PRIu64 ",%.0f,%.0f,%u,%016" PRIx64 "\n", label, name, ticks, r.cycles,
                w[repeat / 2], c[repeat / 2], repeat, fp);
    return 0;
}

int main(int argc, char **argv)
{
    const char *label = "rtl", *csvp = NULL, *wave = NULL, *wave_in = NULL, *toutp = NULL;
    unsigned ticks = 100, warmup = 5, repeat = 3, i;
    int busy = 1, rc = 0;
    FILE *csv = NULL, *tout = NULL;
    for (i = 1; i < (unsigned)argc; i++) {
        if (!strcmp(argv[i], "--label") && i + 1 < (unsigned)argc)
            label = argv[++i];
        else if (!strcmp(argv[i], "--ticks") && i + 1 < (unsigned)argc)
            ticks = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < (unsigned)argc)
            warmup = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--repeat") && i + 1 < (unsigned)argc)
            repeat = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--csv") && i + 1 < (unsigned)argc)
            csvp = argv[++i];
        else if (!strcmp(argv[i], "--wave") && i + 2 < (unsigned)argc) {
            wave = argv[++i];
            wave_in = argv[++i];
        } else if (!strcmp(argv[i], "--ticks-out") && i + 1 < (unsigned)argc)
            toutp = argv[++i];
        else if (!strcmp(argv[i], "--no-busy"))
            busy = 0;
        else if (!strcmp(argv[i], "--kick") && i + 1 < (unsigned)argc)
            kick = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--lib") && i + 1 < (unsigned)argc) {
            void *h = dlopen(argv[++i], RTLD_NOW | RTLD_LOCAL);
            nm_vchip_shape_fn fn = NULL;
            if (h)
                *(void **)&fn = dlsym(h, "nm_vchip_shape_api");
            if (!fn || !(chip_api = fn())) {
                fprintf(stderr, "bench-rtl-speed: %s: not a shape library (%s)\n", argv[i],
                        h ? "no nm_vchip_shape_api" : dlerror());
                return 1;
            }
        } else {
            fprintf(stderr, "usage: %s --label L [--ticks N] [--warmup N] [--repeat R] [--csv F] "
                            "[--wave IMAGE INPUT] [--no-busy] [--ticks-out F] [--kick N] [--lib SO]\n", argv[0]);
            return 2;
        }
    }
    if (ticks < 1 || repeat < 1 || repeat > 64) {
        fprintf(stderr, "bench-rtl-speed: --ticks >= 1, --repeat 1..64\n");
        return 2;
    }
    if (csvp) {
        FILE *f = fopen(csvp, "r");
        int fresh = !f;
        if (f)
            fclose(f);
        csv = fopen(csvp, "a");
        if (!csv) {
            perror(csvp);
            return 1;
        }
        if (fresh)
            fprintf(csv, "label,workload,ticks,cycles,wall_cycles_per_s,cpu_cycles_per_s,runs,fingerprint\n");
    }
    if (toutp) {
        tout = fopen(toutp, "w");
        if (!tout) {
            perror(toutp);
            if (csv)
                fclose(csv);
            return 1;
        }
        fprintf(tout, "workload,tick,cycles,spikes,offchip,spike_hash\n");
    }
    printf("%-10s %-5s %6s %12s %14s %14s  %s\n", "build", "load", "ticks", "cycles", "cycles/s wall",
           "cycles/s cpu", "fingerprint");
    if (busy)
        rc = workload(label, "busy", NULL, NULL, 0, warmup, ticks, repeat, csv, tout);
    if (!rc && wave) {
        char err[512];
        nm_image *im = nm_image_read(wave, err, sizeof err);
        nm_input *in = NULL;
        size_t nin = 0;
        if (!im || nm_inputs_read(wave_in, im->mesh_x, im->mesh_y, im->naxons, &in, &nin, err, sizeof err)) {
            fprintf(stderr, "bench-rtl-speed: %s\n", err);
            rc = 1;
        } else
            rc = workload(label, "wave", im, in, nin, warmup, ticks * 10, repeat, csv, tout);
        free(in);
        nm_image_free(im);
    }
    if (csv)
        fclose(csv);
    if (tout)
        fclose(tout);
    return rc;
}
