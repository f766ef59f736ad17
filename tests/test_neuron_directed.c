/* test_neuron_directed.c - every branch of the neuron equations (docs/neuron-model.md),
 * with expected values worked out by hand in the comments, run on each backend.
 *
 * Each test is a Check loop test: iteration 0 runs on the reference model, iteration 1
 * (with nm-tests --rtl) on the Verilated RTL. Geometry 256 x 256.
 *
 * PRNG draws used below, from xorshift32 (13, 17, 5) as docs/neuron-model.md section 3
 * defines it. Seed 1, by hand:
 *   x = 1:          x ^= x<<13 -> 0x00002001; x ^= x>>17 -> 0x00002001; x ^= x<<5 -> 0x00042021
 *   x = 0x00042021: x ^= x<<13 -> 0x84000021; x ^= x>>17 -> 0x84004221; x ^= x<<5 -> 0x04080601
 *   then 0x9dcca8c5, 0x1255994f, 0x8ef917d1, 0x2c6f5bd0
 *   rho = low byte: 33, 1, 197, 79, 209, 208.
 * Seed 42: 0x00ad4528, 0xa90a34ac, 0x1c67af03 (rho 40, 172, 3).
 * Seed 12345: 0xc6e5747a, 0x652a09af, 0xa7e08fa0, 0x748e41ea, 0x2ad8a9d3
 *   (& 0xf: 10, 15, 0, 10, 3; & 0x1ffff: 95354, 2479, 36768, 16874, 43475).
 */
#include <check.h>
#include <string.h>

#include "nm_core_prog.h"
#include "nm_regmap.h"
#include "nm_test_backend.h"

#define N 256u

static nm_core_backend B;
static nm_tick_out OUT;

/* A quiet core: every neuron with zero weights and leak, thresholds at their maximum
 * and negative saturation at -262143, so it never fires and V stays 0; an empty
 * crossbar; every axon of type 0. */
static void setup_core(int idx, const nm_core_opts *opts)
{
    static const uint8_t types[N];
    uint32_t row[N / 32] = {0};
    nm_neuron_cfg q;
    unsigned j;
    ck_assert_int_lt(idx, nm_test_nbackends);
    ck_assert_int_eq(nm_test_backend_new(nm_test_backends[idx], opts, &B), NM_OK);
    memset(&q, 0, sizeof q);
    q.alpha = 262143;
    q.beta = 262143;
    q.kappa = 1;
    q.dest_delay = 1;
    ck_assert_int_eq(nm_core_write_axon_types(&B, types), NM_OK);
    for (j = 0; j < N; j++) {
        ck_assert_int_eq(nm_core_write_xbar_row(&B, j, row), NM_OK);
        ck_assert_int_eq(nm_core_write_neuron(&B, j, &q), NM_OK);
    }
}

static void setup(int idx)
{
    nm_core_opts o = {0, 0};
    setup_core(idx, &o);
}

static void teardown(void)
{
    nm_test_backend_free(&B);
}

/* A neuron that does nothing unless the test changes it. */
static nm_neuron_cfg base(void)
{
    nm_neuron_cfg n;
    memset(&n, 0, sizeof n);
    n.alpha = 262143;
    n.beta = 262143;
    n.kappa = 1;
    n.dest_delay = 1;
    return n;
}

static void put(unsigned j, const nm_neuron_cfg *n)
{
    ck_assert_int_eq(nm_core_write_neuron(&B, j, n), NM_OK);
}

static void connect(unsigned j, unsigned axon)
{
    uint32_t row[N / 32];
    ck_assert_int_eq(nm_core_read_xbar_row(&B, j, row), NM_OK);
    row[axon / 32] |= 1u << (axon % 32);
    ck_assert_int_eq(nm_core_write_xbar_row(&B, j, row), NM_OK);
}

static void set_type(unsigned axon, unsigned type)
{
    uint8_t t[N];
    ck_assert_int_eq(nm_core_read_axon_types(&B, t), NM_OK);
    t[axon] = (uint8_t)type;
    ck_assert_int_eq(nm_core_write_axon_types(&B, t), NM_OK);
}

static void inject(unsigned axon, unsigned delay)
{
    ck_assert_int_eq(B.inject(B.impl, axon, delay), NM_OK);
}

static void tick(void)
{
    ck_assert_int_eq(B.tick(B.impl, &OUT), NM_OK);
}

static int32_t V(unsigned j)
{
    int32_t v = 0;
    ck_assert_int_eq(nm_core_read_v(&B, j, &v), NM_OK);
    return v;
}

static uint32_t prng(void)
{
    uint32_t s = 0;
    ck_assert_int_eq(nm_core_read_prng(&B, &s), NM_OK);
    return s;
}

