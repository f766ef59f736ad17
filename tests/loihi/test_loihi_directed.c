/* test_loihi_directed.c - every branch of the Loihi core (docs/loihi-core.md sections 4-9),
 * expected values worked by hand in the comments, on each backend (loop index 0 = model,
 * 1 = RTL with --rtl). Geometry: small (NCOMP 16, NAXIN 16, NAXOUT 32, NSYN 256, NDSLOT 8,
 * NDPROF 4, NTPROF 2, NSYNFMT 4, INQ 16).
 *
 * The base core (setup): DPROF[0] = (DU 4095, DV 0, REFRACT 0), so u is exactly this step's
 * input (4095 - 4095 = 0 keeps nothing) and v integrates without loss (4096 - 0 = 4096);
 * TPROF[0] = 131071 (threshold 131071 << 6 = 8,388,544), so nothing fires; SYNFMT[0] =
 * excitatory, 8 bits, WGT_EXP 0; every compartment on profile 0, no bias, no fan-out. */
#include <check.h>
#include <string.h>

#include "loihi_test_backend.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"

#define A(r, o) NML_ADDR(NML_REGION_##r, (o))
#define VTH_MAX 131071u

static nm_loihi_backend B;
static nm_loihi_out OUT;

static void setup_opts(int idx, const nm_loihi_opts *o)
{
    nm_loihi_geom g = NM_LOIHI_GEOM_SMALL;
    ck_assert_int_lt(idx, nm_loihi_test_nbackends);
    ck_assert_int_eq(nm_loihi_test_new(idx, &g, o, &B), NM_OK);
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 0, 4095, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_tprof(&B, 0, VTH_MAX), NM_OK);
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 0, NM_LOIHI_SIGN_EXC, 8, 0), NM_OK);
}

static void setup(int idx)
{
    setup_opts(idx, NULL);
}

static void step(void)
{
    ck_assert_int_eq(B.tick(B.impl, &OUT), NM_OK);
}

static void inject(unsigned a)
{
    ck_assert_int_eq(B.inject(B.impl, a), NM_OK);
}

static nm_loihi_cx_state cx(unsigned n)
{
    nm_loihi_cx_state s;
    ck_assert_int_eq(nm_loihi_read_cx(&B, n, &s), NM_OK);
    return s;
}

static int32_t da(unsigned slot, unsigned n)
{
    int32_t a;
    ck_assert_int_eq(nm_loihi_read_da(&B, slot, n, &a), NM_OK);
    return a;
}

static uint32_t counter(unsigned k)
{
    uint32_t v;
    ck_assert_int_eq(nm_loihi_read_counter(&B, k, &v), NM_OK);
    return v;
}

static void wr(uint32_t addr, uint32_t data)
{
    ck_assert_int_eq(B.cfg_write(B.impl, addr, data), NM_OK);
}

/* input axon a -> one synapse (word idx) to compartment n with mantissa w and delay d, format f */
static void syn1(unsigned a, unsigned idx, unsigned f, unsigned n, int w, unsigned d)
{
    ck_assert_int_eq(nm_loihi_write_inaxon(&B, a, idx, 1, f), NM_OK);
    ck_assert_int_eq(nm_loihi_write_syn(&B, idx, n, w, d), NM_OK);
}

static void set_u(unsigned n, int32_t u) { wr(nm_loihi_addr_cx(n, NML_CX_U), (uint32_t)u); }
static void set_v(unsigned n, int32_t v) { wr(nm_loihi_addr_cx(n, NML_CX_V), (uint32_t)v); }

/* ------------------------------------------------------------------ 4.1 weights */

/* Each case: format (sign, nbits, wgt_exp) and mantissa W; with DU = 4095 the compartment's u
 * after the step is exactly x (section 4.1), and v (0 before) is x too. */
