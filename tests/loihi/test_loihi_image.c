/* test_loihi_image.c - Loihi-core images (docs/image-format.md, "Loihi images"): round trip,
 * loading into the chip model, every refusal naming its byte, and the version bump: the
 * TrueNorth reader still reads 1.0, reads 1.1 with core type 0, and refuses a Loihi image
 * with a message saying what it is. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "nm_image.h"
#include "nm_loihi_image.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static uint32_t crc(const uint8_t *p, size_t n)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

/* 2 x 1 small cores: section = 16 + 4 * (1 + 4 + 2 + 4 + 5 * 16 + 16 + 256 + 32) + 4
 * = 16 + 4 * 395 + 4 = 1600 bytes; file = 48 + 2 * 1600 = 3248 */
#define SEC 1600u
#define LEN 3248u

static nm_loihi_image *sample(void)
{
    nm_loihi_geom g = NM_LOIHI_GEOM_SMALL;
    nm_loihi_image_layout l;
    char msg[128];
    nm_loihi_image *im = nm_loihi_image_new(2, 1, &g, msg, sizeof msg);
    ck_assert_msg(im != NULL, "%s", msg);
    nm_loihi_image_layout_of(&g, &l);
    ck_assert_uint_eq(l.nwords, 395);
    ck_assert_uint_eq(nm_loihi_image_section_bytes(&g), SEC);
    im->words[1][l.nupd] = 3;
    im->words[1][l.dprof + 2] = nm_loihi_enc_dprof(4095, 163, 1);
    im->words[1][l.tprof + 1] = nm_loihi_enc_tprof(25);
    im->words[1][l.cx + 5 * 2 + 0] = nm_loihi_enc_cxcfg(2, 1, -7, 3);
    im->words[1][l.cx + 5 * 2 + 3] = 0xFFFFFBu; /* v of compartment 2 = -5 */
    im->words[1][l.syn + 5] = nm_loihi_enc_syn(4, -3, 7);
    im->words[0][l.axmap + 31] = nm_loihi_enc_axmap(9, 1, 0);
    return im;
}

START_TEST(image_round_trip_and_load)
{
    nm_loihi_image *a = sample(), *b;
    nm_loihi_chip *chip;
    nm_loihi_image_layout l;
    uint8_t *buf;
    size_t len, i;
    char err[256];
    uint32_t d;
    buf = nm_loihi_image_serialize(a, &len, err, sizeof err);
    ck_assert_msg(buf != NULL, "%s", err);
    ck_assert_uint_eq(len, LEN);
    ck_assert_int_eq(nm_loihi_image_sniff(buf, len), 1);
    b = nm_loihi_image_parse(buf, len, err, sizeof err);
    ck_assert_msg(b != NULL, "%s", err);
    nm_loihi_image_layout_of(&a->g, &l);
    for (i = 0; i < l.nwords; i++) {
        ck_assert_uint_eq(b->words[0][i], a->words[0][i]);
        ck_assert_uint_eq(b->words[1][i], a->words[1][i]);
    }
    chip = nm_loihi_image_load(b, err, sizeof err);
    ck_assert_msg(chip != NULL, "%s", err);
    ck_assert_int_eq(nm_loihi_ref_cfg_read(nm_loihi_chip_core(chip, 1), NML_ADDR(NML_REGION_CTRL, NML_CTRL_NUPD), &d),
                     NM_OK);
    ck_assert_uint_eq(d, 3);
    ck_assert_int_eq(nm_loihi_ref_v(nm_loihi_chip_core(chip, 1), 2), -5);
    ck_assert_int_eq(nm_loihi_ref_cfg_read(nm_loihi_chip_core(chip, 1), NML_ADDR(NML_REGION_SYN, 5), &d), NM_OK);
    ck_assert_uint_eq(d, nm_loihi_enc_syn(4, -3, 7));
    ck_assert_int_eq(nm_loihi_ref_cfg_read(nm_loihi_chip_core(chip, 0), NML_ADDR(NML_REGION_SYNFMT, 3), &d), NM_OK);
    ck_assert_uint_eq(d, 0x70); /* reset value kept */
    nm_loihi_chip_free(chip);
    nm_loihi_image_free(a);
    nm_loihi_image_free(b);
    free(buf);
}
END_TEST

static void expect_error(const uint8_t *buf, size_t len, const char *want)
{
    char err[256];
    nm_loihi_image *im = nm_loihi_image_parse(buf, len, err, sizeof err);
    ck_assert_msg(im == NULL, "accepted, expected '%s'", want);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s' lacks '%s'", err, want);
}

