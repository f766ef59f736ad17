/* test_loihi_chip.c - the chip of Loihi cores in the model (docs/loihi-core.md section 6):
 * routing by offsets, one step per hop whatever the core order, off-mesh drops, hop counts.
 * Values worked by hand in the comments. 2 x 2 mesh of small cores: core i = y * 2 + x.
 * And the speed paths must change nothing: a random 3 x 1 chip run on one thread with the
 * AVX2 update, on two threads, and with the portable C update agrees word for word. */
#include <check.h>

#include "loihi_test_backend.h"
#include "nm_loihi_chip.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"

static void wr(nm_loihi_ref *c, uint32_t addr, uint32_t data)
{
    ck_assert_int_eq(nm_loihi_ref_cfg_write(c, addr, data), NM_OK);
}

/* every core: DPROF 0 = (DU 4095, DV 0, REFRACT 0) (u = this step's input), TPROF 0 = max
 * (never fires), TPROF 1 = 0 (fires when v > 0), SYNFMT 0 = excitatory 8 bits (x = W << 6) */
static nm_loihi_chip *make_chip(void)
{
    nm_loihi_geom g = NM_LOIHI_GEOM_SMALL;
    char msg[128];
    nm_loihi_chip *chip = nm_loihi_chip_new(2, 2, &g, msg, sizeof msg);
    unsigned i;
    ck_assert_msg(chip != NULL, "%s", msg);
    for (i = 0; i < 4; i++) {
        nm_loihi_ref *c = nm_loihi_chip_core(chip, i);
        wr(c, NML_ADDR(NML_REGION_DPROF, 0), nm_loihi_enc_dprof(4095, 0, 0));
        wr(c, NML_ADDR(NML_REGION_TPROF, 0), nm_loihi_enc_tprof(131071));
        wr(c, NML_ADDR(NML_REGION_TPROF, 1), nm_loihi_enc_tprof(0));
        wr(c, NML_ADDR(NML_REGION_SYNFMT, 0), nm_loihi_enc_synfmt(NM_LOIHI_SIGN_EXC, 8, 0));
    }
    return chip;
}

