/* nm_image.c - reader and writer of .nmi images (docs/image-format.md). */
#include "nm_image.h"
#include "nm_prov.h"
#include "nm_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <zlib.h>

#include "nm_core_prog.h"

static const uint8_t header_magic[4] = {0x4e, 0x4d, 0x49, 0x1a};
static const uint8_t core_magic[4] = {0x43, 0x4f, 0x52, 0x45};
static const uint8_t board_magic[4] = {0x42, 0x4f, 0x52, 0x44};

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
    for (k = 0; im->cores && k < im->chip_images * im->mesh_x * im->mesh_y; k++) {
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
    free(im->prov);
    free(im);
}

nm_image_core *nm_image_chip(const nm_image *im, unsigned chip)
{
    if (!im->cores)
        return NULL;
    return im->cores + (size_t)(im->chip_images == 1 ? 0 : chip) * im->mesh_x * im->mesh_y;
}

int nm_image_is_board(const nm_image *im)
{
    return im->board_x * im->board_y > 1;
}

static int board_ok(unsigned bx, unsigned by)
{
    return bx >= 1 && bx <= NM_IMAGE_MAX_BOARD && by >= 1 && by <= NM_IMAGE_MAX_BOARD;
}

/* An image whose core words are allocated (and set to the disabled neuron) only for
 * the chip images in [lo, hi); the others keep NULL words (nm_image_read_chips). */
