/* nm_loihi_image.c - reader and writer of Loihi-core images (.nmi 1.1, core type 1; docs/image-format.md). */
#include "nm_loihi_image.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "nm_loihi_regmap.h"
#include "nm_prov.h"

static const uint8_t header_magic[4] = {0x4e, 0x4d, 0x49, 0x1a};
static const uint8_t core_magic[4] = {0x4c, 0x43, 0x4f, 0x52}; /* "LCOR" */
static const uint8_t prov_magic[4] = {0x50, 0x52, 0x4f, 0x56}; /* "PROV" */

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

#define MASK_OF(R, F) ((uint32_t)NML_##R##_##F##_MASK << NML_##R##_##F##_LSB)

static const uint32_t DPROF_MASK = MASK_OF(DPROF_CFG, DU) | MASK_OF(DPROF_CFG, DV) | MASK_OF(DPROF_CFG, REFRACT);
static const uint32_t TPROF_MASK = MASK_OF(TPROF_CFG, VTH_MANT);
static const uint32_t SYNFMT_MASK = MASK_OF(SYNFMT_CFG, SIGN) | MASK_OF(SYNFMT_CFG, NBITS_M1) | MASK_OF(SYNFMT_CFG, WGT_EXP);
static const uint32_t CX_MASK[NM_LOIHI_IMAGE_CX_WORDS] = {
    MASK_OF(CX_CFG, DPROF) | MASK_OF(CX_CFG, TPROF) | MASK_OF(CX_CFG, BIAS_EXP) | MASK_OF(CX_CFG, BIAS_MANT),
    MASK_OF(CX_AXMAP, BASE) | MASK_OF(CX_AXMAP, LEN),
    MASK_OF(CX_U, U),
    MASK_OF(CX_V, V),
    MASK_OF(CX_REF, CNT),
};
static const unsigned CX_REG[NM_LOIHI_IMAGE_CX_WORDS] = {NML_CX_CFG, NML_CX_AXMAP, NML_CX_U, NML_CX_V, NML_CX_REF};
static const uint32_t INAXON_MASK = MASK_OF(INAXON_CFG, BASE) | MASK_OF(INAXON_CFG, LEN) | MASK_OF(INAXON_CFG, FMT);
static const uint32_t SYN_MASK = MASK_OF(SYN_WORD, COMP) | MASK_OF(SYN_WORD, WGT) | MASK_OF(SYN_WORD, DELAY);
static const uint32_t AXMAP_MASK = MASK_OF(AXMAP_ENTRY, AXON) | MASK_OF(AXMAP_ENTRY, DX) | MASK_OF(AXMAP_ENTRY, DY);

void nm_loihi_image_layout_of(const nm_loihi_geom *g, nm_loihi_image_layout *l)
{
    l->nupd = 0;
    l->dprof = 1;
    l->tprof = l->dprof + g->ndprof;
    l->synfmt = l->tprof + g->ntprof;
    l->cx = l->synfmt + g->nsynfmt;
    l->inaxon = l->cx + (size_t)NM_LOIHI_IMAGE_CX_WORDS * g->ncomp;
    l->syn = l->inaxon + g->naxin;
    l->axmap = l->syn + g->nsyn;
    l->nwords = l->axmap + g->naxout;
}

size_t nm_loihi_image_section_bytes(const nm_loihi_geom *g)
{
    nm_loihi_image_layout l;
    nm_loihi_image_layout_of(g, &l);
    return 16u + 4u * l.nwords + 4u;
}

/* The mask of word i of a section (which fields it may set); its config address in *addr. */
static uint32_t word_info(const nm_loihi_image_layout *l, size_t i, uint32_t *addr)
{
    if (i == l->nupd) {
        *addr = NML_ADDR(NML_REGION_CTRL, NML_CTRL_NUPD);
        return NML_CTRL_NUPD_COUNT_MASK;
    }
    if (i < l->tprof) {
        *addr = NML_ADDR(NML_REGION_DPROF, i - l->dprof);
        return DPROF_MASK;
    }
    if (i < l->synfmt) {
        *addr = NML_ADDR(NML_REGION_TPROF, i - l->tprof);
        return TPROF_MASK;
    }
    if (i < l->cx) {
        *addr = NML_ADDR(NML_REGION_SYNFMT, i - l->synfmt);
        return SYNFMT_MASK;
    }
    if (i < l->inaxon) {
        size_t n = (i - l->cx) / NM_LOIHI_IMAGE_CX_WORDS, k = (i - l->cx) % NM_LOIHI_IMAGE_CX_WORDS;
        *addr = NML_ADDR(NML_REGION_CX, n * NML_CX_STRIDE + CX_REG[k]);
        return CX_MASK[k];
    }
    if (i < l->syn) {
        *addr = NML_ADDR(NML_REGION_INAXON, i - l->inaxon);
        return INAXON_MASK;
    }
    if (i < l->axmap) {
        *addr = NML_ADDR(NML_REGION_SYN, i - l->syn);
        return SYN_MASK;
    }
    *addr = NML_ADDR(NML_REGION_AXMAP, i - l->axmap);
    return AXMAP_MASK;
}

