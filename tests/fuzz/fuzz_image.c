/* fuzz_image.c - libFuzzer target: the TrueNorth and Loihi image readers must refuse or
 * accept any bytes without crashing, and what they accept must serialize back to the same
 * bytes. The harness recomputes every CRC (header, board or geometry block, each core
 * section) before parsing, so mutations reach the checks behind the CRCs rather than
 * stopping at the first CRC mismatch; the CRC checks themselves are covered by
 * tests/bad-inputs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "nm_image.h"
#include "nm_loihi_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_crc(uint8_t *at, const uint8_t *p, size_t n)
{
    uint32_t c = (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
    at[0] = (uint8_t)c;
    at[1] = (uint8_t)(c >> 8);
    at[2] = (uint8_t)(c >> 16);
    at[3] = (uint8_t)(c >> 24);
}

/* The layouts of docs/image-format.md: a 32-byte header (CRC at 28 over bytes 0..27);
 * a Loihi image (core type 1 in flags bits 7:0) or a board image (flags bit 8) has a
 * 16-byte block after it (CRC at 44 over bytes 32..43); then core sections of
 * section_bytes (the word at 20) each, their CRC in their last 4 bytes. */
static void fix_crcs(uint8_t *b, size_t n)
{
    size_t hdr = NM_IMAGE_HEADER_BYTES, sec, off;
    uint32_t flags;
    if (n < NM_IMAGE_HEADER_BYTES)
        return;
    flags = get32(b + 16);
    if ((flags & 0xffu) == 1u || (flags & NM_IMAGE_FLAG_BOARD)) {
        hdr = NM_LOIHI_IMAGE_HEADER_BYTES;
        if (n >= hdr)
            put_crc(b + 44, b + 32, 12);
    }
    put_crc(b + 28, b, 28);
    sec = get32(b + 20);
    if (sec < 8)
        return;
    for (off = hdr; off + sec <= n; off += sec)
        put_crc(b + off + sec - 4, b + off, sec - 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    uint8_t *buf = malloc(size ? size : 1);
    nm_image *im;
    nm_loihi_image *lim;
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    fix_crcs(buf, size);
    im = nm_image_parse(buf, size, err, sizeof err);
    if (im) {
        size_t len = 0;
        uint8_t *b = nm_image_serialize(im, &len, err, sizeof err);
        if (!b || len != size || memcmp(b, buf, size))
            abort();
        free(b);
        nm_image_free(im);
    }
    lim = nm_loihi_image_parse(buf, size, err, sizeof err);
    if (lim) {
        size_t len = 0;
        uint8_t *b = nm_loihi_image_serialize(lim, &len, err, sizeof err);
        if (!b || len != size || memcmp(b, buf, size))
            abort();
        free(b);
        nm_loihi_image_free(lim);
    }
    free(buf);
    return 0;
}
