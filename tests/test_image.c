/* test_image.c - the .nmi reader and writer (docs/image-format.md): a round trip keeps
 * every word, and each kind of bad input is refused with the byte offset and the rule. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "nm_core_prog.h"
#include "nm_image.h"

/* 2 x 1 cores of 32 axons x 4 neurons: section = 16 + 4*(2 + 4 + 28) + 4 = 156 bytes */
#define SEC 156u
#define LEN (32u + 2u * SEC)

static nm_image *sample(void)
{
    nm_image *im = nm_image_new(2, 1, 32, 4);
    unsigned k, j;
    ck_assert_ptr_nonnull(im);
    for (k = 0; k < 2; k++) {
        im->cores[k].prng_seed = 0x1234u + k;
        im->cores[k].types[0] = 0xdeadbeefu;
        im->cores[k].types[1] = 0x01234567u ^ k;
        for (j = 0; j < 4; j++) {
            nm_neuron_cfg n;
            memset(&n, 0, sizeof n);
            n.s[0] = (int16_t)(-256 + (int)j);
            n.alpha = 262143u - j;
            n.gamma = (uint8_t)(j % 3);
            n.tm = 17;
            n.R = -131072;
            n.V = 524287;
            n.dx = -256;
            n.dy = 255;
            n.dest_axon = 255;
            n.dest_delay = 15;
            im->cores[k].xbar[j] = 0x80000001u << j;
            nm_neuron_pack(&n, &im->cores[k].neurons[j * NM_NEURON_WORDS]);
        }
    }
    return im;
}

