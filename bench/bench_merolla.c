/* bench_merolla.c - the reference backend on workload W: Merolla's benchmark network
 * (nm_gen.h) on a 64 x 64 chip of 256 x 256 cores, 1,048,576 neurons, 128 active
 * synapses per neuron, uniformly random destinations, delays 1..15, deterministic
 * neurons. W runs at 20 Hz (2 percent of neurons fire per tick at 1 kHz), W-high at
 * 150 Hz (15 percent).
 *
 * The network is generated in memory and loaded through the firmware (as `nmemu run`
 * does); warm-up ticks run first, then the timed ticks. Synaptic events are read from
 * the cores' counters. Peak RSS is the whole process's (getrusage).
 *
 * usage: bench-merolla [--mesh XxY] [--rate HZ] [--synapses N] [--stochastic 0|1] [--ticks N]
 *                      [--warmup N] [--threads N] [--repeat N] [--label NAME] [--csv FILE]
 * The CSV row: workload,backend,threads,ticks,ticks_per_s,syn_events_per_s,spikes_per_tick,peak_rss_mb
 * (median of the repeats; each repeat is a fresh chip).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "nm_chipmap.h"
#include "nm_gen.h"
#include "nm_load.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t syn_events(const nm_chip_backend *b)
{
    uint64_t s = 0;
    unsigned k;
    for (k = 0; k < b->mesh_x * b->mesh_y; k++) {
        uint32_t v = 0;
        b->apb_read(b->impl, nm_chip_paddr(NM_CHIP_REGION_CORE, k, NM_ADDR(NM_REGION_COUNTER, NM_COUNTER_SYN_EVENTS)),
                    &v);
        s += v;
    }
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    nm_gen_merolla_opts g;
    unsigned ticks = 1000, warmup = 20, threads = 1, repeat = 1, r, t, a;
    const char *label = NULL, *csv = NULL;
    char err[512];
    double tps[16], eps[16], spt[16];
    nm_image *im;
    struct rusage ru;

    nm_gen_merolla_defaults(&g);
    for (a = 1; a < (unsigned)argc; a++) {
        const char *v = a + 1 < (unsigned)argc ? argv[a + 1] : NULL;
        if (!v) {
            fprintf(stderr, "usage: %s [--mesh XxY] [--rate HZ] [--synapses N] [--ticks N] [--warmup N] "
                            "[--threads N] [--repeat N] [--label NAME] [--csv FILE]\n", argv[0]);
            return 2;
        }
        if (!strcmp(argv[a], "--mesh") && sscanf(v, "%ux%u", &g.mesh_x, &g.mesh_y) == 2) {
        } else if (!strcmp(argv[a], "--rate")) {
            g.rate_hz = atof(v);
        } else if (!strcmp(argv[a], "--stochastic")) {
            g.stochastic = atoi(v);
        } else if (!strcmp(argv[a], "--synapses")) {
            g.synapses = (unsigned)atoi(v);
        } else if (!strcmp(argv[a], "--ticks")) {
            ticks = (unsigned)atoi(v);
        } else if (!strcmp(argv[a], "--warmup")) {
            warmup = (unsigned)atoi(v);
        } else if (!strcmp(argv[a], "--threads")) {
            threads = (unsigned)atoi(v);
        } else if (!strcmp(argv[a], "--repeat")) {
            repeat = (unsigned)atoi(v);
        } else if (!strcmp(argv[a], "--label")) {
            label = v;
        } else if (!strcmp(argv[a], "--csv")) {
            csv = v;
        } else {
            fprintf(stderr, "%s: bad option '%s'\n", argv[0], argv[a]);
            return 2;
        }
        a++;
    }
    if (ticks < 1 || repeat < 1 || repeat > 16) {
        fprintf(stderr, "%s: --ticks >= 1 and --repeat 1..16\n", argv[0]);
        return 2;
    }
    im = nm_gen_merolla(&g, NULL, err, sizeof err);
    if (!im) {
        fprintf(stderr, "%s: %s\n", argv[0], err);
        return 2;
    }
    for (r = 0; r < repeat; r++) {
        nm_ref_chip *c = nm_ref_chip_new(im->mesh_x, im->mesh_y, im->naxons, im->nneurons);
        nm_chip_backend b;
        nm_chip_tick_out o;
        uint64_t ev0, spikes = 0;
        double t0, t1, c0, c1;
        if (!c || nm_ref_chip_set_threads(c, threads) != NM_OK) {
            fprintf(stderr, "%s: cannot build the chip with %u threads\n", argv[0], threads);
            return 1;
        }
        nm_ref_chip_backend(&b, c);
        if (nm_chip_tick_out_init(&o, im->mesh_x * im->mesh_y, im->nneurons, 256) ||
            nm_image_load(im, &b, err, sizeof err)) {
            fprintf(stderr, "%s: %s\n", argv[0], err);
            return 1;
        }
        for (t = 0; t < warmup; t++)
            b.tick(b.impl, &o);
        ev0 = syn_events(&b);
        t0 = now();
        c0 = cpu_now();
        for (t = 0; t < ticks; t++) {
            if (b.tick(b.impl, &o) != NM_OK) {
                fprintf(stderr, "%s: tick %u failed\n", argv[0], t);
                return 1;
            }
            spikes += o.nspikes;
        }
        t1 = now();
        c1 = cpu_now();
        tps[r] = ticks / (t1 - t0);
        eps[r] = (double)(syn_events(&b) - ev0) / (t1 - t0); /* < 2^32 per core per run */
        spt[r] = (double)spikes / ticks;
        fprintf(stderr, "  run %u: %.1f ticks/s, %.3g synaptic events/s, %.0f spikes/tick, %.3f ms CPU per tick\n",
                r + 1, tps[r], eps[r], spt[r], 1e3 * (c1 - c0) / ticks);
        nm_chip_tick_out_free(&o);
        b.free(b.impl);
    }
    qsort(tps, repeat, sizeof tps[0], cmp_double);
    qsort(eps, repeat, sizeof eps[0], cmp_double);
    getrusage(RUSAGE_SELF, &ru);
    printf("%s,ref,%u,%u,%.1f,%.4g,%.0f,%.0f\n", label ? label : "merolla", threads, ticks, tps[repeat / 2],
           eps[repeat / 2], spt[0], ru.ru_maxrss / 1024.0);
    if (csv) {
        FILE *f = fopen(csv, "a");
        if (!f) {
            perror(csv);
            return 1;
        }
        if (ftell(f) == 0)
            fputs("workload,backend,threads,ticks,ticks_per_s,syn_events_per_s,spikes_per_tick,peak_rss_mb\n", f);
        fprintf(f, "%s,ref,%u,%u,%.1f,%.4g,%.0f,%.0f\n", label ? label : "merolla", threads, ticks, tps[repeat / 2],
                eps[repeat / 2], spt[0], ru.ru_maxrss / 1024.0);
        fclose(f);
    }
    nm_image_free(im);
    return 0;
}