static nm_image *image_alloc(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons, unsigned bx,
                             unsigned by, unsigned chip_images, unsigned lo, unsigned hi)
{
    nm_image *im;
    unsigned k, j, n;
    if (!geometry_ok(mesh_x, mesh_y, naxons, nneurons) || !board_ok(bx, by))
        return NULL;
    im = calloc(1, sizeof *im);
    if (!im)
        return NULL;
    im->mesh_x = mesh_x;
    im->mesh_y = mesh_y;
    im->naxons = naxons;
    im->nneurons = nneurons;
    im->board_x = bx;
    im->board_y = by;
    im->chip_images = chip_images;
    n = mesh_x * mesh_y;
    im->cores = calloc((size_t)n * chip_images, sizeof *im->cores);
    if (!im->cores) {
        free(im);
        return NULL;
    }
    for (k = lo * n; k < hi * n; k++) {
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

nm_image *nm_image_new_board(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons, unsigned bx,
                             unsigned by, int repeat)
{
    unsigned n = repeat ? 1u : bx * by;
    return image_alloc(mesh_x, mesh_y, naxons, nneurons, bx, by, n, 0, n);
}

nm_image *nm_image_new(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons)
{
    return nm_image_new_board(mesh_x, mesh_y, naxons, nneurons, 1, 1, 1);
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

/* What the header and board section say. */
typedef struct geom {
    unsigned mx, my, na, nn, bx, by, nimg;
    size_t sec, hdr; /* bytes of a core section; bytes before the first one */
    size_t prov_at, prov_bytes; /* the provenance section after the cores (prov_bytes 0: none) */
} geom;

/* Bytes of a provenance section of n bytes of text (docs/image-format.md, "Provenance"). */
static size_t prov_section_bytes(size_t n)
{
    return 8 + ((n + 3) & ~(size_t)3) + 4;
}

/* The header and board section: 0 and the geometry, or -1 with "byte N: what". `len` is
 * the file's size; buf holds its first min(len, header + board section) bytes. */
static int parse_header(const uint8_t *buf, size_t len, geom *g, char *err, size_t errlen)
{
    unsigned mx, my, na, nn, bx = 1, by = 1, nimg = 1, flags;
    size_t sec, hdr = NM_IMAGE_HEADER_BYTES, total;
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
    flags = get32(buf + 16);
    /* bits 7:0 the core type (1.1; 0 here: TrueNorth-style), bit 8 the board section */
    if (flags & ~NM_IMAGE_FLAG_BOARD)
        FAIL(16, "flags 0x%08x: %s", flags,
             get16(buf + 6) >= 1 ? "bits 7:0 are the core type (0 TrueNorth, 1 Loihi), bit 8 the board section, "
                                   "the rest must be 0"
                                 : "only bit 8 (a board section follows) is defined in version 1.0");
    sec = nm_image_section_bytes(na, nn);
    if (get32(buf + 20) != sec)
        FAIL(20, "section_bytes %u, expected %zu for %u axons x %u neurons", get32(buf + 20), sec, na, nn);
    if (get32(buf + 24))
        FAIL(24, "reserved word is 0x%08x, must be 0", get32(buf + 24));
    if (flags & NM_IMAGE_FLAG_BOARD) {
        const uint8_t *bs = buf + NM_IMAGE_HEADER_BYTES;
        hdr += NM_IMAGE_BOARD_BYTES;
        if (len < hdr)
            FAIL(len, "file ends inside the %u-byte board section", NM_IMAGE_BOARD_BYTES);
        if (memcmp(bs, board_magic, 4))
            FAIL(32, "flags say a board section follows, but its magic is not \"BORD\"");
        if (get32(bs + 12) != crc(bs, 12))
            FAIL(44, "board section CRC 0x%08x, computed 0x%08x", get32(bs + 12), crc(bs, 12));
        bx = get16(bs + 4);
        by = get16(bs + 6);
        nimg = get16(bs + 8);
        if (bx < 1 || bx > NM_IMAGE_MAX_BOARD)
            FAIL(36, "board_x %u is outside 1..%u", bx, NM_IMAGE_MAX_BOARD);
        if (by < 1 || by > NM_IMAGE_MAX_BOARD)
            FAIL(38, "board_y %u is outside 1..%u", by, NM_IMAGE_MAX_BOARD);
        if (nimg != 1 && nimg != bx * by)
            FAIL(40, "chip_images %u: must be 1 (one chip repeated) or %u (board_x x board_y)", nimg, bx * by);
        if (get16(bs + 10))
            FAIL(42, "board section reserved half-word must be 0");
    }
    total = hdr + (size_t)nimg * mx * my * sec;
    /* the chip images, then nothing or a provenance section (checked by parse_prov) */
    if (len != total && (len < total + prov_section_bytes(1) || len > total + prov_section_bytes(NM_PROV_MAX))) {
        char chips[48] = "";
        if (flags & NM_IMAGE_FLAG_BOARD)
            snprintf(chips, sizeof chips, "%u chip image%s of ", nimg, nimg == 1 ? "" : "s");
        FAIL(len < total ? len : total, "file is %zu bytes, expected %zu for %s%u x %u cores (or those and a "
             "provenance section)", len, total, chips, mx, my);
    }
    g->prov_at = total;
    g->prov_bytes = len - total;
    g->mx = mx;
    g->my = my;
    g->na = na;
    g->nn = nn;
    g->bx = bx;
    g->by = by;
    g->nimg = nimg;
    g->sec = sec;
    g->hdr = hdr;
    return 0;
}

/* The provenance section (n bytes at file offset `at`) into *out (malloc'd text): 0, or -1
 * with "byte N: what". */
static int parse_prov(const uint8_t *s, size_t n, size_t at, char **out, char *err, size_t errlen)
{
    size_t pn = get32(s + 4), i;
    char why[160];
    if (memcmp(s, "PROV", 4))
        FAIL(at, "after the core sections: expected the end of the file or a provenance section (\"PROV\")");
    if (pn == 0 || pn > NM_PROV_MAX)
        FAIL(at + 4, "provenance text of %zu bytes: expected 1..%u", pn, NM_PROV_MAX);
    if (n != prov_section_bytes(pn))
        FAIL(at, "provenance section is %zu bytes, expected %zu for its %zu bytes of text", n,
             prov_section_bytes(pn), pn);
    if (get32(s + n - 4) != crc(s, n - 4))
        FAIL(at + n - 4, "provenance section CRC 0x%08x, computed 0x%08x", get32(s + n - 4), crc(s, n - 4));
    for (i = 8 + pn; i < n - 4; i++)
        if (s[i])
            FAIL(at + i, "provenance padding byte is 0x%02x, must be 0", s[i]);
    if (nm_prov_check((const char *)s + 8, pn, why, sizeof why))
        FAIL(at + 8, "%s", why);
    *out = malloc(pn + 1);
    if (!*out)
        FAIL(at, "out of memory");
    memcpy(*out, s + 8, pn);
    (*out)[pn] = 0;
    return 0;
}

/* Core section k of chip image ci (at file offset off) into c, whose arrays are
 * allocated: 0, or -1 with "byte N: what". full 0 skips the checks of each word and
 * neuron (a section read again after a full check, whose CRC still matches). */
static int parse_section(const uint8_t *s, size_t off, const geom *g, unsigned ci, unsigned k, nm_image_core *c,
                         int full, char *err, size_t errlen)
{
    const unsigned mx = g->mx, na = g->na, nn = g->nn;
    const size_t sec = g->sec;
    size_t p = 16;
    unsigned w, j;
    uint32_t mask[NM_NEURON_WORDS];
    char chip[32] = "";
    if (g->nimg > 1)
        snprintf(chip, sizeof chip, "chip %u ", ci);
    if (memcmp(s, core_magic, 4))
        FAIL(off, "%score section %u: magic is not \"CORE\"", chip, k);
    if (get32(s + sec - 4) != crc(s, sec - 4))
        FAIL(off + sec - 4, "%score (%u, %u): section CRC 0x%08x, computed 0x%08x", chip, k % mx, k / mx,
             get32(s + sec - 4), crc(s, sec - 4));
    if (get16(s + 4) != k % mx || get16(s + 6) != k / mx)
        FAIL(off + 4, "%ssection %u says core (%u, %u), expected (%u, %u)", chip, k, get16(s + 4), get16(s + 6),
             k % mx, k / mx);
    if (get32(s + 12))
        FAIL(off + 12, "%score (%u, %u): reserved word must be 0", chip, k % mx, k / mx);
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
    for (w = 0; w < NM_NEURON_WORDS; w++)
        mask[w] = nm_neuron_word_mask(w);
    for (j = 0; j < nn; j++) {
        uint32_t *nw = &c->neurons[j * NM_NEURON_WORDS];
        nm_neuron_cfg cfg;
        char why[96];
        for (w = 0; w < NM_NEURON_WORDS; w++, p += 4) {
            nw[w] = get32(s + p);
            if (nw[w] & ~mask[w])
                FAIL(off + p, "%score (%u, %u) neuron %u word %u: reserved bits 0x%08x set", chip, k % mx, k / mx, j,
                     w, nw[w] & ~mask[w]);
        }
        nm_neuron_unpack(nw, &cfg);
        if (nm_neuron_check(&cfg, why, sizeof why) != 0)
            FAIL(off + p - 4 * NM_NEURON_WORDS, "%score (%u, %u) neuron %u: %s", chip, k % mx, k / mx, j, why);
    }
    return 0;
}
#undef FAIL

/* [lo, hi) of the chip images first .. first + count - 1, clamped to the image's */
static void chip_range(const geom *g, unsigned first, unsigned count, unsigned *lo, unsigned *hi)
{
    *hi = first + count < first ? ~0u : first + count;
    if (*hi > g->nimg)
        *hi = g->nimg;
    *lo = first > *hi ? *hi : first;
}

/* Parse; the core words of chip images outside [first, first + count) are skipped (left
 * NULL) after the header, board section and file size are checked. */
static nm_image *parse(const uint8_t *buf, size_t len, unsigned first, unsigned count, char *err, size_t errlen)
{
    nm_image *im;
    geom g;
    unsigned k, ci, lo, hi;
    static char dummy[1];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    if (parse_header(buf, len, &g, err, errlen))
        return NULL;
    chip_range(&g, first, count, &lo, &hi);
    im = image_alloc(g.mx, g.my, g.na, g.nn, g.bx, g.by, g.nimg, lo, hi);
    if (!im) {
        snprintf(err, errlen, "byte 0: out of memory");
        return NULL;
    }
    if (g.prov_bytes && parse_prov(buf + g.prov_at, g.prov_bytes, g.prov_at, &im->prov, err, errlen)) {
        nm_image_free(im);
        return NULL;
    }
    for (ci = lo; ci < hi; ci++)
        for (k = 0; k < g.mx * g.my; k++) {
            size_t off = g.hdr + ((size_t)ci * g.mx * g.my + k) * g.sec;
            if (parse_section(buf + off, off, &g, ci, k, &im->cores[(size_t)ci * g.mx * g.my + k], 1, err, errlen)) {
                nm_image_free(im);
                return NULL;
            }
        }
    return im;
}

nm_image *nm_image_parse(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    return parse(buf, len, 0, ~0u, err, errlen);
}

/* The file's bytes: mapped when it is a regular file, else read whole. */
static uint8_t *file_bytes(const char *path, size_t *len, int *mapped, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, n;
    struct stat st;
    *len = 0;
    *mapped = 0;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
        if (m != MAP_FAILED) {
            fclose(f);
            *len = (size_t)st.st_size;
            *mapped = 1;
            return m;
        }
    }
    do {
        if (*len == cap) {
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
        n = fread(buf + *len, 1, cap - *len, f);
        *len += n;
    } while (n > 0);
    if (ferror(f)) {
        snprintf(err, errlen, "%s: read error", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    if (!buf && !(buf = malloc(1))) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    return buf;
}

nm_image *nm_image_read_chips(const char *path, unsigned first, unsigned count, char *err, size_t errlen)
{
    size_t len;
    int mapped;
    uint8_t *buf = file_bytes(path, &len, &mapped, err, errlen);
    nm_image *im;
    char why[256];
    if (!buf)
        return NULL;
    im = parse(buf, len, first, count, why, sizeof why);
    if (!im)
        snprintf(err, errlen, "%s: %s", path, why);
    if (mapped)
        munmap(buf, len);
    else
        free(buf);
    return im;
}

nm_image *nm_image_read(const char *path, char *err, size_t errlen)
{
    return nm_image_read_chips(path, 0, ~0u, err, errlen);
}

/* ------------------------------------------------------------------ streaming */

struct nm_image_stream {
    FILE *f;
    const nm_image *im;
    geom g;
    unsigned ci;        /* the chip image */
    unsigned next;      /* its next core section */
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

nm_image_stream *nm_image_stream_open(const nm_image *im, unsigned chip, char *err, size_t errlen)
{
    nm_image_stream *st;
    geom *g;
    if (!im->path) {
        snprintf(err, errlen, "the image has no file to stream from");
        return NULL;
    }
    if (chip >= im->board_x * im->board_y) {
        snprintf(err, errlen, "%s: chip %u is outside the board's %u chips", im->path, chip,
                 im->board_x * im->board_y);
        return NULL;
    }
    st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "%s: out of memory", im->path);
        return NULL;
    }
    st->im = im;
    g = &st->g;
    g->mx = im->mesh_x;
    g->my = im->mesh_y;
    g->na = im->naxons;
    g->nn = im->nneurons;
    g->bx = im->board_x;
    g->by = im->board_y;
    g->nimg = im->chip_images;
    g->sec = nm_image_section_bytes(im->naxons, im->nneurons);
    g->hdr = im->sections_at;
    st->ci = im->chip_images == 1 ? 0 : chip;
    if (st->ci < im->open_lo || st->ci >= im->open_hi) {
        snprintf(err, errlen, "%s: chip %u of the image was not read", im->path, chip);
        free(st);
        return NULL;
    }
    st->buf = malloc(g->sec);
    st->core.types = calloc(im->naxons / 16, 4);
    st->core.xbar = calloc((size_t)im->nneurons * im->naxons / 32, 4);
    st->core.neurons = calloc((size_t)im->nneurons * NM_NEURON_WORDS, 4);
    if (!st->buf || !st->core.types || !st->core.xbar || !st->core.neurons) {
        snprintf(err, errlen, "%s: out of memory", im->path);
        nm_image_stream_close(st);
        return NULL;
    }
    st->f = fopen(im->path, "rb");
    if (!st->f || fseeko(st->f, (off_t)(g->hdr + (size_t)st->ci * g->mx * g->my * g->sec), SEEK_SET)) {
        snprintf(err, errlen, "%s: %s", im->path, strerror(errno));
        nm_image_stream_close(st);
        return NULL;
    }
    return st;
}

const nm_image_core *nm_image_stream_next(nm_image_stream *st, char *err, size_t errlen)
{
    const geom *g = &st->g;
    const size_t off = g->hdr + ((size_t)st->ci * g->mx * g->my + st->next) * g->sec;
    char why[256];
    if (st->next >= g->mx * g->my) {
        snprintf(err, errlen, "%s: no core section after the last", st->im->path);
        return NULL;
    }
    if (fread(st->buf, 1, g->sec, st->f) != g->sec) {
        snprintf(err, errlen, "%s: byte %zu: file ends inside core section %u (changed since it was checked?)",
                 st->im->path, off, st->next);
        return NULL;
    }
    if (parse_section(st->buf, off, g, st->ci, st->next, &st->core, st->full, why, sizeof why)) {
        snprintf(err, errlen, "%s: %s", st->im->path, why);
        return NULL;
    }
    st->next++;
    return &st->core;
}

nm_image *nm_image_open_chips(const char *path, unsigned first, unsigned count, char *err, size_t errlen)
{
    uint8_t h[NM_IMAGE_HEADER_BYTES + NM_IMAGE_BOARD_BYTES];
    unsigned ci, k, lo, hi;
    struct stat sb;
    FILE *f = fopen(path, "rb");
    nm_image *im;
    geom g;
    char why[256];
    size_t got;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &sb) || !S_ISREG(sb.st_mode)) {
        /* a pipe or a device cannot be read twice (checked, then streamed): read whole */
        fclose(f);
        return nm_image_read_chips(path, first, count, err, errlen);
    }
    got = fread(h, 1, sizeof h, f);
    fclose(f);
    if (got < sizeof h && got != (size_t)sb.st_size) {
        snprintf(err, errlen, "%s: read error", path);
        return NULL;
    }
    if (parse_header(h, (size_t)sb.st_size, &g, why, sizeof why)) {
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
    im->mesh_x = g.mx;
    im->mesh_y = g.my;
    im->naxons = g.na;
    im->nneurons = g.nn;
    im->board_x = g.bx;
    im->board_y = g.by;
    im->chip_images = g.nimg;
    im->sections_at = g.hdr;
    if (g.prov_bytes) { /* the provenance section at the file's end: read and checked now */
        uint8_t *pb = malloc(g.prov_bytes);
        int bad = !pb || !(f = fopen(path, "rb"));
        if (!bad) {
            bad = fseeko(f, (off_t)g.prov_at, SEEK_SET) || fread(pb, 1, g.prov_bytes, f) != g.prov_bytes;
            fclose(f);
        }
        if (bad) {
            snprintf(err, errlen, "%s: %s", path, pb ? "cannot read its provenance section" : "out of memory");
            free(pb);
            nm_image_free(im);
            return NULL;
        }
        if (parse_prov(pb, g.prov_bytes, g.prov_at, &im->prov, why, sizeof why)) {
            snprintf(err, errlen, "%s: %s", path, why);
            free(pb);
            nm_image_free(im);
            return NULL;
        }
        free(pb);
    }
    chip_range(&g, first, count, &lo, &hi);
    im->open_lo = lo;
    im->open_hi = hi;
    /* every section checked now, so a bad image is refused before anything is loaded */
    for (ci = lo; ci < hi; ci++) {
        nm_image_stream *st = nm_image_stream_open(im, ci, err, errlen);
        if (st)
            st->full = 1;
        for (k = 0; st && k < g.mx * g.my; k++)
            if (!nm_image_stream_next(st, err, errlen)) {
                nm_image_stream_close(st);
                st = NULL;
            }
        if (!st) {
            nm_image_free(im);
            return NULL;
        }
        nm_image_stream_close(st);
    }
    return im;
}

nm_image *nm_image_open(const char *path, char *err, size_t errlen)
{
    return nm_image_open_chips(path, 0, ~0u, err, errlen);
}

/* ------------------------------------------------------------------ writing */

uint8_t *nm_image_serialize(const nm_image *im, size_t *len, char *err, size_t errlen)
{
    size_t sec = nm_image_section_bytes(im->naxons, im->nneurons), total, off, hdr = NM_IMAGE_HEADER_BYTES;
    size_t plen = im->prov ? strlen(im->prov) : 0;
    unsigned k, w, ncores = im->mesh_x * im->mesh_y, board = nm_image_is_board(im);
    uint8_t *b, *s;
    if (!geometry_ok(im->mesh_x, im->mesh_y, im->naxons, im->nneurons) || !board_ok(im->board_x, im->board_y) ||
        (im->chip_images != 1 && im->chip_images != im->board_x * im->board_y)) {
        snprintf(err, errlen, "invalid geometry");
        return NULL;
    }
    if (!im->cores) {
        snprintf(err, errlen, "the image is streamed from %s, not held: read it with nm_image_read",
                 im->path ? im->path : "a file");
        return NULL;
    }
    if (board)
        hdr += NM_IMAGE_BOARD_BYTES;
    else if (im->chip_images != 1) {
        snprintf(err, errlen, "invalid geometry");
        return NULL;
    }
    ncores *= im->chip_images;
    total = hdr + ncores * sec;
    if (plen) {
        char why[160];
        if (nm_prov_check(im->prov, plen, why, sizeof why)) {
            snprintf(err, errlen, "image not writable: %s", why);
            return NULL;
        }
    }
    b = calloc(1, total + (plen ? prov_section_bytes(plen) : 0));
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
    put32(b + 16, board ? NM_IMAGE_FLAG_BOARD : 0);
    put32(b + 20, (uint32_t)sec);
    put32(b + 28, crc(b, 28));
    if (board) {
        s = b + NM_IMAGE_HEADER_BYTES;
        memcpy(s, board_magic, 4);
        put16(s + 4, im->board_x);
        put16(s + 6, im->board_y);
        put16(s + 8, im->chip_images);
        put32(s + 12, crc(s, 12));
    }
    for (k = 0, off = hdr; k < ncores; k++, off += sec) {
        const nm_image_core *c = &im->cores[k];
        size_t p = 16;
        s = b + off;
        memcpy(s, core_magic, 4);
        if (!c->types) {
            snprintf(err, errlen, "image holds only part of its chips");
            free(b);
            return NULL;
        }
        put16(s + 4, k % (im->mesh_x * im->mesh_y) % im->mesh_x);
        put16(s + 6, k % (im->mesh_x * im->mesh_y) / im->mesh_x);
        put32(s + 8, c->prng_seed);
        for (w = 0; w < im->naxons / 16; w++, p += 4)
            put32(s + p, c->types[w]);
        for (w = 0; w < im->nneurons * im->naxons / 32; w++, p += 4)
            put32(s + p, c->xbar[w]);
        for (w = 0; w < im->nneurons * NM_NEURON_WORDS; w++, p += 4)
            put32(s + p, c->neurons[w]);
        put32(s + sec - 4, crc(s, sec - 4));
    }
    if (plen) { /* the provenance section (docs/image-format.md) */
        size_t ps = prov_section_bytes(plen);
        s = b + total;
        memcpy(s, "PROV", 4);
        put32(s + 4, (uint32_t)plen);
        memcpy(s + 8, im->prov, plen);
        put32(s + ps - 4, crc(s, ps - 4));
        total += ps;
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