START_TEST(weight_formats)
{
    static const struct { unsigned sign, nbits; int exp, w; int32_t x; } c[] = {
        {NM_LOIHI_SIGN_EXC, 8, 0, 10, 640},              /* 10 << 6 */
        {NM_LOIHI_SIGN_MIXED, 8, 0, 0xFB, -640},         /* 2 * -5 = -10, k = 1 keeps it; << 6 */
        {NM_LOIHI_SIGN_INH, 6, -8, 7, -2},               /* -7, k = 2: floor(-7/4) = -2, << 2 = -8; e = -2: -8 >> 2 */
        {NM_LOIHI_SIGN_MIXED, 8, 7, 0x80, -2097152},     /* 2 * -128 = -256, << 13 = -2^21 */
        {NM_LOIHI_SIGN_EXC, 4, 0, 0xFF, 15360},          /* k = 4: 255 -> 240; << 6 */
        {NM_LOIHI_SIGN_EXC, 8, 3, 1, 512},               /* 1 << 9 */
        {NM_LOIHI_SIGN_EXC, 8, -7, 3, 1},                /* e = -1: floor(3 / 2) */
        {NM_LOIHI_SIGN_MIXED, 8, -7, 0xFD, -3},          /* 2 * -3 = -6; e = -1: -6 >> 1 */
        {NM_LOIHI_SIGN_MIXED, 1, 0, 0x7F, 0},            /* 254, k = 8: 254 >> 8 = 0 */
        {NM_LOIHI_SIGN_MIXED, 1, 0, 0x80, -16384},       /* -256 >> 8 = -1, << 8 = -256; << 6 */
        {NM_LOIHI_SIGN_INH, 7, 0, 3, -256},              /* -3, k = 1: floor(-1.5) = -2, << 1 = -4; << 6 */
        {NM_LOIHI_SIGN_NULL, 8, 7, 0xFF, 0},             /* null: nothing */
        {NM_LOIHI_SIGN_EXC, 8, 7, 0xFF, 2088960},        /* 255 << 13 */
        {NM_LOIHI_SIGN_INH, 8, -8, 1, -1},               /* -1; e = -2: floor(-1/4) = -1 */
        {NM_LOIHI_SIGN_INH, 8, 0, 0xFF, -16320},         /* -255 << 6 */
    };
    unsigned k;
    setup(_i);
    syn1(1, 1, 1, 1, 0, 0);
    for (k = 0; k < sizeof c / sizeof c[0]; k++) {
        nm_loihi_cx_state s;
        set_v(1, 0);
        ck_assert_int_eq(nm_loihi_write_synfmt(&B, 1, c[k].sign, c[k].nbits, c[k].exp), NM_OK);
        ck_assert_int_eq(nm_loihi_write_syn(&B, 1, 1, c[k].w, 0), NM_OK);
        inject(1);
        step();
        s = cx(1);
        ck_assert_msg(s.u == c[k].x && s.v == c[k].x, "case %u: u %d v %d, expected %d", k, s.u, s.v, c[k].x);
    }
    nm_loihi_test_free(&B);
}
END_TEST

/* Per weight, not per sum: two synapses of mantissa 1 with WGT_EXP -8 (e = -2) give
 * floor(1/4) + floor(1/4) = 0, where scaling the sum would give floor(2/4) = 0 too; with
 * mantissa 2: per weight 0 + 0 = 0, per sum floor(4/4) = 1. */
START_TEST(weight_per_synapse)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 1, NM_LOIHI_SIGN_EXC, 8, -8), NM_OK);
    ck_assert_int_eq(nm_loihi_write_inaxon(&B, 2, 10, 2, 1), NM_OK);
    ck_assert_int_eq(nm_loihi_write_syn(&B, 10, 4, 2, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_syn(&B, 11, 4, 2, 0), NM_OK);
    inject(2);
    step();
    ck_assert_int_eq(cx(4).u, 0);
    /* WGT_EXP -6 (e = 0): 2 + 2 = 4 */
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 1, NM_LOIHI_SIGN_EXC, 8, -6), NM_OK);
    inject(2);
    step();
    ck_assert_int_eq(cx(4).u, 4);
    nm_loihi_test_free(&B);
}
END_TEST

/* ------------------------------------------------------------------ 4.2 accumulators, delays */