static uint8_t *bytes(void)
{
    char err[128];
    size_t len = 0;
    nm_image *im = sample();
    uint8_t *b = nm_image_serialize(im, &len, err, sizeof err);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(len, LEN);
    nm_image_free(im);
    return b;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static void fix_header_crc(uint8_t *b) { put32(b + 28, (uint32_t)crc32(0, b, 28)); }
static void fix_section_crc(uint8_t *b, unsigned k)
{
    uint8_t *s = b + 32 + k * SEC;
    put32(s + SEC - 4, (uint32_t)crc32(0, s, SEC - 4));
}

static void expect_error(const uint8_t *b, size_t len, const char *want)
{
    char err[256] = "";
    nm_image *im = nm_image_parse(b, len, err, sizeof err);
    ck_assert_ptr_null(im);
    ck_assert_msg(strstr(err, want) != NULL, "error \"%s\" does not contain \"%s\"", err, want);
}

START_TEST(test_round_trip_keeps_every_word)
{
    char err[128], path[] = "/tmp/nmemu-test-XXXXXX";
    nm_image *a = sample(), *b;
    unsigned k;
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(nm_image_write(a, path, err, sizeof err), 0);
    b = nm_image_read(path, err, sizeof err);
    ck_assert_msg(b != NULL, "%s", err);
    remove(path);
    ck_assert_uint_eq(b->mesh_x, 2);
    ck_assert_uint_eq(b->naxons, 32);
    ck_assert_uint_eq(b->nneurons, 4);
    for (k = 0; k < 2; k++) {
        ck_assert_uint_eq(b->cores[k].prng_seed, 0x1234u + k);
        ck_assert_mem_eq(b->cores[k].types, a->cores[k].types, 2 * 4);
        ck_assert_mem_eq(b->cores[k].xbar, a->cores[k].xbar, 4 * 4);
        ck_assert_mem_eq(b->cores[k].neurons, a->cores[k].neurons, 4 * 7 * 4);
    }
    nm_image_free(a);
    nm_image_free(b);
}
END_TEST

START_TEST(test_header_fields_are_little_endian_where_documented)
{
    uint8_t *b = bytes();
    ck_assert_uint_eq(b[0], 0x4e);
    ck_assert_uint_eq(b[3], 0x1a);
    ck_assert_uint_eq(b[4], 1);      /* version major 1 */
    ck_assert_uint_eq(b[8], 2);      /* mesh_x */
    ck_assert_uint_eq(b[12], 32);    /* naxons */
    ck_assert_uint_eq(b[20], SEC);   /* section_bytes */
    ck_assert_uint_eq(b[32], 'C');
    ck_assert_uint_eq(b[32 + 8], 0x34); /* prng seed 0x1234, low byte first */
    free(b);
}
END_TEST

START_TEST(test_bad_images_are_refused_with_offset_and_reason)
{
    uint8_t *b = bytes(), *c = malloc(LEN + 4);
    ck_assert_ptr_nonnull(c);
    expect_error(b, 0, "byte 0: file ends inside the 32-byte header");
    expect_error(b, 20, "byte 20: file ends inside");
    memcpy(c, b, LEN); c[0] = 'X';
    expect_error(c, LEN, "byte 0: not an nmemu image");
    memcpy(c, b, LEN); c[4] = 2;
    expect_error(c, LEN, "byte 4: version 2.0");
    memcpy(c, b, LEN); c[9] ^= 1;
    expect_error(c, LEN, "byte 28: header CRC");
    memcpy(c, b, LEN); c[8] = 65; fix_header_crc(c);
    expect_error(c, LEN, "byte 8: mesh_x 65 is outside 1..64");
    memcpy(c, b, LEN); c[12] = 33; fix_header_crc(c);
    expect_error(c, LEN, "byte 12: naxons 33");
    memcpy(c, b, LEN); c[16] = 1; fix_header_crc(c);
    expect_error(c, LEN, "byte 16: flags");
    memcpy(c, b, LEN); c[16] = 2; fix_header_crc(c); /* in 1.0 only bit 8 (board) is defined */
    expect_error(c, LEN, "byte 16: flags 0x00000002: only bit 8");
    memcpy(c, b, LEN); c[17] = 1; fix_header_crc(c); /* the board flag with no board section after it */
    expect_error(c, LEN, "byte 32: flags say a board section follows");
    memcpy(c, b, LEN); c[8] = 64; c[10] = 64; fix_header_crc(c);   /* huge declared size: 32 + 4096 * 156 */
    expect_error(c, LEN, "expected 639008 for 64 x 64 cores");
    expect_error(b, LEN - 1, "file is 343 bytes, expected 344");
    memcpy(c, b, LEN); c[LEN] = 0;
    expect_error(c, LEN + 1, "file is 345 bytes, expected 344");
    memcpy(c, b, LEN); c[32 + SEC + 20] ^= 4;
    expect_error(c, LEN, "byte 340: core (1, 0): section CRC");
    memcpy(c, b, LEN); c[32 + 4] = 1; fix_section_crc(c, 0);
    expect_error(c, LEN, "byte 36: section 0 says core (1, 0), expected (0, 0)");
    /* neuron 1 of core 0, word SYN (offset 32 + 16 + 8 + 16 + 28): reserved bit 31 */
    memcpy(c, b, LEN); c[32 + 16 + 8 + 16 + 28 + 3] |= 0x80; fix_section_crc(c, 0);
    expect_error(c, LEN, "byte 100: core (0, 0) neuron 1 word 0: reserved bits 0x80000000");
    /* neuron 0 of core 1, MODE word: gamma 3 (bits 25:24) */
    memcpy(c, b, LEN); c[32 + SEC + 40 + 4 + 3] |= 0x03; fix_section_crc(c, 1);
    expect_error(c, LEN, "core (1, 0) neuron 0: gamma: 3 is outside 0..2");
    free(b);
    free(c);
}
END_TEST

/* The provenance section (docs/image-format.md, "Provenance"): "dt=0.5\nx=y\n" is 7 + 4 =
 * 11 bytes, padded to 12; the section is 8 + 12 + 4 = 24 bytes after the LEN = 344 bytes of
 * the cores, its CRC at byte 344 + 20 = 364. */
START_TEST(test_provenance_section)
{
    char err[256];
    size_t len = 0;
    nm_image *im = sample(), *back;
    uint8_t *b, *c;
    im->prov = strdup("dt=0.5\nx=y\n");
    b = nm_image_serialize(im, &len, err, sizeof err);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(len, LEN + 24);
    ck_assert_int_eq(memcmp(b + LEN, "PROV", 4), 0);
    ck_assert_uint_eq(b[LEN + 4], 11);
    back = nm_image_parse(b, len, err, sizeof err);
    ck_assert_msg(back != NULL, "%s", err);
    ck_assert_str_eq(back->prov, "dt=0.5\nx=y\n");
    ck_assert_int_eq(memcmp(back->cores[1].neurons, im->cores[1].neurons, 4 * NM_NEURON_WORDS * 4), 0);
    nm_image_free(back);
    /* the bytes before it are an image without provenance, as every older one */
    back = nm_image_parse(b, LEN, err, sizeof err);
    ck_assert_msg(back != NULL, "%s", err);
    ck_assert_ptr_null(back->prov);
    nm_image_free(back);
    c = malloc(len + 4);
    ck_assert_ptr_nonnull(c);
    memcpy(c, b, len);
    c[LEN + 8] = 'D'; /* a key character outside [a-z0-9_.-], CRC not redone: the CRC first */
    expect_error(c, len, "byte 364: provenance section CRC");
    put32(c + LEN + 20, (uint32_t)crc32(0, c + LEN, 20));
    expect_error(c, len, "byte 352: provenance line 1: key character 0x44");
    memcpy(c, b, len);
    memset(c + len, 0, 4);
    expect_error(c, len + 4, "byte 344: provenance section is 28 bytes, expected 24");
    free(im->prov);
    im->prov = strdup("a=1\na=2\n"); /* a key twice: not written */
    ck_assert_ptr_null(nm_image_serialize(im, &len, err, sizeof err));
    ck_assert_msg(strstr(err, "provenance line 2: key \"a\" given twice") != NULL, "%s", err);
    free(c);
    free(b);
    nm_image_free(im);
}
END_TEST

START_TEST(test_missing_file_names_the_path)
{
    char err[256];
    ck_assert_ptr_null(nm_image_read("/nonexistent/net.nmi", err, sizeof err));
    ck_assert_str_eq(err, "/nonexistent/net.nmi: No such file or directory");
}
END_TEST

Suite *image_suite(void)
{
    Suite *s = suite_create("image");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, test_round_trip_keeps_every_word);
    tcase_add_test(tc, test_header_fields_are_little_endian_where_documented);
    tcase_add_test(tc, test_bad_images_are_refused_with_offset_and_reason);
    tcase_add_test(tc, test_missing_file_names_the_path);
    tcase_add_test(tc, test_provenance_section);
    suite_add_tcase(s, tc);
    return s;
}
