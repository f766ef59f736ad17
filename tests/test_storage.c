/* test_storage.c - the reference model's compact storage: NEURON words read back as written (parameter sets shared between neurons, DEST re-encoded) and images streamed into a chip. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nm_chipmap.h"
#include "nm_core_prog.h"
#include "nm_gen.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_ref_chip.h"
#include "nm_ref_core.h"
#include "nm_regmap.h"

static uint32_t rng_state = 0x9e3779b9u;

static uint32_t rnd(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static uint32_t naddr(unsigned j, unsigned w)
{
    return NM_ADDR(NM_REGION_NEURON, j * 8 + w);
}

/* Every NEURON word of the core against the shadow (words 0..nw-1 of each neuron). */
static void check_words(nm_ref_core *c, uint32_t (*shadow)[NM_NEURON_WORDS], unsigned nw, const char *when)
{
    unsigned j, w;
    for (j = 0; j < 256; j++)
        for (w = 0; w < nw; w++) {
            uint32_t v = 0xdeadbeefu;
            ck_assert_int_eq(nm_ref_core_cfg_read(c, naddr(j, w), &v), NM_OK);
            ck_assert_msg(v == shadow[j][w], "%s: neuron %u word %u reads 0x%08x, written 0x%08x", when, j, w, v,
                          shadow[j][w]);
        }
}

static void put(nm_ref_core *c, uint32_t (*shadow)[NM_NEURON_WORDS], unsigned j, unsigned w, uint32_t v)
{
    ck_assert_int_eq(nm_ref_core_cfg_write(c, naddr(j, w), v), NM_OK);
    /* the register map's rule: reserved bits read 0, every other bit as written */
    shadow[j][w] = v & nm_neuron_word_mask(w);
}

START_TEST(test_neuron_words_read_back_as_written)
{
    static uint32_t shadow[256][NM_NEURON_WORDS];
    uint32_t pool[NM_NEURON_WORDS][3];
    nm_ref_core *c = nm_ref_core_new(256, 256, NULL);
    nm_tick_out out;
    unsigned j, w, i;
    ck_assert_ptr_nonnull(c);
    memset(shadow, 0, sizeof shadow); /* after reset every word is 0 */
    check_words(c, shadow, NM_NEURON_WORDS, "after reset");

    /* one parameter set for every neuron (the common case: one shared entry) */
    for (j = 0; j < 256; j++)
        for (w = 0; w < NM_NEURON_WORDS; w++)
            put(c, shadow, j, w, 0xa5a5a5a5u ^ w * 0x01010101u);
    check_words(c, shadow, NM_NEURON_WORDS, "one set");

    /* neurons 7 and 200 leave the shared set; the others keep it */
    put(c, shadow, 7, 2, 1234);
    put(c, shadow, 200, 0, 0x0003ffffu);
    put(c, shadow, 200, 4, 0xffffffffu);
    check_words(c, shadow, NM_NEURON_WORDS, "two neurons changed");

    /* back to the shared set (neuron 7's own entry is freed) */
    put(c, shadow, 7, 2, 0xa5a5a5a5u ^ 2 * 0x01010101u);
    check_words(c, shadow, NM_NEURON_WORDS, "neuron 7 back");

    /* every neuron its own set (the table at its largest), then all equal again */
    for (j = 0; j < 256; j++)
        put(c, shadow, j, j % 5, rnd());
    check_words(c, shadow, NM_NEURON_WORDS, "all distinct");
    for (j = 0; j < 256; j++)
        for (w = 0; w < 5; w++)
            put(c, shadow, j, w, 0x11111111u * (w + 1));
    check_words(c, shadow, NM_NEURON_WORDS, "all equal again");

    /* random writes from a small pool, so sets are shared, split and merged in every
     * order; ticks in between (they choose the kernel from the sets and change V only) */
    for (w = 0; w < NM_NEURON_WORDS; w++)
        for (i = 0; i < 3; i++)
            pool[w][i] = rnd();
    for (i = 0; i < 40000; i++) {
        j = rnd() % 256;
        w = rnd() % 6;
        put(c, shadow, j, w, pool[w][rnd() % 3]);
        if (i % 5000 == 4999) {
            check_words(c, shadow, 6, "random writes");
            ck_assert_int_eq(nm_ref_core_tick(c, &out), NM_OK);
            check_words(c, shadow, 6, "random writes, after a tick");
        }
    }
    nm_ref_core_free(c);
}
END_TEST

/* XBAR words are staged neuron-major while a core is written and moved into the axon
 * rows at its last word or the next tick: reads agree before and after, and the events
 * a tick counts are the set bits of the active axons' rows. */