static uint32_t counter(unsigned k)
{
    uint32_t c[8];
    ck_assert_int_eq(nm_core_read_counters(&B, c), NM_OK);
    return c[k];
}

/* ------------------------------------------------------------------ integration */

START_TEST(test_integration_adds_the_weight_of_each_axon_type)
{
    nm_neuron_cfg n = base();
    unsigned a;
    setup(_i);
    n.s[0] = 10; n.s[1] = -20; n.s[2] = 30; n.s[3] = -40;
    put(0, &n);
    for (a = 0; a < 4; a++) {
        set_type(a, a);
        connect(0, a);
        inject(a, 1);
    }
    tick();
    /* 0 + 10 - 20 + 30 - 40 = -20 */
    ck_assert_int_eq(V(0), -20);
    ck_assert_uint_eq(counter(NM_COUNTER_SYN_EVENTS), 4);
    teardown();
}
END_TEST

START_TEST(test_unconnected_or_inactive_axons_add_nothing)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.s[0] = 50;
    put(0, &n);
    connect(0, 3);        /* connected, never active */
    inject(4, 1);         /* active, not connected */
    tick();
    ck_assert_int_eq(V(0), 0);
    ck_assert_uint_eq(counter(NM_COUNTER_SYN_EVENTS), 0);
    teardown();
}
END_TEST

START_TEST(test_integration_clamps_once_after_all_events)
{
    nm_neuron_cfg n = base();
    setup(_i);
    /* V = 524100; events +255 (axon 0, type 0) then -255 (axon 1, type 1).
     * One clamp after the sum: 524100 + 255 - 255 = 524100.
     * (Clamping after each event would give min(524355, 524287) - 255 = 524032.) */
    n.s[0] = 255; n.s[1] = -255;
    n.V = 524100;
    n.gamma = 2;          /* it fires (above alpha); non-reset keeps V to look at */
    put(0, &n);
    set_type(1, 1);
    connect(0, 0); connect(0, 1);
    inject(0, 1); inject(1, 1);
    tick();
    ck_assert_int_eq(V(0), 524100);
    teardown();
}
END_TEST

START_TEST(test_integration_saturates_at_the_upper_bound)
{
    nm_neuron_cfg n = base();
    setup(_i);
    /* 524187 + 255 + 255 = 524697 > 524287 -> 524287 */
    n.s[0] = 255;
    n.V = 524187;
    n.gamma = 2;          /* fires; non-reset keeps V */
    put(0, &n);
    connect(0, 0); connect(0, 1);
    inject(0, 1); inject(1, 1);
    tick();
    ck_assert_int_eq(V(0), 524287);
    teardown();
}
END_TEST

START_TEST(test_integration_saturates_at_the_lower_bound)
{
    nm_neuron_cfg n = base();
    unsigned a;
    setup(_i);
    /* -524000 + 4 * -256 = -525024 < -524288 -> -524288. Negative threshold in
     * reset mode with non-reset (kappa 0, gamma 2): V stays where it is. */
    n.s[0] = -256;
    n.V = -524000;
    n.kappa = 0; n.gamma = 2; n.beta = 0;
    put(0, &n);
    for (a = 0; a < 4; a++) {
        connect(0, a);
        inject(a, 1);
    }
    tick();
    ck_assert_int_eq(V(0), -524288);
    teardown();
}
END_TEST

/* ------------------------------------------------------------------ leak */

START_TEST(test_deterministic_leak_adds_lambda)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.V = 100; n.lambda = 7;
    put(0, &n);             /* 100 + 7 = 107 */
    n.lambda = -7;
    put(1, &n);             /* 100 - 7 = 93 */
    tick();
    ck_assert_int_eq(V(0), 107);
    ck_assert_int_eq(V(1), 93);
    tick();
    ck_assert_int_eq(V(0), 114);
    ck_assert_int_eq(V(1), 86);
    teardown();
}
END_TEST

START_TEST(test_leak_reversal_pulls_toward_zero)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.epsilon = 1; n.lambda = -5;
    n.kappa = 0; n.gamma = 2;          /* no negative-threshold action */
    n.V = 100;  put(0, &n);            /* Omega = sgn(100) = 1:   100 - 5 = 95 */
    n.V = -100; put(1, &n);            /* Omega = -1:  -100 + 5 = -95 */
    n.V = 0;    put(2, &n);            /* Omega = 0:   stays 0 */
    tick();
    ck_assert_int_eq(V(0), 95);
    ck_assert_int_eq(V(1), -95);
    ck_assert_int_eq(V(2), 0);
    teardown();
}
END_TEST

START_TEST(test_leak_saturates_at_both_bounds)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.kappa = 0; n.gamma = 2;
    n.V = 524284; n.lambda = 10;  put(0, &n);   /* 524294 -> 524287 */
    n.V = -524285; n.lambda = -10; put(1, &n);  /* -524295 -> -524288 */
    tick();
    ck_assert_int_eq(V(0), 524287);
    ck_assert_int_eq(V(1), -524288);
    teardown();
}
END_TEST