static const char *word_name(const nm_loihi_image_layout *l, size_t i, char *buf, size_t len)
{
    static const char *const cxw[NM_LOIHI_IMAGE_CX_WORDS] = {"CFG", "AXMAP", "U", "V", "REF"};
    if (i == l->nupd)
        snprintf(buf, len, "NUPD");
    else if (i < l->tprof)
        snprintf(buf, len, "DPROF[%zu]", i - l->dprof);
    else if (i < l->synfmt)
        snprintf(buf, len, "TPROF[%zu]", i - l->tprof);
    else if (i < l->cx)
        snprintf(buf, len, "SYNFMT[%zu]", i - l->synfmt);
    else if (i < l->inaxon)
        snprintf(buf, len, "CX[%zu].%s", (i - l->cx) / NM_LOIHI_IMAGE_CX_WORDS,
                 cxw[(i - l->cx) % NM_LOIHI_IMAGE_CX_WORDS]);
    else if (i < l->syn)
        snprintf(buf, len, "INAXON[%zu]", i - l->inaxon);
    else if (i < l->axmap)
        snprintf(buf, len, "SYN[%zu]", i - l->syn);
    else
        snprintf(buf, len, "AXMAP[%zu]", i - l->axmap);
    return buf;
}

/* ------------------------------------------------------------------ life cycle */

void nm_loihi_image_free(nm_loihi_image *im)
{
    unsigned k;
    if (!im)
        return;
    for (k = 0; im->words && k < im->mesh_x * im->mesh_y; k++)
        free(im->words[k]);
    free(im->words);
    free(im->prov);
    free(im);
}

nm_loihi_image *nm_loihi_image_new(unsigned mesh_x, unsigned mesh_y, const nm_loihi_geom *g, char *msg, size_t len)
{
    nm_loihi_image *im;
    nm_loihi_image_layout l;
    unsigned k, f;
    if (mesh_x < 1 || mesh_x > 64 || mesh_y < 1 || mesh_y > 64) {
        if (msg && len)
            snprintf(msg, len, "mesh %u x %u: expected 1 .. 64 each way", mesh_x, mesh_y);
        return NULL;
    }
    if (nm_loihi_geom_check(g, msg, len) != NM_OK)
        return NULL;
    nm_loihi_image_layout_of(g, &l);
    im = calloc(1, sizeof *im);
    if (!im)
        goto nomem;
    im->mesh_x = mesh_x;
    im->mesh_y = mesh_y;
    im->g = *g;
    im->words = calloc((size_t)mesh_x * mesh_y, sizeof *im->words);
    if (!im->words)
        goto nomem;
    for (k = 0; k < mesh_x * mesh_y; k++) {
        uint32_t *w = calloc(l.nwords, sizeof *w);
        if (!w)
            goto nomem;
        im->words[k] = w;
        w[l.nupd] = NML_CTRL_NUPD_COUNT_RESET;
        for (f = 0; f < g->nsynfmt; f++)
            w[l.synfmt + f] = (uint32_t)NML_SYNFMT_CFG_NBITS_M1_RESET << NML_SYNFMT_CFG_NBITS_M1_LSB;
    }
    return im;
nomem:
    nm_loihi_image_free(im);
    if (msg && len)
        snprintf(msg, len, "out of memory");
    return NULL;
}

/* ------------------------------------------------------------------ provenance */

int nm_loihi_prov_check(const char *text, size_t len, char *err, size_t errlen)
{
    return nm_prov_check(text, len, err, errlen);
}

int nm_loihi_image_set_prov(nm_loihi_image *im, const char *text, char *err, size_t errlen)
{
    char *c = NULL;
    size_t n = text ? strlen(text) : 0;
    if (n) {
        if (nm_loihi_prov_check(text, n, err, errlen))
            return -1;
        c = malloc(n + 1);
        if (!c) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        memcpy(c, text, n + 1);
    }
    free(im->prov);
    im->prov = c;
    return 0;
}