/* Injected before step 1, processed in step 1 into slot (1 + d) mod 8, seen in step 1 + d. */
START_TEST(delay_arrival)
{
    unsigned t;
    setup(_i);
    syn1(0, 0, 0, 0, 10, 3);
    inject(0);
    step(); /* step 1: into slot 4 */
    ck_assert_int_eq(da(4, 0), 640);
    ck_assert_int_eq(cx(0).u, 0);
    step();
    step(); /* step 3 */
    ck_assert_int_eq(cx(0).u, 0);
    ck_assert_int_eq(da(4, 0), 640);
    step(); /* step 4 consumes slot 4 */
    ck_assert_int_eq(cx(0).u, 640);
    ck_assert_int_eq(da(4, 0), 0);
    /* delay 7 = NDSLOT - 1: processed in step 5 into slot (5 + 7) mod 8 = 4, seen in step 12 */
    ck_assert_int_eq(nm_loihi_write_syn(&B, 0, 0, 10, 7), NM_OK);
    inject(0);
    step(); /* 5 */
    ck_assert_int_eq(da(4, 0), 640);
    for (t = 6; t < 12; t++) {
        step();
        ck_assert_int_eq(cx(0).u, 0);
    }
    step(); /* 12 */
    ck_assert_int_eq(cx(0).u, 640);
    /* delay 9 = 9 mod 8 = 1: processed in step 13, seen in step 14 */
    ck_assert_int_eq(nm_loihi_write_syn(&B, 0, 0, 10, 9), NM_OK);
    inject(0);
    step();
    ck_assert_int_eq(cx(0).u, 0);
    step();
    ck_assert_int_eq(cx(0).u, 640);
    nm_loihi_test_free(&B);
}
END_TEST

/* Five synapses of 255 << 13 = 2,088,960 into one slot: 10,444,800 wraps to
 * 10,444,800 - 16,777,216 = -6,332,416. */
START_TEST(accumulator_wraps)
{
    unsigned j;
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 1, NM_LOIHI_SIGN_EXC, 8, 7), NM_OK);
    ck_assert_int_eq(nm_loihi_write_inaxon(&B, 0, 20, 5, 1), NM_OK);
    for (j = 0; j < 5; j++)
        ck_assert_int_eq(nm_loihi_write_syn(&B, 20 + j, 0, 255, 1), NM_OK);
    inject(0);
    step();
    ck_assert_int_eq(da(2, 0), -6332416);
    nm_loihi_test_free(&B);
}
END_TEST

/* Indices are taken mod their table size: SYN.COMP 17 -> compartment 1; INAXON.FMT 5 ->
 * format 1; a synapse run BASE 255, LEN 2 -> words 255 and 0; CX.CFG.DPROF 5 -> profile 1;
 * TPROF 3 -> profile 1. */
START_TEST(index_wrap)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 1, NM_LOIHI_SIGN_EXC, 8, 1), NM_OK); /* x = w << 7 */
    ck_assert_int_eq(nm_loihi_write_inaxon(&B, 3, 255, 2, 5), NM_OK);
    ck_assert_int_eq(nm_loihi_write_syn(&B, 255, 17, 1, 0), NM_OK); /* comp 1: 128 */
    ck_assert_int_eq(nm_loihi_write_syn(&B, 0, 2, 3, 0), NM_OK);    /* comp 2: 384 */
    /* compartment 2 on DPROF 5 = 1 (DU 0: u keeps 4095/4096) and TPROF 3 = 1 (VTH 1: th 64) */
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 1, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_tprof(&B, 1, 1), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 2, 5, 3, 0, 0, 0, 0), NM_OK);
    inject(3);
    step();
    ck_assert_int_eq(cx(1).u, 128);
    ck_assert_int_eq(cx(1).v, 128);
    /* compartment 2: u = 384 > 64: fires, v = 0 */
    ck_assert_int_eq(OUT.nspikes, 1);
    ck_assert_int_eq(OUT.spikes[0], 2);
    ck_assert_int_eq(cx(2).u, 384);
    ck_assert_int_eq(cx(2).v, 0);
    step();
    /* compartment 2 (DU 0): 384 * 4095 >> 12 = 1,572,480 / 4,096 = 383.9 -> 383; v = 383 > 64: fires */
    ck_assert_int_eq(cx(2).u, 383);
    /* compartment 1 (DU 4095): u = 0, v stays 128 */
    ck_assert_int_eq(cx(1).u, 0);
    ck_assert_int_eq(cx(1).v, 128);
    nm_loihi_test_free(&B);
}
END_TEST

/* Writing STEP moves the slot mapping: STEP 5, then step 6 processes a delay-2 synapse into
 * slot (6 + 2) mod 8 = 0. */