START_TEST(test_stochastic_leak_steps_by_one_when_lambda_reaches_rho)
{
    nm_neuron_cfg n = base();
    setup(_i);
    ck_assert_int_eq(nm_core_write_prng(&B, 1), NM_OK);
    n.c_lambda = 1;
    /* neuron 0 draws first: rho = 33; |lambda| = 33 >= 33 -> V += sgn(33) = +1 */
    n.lambda = 33;  put(0, &n);
    /* neuron 1: rho = 1; |-1| = 1 >= 1 -> V += -1 */
    n.lambda = -1;  put(1, &n);
    /* neuron 2: rho = 197; |100| < 197 -> V += 0 */
    n.lambda = 100; put(2, &n);
    tick();
    ck_assert_int_eq(V(0), 1);
    ck_assert_int_eq(V(1), -1);
    ck_assert_int_eq(V(2), 0);
    ck_assert_uint_eq(prng(), 0x9dcca8c5u); /* three draws from seed 1 */
    teardown();
}
END_TEST

/* ------------------------------------------------------------------ threshold and reset */

START_TEST(test_fires_at_exactly_alpha_and_not_below)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.alpha = 50; n.gamma = 0; n.R = -7;
    n.V = 50; put(0, &n);   /* 50 >= 50: fires, V = R = -7 */
    n.V = 49; put(1, &n);   /* 49 < 50: stays 49 */
    tick();
    ck_assert_uint_eq(OUT.nspikes, 1);
    ck_assert_uint_eq(OUT.spikes[0], 0);
    ck_assert_int_eq(V(0), -7);
    ck_assert_int_eq(V(1), 49);
    teardown();
}
END_TEST

START_TEST(test_linear_reset_subtracts_threshold)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.alpha = 50; n.gamma = 1; n.V = 70;
    put(0, &n);             /* 70 >= 50: fires, V = 70 - 50 = 20 */
    tick();
    ck_assert_uint_eq(OUT.nspikes, 1);
    ck_assert_int_eq(V(0), 20);
    teardown();
}
END_TEST

START_TEST(test_nonreset_keeps_v_and_gamma3_acts_as_nonreset)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.alpha = 50; n.V = 70; n.R = 5;
    n.gamma = 2; put(0, &n);
    n.gamma = 3; put(1, &n);
    tick();
    ck_assert_uint_eq(OUT.nspikes, 2);
    ck_assert_int_eq(V(0), 70);
    ck_assert_int_eq(V(1), 70);
    teardown();
}
END_TEST

START_TEST(test_threshold_mask_adds_a_masked_draw)
{
    nm_neuron_cfg n = base();
    setup(_i);
    ck_assert_int_eq(nm_core_write_prng(&B, 12345), NM_OK);
    n.tm = 4; n.alpha = 10; n.gamma = 1;
    /* neuron 0: eta = 0xc6e5747a & 0xf = 10: threshold 20; V = 20 fires -> 20 - 20 = 0 */
    n.V = 20; put(0, &n);
    /* neuron 1: eta = 0x652a09af & 0xf = 15: threshold 25; V = 24 does not fire */
    n.V = 24; put(1, &n);
    /* neuron 2: tm 17, eta = 0xa7e08fa0 & 0x1ffff = 36768: threshold 36778; V = 36778 fires -> 0 */
    n.tm = 17; n.V = 36778; put(2, &n);
    /* neuron 3: tm 20 acts as 17, eta = 0x748e41ea & 0x1ffff = 16874: threshold 16884; 16883 does not */
    n.tm = 20; n.V = 16883; put(3, &n);
    tick();
    ck_assert_uint_eq(OUT.nspikes, 2);
    ck_assert_uint_eq(OUT.spikes[0], 0);
    ck_assert_uint_eq(OUT.spikes[1], 2);
    ck_assert_int_eq(V(0), 0);
    ck_assert_int_eq(V(1), 24);
    ck_assert_int_eq(V(2), 0);
    ck_assert_int_eq(V(3), 16883);
    ck_assert_uint_eq(prng(), 0x748e41eau); /* four draws, one per neuron with tm != 0 */
    teardown();
}
END_TEST

START_TEST(test_negative_threshold_saturates_to_minus_beta)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.kappa = 1; n.beta = 100;
    n.V = -150; put(0, &n);   /* -150 < -100 -> -100 */
    n.V = -100; put(1, &n);   /* not below -100: stays */
    tick();
    ck_assert_int_eq(V(0), -100);
    ck_assert_int_eq(V(1), -100);
    teardown();
}
END_TEST