START_TEST(chip_routes_one_step_per_hop)
{
    nm_loihi_chip *chip = make_chip();
    nm_loihi_ref *c0 = nm_loihi_chip_core(chip, 0), *c1 = nm_loihi_chip_core(chip, 1);
    nm_loihi_ref *c3 = nm_loihi_chip_core(chip, 3);
    const nm_loihi_chip_stats *st = nm_loihi_chip_stats_get(chip);
    nm_loihi_chip_out o;
    /* core 0, compartment 0: bias 1 > threshold 0, fires every step; fan-out to
     * (1, 0) axon 3 = core 1 (ticks after core 0), (1, 1) axon 2 = core 3, (-1, 0) off the mesh */
    wr(c0, nm_loihi_addr_cx(0, NML_CX_CFG), nm_loihi_enc_cxcfg(0, 1, 1, 0));
    wr(c0, nm_loihi_addr_cx(0, NML_CX_AXMAP), nm_loihi_enc_cxaxmap(0, 3));
    wr(c0, NML_ADDR(NML_REGION_AXMAP, 0), nm_loihi_enc_axmap(3, 1, 0));
    wr(c0, NML_ADDR(NML_REGION_AXMAP, 1), nm_loihi_enc_axmap(2, 1, 1));
    wr(c0, NML_ADDR(NML_REGION_AXMAP, 2), nm_loihi_enc_axmap(9, -1, 0));
    /* core 1: axon 3 -> compartment 6, W 10, delay 0; core 3: axon 2 -> compartment 5, delay 2 */
    wr(c1, NML_ADDR(NML_REGION_INAXON, 3), nm_loihi_enc_inaxon(0, 1, 0));
    wr(c1, NML_ADDR(NML_REGION_SYN, 0), nm_loihi_enc_syn(6, 10, 0));
    wr(c3, NML_ADDR(NML_REGION_INAXON, 2), nm_loihi_enc_inaxon(7, 1, 0));
    wr(c3, NML_ADDR(NML_REGION_SYN, 7), nm_loihi_enc_syn(5, 10, 2));

    ck_assert_int_eq(nm_loihi_chip_step(chip, &o), NM_OK); /* step 1: core 0 fires */
    ck_assert_uint_eq(o.nspikes, 1);
    ck_assert_uint_eq(o.npkts, 3);
    /* core 1 ticked after core 0 but must not see the packet in step 1 */
    ck_assert_int_eq(nm_loihi_ref_u(c1, 6), 0);
    ck_assert_uint_eq(nm_loihi_ref_counter(c1, NML_COUNTER_AXON_EVENTS), 0);
    ck_assert_uint_eq(st->offmesh, 1);
    ck_assert_uint_eq(st->hops_ew, 2); /* |1| + |1| */
    ck_assert_uint_eq(st->hops_ns, 1); /* |1| */
    ck_assert_uint_eq(nm_loihi_ref_counter(c1, NML_COUNTER_PKTS_IN), 1);

    ck_assert_int_eq(nm_loihi_chip_step(chip, &o), NM_OK); /* step 2 */
    ck_assert_int_eq(nm_loihi_ref_u(c1, 6), 640);          /* fired in 1, delay 0: step 2 */
    ck_assert_int_eq(nm_loihi_ref_u(c3, 5), 0);            /* delay 2: step 4 */
    ck_assert_int_eq(nm_loihi_chip_step(chip, &o), NM_OK); /* step 3 */
    ck_assert_int_eq(nm_loihi_ref_u(c3, 5), 0);
    ck_assert_int_eq(nm_loihi_chip_step(chip, &o), NM_OK); /* step 4 */
    ck_assert_int_eq(nm_loihi_ref_u(c3, 5), 640);
    /* step cycles = the slowest core. Core 0: 2 + 3 * 16 + 2 * 3 = 56; core 1 in step 4:
     * 2 + (2 + 2) + 48 = 54; core 3: 54 too. */
    ck_assert_uint_eq(o.cycles, 56);
    ck_assert_uint_eq(st->steps, 4);
    ck_assert_uint_eq(st->pkts, 12);
    ck_assert_uint_eq(st->offmesh, 4);
    nm_loihi_chip_free(chip);
}
END_TEST

START_TEST(chip_bad_mesh)
{
    char msg[128];
    nm_loihi_geom g = NM_LOIHI_GEOM_DEFAULT;
    ck_assert_ptr_null(nm_loihi_chip_new(0, 2, NULL, msg, sizeof msg));
    ck_assert_ptr_null(nm_loihi_chip_new(2, 257, NULL, msg, sizeof msg));
    /* the joint limit NDSLOT x NCOMP <= 65,536 (docs/loihi-core.md section 2): 4,096 x 64 is
     * refused, 4,096 x 16 = 65,536 accepted */
    g.ncomp = 4096;
    ck_assert_int_eq(nm_loihi_geom_check(&g, msg, sizeof msg), NM_ERR_ARG);
    ck_assert_str_eq(msg, "geometry: ndslot x ncomp = 64 x 4096 = 262144, at most 65536 (the DA region's size)");
    g.ndslot = 16;
    ck_assert_int_eq(nm_loihi_geom_check(&g, msg, sizeof msg), NM_OK);
    g.ncomp = 1000; /* not a power of two */
    ck_assert_int_eq(nm_loihi_geom_check(&g, msg, sizeof msg), NM_ERR_ARG);
    ck_assert_str_eq(msg, "geometry: ncomp = 1000, expected a power of two in 4 .. 4096");
}
END_TEST

/* ---------------------------------------------------------------- speed paths agree */

static uint64_t rs;
static unsigned rnd(unsigned n)
{
    rs = rs * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)((rs >> 33) % n);
}