static void fix_header(uint8_t *c)
{
    put32(c + 28, crc(c, 28));
    put32(c + 44, crc(c + 32, 12));
}

static void fix_section(uint8_t *c, unsigned k)
{
    uint8_t *s = c + 48 + k * SEC;
    put32(s + SEC - 4, crc(s, SEC - 4));
}

START_TEST(image_bad_loihi_images)
{
    nm_loihi_image *a = sample();
    size_t len;
    char err[256];
    uint8_t *b = nm_loihi_image_serialize(a, &len, err, sizeof err), *c = malloc(LEN);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(c);
    expect_error(b, 40, "byte 40: file ends inside the 48-byte header");
    memcpy(c, b, LEN); c[6] = 0; fix_header(c);
    expect_error(c, LEN, "byte 4: version 1.0: Loihi-core images are version 1.1");
    memcpy(c, b, LEN); c[16] = 2; fix_header(c);
    expect_error(c, LEN, "byte 16: flags 0x00000002");
    memcpy(c, b, LEN); c[45] ^= 1;
    expect_error(c, LEN, "byte 44: geometry block CRC");
    memcpy(c, b, LEN); c[12] = 3; fix_header(c); /* ncomp 3 */
    expect_error(c, LEN, "byte 12: geometry: ncomp = 3");
    memcpy(c, b, LEN); c[36] = 128; fix_header(c); /* ndslot 128 */
    expect_error(c, LEN, "ndslot = 128");
    expect_error(b, LEN - 1, "file is 3247 bytes, expected 3248");
    memcpy(c, b, LEN); c[48 + SEC + 100] ^= 1;
    expect_error(c, LEN, "core (1, 0): section CRC");
    memcpy(c, b, LEN); c[48] = 'X'; fix_section(c, 0);
    expect_error(c, LEN, "byte 48: core section 0: magic");
    /* core 1, SYN[5] is word 1 + 4 + 2 + 4 + 80 + 16 + 5 = 112: byte 48 + 1600 + 16 + 448 = 2112;
     * bit 31 is reserved */
    memcpy(c, b, LEN); c[2112 + 3] |= 0x80; fix_section(c, 1);
    expect_error(c, LEN, "byte 2112: core (1, 0) SYN[5] = 0x8");
    /* core 0, CX[1].REF (word 11 + 5 + 4 = 20: byte 48 + 16 + 80 = 144): 0x40 is above 6 bits */
    memcpy(c, b, LEN); c[144] = 0x40; fix_section(c, 0);
    expect_error(c, LEN, "byte 144: core (0, 0) CX[1].REF = 0x00000040 sets reserved bits 0x00000040");
    free(b);
    free(c);
    nm_loihi_image_free(a);
}
END_TEST

/* The TrueNorth reader: 1.0 reads, 1.1 with core type 0 reads, a Loihi image is refused by name. */
/* The provenance section (docs/image-format.md, "Provenance"): "a=1\nbc=x y\n" is 4 + 7 = 11
 * bytes, padded to 12; section = 8 + 12 + 4 = 24 bytes after the 3248 of the cores. */