START_TEST(step_register)
{
    uint32_t s;
    setup(_i);
    wr(A(CTRL, NML_CTRL_STEP), 5);
    syn1(0, 0, 0, 3, 10, 2);
    inject(0);
    step();
    ck_assert_int_eq(B.cfg_read(B.impl, A(CTRL, NML_CTRL_STEP), &s), NM_OK);
    ck_assert_uint_eq(s, 6);
    ck_assert_int_eq(da(0, 3), 640);
    step();
    step(); /* step 8 -> slot 0 */
    ck_assert_int_eq(cx(3).u, 640);
    /* STEP wraps modulo 2^32: 0xFFFFFFFF + 1 = 0, slot 0 */
    wr(A(CTRL, NML_CTRL_STEP), 0xFFFFFFFFu);
    wr(nm_loihi_addr_da(&B.geom, 0, 3), 100);
    step();
    ck_assert_int_eq(B.cfg_read(B.impl, A(CTRL, NML_CTRL_STEP), &s), NM_OK);
    ck_assert_uint_eq(s, 0);
    ck_assert_int_eq(cx(3).u, 100);
    nm_loihi_test_free(&B);
}
END_TEST

/* ------------------------------------------------------------------ 5. compartment update */

START_TEST(current_decay)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 1, 0, 0, 0), NM_OK); /* DU 0: factor 4095 */
    ck_assert_int_eq(nm_loihi_write_cx(&B, 0, 1, 0, 0, 0, 0, 0), NM_OK);
    set_u(0, 4096);
    step();
    /* 4096 * 4095 >> 12 = 4095 (no perfect integrator); v = 0 + 4095 */
    ck_assert_int_eq(cx(0).u, 4095);
    ck_assert_int_eq(cx(0).v, 4095);
    /* DU 2048 (factor 2047), u = -1000: 1000 * 2047 = 2,047,000 >> 12 = 499 (499.76), so -499
     * (toward zero, not floor -500); v = 4095 - 499 = 3596 */
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 1, 2048, 0, 0), NM_OK);
    set_u(0, -1000);
    step();
    ck_assert_int_eq(cx(0).u, -499);
    ck_assert_int_eq(cx(0).v, 3596);
    nm_loihi_test_free(&B);
}
END_TEST

/* u wraps in 24-bit two's complement. */
START_TEST(current_wraps)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 1, 0, 4095, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 0, 1, 0, 0, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 1, 1, 0, 0, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 1, NM_LOIHI_SIGN_EXC, 8, 7), NM_OK);
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 2, NM_LOIHI_SIGN_MIXED, 8, 7), NM_OK);
    syn1(0, 0, 1, 0, 255, 0);  /* +2,088,960 */
    syn1(1, 1, 2, 1, 0x80, 0); /* -2,097,152 */
    /* 8,388,607 * 4095 = 34,351,345,665 >> 12 = 8,386,559; + 2,088,960 = 10,475,519
     * -> 10,475,519 - 16,777,216 = -6,301,697 */
    set_u(0, 8388607);
    /* -8,388,608: 8,388,608 * 4095 >> 12 = 8,386,560, so -8,386,560; - 2,097,152 = -10,483,712
     * -> + 16,777,216 = 6,293,504 */
    set_u(1, -8388608);
    inject(0);
    inject(1);
    step();
    ck_assert_int_eq(cx(0).u, -6301697);
    ck_assert_int_eq(cx(1).u, 6293504);
    nm_loihi_test_free(&B);
}
END_TEST

START_TEST(voltage_decay)
{
    setup(_i);
    /* DV 4095: v keeps 1/4096: 4096 -> 1, -4096 -> -1, 4095 -> 0 */
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 1, 4095, 4095, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 0, 1, 0, 0, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 1, 1, 0, 0, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 2, 1, 0, 0, 0, 0, 0), NM_OK);
    set_v(0, 4096);
    set_v(1, -4096);
    set_v(2, 4095);
    /* DV 0: v kept exactly */
    set_v(3, -123456);
    step();
    ck_assert_int_eq(cx(0).v, 1);
    ck_assert_int_eq(cx(1).v, -1);
    ck_assert_int_eq(cx(2).v, 0);
    ck_assert_int_eq(cx(3).v, -123456);
    nm_loihi_test_free(&B);
}
END_TEST

/* docs/loihi-core.md section 5 worked example: u = 1000, DU = 1000, in = 640 -> u = 1395;
 * v = -2000, DV = 500, bias 3 << 2 = 12 -> v = -1755 + 1395 + 12 = -348; VTH 25: no spike. */
