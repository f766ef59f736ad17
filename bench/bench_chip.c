/* bench_chip.c - speed of the 4 x 4 chip on a busy recurrent network, on the RTL and
 * on the reference model, and the model's cycle-prediction error.
 *
 * Workload: every core has a random crossbar of 25 percent density, weights 0..15,
 * thresholds 40..99, leak -1, and every neuron sends to a uniformly random core of the
 * mesh and axon with delay 1..3; 256 host packets start the activity at tick 0, after
 * which it sustains itself (bench_net.c). The same network runs on both backends.
 *
 * usage: bench-chip [--ticks N]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_chipmap.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"
#include "nm_rtl_chip.h"

#include "bench_net.h"

static int run(const nm_chip_backend *b, unsigned ticks, uint32_t *cycles_per_tick)
{
    nm_chip_tick_out o;
    unsigned t, core, ncores = b->mesh_x * b->mesh_y;
    uint64_t cycles = 0, spikes = 0, events = 0;
    double t0, dt;
    int rc = bench_program_busy(b);
    if (rc == NM_OK)
        rc = nm_chip_tick_out_init(&o, ncores, 256, 256);
    t0 = bench_wall();
    for (t = 0; rc == NM_OK && t < ticks; t++) {
        rc = b->tick(b->impl, &o);
        cycles += o.cycles;
        spikes += o.nspikes;
        cycles_per_tick[t] = o.cycles;
    }
    dt = bench_wall() - t0;
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
