/* bench_chip.c - speed of the 4 x 4 chip on a busy recurrent network, on the RTL and
 * on the reference model, and the model's cycle-prediction error.
 *
 * Workload: every core has a random crossbar of 25 percent density, weights 0..15,
 * thresholds 40..99, leak -1, and every neuron sends to a uniformly random core of the
 * mesh and axon with delay 1..3; 256 host packets start the activity at tick 0, after
 * which it sustains itself. The same network runs on both backends.
 *
 * usage: bench-chip [--ticks N]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nm_core_prog.h"
#include "nm_chipmap.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"
#include "nm_rtl_chip.h"

static uint64_t rs;
static uint32_t rnd(void)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (uint32_t)((rs * 0x2545f4914f6cdd1dull) >> 32);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int wr(const nm_chip_backend *b, unsigned core, uint32_t word, uint32_t v)
{
    return b->apb_write(b->impl, nm_chip_paddr(NM_CHIP_REGION_CORE, core, word), v);
}

static int program(const nm_chip_backend *b)
{
    unsigned core, j, k, ncores = b->mesh_x * b->mesh_y;
    int rc = NM_OK;
    rs = 0x1234567u;
    for (core = 0; core < ncores && rc == NM_OK; core++) {
        for (k = 0; k < 16 && rc == NM_OK; k++)
            rc = wr(b, core, NM_ADDR(NM_REGION_AXTYPE, k), rnd());
        for (j = 0; j < 256 && rc == NM_OK; j++) {
            nm_neuron_cfg n;
            uint32_t w[NM_NEURON_WORDS];
            unsigned tx = rnd() % b->mesh_x, ty = rnd() % b->mesh_y;
            memset(&n, 0, sizeof n);
            for (k = 0; k < 4; k++)
                n.s[k] = (int16_t)(rnd() % 16);
            n.lambda = -1;
            n.alpha = 40 + rnd() % 60;
            n.kappa = 1;
            n.dx = (int16_t)((int)tx - (int)(core % b->mesh_x));
            n.dy = (int16_t)((int)ty - (int)(core / b->mesh_x));
            n.dest_axon = (uint8_t)rnd();
            n.dest_delay = (uint8_t)(1 + rnd() % 3);
            nm_neuron_pack(&n, w);
            for (k = 0; k < NM_NEURON_WORDS && rc == NM_OK; k++)
                rc = wr(b, core, NM_ADDR(NM_REGION_NEURON, j * 8 + k), w[k]);
            for (k = 0; k < 8 && rc == NM_OK; k++)
                rc = wr(b, core, NM_ADDR(NM_REGION_XBAR, j * 8 + k), rnd() & rnd());
        }
    }
    for (k = 0; k < 256 && rc == NM_OK; k++) {
        nm_pkt p = {(int16_t)(rnd() % b->mesh_x), (int16_t)(rnd() % b->mesh_y), (uint8_t)rnd(), 1};
        rc = b->host_send(b->impl, nm_flit_pack(&p));
    }
    return rc;
}

static int run(const nm_chip_backend *b, unsigned ticks, uint32_t *cycles_per_tick)
{
    nm_chip_tick_out o;
    unsigned t, core, ncores = b->mesh_x * b->mesh_y;
    uint64_t cycles = 0, spikes = 0, events = 0;
    double t0, dt;
    int rc = program(b);
    if (rc == NM_OK)
        rc = nm_chip_tick_out_init(&o, ncores, 256, 256);
    t0 = now();
    for (t = 0; rc == NM_OK && t < ticks; t++) {
        rc = b->tick(b->impl, &o);
        cycles += o.cycles;
        spikes += o.nspikes;
        cycles_per_tick[t] = o.cycles;
    }
    dt = now() - t0;
    for (core = 0; rc == NM_OK && core < ncores; core++) {
        uint32_t e = 0;
        rc = b->apb_read(b->impl, nm_chip_paddr(NM_CHIP_REGION_CORE, core, NM_ADDR(NM_REGION_COUNTER, 0)), &e);
        events += e;
    }
    nm_chip_tick_out_free(&o);
    if (rc != NM_OK) {
        fprintf(stderr, "bench-chip: %s failed: %s\n", b->name, nm_strerror(rc));
        return 1;
    }
    printf("%-4s %6u %10.1f %14.3e %12.3e %10.1f %9.1f\n", b->name, ticks, ticks / dt, (double)events / dt,
           (double)cycles / dt, (double)cycles / ticks, (double)spikes / ticks);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned ticks = 200, t;
    uint32_t *cr, *cm;
    double err = 0, abserr = 0;
    nm_rtl_chip *rtl;
    nm_ref_chip *ref;
    nm_chip_backend brtl, bref;
    if (argc == 3 && !strcmp(argv[1], "--ticks"))
        ticks = (unsigned)strtoul(argv[2], NULL, 10);
    else if (argc != 1) {
        fprintf(stderr, "usage: %s [--ticks N]\n", argv[0]);
        return 2;
    }
    rtl = nm_rtl_chip_new(NULL);
    if (!rtl)
        return 1;
    nm_rtl_chip_backend(&brtl, rtl);
    ref = nm_ref_chip_new(brtl.mesh_x, brtl.mesh_y, brtl.naxons, brtl.nneurons);
    cr = calloc(ticks + 1, sizeof *cr);
    cm = calloc(ticks + 1, sizeof *cm);
    if (!ref || !cr || !cm)
        return 1;
    nm_ref_chip_backend(&bref, ref);
    printf("4x4 chip, busy recurrent network\n%-4s %6s %10s %14s %12s %10s %9s\n", "back", "ticks", "ticks/s",
           "syn.events/s", "cycles/s", "cyc/tick", "spk/tick");
    if (run(&brtl, ticks, cr) || run(&bref, ticks, cm))
        return 1;
    for (t = 0; t < ticks; t++) {
        double e = ((double)cm[t] - cr[t]) / cr[t];
        err += e;
        abserr += e < 0 ? -e : e;
    }
    printf("model cycle prediction vs RTL: mean %+.2f%%, mean absolute %.2f%%\n", 100 * err / ticks,
           100 * abserr / ticks);
    nm_rtl_chip_free(rtl);
    nm_ref_chip_free(ref);
    free(cr);
    free(cm);
    return 0;
}