unsigned nm_loihi_image_cores_used(const nm_loihi_image *im)
{
    nm_loihi_image_layout l;
    unsigned k, a, used = 0;
    nm_loihi_image_layout_of(&im->g, &l);
    for (k = 0; k < im->mesh_x * im->mesh_y; k++) {
        const uint32_t *w = im->words[k];
        int u = (w[l.nupd] & NML_CTRL_NUPD_COUNT_MASK) != 0;
        for (a = 0; a < im->g.naxin && !u; a++)
            u = ((w[l.inaxon + a] >> NML_INAXON_CFG_LEN_LSB) & NML_INAXON_CFG_LEN_MASK) != 0;
        used += (unsigned)u;
    }
    return used;
}

/* Bytes of the provenance section for text of n bytes. */
static size_t prov_section_bytes(size_t n)
{
    return 8u + ((n + 3u) & ~(size_t)3u) + 4u;
}

/* ------------------------------------------------------------------ reading */

int nm_loihi_image_sniff(const uint8_t *buf, size_t len)
{
    return len >= 32 && !memcmp(buf, header_magic, 4) && get16(buf + 4) == 1 && get16(buf + 6) == 1 &&
           (get32(buf + 16) & 0xffu) == NM_LOIHI_IMAGE_CORE_TYPE;
}

int nm_loihi_image_sniff_file(const char *path)
{
    uint8_t b[32];
    struct stat st;
    FILE *f;
    size_t n;
    /* only a regular file: opening a FIFO given as an output would block */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !(f = fopen(path, "rb")))
        return 0;
    n = fread(b, 1, sizeof b, f);
    fclose(f);
    return nm_loihi_image_sniff(b, n);
}

#define FAIL(off, ...)                                                \
    do {                                                              \
        int n_ = snprintf(err, errlen, "byte %zu: ", (size_t)(off));  \
        if (n_ > 0 && (size_t)n_ < errlen)                            \
            snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__);     \
        nm_loihi_image_free(im);                                      \
        return NULL;                                                  \
    } while (0)