START_TEST(worked_example)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 2, 1000, 500, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_tprof(&B, 1, 25), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 5, 2, 1, 3, 2, 0, 0), NM_OK);
    set_u(5, 1000);
    set_v(5, -2000);
    syn1(0, 0, 0, 5, 10, 0);
    inject(0);
    step();
    ck_assert_int_eq(cx(5).u, 1395);
    ck_assert_int_eq(cx(5).v, -348);
    ck_assert_int_eq(OUT.nspikes, 0);
    nm_loihi_test_free(&B);
}
END_TEST

/* v clamps to -(2^23 - 1) (not -2^23); above +(2^23 - 1) it clamps and then fires, since
 * the highest threshold (8,388,544) is below the clamp. */
START_TEST(voltage_clamps)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 1, NM_LOIHI_SIGN_MIXED, 8, 7), NM_OK);
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 2, NM_LOIHI_SIGN_EXC, 8, 7), NM_OK);
    syn1(0, 0, 1, 0, 0x80, 0); /* -2,097,152 */
    syn1(1, 1, 2, 1, 255, 0);  /* +2,088,960 */
    set_v(0, -8388607);
    set_v(1, 8388000);
    inject(0);
    inject(1);
    step();
    /* -8,388,607 - 2,097,152 = -10,485,759 -> -8,388,607 */
    ck_assert_int_eq(cx(0).v, -8388607);
    /* 8,388,000 + 2,088,960 = 10,476,960 -> 8,388,607 > 8,388,544: fires, v = 0 */
    ck_assert_int_eq(OUT.nspikes, 1);
    ck_assert_int_eq(OUT.spikes[0], 1);
    ck_assert_int_eq(cx(1).v, 0);
    nm_loihi_test_free(&B);
}
END_TEST

/* Bias enters v only: BIAS_MANT -4096, BIAS_EXP 7 = -524,288; 4095 << 0 = 4095. */
START_TEST(bias)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 0, 0, 0, -4096, 7, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 1, 0, 0, 4095, 0, 0, 0), NM_OK);
    step();
    ck_assert_int_eq(cx(0).u, 0);
    ck_assert_int_eq(cx(0).v, -524288);
    ck_assert_int_eq(cx(1).u, 0);
    ck_assert_int_eq(cx(1).v, 4095);
    step();
    ck_assert_int_eq(cx(0).v, -1048576);
    ck_assert_int_eq(cx(1).v, 8190);
    nm_loihi_test_free(&B);
}
END_TEST

/* Strict threshold: VTH_MANT 25 -> 1600; with DV 4095 v is (v >> 12) + bias each step:
 * bias 1600 gives v = 1600, never above; bias 1601 fires at once. */
START_TEST(threshold_strict)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 1, 4095, 4095, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_tprof(&B, 1, 25), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 0, 1, 1, 1600, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 1, 1, 1, 1601, 0, 0, 0), NM_OK);
    step();
    ck_assert_int_eq(OUT.nspikes, 1);
    ck_assert_int_eq(OUT.spikes[0], 1);
    ck_assert_int_eq(cx(0).v, 1600);
    ck_assert_int_eq(cx(1).v, 0);
    step(); /* compartment 0: 1600 >> 12 = 0, + 1600 = 1600 again */
    ck_assert_int_eq(cx(0).v, 1600);
    ck_assert_int_eq(OUT.nspikes, 1);
    nm_loihi_test_free(&B);
}
END_TEST

/* REFRACT 3 with input 26 << 6 = 1664 > 1600 every step: fire at step 1; steps 2 and 3 are
 * refractory (v 0, u keeps integrating); step 4 integrates and fires again. Hardware view:
 * 3 << 7 = 384, then 256, 128, 384. Compartment 1 has REFRACT 1 (fires every step, view 128),
 * compartment 2 REFRACT 0 (fires every step, view 0). */