START_TEST(test_negative_threshold_reset_follows_gamma)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.kappa = 0; n.beta = 100; n.R = 30; n.V = -150;
    n.gamma = 0; put(0, &n);  /* -150 < -100: V = -R = -30 */
    n.gamma = 1; put(1, &n);  /* V = -150 + 100 = -50 */
    n.gamma = 2; put(2, &n);  /* stays -150 */
    n.gamma = 0; n.V = -100; put(3, &n); /* exactly -beta: no action */
    tick();
    ck_assert_int_eq(V(0), -30);
    ck_assert_int_eq(V(1), -50);
    ck_assert_int_eq(V(2), -150);
    ck_assert_int_eq(V(3), -100);
    ck_assert_uint_eq(OUT.nspikes, 0);
    teardown();
}
END_TEST

START_TEST(test_negative_reset_threshold_includes_eta)
{
    nm_neuron_cfg n = base();
    setup(_i);
    ck_assert_int_eq(nm_core_write_prng(&B, 12345), NM_OK);
    n.kappa = 0; n.beta = 100; n.tm = 4; n.gamma = 1;
    /* neuron 0: eta = 10, negative threshold -110; V = -110 is not below: stays */
    n.V = -110; put(0, &n);
    /* neuron 1: eta = 15, threshold -115; V = -116 is below: -116 + 115 = -1 */
    n.V = -116; put(1, &n);
    tick();
    ck_assert_int_eq(V(0), -110);
    ck_assert_int_eq(V(1), -1);
    teardown();
}
END_TEST

/* ------------------------------------------------------------------ stochastic synapses */

START_TEST(test_stochastic_synapse_adds_sign_when_weight_reaches_rho)
{
    nm_neuron_cfg n = base();
    setup(_i);
    ck_assert_int_eq(nm_core_write_prng(&B, 42), NM_OK);
    n.s[0] = 40; n.s[1] = -40; n.s[2] = 0;
    n.b[0] = 1; n.b[1] = 1; n.b[2] = 1;
    put(0, &n);
    set_type(1, 1); set_type(2, 2);
    connect(0, 0); connect(0, 1); connect(0, 2);
    inject(0, 1); inject(1, 1); inject(2, 1);
    tick();
    /* axon 0: rho 40, |40| >= 40 -> +1; axon 1: rho 172 > 40 -> 0;
     * axon 2: weight 0 still draws (rho 3) and adds 0. V = 1. Three draws. */
    ck_assert_int_eq(V(0), 1);
    ck_assert_uint_eq(prng(), 0x1c67af03u);
    teardown();
}
END_TEST

START_TEST(test_stochastic_synapse_negative_weight_subtracts_one)
{
    nm_neuron_cfg n = base();
    setup(_i);
    ck_assert_int_eq(nm_core_write_prng(&B, 1), NM_OK);
    /* type 0 deterministic (no draw), type 1 stochastic with -256: |s| = 256 >= any rho */
    n.s[0] = 5; n.s[1] = -256; n.b[1] = 1;
    n.kappa = 0; n.gamma = 2;
    put(0, &n);
    set_type(1, 1);
    connect(0, 0); connect(0, 1);
    inject(0, 1); inject(1, 1);
    tick();
    /* 5 (deterministic) - 1 (rho 33 <= 256) = 4; one draw only */
    ck_assert_int_eq(V(0), 4);
    ck_assert_uint_eq(prng(), 0x00042021u);
    teardown();
}
END_TEST

START_TEST(test_draws_run_synapse_leak_threshold_then_next_neuron)
{
    nm_neuron_cfg n = base();
    setup(_i);
    ck_assert_int_eq(nm_core_write_prng(&B, 1), NM_OK);
    /* neuron 0: two stochastic events (draws 1, 2: rho 33, 1), stochastic leak
     * (draw 3: rho 197), threshold (draw 4). s0 = 50: 50 >= 33 -> +1, 50 >= 1 -> +1;
     * lambda 100 < 197 -> 0. V = 2; tm = 1: eta = 0x1255994f & 1 = 1, alpha 262143: no fire. */
    n.s[0] = 50; n.b[0] = 1; n.c_lambda = 1; n.lambda = 100; n.tm = 1;
    put(0, &n);
    connect(0, 10); connect(0, 20);
    inject(10, 1); inject(20, 1);
    /* neuron 1: threshold draw 5 = 0x8ef917d1, tm 8: eta = 0xd1 = 209; alpha 0:
     * V = 209 fires, linear reset -> 0. With draw 4 (eta 0x4f = 79) V would be 130. */
    n = base();
    n.tm = 8; n.alpha = 0; n.gamma = 1; n.V = 209;
    put(1, &n);
    tick();
    ck_assert_int_eq(V(0), 2);
    ck_assert_uint_eq(OUT.nspikes, 1);
    ck_assert_uint_eq(OUT.spikes[0], 1);
    ck_assert_int_eq(V(1), 0);
    ck_assert_uint_eq(prng(), 0x8ef917d1u);
    teardown();
}
END_TEST

