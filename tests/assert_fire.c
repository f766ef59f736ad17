/* assert_fire.c - a deliberately bad stimulus through the real C harness of an
 * assertion build (make test-assert): the run must stop with NM_ERR_ASSERT, and the
 * harness must name the cycle, the tick and the assertion.
 *
 *   assert-fire chip-row    4 x 4 chip: a neuron whose DEST word (written raw over
 *                           APB; images refuse it) has delay 0 fires in tick 2; its
 *                           packet comes back to its own core while that core runs
 *   assert-fire core-axon   32-axon core: a packet for axon 40, between ticks 1 and 2
 *   assert-fire core-row    32-axon core with loopback: a delay-0 spike in tick 1
 *
 * Prints the harness's error on stderr and exits 1 when the assertion fired (what
 * tests/check-assert expects), 2 when the run went through without one, 3 on a
 * setup failure. */
#include <stdio.h>
#include <string.h>

#include "nm_chipmap.h"
#include "nm_core_prog.h"
#include "nm_regmap.h"
#include "nm_rtl_chip.h"
#include "nm_rtl_core.h"

static uint32_t core_word(unsigned core, uint32_t w) { return nm_chip_paddr(NM_CHIP_REGION_CORE, core, w); }

/* A neuron that never fires (the default), or the one given. */
static void quiet(nm_neuron_cfg *n)
{
    memset(n, 0, sizeof *n);
    n->alpha = 262143;
    n->beta = 262143;
    n->kappa = 1;
    n->dest_delay = 1;
}

/* lambda = +1, alpha = 3: V is 1, 2, 3 after ticks 0, 1, 2, so it fires in tick 2 */
static void fires_in_tick_2(nm_neuron_cfg *n)
{
    quiet(n);
    n->lambda = 1;
    n->alpha = 3;
    n->gamma = 0; /* reset to R = 0 */
    n->dest_axon = 3;
}

static uint32_t dest_delay_zero(uint32_t dest)
{
    return dest & ~((uint32_t)NM_NEURON_DEST_DELAY_MASK << NM_NEURON_DEST_DELAY_LSB);
}

static int chip_row(void)
{
    nm_rtl_chip *c = nm_rtl_chip_new(NULL);
    nm_chip_tick_out out;
    unsigned core, j, k, t;
    int rc = NM_OK;
    if (!c || nm_chip_tick_out_init(&out, 16, 256, 256) != NM_OK)
        return 3;
    for (core = 0; core < 16 && rc == NM_OK; core++)
        for (j = 0; j < 256 && rc == NM_OK; j++) {
            nm_neuron_cfg n;
            uint32_t w[NM_NEURON_WORDS];
            if (core == 5 && j == 17)
                fires_in_tick_2(&n);
            else
                quiet(&n);
            nm_neuron_pack(&n, w);
            if (core == 5 && j == 17)
                w[NM_NEURON_DEST] = dest_delay_zero(w[NM_NEURON_DEST]); /* the bad word */
            for (k = 0; k < NM_NEURON_WORDS && rc == NM_OK; k++)
                rc = nm_rtl_chip_apb_write(c, core_word(core, NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE + k)), w[k]);
        }
    for (t = 0; t < 5 && rc == NM_OK; t++)
        rc = nm_rtl_chip_tick(c, &out);
    if (rc == NM_ERR_ASSERT)
        fprintf(stderr, "assert-fire: chip-row: %s\n", nm_rtl_chip_error(c));
    else
        fprintf(stderr, "assert-fire: chip-row: no assertion (status %d after %u ticks)\n", rc, t);
    nm_chip_tick_out_free(&out);
    nm_rtl_chip_free(c);
    return rc == NM_ERR_ASSERT ? 1 : 2;
}

static int core_case(int row)
{
    nm_core_opts o = {1, 0};
    nm_rtl_core *c = nm_rtl_core_new(&o, NULL);
    nm_core_backend b;
    nm_tick_out out;
    unsigned j, t;
    int rc = NM_OK;
    if (!c)
        return 3;
    nm_rtl_core_backend(&b, c);
    if (b.naxons != 32) {
        fprintf(stderr, "assert-fire: expected the 32-axon core build, got %u axons\n", b.naxons);
        nm_rtl_core_free(c);
        return 3;
    }
    for (j = 0; j < b.nneurons && rc == NM_OK; j++) {
        nm_neuron_cfg n;
        uint32_t w[NM_NEURON_WORDS], k;
        quiet(&n);
        if (row && j == 2) {
            n.lambda = 1;    /* V = 1 after tick 0, 2 after tick 1: fires in tick 1 */
            n.alpha = 2;
            n.dest_axon = 7;
        }
        nm_neuron_pack(&n, w);
        if (row && j == 2)
            w[NM_NEURON_DEST] = dest_delay_zero(w[NM_NEURON_DEST]);
        for (k = 0; k < NM_NEURON_WORDS && rc == NM_OK; k++)
            rc = b.cfg_write(c, NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE + k), w[k]);
    }
    for (t = 0; t < 4 && rc == NM_OK; t++) {
        if (!row && t == 2)
            rc = b.inject(c, 40, 1); /* axon 40 of a 32-axon core */
        if (rc == NM_OK)
            rc = b.tick(c, &out);
    }
    if (rc == NM_ERR_ASSERT)
        fprintf(stderr, "assert-fire: %s: %s\n", row ? "core-row" : "core-axon", nm_rtl_core_error(c));
    else
        fprintf(stderr, "assert-fire: %s: no assertion (status %d after %u ticks)\n", row ? "core-row" : "core-axon",
                rc, t);
    nm_rtl_core_free(c);
    return rc == NM_ERR_ASSERT ? 1 : 2;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "chip-row"))
        return chip_row();
    if (argc == 2 && !strcmp(argv[1], "core-axon"))
        return core_case(0);
    if (argc == 2 && !strcmp(argv[1], "core-row"))
        return core_case(1);
    fprintf(stderr, "usage: assert-fire chip-row | core-axon | core-row\n");
    return 3;
}