START_TEST(refractory)
{
    static const int32_t vhw0[6] = {384, 256, 128, 384, 256, 128};
    static const unsigned ref0[6] = {3, 2, 1, 3, 2, 1};
    unsigned t;
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_tprof(&B, 1, 25), NM_OK);
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 1, 4095, 0, 3), NM_OK);
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 2, 4095, 0, 1), NM_OK);
    ck_assert_int_eq(nm_loihi_write_dprof(&B, 3, 4095, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 0, 1, 1, 0, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 1, 2, 1, 0, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 2, 3, 1, 0, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_inaxon(&B, 0, 0, 3, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_syn(&B, 0, 0, 26, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_syn(&B, 1, 1, 26, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_syn(&B, 2, 2, 26, 0), NM_OK);
    for (t = 0; t < 6; t++) {
        nm_loihi_cx_state s0, s1, s2;
        inject(0);
        step();
        s0 = cx(0);
        s1 = cx(1);
        s2 = cx(2);
        ck_assert_int_eq(s0.u, 1664);
        ck_assert_int_eq(s0.v, 0);
        ck_assert_uint_eq(s0.ref, ref0[t]);
        ck_assert_int_eq(s0.vhw, vhw0[t]);
        ck_assert_int_eq(s1.vhw, 128);
        ck_assert_uint_eq(s1.ref, 1);
        ck_assert_int_eq(s2.vhw, 0);
        ck_assert_uint_eq(s2.ref, 0);
        /* spikes: compartments 1, 2 every step; 0 at steps 1 and 4 (t = 0, 3) */
        ck_assert_uint_eq(OUT.nspikes, (t % 3 == 0) ? 3 : 2);
    }
    /* a written counter counts down too: REF 2 and v 500 -> refractory next step (2 -> 1) */
    ck_assert_int_eq(nm_loihi_write_cx(&B, 3, 0, 0, 0, 0, 0, 0), NM_OK);
    set_v(3, 500);
    wr(nm_loihi_addr_cx(3, NML_CX_REF), 2);
    step();
    ck_assert_int_eq(cx(3).v, 0);
    ck_assert_uint_eq(cx(3).ref, 1);
    ck_assert_int_eq(cx(3).vhw, 128);
    nm_loihi_test_free(&B);
}
END_TEST

/* Only compartments 0 .. NUPD-1 are updated; the others keep state and accumulator slots. */
START_TEST(nupd_limits_updates)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_nupd(&B, 2), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 1, 0, 0, 100, 0, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 3, 0, 0, 100, 0, 0, 0), NM_OK);
    syn1(0, 0, 0, 3, 10, 0);
    inject(0);
    step();
    ck_assert_int_eq(cx(1).v, 100);
    ck_assert_int_eq(cx(3).v, 0);
    ck_assert_int_eq(cx(3).u, 0);
    ck_assert_int_eq(da(1, 3), 640); /* not consumed */
    ck_assert_uint_eq(counter(NML_COUNTER_CX_UPDATES), 2);
    /* cycles: 2 + (2 + 2 * 1) + 3 * 2 = 12 */
    ck_assert_uint_eq(OUT.cycles, 12);
    /* NUPD above NCOMP acts as NCOMP: 16 updates, cycles 2 + 48 = 50 */
    ck_assert_int_eq(nm_loihi_write_nupd(&B, 1000), NM_OK);
    step();
    ck_assert_uint_eq(counter(NML_COUNTER_CX_UPDATES), 18);
    ck_assert_uint_eq(OUT.cycles, 50);
    nm_loihi_test_free(&B);
}
END_TEST

/* ------------------------------------------------------------------ 6-8. output, queue, cycles */

/* Compartment 0 (bias 1 > threshold 0) fans out to entries 30, 31, 0 (BASE 30, LEN 3, mod 32);
 * compartment 1 fires with LEN 0 (no packets). Cycles: 2 + 3 * 16 + 2 * 3 = 56. */
