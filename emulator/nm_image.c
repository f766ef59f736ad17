/* nm_image.c - reader and writer of .nmi images (docs/image-format.md). */
#include "nm_image.h"
#include "nm_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "nm_core_prog.h"

static const uint8_t header_magic[4] = {0x4e, 0x4d, 0x49, 0x1a};
static const uint8_t core_magic[4] = {0x43, 0x4f, 0x52, 0x45};

/* ------------------------------------------------------------------ little endian */

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static uint32_t crc(const uint8_t *p, size_t n)
{
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

static int geometry_ok(unsigned mx, unsigned my, unsigned na, unsigned nn)
{
    return mx >= 1 && mx <= 64 && my >= 1 && my <= 64 && (na == 32 || na == 64 || na == 128 || na == 256) &&
           nn >= 1 && nn <= 256;
}

size_t nm_image_section_bytes(unsigned naxons, unsigned nneurons)
{
    return 16u + 4u * ((size_t)naxons / 16 + (size_t)nneurons * naxons / 32 + 7u * nneurons) + 4u;
}

/* ------------------------------------------------------------------ life cycle */

void nm_image_release_cores(nm_image *im)
{
    unsigned k;
    for (k = 0; im->cores && k < im->mesh_x * im->mesh_y; k++) {
        free(im->cores[k].types);
        free(im->cores[k].xbar);
        free(im->cores[k].neurons);
    }
    free(im->cores);
    im->cores = NULL;
}

void nm_image_free(nm_image *im)
{
    if (!im)
        return;
    nm_image_release_cores(im);
    free(im->path);
    free(im);
}

nm_image *nm_image_new(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons)
{
    nm_image *im;
    unsigned k, j, n;
    if (!geometry_ok(mesh_x, mesh_y, naxons, nneurons))
        return NULL;
    im = calloc(1, sizeof *im);
    if (!im)
        return NULL;
    im->mesh_x = mesh_x;
    im->mesh_y = mesh_y;
    im->naxons = naxons;
    im->nneurons = nneurons;
    n = mesh_x * mesh_y;
    im->cores = calloc(n, sizeof *im->cores);
    if (!im->cores) {
        free(im);
        return NULL;
    }
    for (k = 0; k < n; k++) {
        nm_image_core *c = &im->cores[k];
        nm_neuron_cfg q;
        c->types = calloc(naxons / 16, 4);
        c->xbar = calloc((size_t)nneurons * naxons / 32, 4);
        c->neurons = calloc((size_t)nneurons * NM_NEURON_WORDS, 4);
        if (!c->types || !c->xbar || !c->neurons) {
            nm_image_free(im);
            return NULL;
        }
        memset(&q, 0, sizeof q);
        q.dest_delay = 1;
        for (j = 0; j < nneurons; j++)
            nm_neuron_pack(&q, &c->neurons[j * NM_NEURON_WORDS]);
    }
    return im;
}

/* ------------------------------------------------------------------ reading */

/* "byte N: what" into err, and return -1 */
#define FAIL(off, ...)                                                \
    do {                                                              \
        int n_ = snprintf(err, errlen, "byte %zu: ", (size_t)(off));  \
        if (n_ > 0 && (size_t)n_ < errlen)                            \
            snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__);     \
        return -1;                                                    \
    } while (0)