/* The most draws one tick can take: 256 neurons, each connected to all 256 active
 * stochastic axons, with a stochastic leak and a threshold mask, 256 * (256 + 2) =
 * 66,048 draws. The expected values step xorshift32 one draw at a time in the
 * documented order (docs/neuron-model.md s3), independently of how the model generates
 * them: s0 = 128 adds 1 when rho <= 128; lambda = -100 subtracts 1 when rho <= 100;
 * alpha = 262143 with tm = 17 never fires (V stays within +-256), so V is the count. */
START_TEST(test_a_full_tick_takes_every_draw_in_order)
{
    nm_neuron_cfg n = base();
    uint32_t row[N / 32], x = 0x2545f491u;
    int32_t want[N];
    unsigned j, i;
    setup(_i);
    n.s[0] = 128; n.b[0] = 1;
    n.lambda = -100; n.c_lambda = 1;
    n.tm = 17;
    memset(row, 0xff, sizeof row);
    for (j = 0; j < N; j++) {
        put(j, &n);
        ck_assert_int_eq(nm_core_write_xbar_row(&B, j, row), NM_OK);
    }
    ck_assert_int_eq(nm_core_write_prng(&B, x), NM_OK);
    for (i = 0; i < N; i++)
        inject(i, 1);
    for (j = 0; j < N; j++) {
        int32_t v = 0;
        for (i = 0; i < N + 2; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if (i < N)
                v += (x & 0xffu) <= 128u;          /* synapse */
            else if (i == N)
                v -= (x & 0xffu) <= 100u;          /* leak */
        }                                         /* i == N + 1: the threshold's */
        want[j] = v;
    }
    tick();
    ck_assert_uint_eq(OUT.nspikes, 0);
    ck_assert_uint_eq(prng(), x);
    for (j = 0; j < N; j++)
        ck_assert_int_eq(V(j), want[j]);
    ck_assert_uint_eq(counter(NM_COUNTER_SYN_EVENTS), N * N);
    teardown();
}
END_TEST

/* Small stochastic weights (every |s| <= 3) and synapse draws only: the model takes its
 * rare-draw path (only a draw with rho <= 3 can add, so it keeps only those and traces
 * each back to its event); every draw must still go to its event in the documented
 * order (docs/neuron-model.md s3). Axon i has type i % 4; types 0..2 are stochastic with
 * s = 1, -1, 3, type 3 deterministic with s = -2. Variant 0: every neuron alike, neuron j
 * connected to axon i when (7 i + 13 j) % 5 < 2 (about 2 in 5); variant 1: the same
 * crossbar, odd neurons with s = 2, -3, 1, -2 (neurons differ); variant 2: every neuron
 * alike and connected to every axon (256 x 192 = 49,152 draws in the first tick, chains
 * of 3,072 draws: jumps beyond 8,192). Tick 1 activates every axon, tick 2 only axons 5
 * and 6 (few draws: stepped one by one). The expected values step xorshift32 one draw
 * at a time, neuron by neuron, its stochastic events in ascending axon order: V += sgn(s)
 * when (x & 255) <= |s|; a deterministic event adds -2. lambda = 0, alpha = 262143
 * never fires, beta = 262143 never clamps: V is the sum. */
START_TEST(test_rare_synapse_draws_go_to_their_events_in_order)
{
    static const int16_t s_even[4] = {1, -1, 3, -2}, s_odd[4] = {2, -3, 1, -2};
    uint8_t types[N];
    unsigned var, j, i, g, t;
    for (var = 0; var < 3; var++) {
        uint32_t x = 0x9e3779b9u + var;
        int32_t want[N];
        setup(_i);
        for (i = 0; i < N; i++)
            types[i] = (uint8_t)(i % 4);
        ck_assert_int_eq(nm_core_write_axon_types(&B, types), NM_OK);
        for (j = 0; j < N; j++) {
            nm_neuron_cfg n = base();
            const int16_t *s = var == 1 && j % 2 ? s_odd : s_even;
            uint32_t row[N / 32] = {0};
            for (g = 0; g < 4; g++) {
                n.s[g] = s[g];
                n.b[g] = g < 3;
            }
            put(j, &n);
            for (i = 0; i < N; i++)
                if (var == 2 || (7 * i + 13 * j) % 5 < 2)
                    row[i / 32] |= 1u << (i % 32);
            ck_assert_int_eq(nm_core_write_xbar_row(&B, j, row), NM_OK);
            want[j] = 0;
        }
        ck_assert_int_eq(nm_core_write_prng(&B, x), NM_OK);
        for (t = 0; t < 2; t++) {
            for (i = 0; i < N; i++)
                if (t == 0 || i == 5 || i == 6)
                    inject(i, 1);
            for (j = 0; j < N; j++) {
                const int16_t *s = var == 1 && j % 2 ? s_odd : s_even;
                for (i = 0; i < N; i++) {
                    if (!(t == 0 || i == 5 || i == 6) || !(var == 2 || (7 * i + 13 * j) % 5 < 2))
                        continue;
                    g = i % 4;
                    if (g == 3) {
                        want[j] += s[g];
                        continue;
                    }
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    if ((int32_t)(x & 0xffu) <= (s[g] < 0 ? -s[g] : s[g]))
                        want[j] += s[g] > 0 ? 1 : -1;
                }
            }
            tick();
            ck_assert_uint_eq(OUT.nspikes, 0);
            ck_assert_uint_eq(prng(), x);
            for (j = 0; j < N; j++)
                ck_assert_int_eq(V(j), want[j]);
        }
        teardown();
    }
}
END_TEST