/* a random chip of 3 x 1 cores of 256 compartments (NUPD 250: not a multiple of 8, 16 or
 * 64), four decay and two threshold profiles mixed per compartment, biases and initial u, v of
 * both signs, 8 synapses per input axon with delays 0 .. 15, fan-out 1 .. 2 to random
 * cores (some off the mesh) */
static nm_loihi_chip *random_chip(uint64_t seed)
{
    nm_loihi_geom g = NM_LOIHI_GEOM_DEFAULT;
    char msg[128];
    nm_loihi_chip *chip;
    unsigned i, n, j;
    g.ncomp = 256;
    chip = nm_loihi_chip_new(3, 1, &g, msg, sizeof msg);
    ck_assert_msg(chip != NULL, "%s", msg);
    rs = seed;
    for (i = 0; i < 3; i++) {
        nm_loihi_ref *c = nm_loihi_chip_core(chip, i);
        for (j = 0; j < 4; j++)
            wr(c, NML_ADDR(NML_REGION_DPROF, j), nm_loihi_enc_dprof(rnd(4096), rnd(4096), rnd(4)));
        wr(c, NML_ADDR(NML_REGION_TPROF, 0), nm_loihi_enc_tprof(20 + rnd(100)));
        wr(c, NML_ADDR(NML_REGION_TPROF, 1), nm_loihi_enc_tprof(rnd(20)));
        wr(c, NML_ADDR(NML_REGION_SYNFMT, 0), nm_loihi_enc_synfmt(NM_LOIHI_SIGN_MIXED, 8, 0));
        wr(c, NML_ADDR(NML_REGION_SYNFMT, 1), nm_loihi_enc_synfmt(NM_LOIHI_SIGN_EXC, 5, 3));
        wr(c, NML_ADDR(NML_REGION_CTRL, NML_CTRL_NUPD), 250);
        for (n = 0; n < 256; n++) {
            unsigned len = 1 + rnd(2);
            wr(c, nm_loihi_addr_cx(n, NML_CX_CFG), nm_loihi_enc_cxcfg(rnd(4), rnd(2), (int)rnd(601) - 300, rnd(4)));
            wr(c, nm_loihi_addr_cx(n, NML_CX_AXMAP), nm_loihi_enc_cxaxmap(2 * n, len));
            wr(c, nm_loihi_addr_cx(n, NML_CX_U), (uint32_t)((int32_t)rnd(20001) - 10000));
            wr(c, nm_loihi_addr_cx(n, NML_CX_V), (uint32_t)((int32_t)rnd(20001) - 10000));
            for (j = 0; j < len; j++)
                wr(c, NML_ADDR(NML_REGION_AXMAP, 2 * n + j),
                   nm_loihi_enc_axmap(rnd(256), (int)rnd(4) - 1 - (int)i, 0));
        }
        for (n = 0; n < 256; n++) {
            wr(c, NML_ADDR(NML_REGION_INAXON, n), nm_loihi_enc_inaxon(8 * n, 8, rnd(2)));
            for (j = 0; j < 8; j++)
                wr(c, NML_ADDR(NML_REGION_SYN, 8 * n + j), nm_loihi_enc_syn(rnd(256), (int)rnd(256) - 128, rnd(16)));
        }
    }
    return chip;
}