START_TEST(fanout_packets)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_tprof(&B, 1, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 0, 0, 1, 1, 0, 30, 3), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 1, 0, 1, 1, 0, 5, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_axmap(&B, 30, 5, 1, -1), NM_OK);
    ck_assert_int_eq(nm_loihi_write_axmap(&B, 31, 4095, -128, 127), NM_OK);
    ck_assert_int_eq(nm_loihi_write_axmap(&B, 0, 7, 0, 0), NM_OK);
    step();
    ck_assert_uint_eq(OUT.nspikes, 2);
    ck_assert_uint_eq(OUT.spikes[0], 0);
    ck_assert_uint_eq(OUT.spikes[1], 1);
    ck_assert_uint_eq(OUT.npkts, 3);
    ck_assert_int_eq(OUT.pkts[0].dx, 1);
    ck_assert_int_eq(OUT.pkts[0].dy, -1);
    ck_assert_uint_eq(OUT.pkts[0].axon, 5);
    ck_assert_uint_eq(OUT.pkts[0].entry, 30);
    ck_assert_int_eq(OUT.pkts[1].dx, -128);
    ck_assert_int_eq(OUT.pkts[1].dy, 127);
    ck_assert_uint_eq(OUT.pkts[1].axon, 4095);
    ck_assert_uint_eq(OUT.pkts[2].entry, 0);
    ck_assert_uint_eq(OUT.pkts[2].axon, 7);
    ck_assert_uint_eq(OUT.pkts[2].src, 0);
    ck_assert_uint_eq(OUT.cycles, 56);
    ck_assert_uint_eq(counter(NML_COUNTER_SPIKES), 2);
    ck_assert_uint_eq(counter(NML_COUNTER_PKTS_OUT), 3);
    ck_assert_uint_eq(counter(NML_COUNTER_BUSY_CYCLES), 56);
    /* without loopback nothing re-enters */
    ck_assert_uint_eq(counter(NML_COUNTER_PKTS_IN), 0);
    nm_loihi_test_free(&B);
}
END_TEST

/* A sink that stalls 2 cycles per packet: 3 packets -> 6 stall cycles, 56 + 6 = 62. */
START_TEST(stalls)
{
    nm_loihi_opts o = {0, 2};
    setup_opts(_i, &o);
    ck_assert_int_eq(nm_loihi_write_tprof(&B, 1, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 0, 0, 1, 1, 0, 30, 3), NM_OK);
    step();
    ck_assert_uint_eq(OUT.cycles, 62);
    ck_assert_uint_eq(counter(NML_COUNTER_STALL_CYCLES), 6);
    ck_assert_uint_eq(counter(NML_COUNTER_BUSY_CYCLES), 62);
    nm_loihi_test_free(&B);
}
END_TEST

/* Loopback: compartment 0 fires every step (bias 1 > 0) and sends (0, 0, axon 7) and
 * (1, 0, axon 8); only the first re-enters. Axon 7 -> compartment 2 (640): pushed in step 1,
 * processed in step 2 (one step per hop). */
START_TEST(loopback_one_hop)
{
    nm_loihi_opts o = {1, 0};
    uint32_t st;
    setup_opts(_i, &o);
    ck_assert_int_eq(nm_loihi_write_tprof(&B, 1, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 0, 0, 1, 1, 0, 0, 2), NM_OK);
    ck_assert_int_eq(nm_loihi_write_axmap(&B, 0, 7, 0, 0), NM_OK);
    ck_assert_int_eq(nm_loihi_write_axmap(&B, 1, 8, 1, 0), NM_OK);
    syn1(7, 0, 0, 2, 10, 0);
    syn1(8, 1, 0, 3, 10, 0);
    step();
    ck_assert_int_eq(cx(2).u, 0);
    ck_assert_int_eq(B.cfg_read(B.impl, A(CTRL, NML_CTRL_STATUS), &st), NM_OK);
    ck_assert_uint_eq(st, 1u << 16);
    ck_assert_uint_eq(counter(NML_COUNTER_PKTS_IN), 1);
    step();
    ck_assert_int_eq(cx(2).u, 640);
    ck_assert_int_eq(cx(3).u, 0);
    ck_assert_uint_eq(counter(NML_COUNTER_AXON_EVENTS), 1);
    /* step 2: 2 + (2 + 2) + 48 + 2 * 2 = 58 */
    ck_assert_uint_eq(OUT.cycles, 58);
    nm_loihi_test_free(&B);
}
END_TEST

/* docs/loihi-core.md section 8: one event with 3 synapses, no spike: 2 + (2 + 6) + 48 = 58;
 * an event whose axon has no synapses: 2 + 2 + 48 = 52. Counters by hand. */