/* ------------------------------------------------------------------ scheduler */

START_TEST(test_packet_lands_after_its_delay)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.s[0] = 5;
    put(0, &n);
    connect(0, 7);
    inject(7, 3);
    tick(); ck_assert_int_eq(V(0), 0);
    tick(); ck_assert_int_eq(V(0), 0);
    tick(); ck_assert_int_eq(V(0), 5);
    tick(); ck_assert_int_eq(V(0), 5);
    teardown();
}
END_TEST

START_TEST(test_delay_zero_between_ticks_lands_sixteen_ticks_later)
{
    nm_neuron_cfg n = base();
    unsigned t;
    setup(_i);
    n.s[0] = 5;
    put(0, &n);
    connect(0, 7);
    tick();             /* tick pointer now 1 */
    inject(7, 0);       /* row 1, just cleared: integrated when row 1 comes round again */
    for (t = 2; t <= 16; t++) {
        tick();
        ck_assert_int_eq(V(0), 0);
    }
    tick();             /* 17th tick processes row 17 mod 16 = 1 */
    ck_assert_int_eq(V(0), 5);
    teardown();
}
END_TEST

START_TEST(test_tick_pointer_advances_at_each_tick)
{
    unsigned cur = 99, t;
    setup(_i);
    ck_assert_int_eq(nm_core_read_tickptr(&B, &cur), NM_OK);
    ck_assert_uint_eq(cur, 0);
    for (t = 1; t <= 17; t++) {
        tick();
        ck_assert_int_eq(nm_core_read_tickptr(&B, &cur), NM_OK);
        ck_assert_uint_eq(cur, t % 16);
    }
    teardown();
}
END_TEST

START_TEST(test_loopback_spike_reexcites_after_its_delay)
{
    nm_core_opts o = {1, 0};
    nm_neuron_cfg n = base();
    setup_core(_i, &o);
    /* neuron 0 fires in tick 1 and sends to axon 5 with delay 3: tick 4 */
    n.s[0] = 1; n.alpha = 1; n.gamma = 0; n.dest_axon = 5; n.dest_delay = 3;
    put(0, &n);
    connect(0, 0);
    n = base();
    n.s[0] = 7;
    put(1, &n);
    connect(1, 5);
    inject(0, 1);
    tick(); ck_assert_uint_eq(OUT.nspikes, 1); ck_assert_int_eq(V(1), 0);
    tick(); ck_assert_int_eq(V(1), 0);
    tick(); ck_assert_int_eq(V(1), 0);
    tick(); ck_assert_int_eq(V(1), 7);
    /* one host packet and one loopback packet entered the scheduler */
    ck_assert_uint_eq(counter(NM_COUNTER_SCHED_WRITES), 2);
    teardown();
}
END_TEST

/* ------------------------------------------------------------------ outputs, counters, cycles */

START_TEST(test_spikes_come_in_neuron_order_with_their_packets)
{
    nm_neuron_cfg n = base();
    setup(_i);
    n.alpha = 0; n.gamma = 0;
    n.dx = -1; n.dy = -256; n.dest_axon = 9; n.dest_delay = 15;
    put(200, &n);
    n.dx = 255; n.dy = 3; n.dest_axon = 255; n.dest_delay = 1;
    put(7, &n);
    n.dx = 0; n.dy = 0; n.dest_axon = 0; n.dest_delay = 2;
    put(3, &n);
    tick();
    ck_assert_uint_eq(OUT.nspikes, 3);
    ck_assert_uint_eq(OUT.spikes[0], 3);
    ck_assert_uint_eq(OUT.spikes[1], 7);
    ck_assert_uint_eq(OUT.spikes[2], 200);
    ck_assert_int_eq(OUT.pkts[1].dx, 255);
    ck_assert_int_eq(OUT.pkts[1].dy, 3);
    ck_assert_uint_eq(OUT.pkts[1].axon, 255);
    ck_assert_uint_eq(OUT.pkts[1].delay, 1);
    ck_assert_int_eq(OUT.pkts[2].dx, -1);
    ck_assert_int_eq(OUT.pkts[2].dy, -256);
    ck_assert_uint_eq(OUT.pkts[2].axon, 9);
    ck_assert_uint_eq(OUT.pkts[2].delay, 15);
    ck_assert_uint_eq(OUT.pkts[0].delay, 2);
    teardown();
}
END_TEST

