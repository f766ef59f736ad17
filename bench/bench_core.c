/* bench_core.c - speed of one busy 256 x 256 core on the reference model and the RTL.
 *
 * Workload (the same for both backends): a random crossbar of 50 percent density, four
 * axon types, 64 random axons injected before every tick (about 56 distinct, so about
 * 7,200 synaptic events per tick), weights -16..47 and thresholds 600..999, spikes
 * leaving the core (dx = 1). Variant "det" has deterministic synapses and leak (about
 * 100 of the 256 neurons fire per tick); "stoch" sets every stochastic bit (b0..b3,
 * c_lambda) and a threshold mask, so every event draws from the PRNG (weights become
 * +-1, so it hardly fires).
 *
 * usage: bench-core [--ticks N]   (N ticks on the RTL; the model runs 20 x N)
 * Prints one line per (variant, backend): ticks/s, synaptic events/s, cycles/s.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nm_core_prog.h"
#include "nm_ref_core.h"
#include "nm_rtl_core.h"

#define N 256u

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void) /* xorshift64*, for the workload only */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* the process's CPU time: the ticks/CPU-s column, which a loaded machine disturbs less */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int program(const nm_core_backend *b, int stoch)
{
    uint8_t types[N];
    uint32_t row[N / 32];
    unsigned i, j, k;
    int rc;
    rng_state = 0x9e3779b97f4a7c15ull;
    for (i = 0; i < N; i++)
        types[i] = (uint8_t)(rnd() & 3u);
    rc = nm_core_write_axon_types(b, types);
    for (j = 0; rc == NM_OK && j < N; j++) {
        nm_neuron_cfg n;
        memset(&n, 0, sizeof n);
        for (k = 0; k < N / 32; k++)
            row[k] = rnd(); /* half the bits set */
        for (k = 0; k < 4; k++) {
            n.s[k] = (int16_t)((int)(rnd() % 64) - 16);
            n.b[k] = (uint8_t)stoch;
        }
        n.lambda = -8;
        n.c_lambda = (uint8_t)stoch;
        n.tm = stoch ? 6 : 0;
        n.alpha = 600 + rnd() % 400;
        n.beta = 1000;
        n.kappa = 1;
        n.dx = 1;
        n.dest_axon = (uint8_t)(rnd() & 255u);
        n.dest_delay = 1;
        rc = nm_core_write_xbar_row(b, j, row);
        if (rc == NM_OK)
            rc = nm_core_write_neuron(b, j, &n);
    }
    if (rc == NM_OK)
        rc = nm_core_write_prng(b, 12345);
    return rc;
}

static int run(const char *variant, const nm_core_backend *b, unsigned ticks, int stoch)
{
    static nm_tick_out out;
    uint32_t c0[8], c1[8];
    uint64_t cycles = 0, spikes = 0;
    unsigned t, k;
    double t0, dt, c0t, cdt;
    int rc = program(b, stoch);
    if (rc == NM_OK)
        rc = nm_core_read_counters(b, c0);
    rng_state = 42;
    t0 = now();
    c0t = cpu_now();
    for (t = 0; rc == NM_OK && t < ticks; t++) {
        for (k = 0; rc == NM_OK && k < 64; k++)
            rc = b->inject(b->impl, rnd() & 255u, 1);
        if (rc == NM_OK)
            rc = b->tick(b->impl, &out);
        cycles += out.cycles;
        spikes += out.nspikes;
    }
    dt = now() - t0;
    cdt = cpu_now() - c0t;
    if (rc == NM_OK)
        rc = nm_core_read_counters(b, c1);
    if (rc != NM_OK) {
        fprintf(stderr, "bench-core: %s on %s failed: %s\n", variant, b->name, nm_strerror(rc));
        return 1;
    }
    printf("%-6s %-4s %8u %12.1f %14.3e %12.3e %10.1f %8.1f %12.1f\n", variant, b->name, ticks, ticks / dt,
           (double)(uint32_t)(c1[0] - c0[0]) / dt, (double)cycles / dt, (double)cycles / ticks,
           (double)spikes / ticks, ticks / cdt);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned ticks = 200;
    int v, rc = 0;
    if (argc == 3 && !strcmp(argv[1], "--ticks"))
        ticks = (unsigned)strtoul(argv[2], NULL, 10);
    else if (argc != 1) {
        fprintf(stderr, "usage: %s [--ticks N]\n", argv[0]);
        return 2;
    }
    printf("%-6s %-4s %8s %12s %14s %12s %10s %8s %12s\n", "load", "back", "ticks", "ticks/s", "syn.events/s",
           "cycles/s", "cyc/tick", "spk/tick", "ticks/CPU-s");
    for (v = 0; v < 2 && !rc; v++) {
        const char *name = v ? "stoch" : "det";
        nm_ref_core *ref = nm_ref_core_new(N, N, NULL);
        nm_rtl_core *rtl = nm_rtl_core_new(NULL, NULL);
        nm_core_backend bref, brtl;
        if (!ref || !rtl) {
            fprintf(stderr, "bench-core: cannot create the backends\n");
            return 1;
        }
        nm_ref_core_backend(&bref, ref);
        nm_rtl_core_backend(&brtl, rtl);
        rc |= run(name, &bref, ticks * 20, v);
        rc |= run(name, &brtl, ticks, v);
        nm_ref_core_free(ref);
        nm_rtl_core_free(rtl);
    }
    return rc;
}
