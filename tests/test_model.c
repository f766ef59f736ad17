/* test_model.c - the chip model's promises beyond the RTL comparison: results that do
 * not depend on the number of worker threads, and the Merolla benchmark generator. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_chipmap.h"
#include "nm_core_prog.h"
#include "nm_gen.h"
#include "nm_load.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"

/* Everything observable after `ticks` ticks: spikes per tick, then every counter,
 * router counter, V, tick pointer and PRNG over APB. A quarter of the way it writes 7
 * to router counter 4 (S) of core 19 (x 1, y 2 of 9 x 7: southbound hops from the upper
 * rows, which a second worker owns) over APB; half way it switches to `threads2`
 * threads (the workers' router counts are folded into the chip's). */
typedef struct observed {
    uint32_t *words;
    size_t n;
} observed;

static void observe_run(const nm_image *im, unsigned threads, unsigned threads2, unsigned ticks, observed *ob)
{
    nm_ref_chip *c = nm_ref_chip_new(im->mesh_x, im->mesh_y, im->naxons, im->nneurons);
    nm_chip_backend b;
    nm_chip_tick_out o;
    char err[256];
    unsigned ncores = im->mesh_x * im->mesh_y, t, k, j, i;
    size_t cap = (size_t)ticks * (ncores * im->nneurons + 2) + (size_t)ncores * (8 + 6 + 2 + im->nneurons);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(nm_ref_chip_set_threads(c, threads), NM_OK);
    nm_ref_chip_backend(&b, c);
    ck_assert_int_eq(nm_chip_tick_out_init(&o, ncores, im->nneurons, 64), NM_OK);
    ck_assert_msg(nm_image_load(im, &b, err, sizeof err) == 0, "%s", err);
    ob->words = malloc(cap * sizeof *ob->words);
    ob->n = 0;
    ck_assert_ptr_nonnull(ob->words);
    for (t = 0; t < ticks; t++) {
        if (t == ticks / 4) /* the workers run: their counts of it are cleared too */
            ck_assert_int_eq(b.apb_write(b.impl, nm_chip_paddr(NM_CHIP_REGION_ROUTER, 19, 4), 7), NM_OK);
        if (t == ticks / 2)
            ck_assert_int_eq(nm_ref_chip_set_threads(c, threads2), NM_OK);
        ck_assert_int_eq(b.tick(b.impl, &o), NM_OK);
        ob->words[ob->n++] = o.nspikes;
        ob->words[ob->n++] = o.cycles;
        for (i = 0; i < o.nspikes; i++)
            ob->words[ob->n++] = (uint32_t)o.spikes[i].core << 16 | o.spikes[i].neuron;
    }
    for (k = 0; k < ncores; k++) {
        for (i = 0; i < NM_COUNTER_NREGS; i++)
            b.apb_read(b.impl, nm_chip_paddr(NM_CHIP_REGION_CORE, k, NM_ADDR(NM_REGION_COUNTER, i)), &ob->words[ob->n++]);
        for (i = 0; i < NM_CHIP_ROUTER_NREGS; i++)
            b.apb_read(b.impl, nm_chip_paddr(NM_CHIP_REGION_ROUTER, k, i), &ob->words[ob->n++]);
        b.apb_read(b.impl, nm_chip_paddr(NM_CHIP_REGION_CORE, k, NM_ADDR(NM_REGION_CTRL, NM_CTRL_TICKPTR)),
                   &ob->words[ob->n++]);
        b.apb_read(b.impl, nm_chip_paddr(NM_CHIP_REGION_CORE, k, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG)),
                   &ob->words[ob->n++]);
        for (j = 0; j < im->nneurons; j++)
            b.apb_read(b.impl,
                       nm_chip_paddr(NM_CHIP_REGION_CORE, k,
                                     NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE + NM_NEURON_STATE)),
                       &ob->words[ob->n++]);
    }
    nm_chip_tick_out_free(&o);
    b.free(b.impl);
}

START_TEST(test_threads_give_identical_results)
{
    nm_gen_merolla_opts g;
    nm_image *im;
    observed one, many;
    char err[256];
    unsigned threads;
    nm_gen_merolla_defaults(&g);
    g.mesh_x = 9;   /* cores do not split evenly over 2 or 4 threads */
    g.mesh_y = 7;
    g.rate_hz = 60;
    g.stochastic = _i; /* loop 1: stochastic synapses (W-stochastic's cores: rare draws) */
    im = nm_gen_merolla(&g, NULL, err, sizeof err);
    ck_assert_msg(im != NULL, "%s", err);
    observe_run(im, 1, 1, 40, &one);
    ck_assert_uint_gt(one.words[0] + one.words[2], 0); /* it does fire */
    for (threads = 2; threads <= 6; threads++) {
        /* 2, 3, 4 threads throughout; then 2 -> 3 and 3 -> 1 half way */
        const unsigned t1 = threads <= 4 ? threads : threads - 3, t2 = threads <= 4 ? threads : (threads == 5 ? 3 : 1);
        observe_run(im, t1, t2, 40, &many);
        ck_assert_uint_eq(one.n, many.n);
        ck_assert_msg(!memcmp(one.words, many.words, one.n * sizeof *one.words),
                      "%u then %u threads differ from 1 thread", t1, t2);
        free(many.words);
    }
    free(one.words);
    nm_image_free(im);
}
END_TEST