START_TEST(test_counters_and_cycles_of_one_tick)
{
    nm_neuron_cfg n = base();
    unsigned j;
    setup(_i);
    /* neurons 0..9 connected to axons 0..2 (30 events); neurons 0..4 fire (alpha 0) */
    for (j = 0; j < 10; j++) {
        n = base();
        n.s[0] = 1;
        if (j < 5) {
            n.alpha = 0;
            n.gamma = 0;
        }
        put(j, &n);
        connect(j, 0); connect(j, 1); connect(j, 2);
    }
    inject(0, 1); inject(1, 1); inject(2, 1);
    tick();
    ck_assert_uint_eq(OUT.nspikes, 5);
    /* cycles = 2 + 4 * 256 + E + S = 2 + 1024 + 30 + 5 = 1061 */
    ck_assert_uint_eq(OUT.cycles, 1061);
    ck_assert_uint_eq(counter(NM_COUNTER_SYN_EVENTS), 30);
    ck_assert_uint_eq(counter(NM_COUNTER_NEURON_UPDATES), 256);
    ck_assert_uint_eq(counter(NM_COUNTER_SPIKES), 5);
    ck_assert_uint_eq(counter(NM_COUNTER_SCHED_WRITES), 3);
    ck_assert_uint_eq(counter(NM_COUNTER_ROW_READS), 257);
    ck_assert_uint_eq(counter(NM_COUNTER_ROW_WRITES), 257);
    ck_assert_uint_eq(counter(NM_COUNTER_BUSY_CYCLES), 1061);
    ck_assert_uint_eq(counter(NM_COUNTER_STALL_CYCLES), 0);
    teardown();
}
END_TEST

START_TEST(test_stalled_packets_cost_cycles)
{
    nm_core_opts o = {0, 2};
    nm_neuron_cfg n = base();
    setup_core(_i, &o);
    n.alpha = 0; n.dx = 1;
    put(10, &n);
    put(20, &n);
    put(30, &n);
    tick();
    /* 3 spikes, each held 2 cycles: 2 + 1024 + 0 + 3 + 6 = 1035 */
    ck_assert_uint_eq(OUT.nspikes, 3);
    ck_assert_uint_eq(OUT.cycles, 1035);
    ck_assert_uint_eq(counter(NM_COUNTER_STALL_CYCLES), 6);
    ck_assert_uint_eq(counter(NM_COUNTER_BUSY_CYCLES), 1035);
    teardown();
}
END_TEST

/* ------------------------------------------------------------------ config port */

START_TEST(test_config_space_identity_and_refusals)
{
    uint32_t v = 0;
    setup(_i);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_CTRL, NM_CTRL_ID), &v), NM_OK);
    ck_assert_uint_eq(v, 0x4E4D0100u);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_CTRL, NM_CTRL_GEOMETRY), &v), NM_OK);
    ck_assert_uint_eq(v, 0x01000100u); /* 256 | 256 << 16 */
    ck_assert_int_eq(B.cfg_write(B.impl, NM_ADDR(NM_REGION_CTRL, NM_CTRL_ID), 5), NM_ERR_CFG);
    ck_assert_int_eq(B.cfg_write(B.impl, NM_ADDR(NM_REGION_CTRL, NM_CTRL_STATUS), 5), NM_ERR_CFG);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_CTRL, 5), &v), NM_ERR_CFG);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_NEURON, 3 * 8 + 7), &v), NM_ERR_CFG);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(6, 0), &v), NM_ERR_CFG);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_XBAR, 256 * 8), &v), NM_ERR_CFG);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_SCHED, 16 * 8), &v), NM_ERR_CFG);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_AXTYPE, 16), &v), NM_ERR_CFG);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_COUNTER, 8), &v), NM_ERR_CFG);
    teardown();
}
END_TEST

START_TEST(test_prng_zero_seed_loads_one)
{
    setup(_i);
    ck_assert_int_eq(nm_core_write_prng(&B, 0), NM_OK);
    ck_assert_uint_eq(prng(), 1);
    ck_assert_int_eq(nm_core_write_prng(&B, 0xdeadbeefu), NM_OK);
    ck_assert_uint_eq(prng(), 0xdeadbeefu);
    teardown();
}
END_TEST