START_TEST(chip_threads_and_portable_update_agree)
{
    nm_loihi_chip *chip[4];
    unsigned k, t, i, n, spikes = 0;
    char msg[128];
    for (k = 0; k < 4; k++)
        chip[k] = random_chip(7);
    ck_assert_int_eq(nm_loihi_chip_set_threads(chip[1], 2, msg, sizeof msg), NM_OK);
    ck_assert_uint_eq(nm_loihi_chip_threads(chip[1]), 2);
    for (i = 0; i < 3; i++)
        nm_loihi_ref_set_simd(nm_loihi_chip_core(chip[2], i), 0);
    ck_assert_int_eq(nm_loihi_ref_simd(nm_loihi_chip_core(chip[2], 0)), 0);
    for (i = 0; i < 3; i++)
        nm_loihi_ref_set_simd(nm_loihi_chip_core(chip[3], i), NM_LOIHI_SIMD_AVX2);
    ck_assert_int_le(nm_loihi_ref_simd(nm_loihi_chip_core(chip[3], 0)), NM_LOIHI_SIMD_AVX2);
    for (t = 0; t < 200; t++) {
        nm_loihi_chip_out o[4];
        for (k = 0; k < 4; k++)
            ck_assert_int_eq(nm_loihi_chip_step(chip[k], &o[k]), NM_OK);
        spikes += o[0].nspikes;
        for (k = 1; k < 4; k++) {
            ck_assert_uint_eq(o[k].nspikes, o[0].nspikes);
            ck_assert_uint_eq(o[k].npkts, o[0].npkts);
            ck_assert_uint_eq(o[k].cycles, o[0].cycles);
            for (i = 0; i < 3; i++) {
                nm_loihi_ref *a = nm_loihi_chip_core(chip[0], i), *b = nm_loihi_chip_core(chip[k], i);
                for (n = 0; n < 256; n++) {
                    ck_assert_int_eq(nm_loihi_ref_u(b, n), nm_loihi_ref_u(a, n));
                    ck_assert_int_eq(nm_loihi_ref_v(b, n), nm_loihi_ref_v(a, n));
                    ck_assert_uint_eq(nm_loihi_ref_refcnt(b, n), nm_loihi_ref_refcnt(a, n));
                }
                for (n = 0; n < NML_COUNTER_NREGS; n++)
                    ck_assert_uint_eq(nm_loihi_ref_counter(b, n), nm_loihi_ref_counter(a, n));
            }
        }
    }
    /* the network is live (the comparison is not of four silent chips) */
    ck_assert_uint_gt(spikes, 1000);
    for (k = 1; k < 4; k++) {
        const nm_loihi_chip_stats *a = nm_loihi_chip_stats_get(chip[0]), *b = nm_loihi_chip_stats_get(chip[k]);
        ck_assert_uint_eq(b->pkts, a->pkts);
        ck_assert_uint_eq(b->offmesh, a->offmesh);
        ck_assert_uint_eq(b->hops_ew, a->hops_ew);
        ck_assert_uint_eq(b->cycles, a->cycles);
    }
    ck_assert_uint_gt(nm_loihi_chip_stats_get(chip[0])->offmesh, 0);
    ck_assert_int_eq(nm_loihi_chip_set_threads(chip[1], 0, msg, sizeof msg), NM_ERR_ARG);
    for (k = 0; k < 4; k++)
        nm_loihi_chip_free(chip[k]);
}
END_TEST


/* Delivery computes x of a linear synapse format (every x = the mantissa times 2^s:
 * 8-bit excitatory, inhibitory and mixed formats) from the synapse word instead of the
 * weight table, with runs of up to 16 words staged in one piece and longer runs 8 words at
 * a time plus the rest; a 7-bit format is not linear and keeps the table. Worked by hand
 * (docs/loihi-core.md section 4.1, WGT_EXP 0, so e = 6); axon a uses format a mod 4:
 *   format 0, excitatory 8 bits: x = 200 * 64 = 12,800; axon 0: 21 synapses to
 *     compartment 3, delay 1: DA = 268,800; axon 4: 10 to compartment 7: 128,000
 *   format 1, inhibitory 8 bits: x = -12,800; axon 1: 21 to compartment 4, delay 2:
 *     -268,800, as 24 bits 2^24 - 268,800 = 16,508,416; axon 5: 10 to compartment 8:
 *     -128,000 = 16,649,216
 *   format 2, mixed 8 bits: WGT -100, x = 2 * (-100) * 64 = -12,800; axon 2: 21 to
 *     compartment 5, delay 1: 16,508,416; axon 6: 10 to compartment 9: 16,649,216
 *   format 3, excitatory 7 bits: WGT 201 loses its low bit, x = 200 * 64 = 12,800 (not
 *     201 * 64); axon 3: 21 to compartment 6, delay 1: 268,800
 * The step t = 1 delivers into slots 1 + delay; each instruction set must give the same. */