START_TEST(test_crossbar_words_read_back_through_staging)
{
    static uint32_t shadow[256][8];
    nm_ref_core *c = nm_ref_core_new(256, 256, NULL);
    nm_tick_out out;
    unsigned j, k, round, expect;
    uint32_t v;
    ck_assert_ptr_nonnull(c);
    for (round = 0; round < 3; round++) {
        /* round 0: every word in order (flushed at the last); 1: half the neurons in a
         * scattered order (flushed by the tick); 2: one word, then read */
        unsigned n = round == 0 ? 256 * 8 : (round == 1 ? 1024 : 1);
        unsigned i;
        for (i = 0; i < n; i++) {
            j = round == 0 ? i / 8 : rnd() % 256;
            k = round == 0 ? i % 8 : rnd() % 8;
            shadow[j][k] = rnd();
            ck_assert_int_eq(nm_ref_core_cfg_write(c, NM_ADDR(NM_REGION_XBAR, j * 8 + k), shadow[j][k]), NM_OK);
        }
        for (j = 0; j < 256; j++)
            for (k = 0; k < 8; k++) {
                ck_assert_int_eq(nm_ref_core_cfg_read(c, NM_ADDR(NM_REGION_XBAR, j * 8 + k), &v), NM_OK);
                ck_assert_msg(v == shadow[j][k], "round %u: neuron %u word %u", round, j, k);
            }
        /* axon 37 active in the next tick: its events are the neurons whose word 1 has
         * bit 5 set (axon 37 = 32 * 1 + 5), counted from the shadow */
        ck_assert_int_eq(nm_ref_core_inject(c, 37, 1), NM_OK);
        ck_assert_int_eq(nm_ref_core_cfg_read(c, NM_ADDR(NM_REGION_COUNTER, NM_COUNTER_SYN_EVENTS), &v), NM_OK);
        expect = v;
        for (j = 0; j < 256; j++)
            expect += (shadow[j][1] >> 5) & 1u;
        ck_assert_int_eq(nm_ref_core_tick(c, &out), NM_OK);
        ck_assert_int_eq(nm_ref_core_cfg_read(c, NM_ADDR(NM_REGION_COUNTER, NM_COUNTER_SYN_EVENTS), &v), NM_OK);
        ck_assert_uint_eq(v, expect);
        for (j = 0; j < 256; j++)
            for (k = 0; k < 8; k++) {
                ck_assert_int_eq(nm_ref_core_cfg_read(c, NM_ADDR(NM_REGION_XBAR, j * 8 + k), &v), NM_OK);
                ck_assert_msg(v == shadow[j][k], "round %u after a tick: neuron %u word %u", round, j, k);
            }
    }
    nm_ref_core_free(c);
}
END_TEST

START_TEST(test_streamed_image_loads_every_word)
{
    nm_gen_merolla_opts g;
    nm_image *im, *op;
    nm_ref_chip *chip;
    nm_chip_backend b;
    char err[512], path[] = "/tmp/nm-test-storage-XXXXXX";
    unsigned k, j, w;
    int fd;
    FILE *f;
    nm_gen_merolla_defaults(&g);
    g.mesh_x = 3;
    g.mesh_y = 2;
    g.synapses = 77;
    im = nm_gen_merolla(&g, NULL, err, sizeof err);
    ck_assert_msg(im != NULL, "%s", err);
    /* core 4: every neuron a different threshold, so its sets are not shared */
    for (j = 0; j < 256; j++)
        im->cores[4].neurons[j * NM_NEURON_WORDS + NM_NEURON_ALPHA] = 100 + j;
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_msg(nm_image_write(im, path, err, sizeof err) == 0, "%s", err);

    op = nm_image_open(path, err, sizeof err);
    ck_assert_msg(op != NULL, "%s", err);
    ck_assert_ptr_null(op->cores); /* only the geometry is held */
    ck_assert_uint_eq(op->mesh_x, 3);
    ck_assert_uint_eq(op->mesh_y, 2);
    chip = nm_ref_chip_new(3, 2, 256, 256);
    ck_assert_ptr_nonnull(chip);
    nm_ref_chip_backend(&b, chip);
    ck_assert_msg(nm_image_load(op, &b, err, sizeof err) == 0, "%s", err);
    for (k = 0; k < 6; k++)
        for (j = 0; j < 256; j++)
            for (w = 0; w < NM_NEURON_WORDS; w++) {
                uint32_t v;
                ck_assert_int_eq(b.apb_read(b.impl, nm_chip_paddr(NM_CHIP_REGION_CORE, k, naddr(j, w)), &v), NM_OK);
                ck_assert_msg(v == im->cores[k].neurons[j * NM_NEURON_WORDS + w],
                              "core %u neuron %u word %u: 0x%08x, image 0x%08x", k, j, w, v,
                              im->cores[k].neurons[j * NM_NEURON_WORDS + w]);
            }
    b.free(b.impl);
    nm_image_free(op);

    /* one byte of the last section's crossbar inverted: refused whole when opened, with
     * the byte offset of that section's CRC. A section is 16 + 4 * (16 AXTYPE + 2,048
     * XBAR + 1,792 NEURON words) + 4 = 15,444 bytes; the last CRC is at
     * 32 + 6 * 15,444 - 4 = 92,692. */
    ck_assert_uint_eq(nm_image_section_bytes(256, 256), 15444);
    f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 32 + 5 * 15444 + 100, SEEK_SET), 0);
    {
        int byte = fgetc(f);
        ck_assert_int_ge(byte, 0);
        ck_assert_int_eq(fseek(f, 32 + 5 * 15444 + 100, SEEK_SET), 0);
        fputc(byte ^ 0xff, f);
    }
    fclose(f);
    op = nm_image_open(path, err, sizeof err);
    ck_assert_ptr_null(op);
    ck_assert_msg(strstr(err, "section CRC") != NULL, "%s", err);
    {
        char want[64];
        snprintf(want, sizeof want, "byte %u:", 92692u);
        ck_assert_msg(strstr(err, want) != NULL, "%s (wanted %s)", err, want);
    }
    unlink(path);
    nm_image_free(im);
}
END_TEST

Suite *storage_suite(void)
{
    Suite *s = suite_create("storage");
    TCase *tc = tcase_create("storage");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_neuron_words_read_back_as_written);
    tcase_add_test(tc, test_crossbar_words_read_back_through_staging);
    tcase_add_test(tc, test_streamed_image_loads_every_word);
    suite_add_tcase(s, tc);
    return s;
}