START_TEST(test_reserved_bits_read_zero)
{
    uint32_t v = 0;
    unsigned w;
    /* widths from docs/register-map.md: SYN 27 bits, MODE 32, ALPHA/BETA/RESET 18,
     * DEST 30, STATE 20 */
    static const uint32_t expect[7] = {0x07ffffffu, 0xffffffffu, 0x3ffffu, 0x3ffffu,
                                       0x3ffffu, 0x3fffffffu, 0xfffffu};
    setup(_i);
    for (w = 0; w < 7; w++) {
        ck_assert_int_eq(B.cfg_write(B.impl, NM_ADDR(NM_REGION_NEURON, 9 * 8 + w), 0xffffffffu), NM_OK);
        ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_NEURON, 9 * 8 + w), &v), NM_OK);
        ck_assert_uint_eq(v, expect[w]);
    }
    ck_assert_int_eq(B.cfg_write(B.impl, NM_ADDR(NM_REGION_CTRL, NM_CTRL_TICKPTR), 0xffffffffu), NM_OK);
    ck_assert_int_eq(B.cfg_read(B.impl, NM_ADDR(NM_REGION_CTRL, NM_CTRL_TICKPTR), &v), NM_OK);
    ck_assert_uint_eq(v, 0xfu);
    teardown();
}
END_TEST

Suite *neuron_directed_suite(void)
{
    Suite *s = suite_create("neuron_directed");
    TCase *tc = tcase_create("equations");
    int n = nm_test_nbackends;
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_integration_adds_the_weight_of_each_axon_type, 0, n);
    tcase_add_loop_test(tc, test_unconnected_or_inactive_axons_add_nothing, 0, n);
    tcase_add_loop_test(tc, test_integration_clamps_once_after_all_events, 0, n);
    tcase_add_loop_test(tc, test_integration_saturates_at_the_upper_bound, 0, n);
    tcase_add_loop_test(tc, test_integration_saturates_at_the_lower_bound, 0, n);
    tcase_add_loop_test(tc, test_deterministic_leak_adds_lambda, 0, n);
    tcase_add_loop_test(tc, test_leak_reversal_pulls_toward_zero, 0, n);
    tcase_add_loop_test(tc, test_leak_saturates_at_both_bounds, 0, n);
    tcase_add_loop_test(tc, test_stochastic_leak_steps_by_one_when_lambda_reaches_rho, 0, n);
    tcase_add_loop_test(tc, test_fires_at_exactly_alpha_and_not_below, 0, n);
    tcase_add_loop_test(tc, test_linear_reset_subtracts_threshold, 0, n);
    tcase_add_loop_test(tc, test_nonreset_keeps_v_and_gamma3_acts_as_nonreset, 0, n);
    tcase_add_loop_test(tc, test_threshold_mask_adds_a_masked_draw, 0, n);
    tcase_add_loop_test(tc, test_negative_threshold_saturates_to_minus_beta, 0, n);
    tcase_add_loop_test(tc, test_negative_threshold_reset_follows_gamma, 0, n);
    tcase_add_loop_test(tc, test_negative_reset_threshold_includes_eta, 0, n);
    tcase_add_loop_test(tc, test_stochastic_synapse_adds_sign_when_weight_reaches_rho, 0, n);
    tcase_add_loop_test(tc, test_stochastic_synapse_negative_weight_subtracts_one, 0, n);
    tcase_add_loop_test(tc, test_draws_run_synapse_leak_threshold_then_next_neuron, 0, n);
    tcase_add_loop_test(tc, test_packet_lands_after_its_delay, 0, n);
    tcase_add_loop_test(tc, test_delay_zero_between_ticks_lands_sixteen_ticks_later, 0, n);
    tcase_add_loop_test(tc, test_tick_pointer_advances_at_each_tick, 0, n);
    tcase_add_loop_test(tc, test_loopback_spike_reexcites_after_its_delay, 0, n);
    tcase_add_loop_test(tc, test_spikes_come_in_neuron_order_with_their_packets, 0, n);
    tcase_add_loop_test(tc, test_counters_and_cycles_of_one_tick, 0, n);
    tcase_add_loop_test(tc, test_stalled_packets_cost_cycles, 0, n);
    tcase_add_loop_test(tc, test_config_space_identity_and_refusals, 0, n);
    tcase_add_loop_test(tc, test_prng_zero_seed_loads_one, 0, n);
    tcase_add_loop_test(tc, test_a_full_tick_takes_every_draw_in_order, 0, n);
    tcase_add_loop_test(tc, test_rare_synapse_draws_go_to_their_events_in_order, 0, n);
    tcase_add_loop_test(tc, test_reserved_bits_read_zero, 0, n);
    suite_add_tcase(s, tc);
    return s;
}