START_TEST(chip_linear_weight_formats)
{
    int level;
    for (level = NM_LOIHI_SIMD_PORTABLE; level <= NM_LOIHI_SIMD_AVX512; level++) {
        nm_loihi_geom g = NM_LOIHI_GEOM_DEFAULT;
        char msg[128];
        nm_loihi_ref *c = nm_loihi_ref_new(&g, NULL, msg, sizeof msg);
        static const struct { unsigned sign, nbits, base, len, comp, delay; int wgt; } ax[7] = {
            {NM_LOIHI_SIGN_EXC, 8, 0, 21, 3, 1, 200},     {NM_LOIHI_SIGN_INH, 8, 32, 21, 4, 2, 200},
            {NM_LOIHI_SIGN_MIXED, 8, 64, 21, 5, 1, -100}, {NM_LOIHI_SIGN_EXC, 7, 96, 21, 6, 1, 201},
            {NM_LOIHI_SIGN_EXC, 8, 128, 10, 7, 1, 200},   {NM_LOIHI_SIGN_INH, 8, 160, 10, 8, 2, 200},
            {NM_LOIHI_SIGN_MIXED, 8, 192, 10, 9, 1, -100},
        };
        static const struct { unsigned slot, comp; uint32_t da; } want[7] = {
            {2, 3, 268800u},   {3, 4, 16508416u}, {2, 5, 16508416u}, {2, 6, 268800u},
            {2, 7, 128000u},   {3, 8, 16649216u}, {2, 9, 16649216u}};
        unsigned a, j;
        ck_assert_msg(c != NULL, "%s", msg);
        nm_loihi_ref_set_simd(c, level);
        for (a = 0; a < 7; a++) {
            wr(c, NML_ADDR(NML_REGION_SYNFMT, a % 4), nm_loihi_enc_synfmt(ax[a].sign, ax[a].nbits, 0));
            wr(c, NML_ADDR(NML_REGION_INAXON, a), nm_loihi_enc_inaxon(ax[a].base, ax[a].len, a % 4));
            for (j = 0; j < ax[a].len; j++)
                wr(c, NML_ADDR(NML_REGION_SYN, ax[a].base + j), nm_loihi_enc_syn(ax[a].comp, ax[a].wgt, ax[a].delay));
            ck_assert_int_eq(nm_loihi_ref_inject(c, a), NM_OK);
        }
        ck_assert_int_eq(nm_loihi_ref_tick(c, NULL), NM_OK);
        for (a = 0; a < 7; a++) {
            uint32_t w;
            ck_assert_int_eq(nm_loihi_ref_cfg_read(c, nm_loihi_addr_da(&g, want[a].slot, want[a].comp), &w), NM_OK);
            ck_assert_msg(w == want[a].da, "level %d, axon %u: DA %u, expected %u", level, a, w, want[a].da);
        }
        nm_loihi_ref_free(c);
    }
}
END_TEST

Suite *loihi_chip_suite(void)
{
    Suite *s = suite_create("loihi-chip");
    TCase *tc = tcase_create("mesh");
    tcase_add_test(tc, chip_routes_one_step_per_hop);
    tcase_add_test(tc, chip_bad_mesh);
    tcase_add_test(tc, chip_threads_and_portable_update_agree);
    tcase_add_test(tc, chip_linear_weight_formats);
    tcase_set_timeout(tc, 60); /* wall-clock seconds, on a machine that may be shared */
    suite_add_tcase(s, tc);
    return s;
}