START_TEST(cycles_and_counters)
{
    unsigned j;
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_inaxon(&B, 4, 40, 3, 0), NM_OK);
    for (j = 0; j < 3; j++)
        ck_assert_int_eq(nm_loihi_write_syn(&B, 40 + j, j, 1, 0), NM_OK);
    inject(4);
    step();
    ck_assert_uint_eq(OUT.cycles, 58);
    inject(5);
    step();
    ck_assert_uint_eq(OUT.cycles, 52);
    ck_assert_uint_eq(counter(NML_COUNTER_AXON_EVENTS), 2);
    ck_assert_uint_eq(counter(NML_COUNTER_SYN_OPS), 3);
    ck_assert_uint_eq(counter(NML_COUNTER_CX_UPDATES), 32);
    /* active: step 1 compartments 0..2 have input (3); step 2 their v = 64 != 0 (3) */
    ck_assert_uint_eq(counter(NML_COUNTER_CX_ACTIVE), 6);
    ck_assert_uint_eq(counter(NML_COUNTER_SPIKES), 0);
    ck_assert_uint_eq(counter(NML_COUNTER_PKTS_IN), 2);
    ck_assert_uint_eq(counter(NML_COUNTER_BUSY_CYCLES), 110);
    ck_assert_uint_eq(counter(NML_COUNTER_STALL_CYCLES), 0);
    /* counters are writable */
    wr(A(COUNTER, NML_COUNTER_SYN_OPS), 0xFFFFFFFFu);
    inject(4);
    step();
    ck_assert_uint_eq(counter(NML_COUNTER_SYN_OPS), 2); /* wraps: 0xFFFFFFFF + 3 */
    nm_loihi_test_free(&B);
}
END_TEST

/* Active updates: a null-sign synapse still counts a SYN_OP but its x = 0 leaves the
 * compartment inactive; a compartment with only a bias, or only a refractory count, is active. */
START_TEST(active_updates)
{
    setup(_i);
    ck_assert_int_eq(nm_loihi_write_synfmt(&B, 1, NM_LOIHI_SIGN_NULL, 8, 0), NM_OK);
    syn1(0, 0, 1, 6, 99, 0);
    ck_assert_int_eq(nm_loihi_write_cx(&B, 9, 0, 0, -1, 0, 0, 0), NM_OK);
    /* compartment 10: only its refractory counter is non-zero (1): active, then 0: inactive */
    wr(nm_loihi_addr_cx(10, NML_CX_REF), 1);
    inject(0);
    step();
    ck_assert_uint_eq(counter(NML_COUNTER_SYN_OPS), 1);
    ck_assert_uint_eq(counter(NML_COUNTER_CX_ACTIVE), 2); /* 9 and 10 */
    ck_assert_int_eq(cx(6).v, 0);
    ck_assert_int_eq(cx(9).v, -1);
    ck_assert_uint_eq(cx(10).ref, 0);
    step();
    ck_assert_uint_eq(counter(NML_COUNTER_CX_ACTIVE), 3); /* + 9 (bias, v = -1) */
    nm_loihi_test_free(&B);
}
END_TEST

/* The queue holds INQ = 16 events; packets pushed during a step wait for the next one. */
START_TEST(queue_full)
{
    unsigned k;
    setup(_i);
    syn1(0, 0, 0, 0, 1, 0);
    for (k = 0; k < 16; k++)
        inject(0);
    ck_assert_int_eq(B.inject(B.impl, 0), NM_ERR_FULL);
    step();
    /* 16 events of 64 each: u = 1024 */
    ck_assert_int_eq(cx(0).u, 1024);
    ck_assert_uint_eq(counter(NML_COUNTER_AXON_EVENTS), 16);
    ck_assert_uint_eq(counter(NML_COUNTER_IN_DROPS), 1);
    /* 2 + 16 * (2 + 2) + 48 = 114 */
    ck_assert_uint_eq(OUT.cycles, 114);
    nm_loihi_test_free(&B);
}
END_TEST

Suite *loihi_directed_suite(void)
{
    Suite *s = suite_create("loihi-directed");
    TCase *tc = tcase_create("branches");
    tcase_add_loop_test(tc, weight_formats, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, weight_per_synapse, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, delay_arrival, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, accumulator_wraps, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, index_wrap, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, step_register, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, current_decay, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, current_wraps, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, voltage_decay, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, worked_example, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, voltage_clamps, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, bias, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, threshold_strict, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, refractory, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, nupd_limits_updates, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, fanout_packets, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, stalls, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, loopback_one_hop, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, cycles_and_counters, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, active_updates, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, queue_full, 0, nm_loihi_test_nbackends);
    suite_add_tcase(s, tc);
    return s;
}