/* The header: 0 and the geometry, or -1 with "byte N: what". `len` is the file's size. */
static int parse_header(const uint8_t *buf, size_t len, unsigned *pmx, unsigned *pmy, unsigned *pna, unsigned *pnn,
                        char *err, size_t errlen)
{
    unsigned mx, my, na, nn;
    size_t sec;
    if (len < NM_IMAGE_HEADER_BYTES)
        FAIL(len, "file ends inside the %u-byte header (%zu bytes)", NM_IMAGE_HEADER_BYTES, len);
    if (memcmp(buf, header_magic, 4))
        FAIL(0, "not an nmemu image: magic is %02x %02x %02x %02x, expected 4e 4d 49 1a", buf[0], buf[1], buf[2],
             buf[3]);
    /* 1.0, and 1.1 (which adds the core type in the flags) */
    if (get16(buf + 4) != NM_IMAGE_VERSION_MAJOR || get16(buf + 6) > NM_IMAGE_VERSION_MINOR_MAX)
        FAIL(4, "version %u.%u, this reader knows %u.0 .. %u.%u", get16(buf + 4), get16(buf + 6),
             NM_IMAGE_VERSION_MAJOR, NM_IMAGE_VERSION_MAJOR, NM_IMAGE_VERSION_MINOR_MAX);
    if (get32(buf + 28) != crc(buf, 28))
        FAIL(28, "header CRC 0x%08x, computed 0x%08x", get32(buf + 28), crc(buf, 28));
    if (get16(buf + 6) >= 1 && (get32(buf + 16) & 0xffu) == 1u && !(get32(buf + 16) >> 8))
        FAIL(16, "core type 1: an image of Loihi-style cores (docs/image-format.md, \"Loihi images\"), "
                 "not of TrueNorth-style cores; nmemu reads it with nm_loihi_image_read");
    mx = get16(buf + 8);
    my = get16(buf + 10);
    na = get16(buf + 12);
    nn = get16(buf + 14);
    if (mx < 1 || mx > 64)
        FAIL(8, "mesh_x %u is outside 1..64", mx);
    if (my < 1 || my > 64)
        FAIL(10, "mesh_y %u is outside 1..64", my);
    if (!geometry_ok(mx, my, na, 1))
        FAIL(12, "naxons %u is not 32, 64, 128 or 256", na);
    if (nn < 1 || nn > 256)
        FAIL(14, "nneurons %u is outside 1..256", nn);
    if (get32(buf + 16))
        FAIL(16, "flags 0x%08x: %s", get32(buf + 16),
             get16(buf + 6) >= 1 ? "bits 7:0 are the core type (0 TrueNorth, 1 Loihi), the rest must be 0"
                                 : "no flag is defined in version 1.0, must be 0");
    sec = nm_image_section_bytes(na, nn);
    if (get32(buf + 20) != sec)
        FAIL(20, "section_bytes %u, expected %zu for %u axons x %u neurons", get32(buf + 20), sec, na, nn);
    if (get32(buf + 24))
        FAIL(24, "reserved word is 0x%08x, must be 0", get32(buf + 24));
    if (len != NM_IMAGE_HEADER_BYTES + (size_t)mx * my * sec)
        FAIL(len < NM_IMAGE_HEADER_BYTES + (size_t)mx * my * sec ? len : NM_IMAGE_HEADER_BYTES + (size_t)mx * my * sec,
             "file is %zu bytes, expected %zu for %u x %u cores", len, NM_IMAGE_HEADER_BYTES + (size_t)mx * my * sec,
             mx, my);
    *pmx = mx;
    *pmy = my;
    *pna = na;
    *pnn = nn;
    return 0;
}

/* Core section k (at file offset off) into c, whose arrays are allocated: 0, or -1 with
 * "byte N: what". full 0 skips the checks of each word and neuron (a section read again
 * after a full check, whose CRC still matches). */
static int parse_section(const uint8_t *s, size_t off, unsigned k, unsigned mx, unsigned na, unsigned nn,
                         nm_image_core *c, int full, char *err, size_t errlen)
{
    const size_t sec = nm_image_section_bytes(na, nn);
    size_t p = 16;
    unsigned w, j;
    if (memcmp(s, core_magic, 4))
        FAIL(off, "core section %u: magic is not \"CORE\"", k);
    if (get32(s + sec - 4) != crc(s, sec - 4))
        FAIL(off + sec - 4, "core (%u, %u): section CRC 0x%08x, computed 0x%08x", k % mx, k / mx, get32(s + sec - 4),
             crc(s, sec - 4));
    if (get16(s + 4) != k % mx || get16(s + 6) != k / mx)
        FAIL(off + 4, "section %u says core (%u, %u), expected (%u, %u)", k, get16(s + 4), get16(s + 6), k % mx,
             k / mx);
    if (get32(s + 12))
        FAIL(off + 12, "core (%u, %u): reserved word must be 0", k % mx, k / mx);
    c->prng_seed = get32(s + 8);
    for (w = 0; w < na / 16; w++, p += 4)
        c->types[w] = get32(s + p);
    for (w = 0; w < nn * na / 32; w++, p += 4)
        c->xbar[w] = get32(s + p);
    if (!full) {
        for (w = 0; w < nn * NM_NEURON_WORDS; w++, p += 4)
            c->neurons[w] = get32(s + p);
        return 0;
    }
    for (j = 0; j < nn; j++) {
        uint32_t *nw = &c->neurons[j * NM_NEURON_WORDS];
        nm_neuron_cfg cfg;
        char why[96];
        for (w = 0; w < NM_NEURON_WORDS; w++, p += 4) {
            nw[w] = get32(s + p);
            if (nw[w] & ~nm_neuron_word_mask(w))
                FAIL(off + p, "core (%u, %u) neuron %u word %u: reserved bits 0x%08x set", k % mx, k / mx, j, w,
                     nw[w] & ~nm_neuron_word_mask(w));
        }
        nm_neuron_unpack(nw, &cfg);
        if (nm_neuron_check(&cfg, why, sizeof why) != 0)
            FAIL(off + p - 4 * NM_NEURON_WORDS, "core (%u, %u) neuron %u: %s", k % mx, k / mx, j, why);
    }
    return 0;
}
#undef FAIL