START_TEST(test_merolla_network_has_the_requested_shape)
{
    nm_gen_merolla_opts g;
    nm_gen_merolla_info info;
    nm_image *im;
    char err[256];
    unsigned k, j, w;
    nm_gen_merolla_defaults(&g);
    g.mesh_x = 5;
    g.mesh_y = 3;
    g.synapses = 101;
    im = nm_gen_merolla(&g, &info, err, sizeof err);
    ck_assert_msg(im != NULL, "%s", err);
    ck_assert_int_eq(info.lambda, 2);
    ck_assert_uint_eq(info.alpha, 100); /* 1000 ticks/s * 2 / 100 = 20 Hz, alpha kept >= 100 */
    for (k = 0; k < 15; k++) {
        for (w = 0; w < 16; w++)
            ck_assert_uint_eq(im->cores[k].types[w], 0x44444444u); /* even axons type 0, odd type 1 */
        for (j = 0; j < 256; j++) {
            const uint32_t *row = &im->cores[k].xbar[j * 8], *nw = &im->cores[k].neurons[j * NM_NEURON_WORDS];
            unsigned even = 0, odd = 0;
            nm_neuron_cfg n;
            for (w = 0; w < 8; w++) {
                even += (unsigned)__builtin_popcount(row[w] & 0x55555555u);
                odd += (unsigned)__builtin_popcount(row[w] & 0xaaaaaaaau);
            }
            ck_assert_uint_eq(even, 51);
            ck_assert_uint_eq(odd, 50);
            nm_neuron_unpack(nw, &n);
            ck_assert_int_ge((int)(k % 5) + n.dx, 0);
            ck_assert_int_lt((int)(k % 5) + n.dx, 5);
            ck_assert_int_ge((int)(k / 5) + n.dy, 0);
            ck_assert_int_lt((int)(k / 5) + n.dy, 3);
            ck_assert_uint_ge(n.dest_delay, 1);
            ck_assert_uint_le(n.dest_delay, 15);
            ck_assert_int_eq(n.s[0], 1);
            ck_assert_int_eq(n.s[1], -1);
            ck_assert_int_ge(n.V, 0);
            ck_assert_int_lt(n.V, 100);
        }
    }
    nm_image_free(im);
    /* rates that need a leak above 1: 95.93 Hz */
    g.rate_hz = 95.93;
    im = nm_gen_merolla(&g, &info, err, sizeof err);
    ck_assert_ptr_nonnull(im);
    ck_assert_double_eq_tol(info.rate_hz, 95.93, 0.01);
    nm_image_free(im);
}
END_TEST

START_TEST(test_merolla_network_fires_at_the_requested_rate)
{
    nm_gen_merolla_opts g;
    nm_image *im;
    observed ob;
    char err[256];
    uint64_t spikes = 0;
    size_t i;
    unsigned t;
    nm_gen_merolla_defaults(&g);
    g.mesh_x = g.mesh_y = 8;
    g.rate_hz = 40;
    im = nm_gen_merolla(&g, NULL, err, sizeof err);
    ck_assert_ptr_nonnull(im);
    observe_run(im, 2, 2, 400, &ob);
    for (i = 0, t = 0; t < 400; t++) {
        spikes += ob.words[i];
        i += 2 + ob.words[i];
    }
    /* 64 cores x 256 neurons x 40 Hz x 0.4 s = 262,144 spikes without input noise */
    ck_assert_msg(spikes > 262144 * 0.95 && spikes < 262144 * 1.05, "%llu spikes", (unsigned long long)spikes);
    free(ob.words);
    nm_image_free(im);
}
END_TEST

START_TEST(test_merolla_generator_refuses_bad_options)
{
    nm_gen_merolla_opts g;
    char err[256];
    nm_gen_merolla_defaults(&g);
    g.mesh_x = 65;
    ck_assert_ptr_null(nm_gen_merolla(&g, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "mesh 65x64"));
    nm_gen_merolla_defaults(&g);
    g.synapses = 257;
    ck_assert_ptr_null(nm_gen_merolla(&g, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "synapses 257"));
    nm_gen_merolla_defaults(&g);
    g.rate_hz = 2000;
    ck_assert_ptr_null(nm_gen_merolla(&g, NULL, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "rate 2000"));
}
END_TEST

Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("chip_model");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_threads_give_identical_results, 0, 2);
    tcase_add_test(tc, test_merolla_network_has_the_requested_shape);
    tcase_add_test(tc, test_merolla_network_fires_at_the_requested_rate);
    tcase_add_test(tc, test_merolla_generator_refuses_bad_options);
    suite_add_tcase(s, tc);
    return s;
}