nm_loihi_image *nm_loihi_image_parse(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    nm_loihi_image *im = NULL;
    nm_loihi_geom g;
    nm_loihi_image_layout l;
    unsigned mx, my, k;
    size_t sec, off, total, i;
    char msg[160];
    static char dummy[1];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    if (len < NM_LOIHI_IMAGE_HEADER_BYTES)
        FAIL(len, "file ends inside the %u-byte header and geometry block (%zu bytes)", NM_LOIHI_IMAGE_HEADER_BYTES,
             len);
    if (memcmp(buf, header_magic, 4))
        FAIL(0, "not an nmemu image: magic is %02x %02x %02x %02x, expected 4e 4d 49 1a", buf[0], buf[1], buf[2],
             buf[3]);
    if (get16(buf + 4) != 1 || get16(buf + 6) != 1)
        FAIL(4, "version %u.%u: Loihi-core images are version 1.1", get16(buf + 4), get16(buf + 6));
    if (get32(buf + 28) != crc(buf, 28))
        FAIL(28, "header CRC 0x%08x, computed 0x%08x", get32(buf + 28), crc(buf, 28));
    if (get32(buf + 16) != NM_LOIHI_IMAGE_CORE_TYPE)
        FAIL(16, "flags 0x%08x: expected core type 1 (Loihi) in bits 7:0 and no other bit", get32(buf + 16));
    if (get32(buf + 24))
        FAIL(24, "reserved word is 0x%08x, must be 0", get32(buf + 24));
    if (get32(buf + 44) != crc(buf + 32, 12))
        FAIL(44, "geometry block CRC 0x%08x, computed 0x%08x", get32(buf + 44), crc(buf + 32, 12));
    mx = get16(buf + 8);
    my = get16(buf + 10);
    if (mx < 1 || mx > 64)
        FAIL(8, "mesh_x %u is outside 1..64", mx);
    if (my < 1 || my > 64)
        FAIL(10, "mesh_y %u is outside 1..64", my);
    g.ncomp = get16(buf + 12);
    g.naxin = get16(buf + 14);
    g.naxout = get16(buf + 32);
    g.nsyn = get16(buf + 34);
    g.ndslot = buf[36];
    g.ndprof = buf[37];
    g.ntprof = buf[38];
    g.nsynfmt = buf[39];
    g.inq = get16(buf + 40);
    if (get16(buf + 42))
        FAIL(42, "reserved geometry field is %u, must be 0", get16(buf + 42));
    if (nm_loihi_geom_check(&g, msg, sizeof msg) != NM_OK)
        FAIL(12, "%s", msg);
    sec = nm_loihi_image_section_bytes(&g);
    if (get32(buf + 20) != sec)
        FAIL(20, "section_bytes %u, expected %zu for this geometry", get32(buf + 20), sec);
    total = NM_LOIHI_IMAGE_HEADER_BYTES + (size_t)mx * my * sec;
    /* the core sections, then nothing or one provenance section */
    if (len < total || (len > total && (len - total < 12 || memcmp(buf + total, prov_magic, 4))))
        FAIL(len < total ? len : total, "file is %zu bytes, expected %zu for %u x %u cores (or those and a "
             "provenance section starting \"PROV\")", len, total, mx, my);
    if (len > total) {
        const uint8_t *s = buf + total;
        size_t n = get32(s + 4), want;
        if (n > NM_LOIHI_PROV_MAX || n == 0)
            FAIL(total + 4, "provenance text of %zu bytes: expected 1..%u", n, NM_LOIHI_PROV_MAX);
        want = prov_section_bytes(n);
        if (len - total != want)
            FAIL(total, "provenance section is %zu bytes, expected %zu for its %zu bytes of text", len - total, want,
                 n);
        if (get32(s + want - 4) != crc(s, want - 4))
            FAIL(total + want - 4, "provenance section CRC 0x%08x, computed 0x%08x", get32(s + want - 4),
                 crc(s, want - 4));
        for (i = 8 + n; i < want - 4; i++)
            if (s[i])
                FAIL(total + i, "provenance padding byte is 0x%02x, must be 0", s[i]);
        if (nm_loihi_prov_check((const char *)s + 8, n, msg, sizeof msg))
            FAIL(total + 8, "%s", msg);
    }
    im = nm_loihi_image_new(mx, my, &g, msg, sizeof msg);
    if (!im)
        FAIL(0, "%s", msg);
    nm_loihi_image_layout_of(&g, &l);
    for (k = 0, off = NM_LOIHI_IMAGE_HEADER_BYTES; k < mx * my; k++, off += sec) {
        const uint8_t *s = buf + off;
        if (memcmp(s, core_magic, 4))
            FAIL(off, "core section %u: magic is not \"LCOR\"", k);
        if (get32(s + sec - 4) != crc(s, sec - 4))
            FAIL(off + sec - 4, "core (%u, %u): section CRC 0x%08x, computed 0x%08x", k % mx, k / mx,
                 get32(s + sec - 4), crc(s, sec - 4));
        if (get16(s + 4) != k % mx || get16(s + 6) != k / mx)
            FAIL(off + 4, "section %u says core (%u, %u), expected (%u, %u)", k, get16(s + 4), get16(s + 6), k % mx,
                 k / mx);
        if (get32(s + 8) || get32(s + 12))
            FAIL(off + 8, "core (%u, %u): reserved words must be 0", k % mx, k / mx);
        for (i = 0; i < l.nwords; i++) {
            uint32_t addr, v = get32(s + 16 + 4 * i), m = word_info(&l, i, &addr);
            if (v & ~m) {
                char nm[48];
                FAIL(off + 16 + 4 * i, "core (%u, %u) %s = 0x%08x sets reserved bits 0x%08x", k % mx, k / mx,
                     word_name(&l, i, nm, sizeof nm), v, v & ~m);
            }
            im->words[k][i] = v;
        }
    }
    if (len > total) {
        size_t n = get32(buf + total + 4);
        im->prov = malloc(n + 1);
        if (!im->prov)
            FAIL(total, "out of memory");
        memcpy(im->prov, buf + total + 8, n);
        im->prov[n] = 0;
    }
    return im;
}