nm_image *nm_image_parse(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    nm_image *im;
    unsigned mx, my, na, nn, k;
    size_t sec, off;
    static char dummy[1];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    if (parse_header(buf, len, &mx, &my, &na, &nn, err, errlen))
        return NULL;
    sec = nm_image_section_bytes(na, nn);
    im = nm_image_new(mx, my, na, nn);
    if (!im) {
        snprintf(err, errlen, "byte 0: out of memory");
        return NULL;
    }
    for (k = 0, off = NM_IMAGE_HEADER_BYTES; k < mx * my; k++, off += sec)
        if (parse_section(buf + off, off, k, mx, na, nn, &im->cores[k], 1, err, errlen)) {
            nm_image_free(im);
            return NULL;
        }
    return im;
}

nm_image *nm_image_read(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    nm_image *im;
    char why[256];
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    do {
        if (len == cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 65536;
            if (cap > ((size_t)1 << 34) || !(nb = realloc(buf, cap))) {
                snprintf(err, errlen, "%s: too large to read", path);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    im = nm_image_parse(buf, len, why, sizeof why);
    if (!im)
        snprintf(err, errlen, "%s: %s", path, why);
    free(buf);
    return im;
}

/* ------------------------------------------------------------------ streaming */

struct nm_image_stream {
    FILE *f;
    const nm_image *im;
    unsigned next;      /* the next core section in the file */
    int full;           /* check every word (nm_image_open), or the CRCs only */
    uint8_t *buf;       /* one section */
    nm_image_core core; /* its words */
};

void nm_image_stream_close(nm_image_stream *st)
{
    if (!st)
        return;
    if (st->f)
        fclose(st->f);
    free(st->buf);
    free(st->core.types);
    free(st->core.xbar);
    free(st->core.neurons);
    free(st);
}

nm_image_stream *nm_image_stream_open(const nm_image *im, char *err, size_t errlen)
{
    nm_image_stream *st;
    if (!im->path) {
        snprintf(err, errlen, "the image has no file to stream from");
        return NULL;
    }
    st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "%s: out of memory", im->path);
        return NULL;
    }
    st->im = im;
    st->buf = malloc(nm_image_section_bytes(im->naxons, im->nneurons));
    st->core.types = calloc(im->naxons / 16, 4);
    st->core.xbar = calloc((size_t)im->nneurons * im->naxons / 32, 4);
    st->core.neurons = calloc((size_t)im->nneurons * NM_NEURON_WORDS, 4);
    if (!st->buf || !st->core.types || !st->core.xbar || !st->core.neurons) {
        snprintf(err, errlen, "%s: out of memory", im->path);
        nm_image_stream_close(st);
        return NULL;
    }
    st->f = fopen(im->path, "rb");
    if (!st->f || fseek(st->f, NM_IMAGE_HEADER_BYTES, SEEK_SET)) {
        snprintf(err, errlen, "%s: %s", im->path, strerror(errno));
        nm_image_stream_close(st);
        return NULL;
    }
    return st;
}

const nm_image_core *nm_image_stream_next(nm_image_stream *st, char *err, size_t errlen)
{
    const nm_image *im = st->im;
    const size_t sec = nm_image_section_bytes(im->naxons, im->nneurons);
    const size_t off = NM_IMAGE_HEADER_BYTES + (size_t)st->next * sec;
    char why[256];
    if (st->next >= im->mesh_x * im->mesh_y) {
        snprintf(err, errlen, "%s: no core section after the last", im->path);
        return NULL;
    }
    if (fread(st->buf, 1, sec, st->f) != sec) {
        snprintf(err, errlen, "%s: byte %zu: file ends inside core section %u (changed since it was checked?)",
                 im->path, off, st->next);
        return NULL;
    }
    if (parse_section(st->buf, off, st->next, im->mesh_x, im->naxons, im->nneurons, &st->core, st->full, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", im->path, why);
        return NULL;
    }
    st->next++;
    return &st->core;
}

nm_image *nm_image_open(const char *path, char *err, size_t errlen)
{
    uint8_t h[NM_IMAGE_HEADER_BYTES];
    unsigned mx, my, na, nn, k;
    long size;
    FILE *f = fopen(path, "rb");
    nm_image *im;
    nm_image_stream *st;
    char why[256];
    size_t got;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        snprintf(err, errlen, "%s: cannot find the file's size: %s", path, strerror(errno));
        fclose(f);
        return NULL;
    }
    got = fread(h, 1, sizeof h, f);
    fclose(f);
    if (parse_header(h, got < sizeof h ? got : (size_t)size, &mx, &my, &na, &nn, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", path, why);
        return NULL;
    }
    im = calloc(1, sizeof *im);
    if (!im || !(im->path = malloc(strlen(path) + 1))) {
        snprintf(err, errlen, "%s: out of memory", path);
        free(im);
        return NULL;
    }
    memcpy(im->path, path, strlen(path) + 1);
    im->mesh_x = mx;
    im->mesh_y = my;
    im->naxons = na;
    im->nneurons = nn;
    /* every section checked now, so a bad image is refused before anything is loaded */
    st = nm_image_stream_open(im, err, errlen);
    if (st)
        st->full = 1;
    for (k = 0; st && k < mx * my; k++)
        if (!nm_image_stream_next(st, err, errlen)) {
            nm_image_stream_close(st);
            st = NULL;
        }
    if (!st) {
        nm_image_free(im);
        return NULL;
    }
    nm_image_stream_close(st);
    return im;
}

/* ------------------------------------------------------------------ writing */

uint8_t *nm_image_serialize(const nm_image *im, size_t *len, char *err, size_t errlen)
{
    size_t sec = nm_image_section_bytes(im->naxons, im->nneurons), total, off;
    unsigned k, w, ncores = im->mesh_x * im->mesh_y;
    uint8_t *b, *s;
    if (!geometry_ok(im->mesh_x, im->mesh_y, im->naxons, im->nneurons)) {
        snprintf(err, errlen, "invalid geometry");
        return NULL;
    }
    total = NM_IMAGE_HEADER_BYTES + ncores * sec;
    b = calloc(1, total);
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memcpy(b, header_magic, 4);
    put16(b + 4, NM_IMAGE_VERSION_MAJOR);
    put16(b + 6, NM_IMAGE_VERSION_MINOR);
    put16(b + 8, im->mesh_x);
    put16(b + 10, im->mesh_y);
    put16(b + 12, im->naxons);
    put16(b + 14, im->nneurons);
    put32(b + 20, (uint32_t)sec);
    put32(b + 28, crc(b, 28));
    for (k = 0, off = NM_IMAGE_HEADER_BYTES; k < ncores; k++, off += sec) {
        const nm_image_core *c = &im->cores[k];
        size_t p = 16;
        s = b + off;
        memcpy(s, core_magic, 4);
        put16(s + 4, k % im->mesh_x);
        put16(s + 6, k / im->mesh_x);
        put32(s + 8, c->prng_seed);
        for (w = 0; w < im->naxons / 16; w++, p += 4)
            put32(s + p, c->types[w]);
        for (w = 0; w < im->nneurons * im->naxons / 32; w++, p += 4)
            put32(s + p, c->xbar[w]);
        for (w = 0; w < im->nneurons * NM_NEURON_WORDS; w++, p += 4)
            put32(s + p, c->neurons[w]);
        put32(s + sec - 4, crc(s, sec - 4));
    }
    *len = total;
    return b;
}

int nm_image_write(const nm_image *im, const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    uint8_t *b = nm_image_serialize(im, &len, err, errlen);
    int rc;
    if (!b)
        return -1;
    rc = nm_out_write_file(path, b, len, err, errlen); /* never a half-written image (nm_output.h) */
    free(b);
    return rc;
}