START_TEST(image_provenance)
{
    nm_loihi_image *im = sample(), *back;
    uint8_t *b, *c;
    size_t n, i;
    char err[256];
    ck_assert_int_eq(nm_loihi_image_set_prov(im, "a=1\nbc=x y\n", err, sizeof err), 0);
    b = nm_loihi_image_serialize(im, &n, err, sizeof err);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(n, LEN + 24);
    ck_assert_int_eq(memcmp(b + LEN, "PROV", 4), 0);
    ck_assert_uint_eq(b[LEN + 4], 11);
    ck_assert_uint_eq(b[LEN + 19], 0); /* the padding byte */
    back = nm_loihi_image_parse(b, n, err, sizeof err);
    ck_assert_msg(back != NULL, "%s", err);
    ck_assert_str_eq(back->prov, "a=1\nbc=x y\n");
    for (i = 0; i < 2; i++)
        ck_assert_int_eq(memcmp(back->words[i], im->words[i], 395 * 4), 0);
    nm_loihi_image_free(back);
    /* without the section: the old layout, accepted, no provenance */
    back = nm_loihi_image_parse(b, LEN, err, sizeof err);
    ck_assert_msg(back != NULL, "%s", err);
    ck_assert_ptr_null(back->prov);
    nm_loihi_image_free(back);
    c = malloc(n + 4);
    ck_assert_ptr_nonnull(c);
    /* a non-zero padding byte (CRC redone): refused at its byte */
    memcpy(c, b, n);
    c[LEN + 19] = 1;
    put32(c + LEN + 20, crc(c + LEN, 20));
    ck_assert_ptr_null(nm_loihi_image_parse(c, n, err, sizeof err));
    ck_assert_msg(strstr(err, "byte 3267: provenance padding byte is 0x01") != NULL, "%s", err);
    /* a control character in a value (CRC redone) */
    memcpy(c, b, n);
    c[LEN + 8 + 8] = '\t'; /* "bc=x y": the space */
    put32(c + LEN + 20, crc(c + LEN, 20));
    ck_assert_ptr_null(nm_loihi_image_parse(c, n, err, sizeof err));
    ck_assert_msg(strstr(err, "provenance line 2: control character 0x09") != NULL, "%s", err);
    /* a broken CRC */
    memcpy(c, b, n);
    c[LEN + 8] = 'b';
    ck_assert_ptr_null(nm_loihi_image_parse(c, n, err, sizeof err));
    ck_assert_msg(strstr(err, "byte 3268: provenance section CRC") != NULL, "%s", err);
    /* four bytes after the section, or something else than "PROV" after the cores */
    memcpy(c, b, n);
    memset(c + n, 0, 4);
    ck_assert_ptr_null(nm_loihi_image_parse(c, n + 4, err, sizeof err));
    ck_assert_msg(strstr(err, "provenance section is 28 bytes, expected 24") != NULL, "%s", err);
    memcpy(c, b, n);
    c[LEN] = 'Q';
    ck_assert_ptr_null(nm_loihi_image_parse(c, n, err, sizeof err));
    ck_assert_msg(strstr(err, "byte 3248: file is 3272 bytes, expected 3248") != NULL, "%s", err);
    /* a bad text is refused before writing */
    ck_assert_int_eq(nm_loihi_image_set_prov(im, "A=1\n", err, sizeof err), -1);
    ck_assert_int_eq(nm_loihi_image_set_prov(im, "a=1", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "does not end in a newline") != NULL, "%s", err);
    /* cores used: core 1 has NUPD 3; core 0 keeps NUPD's reset value 0xFFFF (every compartment
     * updated), so it counts too; with NUPD 0 and no synapses it does not */
    ck_assert_uint_eq(nm_loihi_image_cores_used(im), 2);
    im->words[0][0] = 0;
    ck_assert_uint_eq(nm_loihi_image_cores_used(im), 1);
    free(c);
    free(b);
    nm_loihi_image_free(im);
}
END_TEST

START_TEST(image_truenorth_reader_and_version_bump)
{
    nm_image *tn = nm_image_new(1, 1, 32, 4), *back;
    nm_loihi_image *lo = sample();
    uint8_t *b, *lb;
    size_t len, llen;
    char err[256];
    ck_assert_ptr_nonnull(tn);
    b = nm_image_serialize(tn, &len, err, sizeof err);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b[6], 0); /* TrueNorth images are still written as 1.0 */
    back = nm_image_parse(b, len, err, sizeof err);
    ck_assert_msg(back != NULL, "%s", err);
    nm_image_free(back);
    b[6] = 1; /* 1.1, core type 0 */
    put32(b + 28, crc(b, 28));
    back = nm_image_parse(b, len, err, sizeof err);
    ck_assert_msg(back != NULL, "%s", err);
    nm_image_free(back);
    ck_assert_int_eq(nm_loihi_image_sniff(b, len), 0);
    b[6] = 2;
    put32(b + 28, crc(b, 28));
    ck_assert_ptr_null(nm_image_parse(b, len, err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "byte 4: version 1.2"));
    lb = nm_loihi_image_serialize(lo, &llen, err, sizeof err);
    ck_assert_ptr_nonnull(lb);
    ck_assert_ptr_null(nm_image_parse(lb, llen, err, sizeof err));
    ck_assert_msg(strstr(err, "byte 16: core type 1: an image of Loihi-style cores") != NULL, "%s", err);
    /* and a TrueNorth image given to the Loihi reader */
    b[6] = 0;
    put32(b + 28, crc(b, 28));
    ck_assert_ptr_null(nm_loihi_image_parse(b, len, err, sizeof err));
    free(b);
    free(lb);
    nm_image_free(tn);
    nm_loihi_image_free(lo);
}
END_TEST

Suite *loihi_image_suite(void)
{
    Suite *s = suite_create("loihi-image");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, image_round_trip_and_load);
    tcase_add_test(tc, image_bad_loihi_images);
    tcase_add_test(tc, image_provenance);
    tcase_add_test(tc, image_truenorth_reader_and_version_bump);
    suite_add_tcase(s, tc);
    return s;
}
