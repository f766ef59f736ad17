/* nm_core_demo.c - `make run` until the chip and the CLI exist: one 256x256 core on
 * the Verilated RTL, with the reference model in lockstep as a witness.
 *
 * The network is a ring of 64 groups of 4 neurons. Axon g drives the four neurons
 * of group g; the first neuron of the group excites axon g+1 of its own core (a
 * loopback packet), the other three send their spike off the core (dx = 1). One
 * input spike on axon 0 starts a wave round the ring: groups 0..31 pass it on after
 * 1 tick, groups 32..63 after 2 ticks, so one lap takes 96 ticks and the raster
 * shows a steep then a shallow diagonal. A second input on axon 48 at tick 40
 * starts a second wave.
 *
 * usage: nmemu-core-demo [--ticks N] [--fst FILE]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_core_prog.h"
#include "nm_ref_core.h"
#include "nm_rtl_core.h"

#define N 256u
#define GROUPS 64u /* raster columns: one per group of 4 neurons */
#define COLS GROUPS

static int program(const nm_core_backend *b)
{
    static uint8_t types[N];
    uint32_t row[N / 32];
    unsigned j;
    int rc = nm_core_write_axon_types(b, types); /* every axon type 0 */
    for (j = 0; rc == NM_OK && j < N; j++) {
        nm_neuron_cfg n;
        memset(&n, 0, sizeof n);
        unsigned g = j / 4;
        memset(row, 0, sizeof row);
        row[g / 32] = 1u << (g % 32);
        n.s[0] = 1;         /* one input spike ... */
        n.alpha = 1;        /* ... reaches threshold */
        n.gamma = 0;        /* normal reset to R = 0 */
        n.beta = 0;
        n.kappa = 1;        /* never below 0 */
        if (j % 4 == 0) {
            n.dest_axon = (uint8_t)((g + 1) % GROUPS);
            n.dest_delay = g < GROUPS / 2 ? 1 : 2;
        } else {
            n.dx = 1;       /* off this core: reported as an output packet */
            n.dest_axon = (uint8_t)g;
            n.dest_delay = 1;
        }
        rc = nm_core_write_xbar_row(b, j, row);
        if (rc == NM_OK)
            rc = nm_core_write_neuron(b, j, &n);
    }
    return rc;
}

int main(int argc, char **argv)
{
    unsigned ticks = 96, t, k, i;
    const char *fst = NULL;
    nm_core_opts opts = {1, 0};
    nm_rtl_core *rtl;
    nm_ref_core *ref;
    nm_core_backend brtl, bref;
    static nm_tick_out o, oref;
    uint64_t cyc_total = 0, spikes = 0;
    uint32_t cyc_min = UINT32_MAX, cyc_max = 0, cnt[8];
    int agree = 1, rc;
    static const char *const cname[8] = {"synaptic events", "neuron updates", "spikes fired",
                                         "scheduler writes", "row reads", "row writes",
                                         "busy cycles", "stall cycles"};

    for (i = 1; i < (unsigned)argc; i++) {
        if (!strcmp(argv[i], "--ticks") && i + 1 < (unsigned)argc)
            ticks = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--fst") && i + 1 < (unsigned)argc)
            fst = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--ticks N] [--fst FILE]\n", argv[0]);
            return 2;
        }
    }
    rtl = nm_rtl_core_new(&opts, fst);
    ref = nm_ref_core_new(N, N, &opts);
    if (!rtl || !ref) {
        fprintf(stderr, "nmemu-core-demo: cannot create the core%s%s\n", fst ? " or open " : "",
                fst ? fst : "");
        return 1;
    }
    nm_rtl_core_backend(&brtl, rtl);
    nm_ref_core_backend(&bref, ref);
    if ((rc = program(&brtl)) != NM_OK || (rc = program(&bref)) != NM_OK) {
        fprintf(stderr, "nmemu-core-demo: programming failed: %s\n", nm_strerror(rc));
        return 1;
    }
    printf("nmemu single-core demo: a ring of 64 neuron groups on the RTL core (256 axons x 256 neurons)\n");
    printf("raster: one row per tick, one column per group of 4 neurons (0 left .. 63 right)\n\n");
    for (t = 0; t < ticks; t++) {
        char line[COLS + 1];
        if (t == 0) {
            brtl.inject(rtl, 0, 0);
            bref.inject(ref, 0, 0);
        }
        if (t == 40) {
            brtl.inject(rtl, 48, 0);
            bref.inject(ref, 48, 0);
        }
        if ((rc = brtl.tick(rtl, &o)) != NM_OK || (rc = bref.tick(ref, &oref)) != NM_OK) {
            fprintf(stderr, "nmemu-core-demo: tick %u failed: %s\n", t, nm_strerror(rc));
            return 1;
        }
        if (o.nspikes != oref.nspikes || o.cycles != oref.cycles ||
            memcmp(o.spikes, oref.spikes, o.nspikes * sizeof o.spikes[0]))
            agree = 0;
        memset(line, '.', COLS);
        line[COLS] = 0;
        for (k = 0; k < o.nspikes; k++)
            line[o.spikes[k] / 4] = '#';
        printf("%4u |%s| %u cycles\n", t, line, o.cycles);
        cyc_total += o.cycles;
        spikes += o.nspikes;
        if (o.cycles < cyc_min) cyc_min = o.cycles;
        if (o.cycles > cyc_max) cyc_max = o.cycles;
    }
    if (nm_core_read_counters(&brtl, cnt) != NM_OK) {
        fprintf(stderr, "nmemu-core-demo: cannot read the counters\n");
        return 1;
    }
    printf("\n%u ticks, %" PRIu64 " spikes\n", ticks, spikes);
    printf("cycles per tick: min %" PRIu32 ", mean %.1f, max %" PRIu32 " (RANC's dense scan: 66050)\n",
           cyc_min, (double)cyc_total / ticks, cyc_max);
    printf("RTL event counters:\n");
    for (k = 0; k < 8; k++)
        printf("  %-17s %" PRIu32 "\n", cname[k], cnt[k]);
    printf("reference model in lockstep: %s\n",
           agree ? "identical spikes and cycles on every tick" : "DIFFERS (run make test)");
    if (fst)
        printf("waveform: %s (open with gtkwave)\n", fst);
    printf("energy: not modelled yet\n");
    nm_rtl_core_free(rtl);
    nm_ref_core_free(ref);
    return agree ? 0 : 1;
}