nm_loihi_image *nm_loihi_image_read(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;
    nm_loihi_image *im;
    char e[400];
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        snprintf(err, errlen, "%s: cannot determine its size", path);
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        snprintf(err, errlen, "%s: read failed", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    im = nm_loihi_image_parse(buf, (size_t)n, e, sizeof e);
    free(buf);
    if (!im)
        snprintf(err, errlen, "%s: %s", path, e);
    return im;
}

/* ------------------------------------------------------------------ writing */

uint8_t *nm_loihi_image_serialize(const nm_loihi_image *im, size_t *len, char *err, size_t errlen)
{
    nm_loihi_image_layout l;
    size_t sec, total, i, plen;
    unsigned k, n;
    uint8_t *b;
    char msg[160];
    if (nm_loihi_geom_check(&im->g, msg, sizeof msg) != NM_OK || im->mesh_x < 1 || im->mesh_x > 64 ||
        im->mesh_y < 1 || im->mesh_y > 64) {
        snprintf(err, errlen, "image not writable: %s", msg);
        return NULL;
    }
    nm_loihi_image_layout_of(&im->g, &l);
    sec = nm_loihi_image_section_bytes(&im->g);
    n = im->mesh_x * im->mesh_y;
    total = NM_LOIHI_IMAGE_HEADER_BYTES + (size_t)n * sec;
    plen = im->prov ? strlen(im->prov) : 0;
    if (plen && nm_loihi_prov_check(im->prov, plen, msg, sizeof msg)) {
        snprintf(err, errlen, "image not writable: %s", msg);
        return NULL;
    }
    b = calloc(1, total + (plen ? prov_section_bytes(plen) : 0));
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memcpy(b, header_magic, 4);
    put16(b + 4, 1);
    put16(b + 6, 1);
    put16(b + 8, im->mesh_x);
    put16(b + 10, im->mesh_y);
    put16(b + 12, im->g.ncomp);
    put16(b + 14, im->g.naxin);
    put32(b + 16, NM_LOIHI_IMAGE_CORE_TYPE);
    put32(b + 20, (uint32_t)sec);
    put32(b + 28, crc(b, 28));
    put16(b + 32, im->g.naxout);
    put16(b + 34, im->g.nsyn);
    b[36] = (uint8_t)im->g.ndslot;
    b[37] = (uint8_t)im->g.ndprof;
    b[38] = (uint8_t)im->g.ntprof;
    b[39] = (uint8_t)im->g.nsynfmt;
    put16(b + 40, im->g.inq);
    put32(b + 44, crc(b + 32, 12));
    for (k = 0; k < n; k++) {
        uint8_t *s = b + NM_LOIHI_IMAGE_HEADER_BYTES + (size_t)k * sec;
        memcpy(s, core_magic, 4);
        put16(s + 4, k % im->mesh_x);
        put16(s + 6, k / im->mesh_x);
        for (i = 0; i < l.nwords; i++) {
            uint32_t addr, m = word_info(&l, i, &addr);
            if (im->words[k][i] & ~m) {
                char nm[48];
                snprintf(err, errlen, "core %u: %s = 0x%08x sets reserved bits", k, word_name(&l, i, nm, sizeof nm),
                         im->words[k][i]);
                free(b);
                return NULL;
            }
            put32(s + 16 + 4 * i, im->words[k][i]);
        }
        put32(s + sec - 4, crc(s, sec - 4));
    }
    if (plen) {
        uint8_t *s = b + total;
        size_t ps = prov_section_bytes(plen);
        memcpy(s, prov_magic, 4);
        put32(s + 4, (uint32_t)plen);
        memcpy(s + 8, im->prov, plen);
        put32(s + ps - 4, crc(s, ps - 4));
        total += ps;
    }
    *len = total;
    return b;
}

int nm_loihi_image_write(const nm_loihi_image *im, const char *path, char *err, size_t errlen)
{
    size_t n;
    uint8_t *b = nm_loihi_image_serialize(im, &n, err, errlen);
    char tmp[4096];
    FILE *f;
    if (!b)
        return -1;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (!f || fwrite(b, 1, n, f) != n || fclose(f)) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        if (f)
            remove(tmp);
        free(b);
        return -1;
    }
    free(b);
    if (rename(tmp, path)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ loading */

uint32_t nm_loihi_image_word_addr(const nm_loihi_image_layout *l, size_t i)
{
    uint32_t addr = 0;
    word_info(l, i, &addr);
    return addr;
}

nm_loihi_chip *nm_loihi_image_load(const nm_loihi_image *im, char *err, size_t errlen)
{
    nm_loihi_image_layout l;
    nm_loihi_chip *chip = nm_loihi_chip_new(im->mesh_x, im->mesh_y, &im->g, err, errlen);
    unsigned k;
    size_t i;
    if (!chip)
        return NULL;
    nm_loihi_image_layout_of(&im->g, &l);
    for (k = 0; k < im->mesh_x * im->mesh_y; k++) {
        nm_loihi_ref *c = nm_loihi_chip_core(chip, k);
        for (i = 0; i < l.nwords; i++) {
            uint32_t addr;
            int rc;
            word_info(&l, i, &addr);
            rc = nm_loihi_ref_cfg_write(c, addr, im->words[k][i]);
            if (rc != NM_OK) {
                char nm[48];
                snprintf(err, errlen, "core %u: writing %s: %s", k, word_name(&l, i, nm, sizeof nm),
                         nm_loihi_strerror(rc));
                nm_loihi_chip_free(chip);
                return NULL;
            }
        }
    }
    return chip;
}
